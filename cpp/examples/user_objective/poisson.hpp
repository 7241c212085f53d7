// A user-defined objective: Poisson regression, for counts y ~ Poisson(exp(b + x . w)). The
// solver needs only n_samples(), n_params() and loss_and_gradient() over a batch of rows;
// everything else (batches, the update rule, stopping rules) is descend's. Used by main.cpp,
// and by cpp/tests/test_user_objective.cpp, which checks the gradient by finite differences.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <descend/random.hpp>
#include <descend/view.hpp>

/// Poisson regression with a log link: the mean negative log-likelihood over a batch B
/// (without the constant log y_i!) and its gradient, with eta_i = b + x_i . w:
//   L(theta)  = (1/|B|) sum_i [exp(eta_i) - y_i eta_i]
//   grad L    = (1/|B|) sum_i (exp(eta_i) - y_i) (1, x_i)
struct PoissonRegression {
    descend::MatrixView<const double> X;  ///< features, one row per sample
    const double* y = nullptr;            ///< observed counts

    std::size_t n_samples() const { return X.rows; }
    std::size_t n_params() const { return X.cols + 1; }  ///< (b, w)

    /// Mean loss over rows[0..count) (all rows in order when rows is null), gradient in grad.
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double* theta,
                             double* grad) const {
        std::fill(grad, grad + n_params(), 0.0);
        double loss = 0.0;
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = rows != nullptr ? rows[k] : k;
            const double* x = X.row(i);
            double eta = theta[0];
            for (std::size_t j = 0; j < X.cols; ++j) eta += x[j] * theta[j + 1];
            const double mean = std::exp(eta);
            loss += mean - y[i] * eta;
            grad[0] += mean - y[i];
            for (std::size_t j = 0; j < X.cols; ++j) grad[j + 1] += (mean - y[i]) * x[j];
        }
        for (std::size_t j = 0; j < n_params(); ++j) grad[j] /= static_cast<double>(count);
        return loss / static_cast<double>(count);
    }
};

/// A Poisson(lambda) draw by Knuth's multiplication method (fine for small lambda).
inline double poisson_draw(descend::Random& random, double lambda) {
    const double limit = std::exp(-lambda);
    double product = random.uniform();
    int count = 0;
    while (product > limit) {
        product *= random.uniform();
        ++count;
    }
    return static_cast<double>(count);
}
