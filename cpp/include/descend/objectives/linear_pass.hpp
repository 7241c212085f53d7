// The one pass over a batch shared by every loss of a linear prediction z_i = b + x_i . w
// (least squares, Huber, logistic): the loss sum and the gradient sums, each row read once.
// theta = (b, w): theta[0] is the intercept, theta[1 .. cols] the coefficients.
#pragma once

#include <algorithm>
#include <cstddef>

#include "batch.hpp"
#include "csr.hpp"
#include "dense_rows.hpp"

namespace descend {

/// A pointwise loss l(z, y) and its slope dl/dz at one prediction z with target y.
struct LossAndSlope {
    double value;  ///< l(z, y)
    double slope;  ///< dl/dz (z, y)
};

/// Sums over the batch's rows of a pointwise loss `point(z, y) -> LossAndSlope`:
//   loss  = sum_i s_i l(z_i, y_i),          z_i = b + x_i . w
//   g_0   = sum_i s_i l'(z_i, y_i)          (only with an intercept; 0 otherwise)
//   g_1.. = sum_i s_i l'(z_i, y_i) x_i
/// s_i = sample_weight[i], or 1 when sample_weight is null. `grad` has X.cols + 1 entries and
/// is overwritten. Matrix is MatrixView<const T> or CsrView<T, Index>. Rows are taken four at
/// a time (rows_dot4 / rows_axpy4): on dense X four independent dot products hide the latency
/// of the multiply-adds and the gradient accumulator is read and written once per four rows.
template <class T, class Matrix, class PointLoss>
double linear_loss_sums(const Matrix& X, const T* y, const T* sample_weight, const T* theta,
                        bool fit_intercept, const std::size_t* rows, std::size_t count,
                        const PointLoss& point, double* grad) {
    const double b = fit_intercept ? static_cast<double>(theta[0]) : 0.0;
    const T* w = theta + 1;
    double* g = grad + 1;
    std::fill(grad, grad + X.cols + 1, 0.0);
    double loss = 0.0, intercept_sum = 0.0;
    std::size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const std::size_t i[4] = {batch_row(rows, k), batch_row(rows, k + 1),
                                  batch_row(rows, k + 2), batch_row(rows, k + 3)};
        double d[4];
        rows_dot4(X, i, w, d);
        double c[4], l[4];
        for (int q = 0; q < 4; ++q) {
            const LossAndSlope p = point(b + d[q], static_cast<double>(y[i[q]]));
            const double s = row_weight(sample_weight, i[q]);
            l[q] = s * p.value;
            c[q] = s * p.slope;
        }
        loss += (l[0] + l[1]) + (l[2] + l[3]);
        intercept_sum += (c[0] + c[1]) + (c[2] + c[3]);
        rows_axpy4(X, i, c, g);
    }
    for (; k < count; ++k) {
        const std::size_t i = batch_row(rows, k);
        const LossAndSlope p = point(b + row_dot(X, i, w), static_cast<double>(y[i]));
        const double s = row_weight(sample_weight, i);
        loss += s * p.value;
        intercept_sum += s * p.slope;
        row_axpy(X, i, s * p.slope, g);
    }
    grad[0] = fit_intercept ? intercept_sum : 0.0;
    return loss;
}

}  // namespace descend
