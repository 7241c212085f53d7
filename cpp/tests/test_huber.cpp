// Huber regression (objectives/huber.hpp): the loss against scikit-learn's definition written
// plainly, the gradient against central differences, dense X (narrow and general paths) and
// CSR X, weighted, on batches of chosen rows; both regimes of the loss are hit.
#include <descend/objectives/huber.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "linear_data.hpp"

template <class Matrix>
static descend::Huber<double, Matrix> huber_on(const LinearData& d, const Matrix& X, bool weighted,
                                               bool fit_intercept = true) {
    auto huber = linear_objective<descend::Huber>(d, X, d.y.data(), weighted, fit_intercept);
    huber.epsilon = 0.3;
    return huber;
}

static std::vector<double> theta_for(std::size_t n) {
    std::vector<double> theta;
    for (std::size_t j = 0; j <= n; ++j) theta.push_back(0.4 - 0.3 * static_cast<double>(j % 4));
    return theta;
}

// sum_{i in B} s_i l(r_i) / (|B| mean(s)),  l = r^2 / 2 if |r| <= eps else eps (|r| - eps / 2);
// counts the rows on each side of eps into `outside`.
static double plain_huber(const LinearData& d, const std::vector<std::size_t>& rows,
                          const std::vector<double>& theta, bool weighted, int& outside) {
    const double eps = 0.3;
    double total = 0.0;
    outside = 0;
    for (const std::size_t i : rows) {
        double r = theta[0] - d.y[i];
        for (std::size_t j = 0; j < d.n; ++j) r += d.X[i * d.n + j] * theta[j + 1];
        const double l = std::fabs(r) <= eps ? 0.5 * r * r : eps * (std::fabs(r) - 0.5 * eps);
        outside += std::fabs(r) > eps;
        total += (weighted ? d.weight[i] : 1.0) * l;
    }
    return total / (static_cast<double>(rows.size()) * (weighted ? d.mean_weight() : 1.0));
}

TEST_CASE(huber_point_is_quadratic_then_linear) {
    const descend::HuberPoint point{1.0};
    CHECK_CLOSE(point(2.5, 2.0).value, 0.125, 1e-15);   // r = 0.5: r^2 / 2
    CHECK_CLOSE(point(2.5, 2.0).slope, 0.5, 1e-15);
    CHECK_CLOSE(point(-1.0, 2.0).value, 2.5, 1e-15);    // r = -3: 1 * (3 - 0.5)
    CHECK_CLOSE(point(-1.0, 2.0).slope, -1.0, 1e-15);
    CHECK_CLOSE(point(3.0, 2.0).value, 0.5, 1e-15);     // r = 1, the joint: both forms agree
}

TEST_CASE(huber_loss_and_gradient_on_dense_rows) {
    for (const std::size_t n : {std::size_t(3), std::size_t(6)}) {  // narrow and general paths
        const LinearData d(11, n, 2, 5);
        const std::vector<double> theta = theta_for(n);
        for (const bool weighted : {false, true}) {
            const auto huber = huber_on(d, d.dense(), weighted);
            std::vector<std::size_t> all;
            for (std::size_t i = 0; i < d.m; ++i) all.push_back(i);
            int outside = 0;
            std::vector<double> grad(n + 1);
            CHECK_CLOSE(huber.loss_and_gradient(nullptr, d.m, theta.data(), grad.data()),
                        plain_huber(d, all, theta, weighted, outside), 1e-14);
            CHECK(outside > 0 && outside < static_cast<int>(d.m));  // both regimes occur
            check_gradient_by_differences(huber, theta, {}, 1e-8);
            check_gradient_by_differences(huber, theta, {9, 2, 2, 7, 0}, 1e-8);
        }
    }
}

TEST_CASE(huber_on_csr_rows_equals_dense) {
    const LinearData d(9, 5, 2, 6);
    const std::vector<double> theta = theta_for(5);
    const auto dense = huber_on(d, d.dense(), true);
    const auto sparse = huber_on(d, d.csr(), true);
    const std::vector<std::size_t> rows = {8, 1, 2, 4, 4, 6};
    std::vector<double> g_dense(6), g_sparse(6);
    CHECK_CLOSE(sparse.loss_and_gradient(rows.data(), rows.size(), theta.data(), g_sparse.data()),
                dense.loss_and_gradient(rows.data(), rows.size(), theta.data(), g_dense.data()),
                1e-14);
    for (std::size_t j = 0; j < 6; ++j) CHECK_CLOSE(g_sparse[j], g_dense[j], 1e-14);
    check_gradient_by_differences(sparse, theta, rows, 1e-8);
}

TEST_CASE(huber_without_intercept_holds_theta_0) {
    const LinearData d(7, 3, 2, 7);
    const auto huber = huber_on(d, d.dense(), false, false);
    std::vector<double> theta = theta_for(3), grad(4);
    theta[0] = 0.0;
    huber.loss_and_gradient(nullptr, d.m, theta.data(), grad.data());
    CHECK(grad[0] == 0.0);
    CHECK(grad[1] != 0.0);
}

TEST_CASE(huber_validate_names_epsilon) {
    descend::Huber<double> huber;
    huber.validate();
    huber.epsilon = -0.1;
    CHECK_THROWS(huber.validate(), std::invalid_argument);
}
