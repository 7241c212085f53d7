// Binary logistic regression: the log-loss (mean negative log-likelihood) of a linear model
// and its gradient, in one pass over the rows of X (dense or CSR), computed stably for any
// finite margin. theta = (intercept b, coefficients w), margin z_i = b + x_i . w, labels
// y_i in {0, 1}, P(y = 1 | x) = sigmoid(z).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "../view.hpp"
#include "exp_nonpositive.hpp"
#include "linear_rows.hpp"

namespace descend {

/// The log-loss at one margin z with label y in {0, 1}, without overflow or cancellation:
//   l = log(1 + e^z) - y z
//     = (1 - y) max(z, 0) + y max(-z, 0) + log1p(e^-|z|)      (every term >= 0)
//   dl/dz = sigmoid(z) - y,  sigmoid(z) = 1 / (1 + e^-|z|)  if z >= 0
//                                         e^-|z| / (1 + e^-|z|)  otherwise
/// e^-|z| <= 1 never overflows, so |z| up to 1e300 gives l ~ |z| or exactly 0 and a slope in
/// [-1, 1]. e^-|z| is exp_nonpositive's: inline (no call on a one-row SGD step's critical
/// path), within 0.52 ulp of exact (0.76 when subnormal; std::exp: 0.51). l and dl/dz are then
/// within 2 ulps of this formula with std::exp (dl/dz: ulps of sigmoid or of dl/dz, the
/// larger), and sigmoid within 2.5 ulps of exact, as with std::exp
/// (tests/test_log_loss_point.py).
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
        const double e = exp_nonpositive(-std::fabs(z));
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
/// |B| * mean(s)). The data are linear_rows.hpp's; y holds the labels, 0 or 1.
template <class T, class Matrix = MatrixView<const T>>
struct Logistic : LinearRows<Logistic<T, Matrix>, T, Matrix> {
    LogisticPoint point() const { return LogisticPoint{}; }  ///< the loss of one row (above)
};

}  // namespace descend
