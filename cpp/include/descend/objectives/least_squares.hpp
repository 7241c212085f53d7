// Least squares: the mean squared error of a linear model and its gradient, in ONE pass over
// the rows of X (dense or CSR). theta = (intercept b, coefficients w); the residual of row i
// is r_i = b + x_i . w - y_i.
#pragma once

#include <cstddef>

#include "../view.hpp"
#include "linear_rows.hpp"

namespace descend {

/// The squared error at one prediction: l = r^2, dl/dz = 2 r, with r = z - y.
struct SquaredError {
    static constexpr double curvature = 2.0;  ///< sup of d2l/dz2: the smoothness of l in z
    static constexpr double slope_per_residual = 2.0;  ///< l' = slope_per_residual r
    LossAndSlope operator()(double z, double y) const {
        const double r = z - y;
        return {r * r, slope_per_residual * r};
    }
};

/// Sums over the batch's rows, each row read once:
//   loss  = sum_i s_i r_i^2
//   g_0   = sum_i 2 s_i r_i          (only with an intercept)
//   g_1.. = sum_i 2 s_i r_i x_i
/// s_i = sample_weight[i], or 1 when sample_weight is null. `grad` has X.cols + 1 entries
/// and is overwritten. Sums are accumulated in double whatever T is. Matrix is
/// MatrixView<const T> (rows taken four at a time) or CsrView<T, Index>.
template <class T, class Matrix>
double least_squares_sums(const Matrix& X, const T* y, const T* sample_weight, const T* theta,
                          bool fit_intercept, const std::size_t* rows, std::size_t count,
                          double* grad) {
    return linear_loss_sums(X, y, sample_weight, theta, fit_intercept, rows, count,
                            SquaredError{}, grad);
}

/// The least-squares objective over a data set: the weighted mean squared error
//   L(theta) = sum_i s_i r_i^2 / sum_i s_i,   grad L = (2 / sum_i s_i) sum_i s_i r_i (1, x_i)
/// (with s_i = 1: the tutorial's MSE and its gradient (2/m) X_b^T (X_b theta - y)). On a batch
/// B the sums run over B and are divided by |B| * mean(s), an unbiased estimate of the full
/// gradient, so sample weights keep their meaning in stochastic steps. This normalization is
/// the convention of every objective.
/// The data (X, y, sample_weight, fit_intercept, mean_weight) are linear_rows.hpp's.
template <class T, class Matrix = MatrixView<const T>>
struct LeastSquares : LinearRows<LeastSquares<T, Matrix>, T, Matrix> {
    SquaredError point() const { return SquaredError{}; }  ///< the loss of one row (above)
};

}  // namespace descend
