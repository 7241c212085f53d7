// Huber loss of a linear model (robust regression), as scikit-learn's SGDRegressor(loss=
// "huber", epsilon=...): quadratic for residuals up to epsilon, linear beyond. One pass over
// the rows of X (dense or CSR). theta = (intercept b, coefficients w), r_i = b + x_i . w - y_i.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "../view.hpp"
#include "linear_rows.hpp"

namespace descend {

/// The Huber loss at one prediction, scikit-learn's definition (sklearn._loss HuberLoss with
/// delta = epsilon, used by SGDRegressor), with r = z - y and a = min(|r|, epsilon):
//   l = r^2 / 2                        if |r| <= epsilon
//   l = epsilon (|r| - epsilon / 2)    otherwise          (both: l = a (|r| - a / 2))
//   dl/dz = clamp(r, -epsilon, epsilon)
/// Note the 1/2: near zero this is half the squared error of least_squares.hpp.
struct HuberPoint {
    double epsilon;  ///< where the loss turns from quadratic to linear
    static constexpr double curvature = 1.0;  ///< sup of d2l/dz2: the smoothness of l in z

    /// l(z, y) and dl/dz at prediction z and target y.
    LossAndSlope operator()(double z, double y) const {
        const double r = z - y;
        const double abs_r = std::fabs(r);
        const double a = std::min(abs_r, epsilon);
        return {a * (abs_r - 0.5 * a), std::clamp(r, -epsilon, epsilon)};
    }
};

/// The Huber objective over a data set: the weighted mean Huber loss
//   L(theta) = sum_i s_i l(r_i) / sum_i s_i,   grad L = sum_i s_i l'(r_i) (1, x_i) / sum_i s_i
/// with the batch normalization of least_squares.hpp (sums over a batch B divided by
/// |B| * mean(s)). The data are linear_rows.hpp's; epsilon follows them.
template <class T, class Matrix = MatrixView<const T>>
struct Huber : LinearRows<Huber<T, Matrix>, T, Matrix> {
    double epsilon = 0.1;  ///< quadratic-to-linear threshold (sklearn's default)

    /// Throws std::invalid_argument unless epsilon is finite and >= 0 (sklearn's range).
    void validate() const {
        if (!(epsilon >= 0.0 && std::isfinite(epsilon)))
            throw std::invalid_argument("epsilon must be a finite number >= 0");
    }

    HuberPoint point() const { return HuberPoint{epsilon}; }  ///< the loss of one row (above)
};

}  // namespace descend
