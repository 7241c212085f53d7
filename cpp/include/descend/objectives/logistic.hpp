// Binary logistic regression: the log-loss (mean negative log-likelihood) of a linear model
// and its gradient, in one pass over the rows of X (dense or CSR), computed stably for any
// finite margin. theta = (intercept b, coefficients w), margin z_i = b + x_i . w, labels
// y_i in {0, 1}, P(y = 1 | x) = sigmoid(z).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "../view.hpp"
#include "linear_pass.hpp"

namespace descend {

/// The log-loss at one margin z with label y in {0, 1}, without overflow or cancellation:
//   l = log(1 + e^z) - y z
//     = (1 - y) max(z, 0) + y max(-z, 0) + log1p(e^-|z|)      (every term >= 0)
//   dl/dz = sigmoid(z) - y,  sigmoid(z) = 1 / (1 + e^-|z|)  if z >= 0
//                                         e^-|z| / (1 + e^-|z|)  otherwise
/// e^-|z| <= 1 never overflows, so |z| up to 1e300 gives l ~ |z| or exactly 0 and a slope in
/// [-1, 1].
struct LogisticPoint {
    static constexpr double curvature = 0.25;  ///< sup of d2l/dz2 = sigmoid (1 - sigmoid)

    /// l = linear + log1p(e), and dl/dz, with the log left to the caller.
    struct Parts {
        double linear;  ///< (1 - y) max(z, 0) + y max(-z, 0): finite iff z is
        double e;       ///< e^-|z| in [0, 1]
        double slope;   ///< dl/dz = sigmoid(z) - y
    };

    /// l's parts at margin z and label y (for a caller that sums many l and takes one log
    /// of the product of their (1 + e)).
    Parts parts(double z, double y) const {
        const double e = std::exp(-std::fabs(z));
        const double sigmoid = (z >= 0.0 ? 1.0 : e) / (1.0 + e);
        return {(1.0 - y) * std::max(z, 0.0) + y * std::max(-z, 0.0), e, sigmoid - y};
    }

    /// l(z, y) and dl/dz at margin z and label y.
    LossAndSlope operator()(double z, double y) const {
        const Parts p = parts(z, y);
        return {p.linear + std::log1p(p.e), p.slope};
    }
};

/// The binary log-loss objective over a data set: the weighted mean negative log-likelihood
//   L(theta) = sum_i s_i l(z_i, y_i) / sum_i s_i,
//   grad L   = sum_i s_i (sigmoid(z_i) - y_i) (1, x_i) / sum_i s_i
/// with the batch normalization of least_squares.hpp (sums over a batch B divided by
/// |B| * mean(s)).
template <class T, class Matrix = MatrixView<const T>>
struct Logistic {
    Matrix X;                            ///< features, one row per sample (dense or CSR)
    const T* y = nullptr;                ///< labels, 0 or 1, X.rows of them
    const T* sample_weight = nullptr;    ///< per-sample weights, or null for all ones
    bool fit_intercept = true;           ///< false: theta[0] is held at its value (zero)
    double mean_weight = 1.0;            ///< mean of the sample weights over the whole set

    /// Number of rows of X.
    std::size_t n_samples() const { return X.rows; }
    /// Length of theta: the intercept and one coefficient per column.
    std::size_t n_params() const { return X.cols + 1; }
    /// theta[0], the intercept, is never penalized.
    std::size_t n_intercepts() const { return 1; }

    /// Mean loss over the batch, and its gradient written to `grad` (n_params() doubles).
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const double sum = linear_loss_sums(X, y, sample_weight, theta, fit_intercept, rows,
                                            count, LogisticPoint{}, grad);
        const double scale = 1.0 / (static_cast<double>(count) * mean_weight);
        for (std::size_t j = 0; j < n_params(); ++j) grad[j] *= scale;
        return sum * scale;
    }
};

}  // namespace descend
