// Least squares: the mean squared error of a linear model and its gradient, in ONE pass over
// the rows of X. theta = (intercept b, coefficients w); the residual of row i is
// r_i = b + x_i . w - y_i.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../view.hpp"

namespace descend {

/// Row number `k` of a batch: `rows[k]`, or k itself when rows is null (all rows in order).
inline std::size_t batch_row(const std::size_t* rows, std::size_t k) {
    return rows != nullptr ? rows[k] : k;
}

/// Sums over the batch's rows, each row read once:
//   loss  = sum_i s_i r_i^2
//   g_0   = sum_i s_i r_i            (only with an intercept)
//   g_1.. = sum_i s_i r_i x_i
/// s_i = sample_weight[i], or 1 when sample_weight is null. `grad` has X.cols + 1 entries
/// and is overwritten. Sums are accumulated in double whatever T is. Rows are taken four at a
/// time so that four independent dot products hide the latency of the multiply-adds, and the
/// gradient accumulator is read and written once per four rows.
template <class T>
double least_squares_sums(MatrixView<const T> X, const T* y, const T* sample_weight,
                          const T* theta, bool fit_intercept, const std::size_t* rows,
                          std::size_t count, double* grad) {
    const std::size_t n = X.cols;
    const double b = fit_intercept ? static_cast<double>(theta[0]) : 0.0;
    const T* w = theta + 1;
    double* g = grad + 1;
    std::fill(grad, grad + n + 1, 0.0);
    auto weight = [&](std::size_t i) {
        return sample_weight != nullptr ? static_cast<double>(sample_weight[i]) : 1.0;
    };
    double loss = 0.0, intercept_sum = 0.0;
    std::size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const std::size_t i0 = batch_row(rows, k), i1 = batch_row(rows, k + 1);
        const std::size_t i2 = batch_row(rows, k + 2), i3 = batch_row(rows, k + 3);
        const T *x0 = X.row(i0), *x1 = X.row(i1), *x2 = X.row(i2), *x3 = X.row(i3);
        // d_q = x_q . w for the four rows
        double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
#pragma omp simd reduction(+ : d0, d1, d2, d3)
        for (std::size_t j = 0; j < n; ++j) {
            const double wj = static_cast<double>(w[j]);
            d0 += static_cast<double>(x0[j]) * wj;
            d1 += static_cast<double>(x1[j]) * wj;
            d2 += static_cast<double>(x2[j]) * wj;
            d3 += static_cast<double>(x3[j]) * wj;
        }
        const double r0 = b + d0 - static_cast<double>(y[i0]);
        const double r1 = b + d1 - static_cast<double>(y[i1]);
        const double r2 = b + d2 - static_cast<double>(y[i2]);
        const double r3 = b + d3 - static_cast<double>(y[i3]);
        const double c0 = weight(i0) * r0, c1 = weight(i1) * r1;
        const double c2 = weight(i2) * r2, c3 = weight(i3) * r3;
        loss += (c0 * r0 + c1 * r1) + (c2 * r2 + c3 * r3);
        intercept_sum += (c0 + c1) + (c2 + c3);
        // g += s_q r_q x_q for the four rows
#pragma omp simd
        for (std::size_t j = 0; j < n; ++j) {
            g[j] += (c0 * static_cast<double>(x0[j]) + c1 * static_cast<double>(x1[j])) +
                    (c2 * static_cast<double>(x2[j]) + c3 * static_cast<double>(x3[j]));
        }
    }
    for (; k < count; ++k) {
        const std::size_t i = batch_row(rows, k);
        const T* x = X.row(i);
        double d = 0.0;
#pragma omp simd reduction(+ : d)
        for (std::size_t j = 0; j < n; ++j) d += static_cast<double>(x[j]) * static_cast<double>(w[j]);
        const double r = b + d - static_cast<double>(y[i]);
        const double c = weight(i) * r;
        loss += c * r;
        intercept_sum += c;
#pragma omp simd
        for (std::size_t j = 0; j < n; ++j) g[j] += c * static_cast<double>(x[j]);
    }
    grad[0] = fit_intercept ? intercept_sum : 0.0;
    return loss;
}

/// The least-squares objective over a data set: the weighted mean squared error
//   L(theta) = sum_i s_i r_i^2 / sum_i s_i,   grad L = (2 / sum_i s_i) sum_i s_i r_i (1, x_i)
/// (with s_i = 1: the tutorial's MSE and its gradient (2/m) X_b^T (X_b theta - y)). On a batch
/// B the sums run over B and are divided by |B| * mean(s), an unbiased estimate of the full
/// gradient, so sample weights keep their meaning in stochastic steps.
template <class T>
struct LeastSquares {
    MatrixView<const T> X;               ///< features, one row per sample
    const T* y = nullptr;                ///< targets, X.rows of them
    const T* sample_weight = nullptr;    ///< per-sample weights, or null for all ones
    bool fit_intercept = true;           ///< false: theta[0] is held at its value (zero)
    double mean_weight = 1.0;            ///< mean of the sample weights over the whole set

    std::size_t n_samples() const { return X.rows; }
    std::size_t n_params() const { return X.cols + 1; }

    /// Mean loss over the batch, and its gradient written to `grad` (n_params() doubles).
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const double sum = least_squares_sums(X, y, sample_weight, theta, fit_intercept, rows,
                                              count, grad);
        const double scale = 1.0 / (static_cast<double>(count) * mean_weight);
        for (std::size_t j = 0; j < n_params(); ++j) grad[j] *= 2.0 * scale;
        return sum * scale;
    }
};

}  // namespace descend
