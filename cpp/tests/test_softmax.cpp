// Multinomial logistic regression (objectives/softmax.hpp): the loss against
// logsumexp(z) - z_label written plainly, the gradient against central differences on dense
// and CSR X (the four-row loop and the remainder), the intercept row held without
// fit_intercept, and a stable log-sum-exp at huge logits.
#include <descend/objectives/softmax.hpp>

#include <cmath>
#include <vector>

#include "linear_data.hpp"

constexpr std::size_t K = 3;

template <class Matrix>
static descend::Softmax<double, Matrix> softmax_on(const LinearData& d, const Matrix& X,
                                                   bool weighted, bool fit_intercept = true) {
    auto softmax =
        linear_objective<descend::Softmax>(d, X, d.label.data(), weighted, fit_intercept);
    softmax.n_classes = K;
    return softmax;
}

// theta[(j + 1) K + k] = W_jk, theta[k] = b_k; values spread over [-1.2, 1.2].
static std::vector<double> theta_for(std::size_t n) {
    std::vector<double> theta;
    for (std::size_t p = 0; p < (n + 1) * K; ++p)
        theta.push_back(1.2 * std::sin(1.7 * static_cast<double>(p) + 0.3));
    return theta;
}

TEST_CASE(softmax_loss_is_logsumexp_minus_the_label_logit) {
    const LinearData d(7, 4, K, 21);
    const std::vector<double> theta = theta_for(4);
    const auto softmax = softmax_on(d, d.dense(), true);
    CHECK_EQ(softmax.n_params(), 5 * K);
    CHECK_EQ(softmax.n_intercepts(), K);
    double expected = 0.0;
    for (std::size_t i = 0; i < d.m; ++i) {
        double z[K], sum = 0.0;
        for (std::size_t k = 0; k < K; ++k) {
            z[k] = theta[k];
            for (std::size_t j = 0; j < 4; ++j) z[k] += d.X[i * 4 + j] * theta[(j + 1) * K + k];
            sum += std::exp(z[k]);
        }
        expected += d.weight[i] * (std::log(sum) - z[d.label[i]]);
    }
    expected /= static_cast<double>(d.m) * d.mean_weight();
    std::vector<double> grad(5 * K);
    CHECK_CLOSE(softmax.loss_and_gradient(nullptr, d.m, theta.data(), grad.data()), expected, 1e-14);
}

TEST_CASE(softmax_gradient_matches_central_differences_dense_and_csr) {
    const LinearData d(11, 5, K, 22);
    const std::vector<double> theta = theta_for(5);
    const std::vector<std::size_t> batch = {10, 3, 3, 0, 7, 5};
    for (const bool weighted : {false, true}) {
        check_gradient_by_differences(softmax_on(d, d.dense(), weighted), theta, {}, 1e-8);
        check_gradient_by_differences(softmax_on(d, d.dense(), weighted), theta, batch, 1e-8);
        check_gradient_by_differences(softmax_on(d, d.csr(), weighted), theta, {}, 1e-8);
        check_gradient_by_differences(softmax_on(d, d.csr(), weighted), theta, batch, 1e-8);
    }
    std::vector<double> g_dense(6 * K), g_sparse(6 * K);
    CHECK_CLOSE(softmax_on(d, d.csr(), true).loss_and_gradient(batch.data(), batch.size(), theta.data(), g_sparse.data()),
                softmax_on(d, d.dense(), true).loss_and_gradient(batch.data(), batch.size(), theta.data(), g_dense.data()),
                1e-14);
    for (std::size_t p = 0; p < 6 * K; ++p) CHECK_CLOSE(g_sparse[p], g_dense[p], 1e-14);
}

TEST_CASE(softmax_without_intercept_holds_row_0) {
    const LinearData d(6, 3, K, 23);
    std::vector<double> theta = theta_for(3);
    for (std::size_t k = 0; k < K; ++k) theta[k] = 0.0;
    const auto softmax = softmax_on(d, d.dense(), false, false);
    std::vector<double> grad(4 * K);
    softmax.loss_and_gradient(nullptr, d.m, theta.data(), grad.data());
    for (std::size_t k = 0; k < K; ++k) CHECK(grad[k] == 0.0);
    check_gradient_by_differences(softmax, theta, {}, 1e-8);  // the coefficients still right
}

TEST_CASE(softmax_row_is_stable_at_huge_logits) {
    // z = (1000, -1000, 999), label 2: l = logsumexp - 999 = log(1 + e^-1) + 1 (the e^-2000 term
    // vanishes); p = (1, 0, e^-1) / (1 + e^-1).
    double z[3] = {1000.0, -1000.0, 999.0};
    const double loss = descend::softmax_row(z, 3, 2, 2.0);  // weight 2
    const double e = std::exp(-1.0);
    CHECK_CLOSE(loss, 2.0 * (1.0 + std::log1p(e)), 1e-15);
    CHECK_CLOSE(z[0], 2.0 / (1.0 + e), 1e-15);
    CHECK(z[1] == 0.0);
    CHECK_CLOSE(z[2], 2.0 * (e / (1.0 + e) - 1.0), 1e-15);
}

TEST_CASE(softmax_on_csr_with_int64_indices_and_an_empty_row) {
    // Row 3 of the dense matrix zeroed, so that its CSR row stores nothing; int64 indices.
    LinearData d(8, 4, K, 24);
    for (std::size_t j = 0; j < 4; ++j) d.X[3 * 4 + j] = 0.0;
    std::vector<double> data;
    std::vector<std::int64_t> indices, indptr = {0};
    for (std::size_t i = 0; i < d.m; ++i) {
        for (std::size_t j = 0; j < 4; ++j) {
            if (d.X[i * 4 + j] == 0.0) continue;
            data.push_back(d.X[i * 4 + j]);
            indices.push_back(static_cast<std::int64_t>(j));
        }
        indptr.push_back(static_cast<std::int64_t>(data.size()));
    }
    CHECK(indptr[3] == indptr[4]);
    const descend::CsrView<double, std::int64_t> csr{data.data(), indices.data(), indptr.data(), d.m, 4};
    const std::vector<double> theta = theta_for(4);
    std::vector<double> g_dense(5 * K), g_sparse(5 * K);
    CHECK_CLOSE(softmax_on(d, csr, true).loss_and_gradient(nullptr, d.m, theta.data(), g_sparse.data()),
                softmax_on(d, d.dense(), true).loss_and_gradient(nullptr, d.m, theta.data(), g_dense.data()),
                1e-14);
    for (std::size_t p = 0; p < 5 * K; ++p) CHECK_CLOSE(g_sparse[p], g_dense[p], 1e-14);
    check_gradient_by_differences(softmax_on(d, csr, false), theta, {3, 3, 0, 7, 1}, 1e-8);
}
