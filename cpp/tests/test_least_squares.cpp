// Least squares: the loss against the formula written plainly, the gradient against central
// finite differences of the loss, on full data, weighted data, and batches of chosen rows.
#include <descend/objectives/least_squares.hpp>
#include <descend/random.hpp>

#include <cstddef>
#include <vector>

#include "check.hpp"

namespace {

constexpr std::size_t m = 7, n = 3;  // 7 rows: both the four-row loop and the remainder run

/// Random data, theta and weights in [-1, 1) (weights in [0.5, 1.5)), from a fixed seed.
struct Data {
    std::vector<double> X, y, weight, theta;
    Data() {
        descend::Random random(3);
        auto draw = [&random] { return 2.0 * random.uniform() - 1.0; };
        for (std::size_t k = 0; k < m * n; ++k) X.push_back(draw());
        for (std::size_t i = 0; i < m; ++i) y.push_back(draw());
        for (std::size_t i = 0; i < m; ++i) weight.push_back(1.0 + 0.5 * draw());
        for (std::size_t j = 0; j <= n; ++j) theta.push_back(draw());
    }
    template <class T>
    descend::LeastSquares<T> objective(const std::vector<T>& X_, const std::vector<T>& y_,
                                       const T* weights, bool fit_intercept) const {
        descend::LeastSquares<T> o;
        o.X = descend::MatrixView<const T>{X_.data(), m, n};
        o.y = y_.data();
        o.sample_weight = weights;
        o.fit_intercept = fit_intercept;
        if (weights != nullptr) {
            double total = 0.0;
            for (std::size_t i = 0; i < m; ++i) total += static_cast<double>(weights[i]);
            o.mean_weight = total / static_cast<double>(m);
        }
        return o;
    }
};

/// sum_k s_i r_i^2 / (count * mean_weight) over the batch, written from the formula.
double plain_loss(const Data& d, const std::vector<std::size_t>& rows, bool weighted,
                  bool fit_intercept, const std::vector<double>& theta) {
    double total = 0.0, weight_sum = 0.0;
    for (std::size_t i = 0; i < m; ++i) weight_sum += weighted ? d.weight[i] : 1.0;
    for (std::size_t i : rows) {
        double r = (fit_intercept ? theta[0] : 0.0) - d.y[i];
        for (std::size_t j = 0; j < n; ++j) r += d.X[i * n + j] * theta[j + 1];
        total += (weighted ? d.weight[i] : 1.0) * r * r;
    }
    return total / (static_cast<double>(rows.size()) * weight_sum / static_cast<double>(m));
}

void check_loss_and_gradient(const std::vector<std::size_t>& rows, bool use_rows, bool weighted,
                             bool fit_intercept) {
    const Data d;
    const auto objective = d.objective<double>(d.X, d.y, weighted ? d.weight.data() : nullptr,
                                               fit_intercept);
    CHECK_EQ(objective.n_samples(), m);
    CHECK_EQ(objective.n_params(), n + 1);
    const std::size_t* row_pointer = use_rows ? rows.data() : nullptr;
    std::vector<double> grad(n + 1, -7.0);
    const double loss = objective.loss_and_gradient(row_pointer, rows.size(), d.theta.data(),
                                                    grad.data());
    CHECK_CLOSE(loss, plain_loss(d, rows, weighted, fit_intercept, d.theta), 1e-14);
    // central differences: (L(theta + h e_j) - L(theta - h e_j)) / 2h
    const double h = 1e-6;
    for (std::size_t j = 0; j <= n; ++j) {
        std::vector<double> plus = d.theta, minus = d.theta;
        plus[j] += h;
        minus[j] -= h;
        const double numeric = (plain_loss(d, rows, weighted, fit_intercept, plus) -
                                plain_loss(d, rows, weighted, fit_intercept, minus)) / (2 * h);
        CHECK_CLOSE(grad[j], numeric, 1e-8);
    }
    if (!fit_intercept) CHECK(grad[0] == 0.0);
}

std::vector<std::size_t> all_rows() {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < m; ++i) rows.push_back(i);
    return rows;
}

}  // namespace

TEST_CASE(full_batch_gradient_matches_finite_differences) {
    check_loss_and_gradient(all_rows(), false, false, true);
}

TEST_CASE(weighted_gradient_matches_finite_differences) {
    check_loss_and_gradient(all_rows(), false, true, true);
}

TEST_CASE(gradient_without_intercept_is_zero_in_theta_0) {
    check_loss_and_gradient(all_rows(), false, false, false);
    check_loss_and_gradient(all_rows(), false, true, false);
}

TEST_CASE(batch_of_chosen_rows_matches_finite_differences) {
    // rows in any order, repeated, fewer and more than four of them
    check_loss_and_gradient({5, 2, 2}, true, false, true);
    check_loss_and_gradient({6, 0, 3, 3, 1, 4}, true, true, true);
}

TEST_CASE(float32_data_gives_the_float64_gradient_to_float_precision) {
    const Data d;
    const std::vector<float> X(d.X.begin(), d.X.end()), y(d.y.begin(), d.y.end());
    const std::vector<float> weight(d.weight.begin(), d.weight.end());
    const std::vector<float> theta(d.theta.begin(), d.theta.end());
    // the float64 reference on the same (rounded) numbers
    const std::vector<double> X64(X.begin(), X.end()), y64(y.begin(), y.end());
    const std::vector<double> weight64(weight.begin(), weight.end());
    const std::vector<double> theta64(theta.begin(), theta.end());
    std::vector<double> grad32(n + 1), grad64(n + 1);
    const double loss32 = d.objective<float>(X, y, weight.data(), true)
                              .loss_and_gradient(nullptr, m, theta.data(), grad32.data());
    const double loss64 = d.objective<double>(X64, y64, weight64.data(), true)
                              .loss_and_gradient(nullptr, m, theta64.data(), grad64.data());
    // sums accumulate in double whatever the storage type: the results agree to rounding
    CHECK_CLOSE(loss32, loss64, 1e-14);
    for (std::size_t j = 0; j <= n; ++j) CHECK_CLOSE(grad32[j], grad64[j], 1e-14);
}
