// The one pass over a batch shared by every loss of a linear prediction z_i = b + x_i . w
// (least squares, Huber, logistic): the loss sum and the gradient sums, each row read once.
// theta = (b, w): theta[0] is the intercept, theta[1 .. cols] the coefficients.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "batch.hpp"
#include "csr.hpp"
#include "dense_rows.hpp"

namespace descend {

/// A pointwise loss l(z, y) and its slope dl/dz at one prediction z with target y.
struct LossAndSlope {
    double value;  ///< l(z, y)
    double slope;  ///< dl/dz (z, y)
};

/// How many rows ahead the fused one-row SGD steps request their CSR rows (fused_sgd.hpp).
inline constexpr std::size_t prefetch_distance = 8;

/// How many rows ahead a pass over dense rows requests them, into L2 (prefetch_row<2>): the
/// float32 pass reads a row twice as fast as the float64 one, so the request has to go out
/// further ahead than the 8 rows of the fused steps; and prefetching into L1 held the
/// line-fill buffers the pass's own loads need. On 1e6 x 100, one thread (AMD EPYC, 2 cores),
/// benchmarks/cpp/dense_pass.cpp: the float32 pass took 31.8 ms (median) with 8 rows into L1
/// and 18.3 ms with 16 rows into L2, against 13.5 ms for its 16-lane plain sum (from Python,
/// 83-90% -> 100-104% of the speed of NumPy's X.sum()); distances of 12 to 24 rows were within
/// noise of each other (scratch variants of the pass). The float64 pass, this prefetch and
/// row_dot's sixteen accumulators together: 38.1-38.4 -> 29.7-31.2 ms in the same benchmark.
inline constexpr std::size_t pass_prefetch_distance = 16;

/// The end of a pass: grad[0] = the intercept sum (0 without an intercept), then grad[0 .. n)
/// times scale; returns loss * scale.
inline double scaled_sums(double loss, double intercept_sum, bool fit_intercept, double* grad,
                          std::size_t n, double scale) {
    grad[0] = fit_intercept ? intercept_sum : 0.0;
    for (std::size_t j = 0; j < n; ++j) grad[j] *= scale;
    return loss * scale;
}

/// Sums over the batch's rows of a pointwise loss `point(z, y) -> LossAndSlope`, times `scale`:
//   loss  = scale sum_i s_i l(z_i, y_i),          z_i = b + x_i . w
//   g_0   = scale sum_i s_i l'(z_i, y_i)          (only with an intercept; 0 otherwise)
//   g_1.. = scale sum_i s_i l'(z_i, y_i) x_i
/// s_i = sample_weight[i], or 1 when sample_weight is null. `grad` has X.cols + 1 entries and
/// is overwritten; each value is its sum, rounded, times scale, rounded (as a caller scaling
/// the sums would get it). Matrix is MatrixView<const T> or CsrView<T, Index>. Each row is read
/// once from memory (the axpy finds it in L1 after the dot product), with the row
/// `pass_prefetch_distance` ahead requested early (taking four rows at a time without prefetch
/// ran at half the speed).
template <class T, class Matrix, class PointLoss>
double linear_loss_sums(const Matrix& X, const T* y, const T* sample_weight, const T* theta,
                        bool fit_intercept, const std::size_t* rows, std::size_t count,
                        const PointLoss& point, double* grad, double scale = 1.0) {
    const double b = fit_intercept ? static_cast<double>(theta[0]) : 0.0;
    const T* w = theta + 1;
    double* g = grad + 1;
    std::fill(grad, grad + X.cols + 1, 0.0);
    double loss = 0.0, intercept_sum = 0.0;
    for (std::size_t k = 0; k < count; ++k) {
        if (k + pass_prefetch_distance < count)
            prefetch_row<2>(X, batch_row(rows, k + pass_prefetch_distance));
        const std::size_t i = batch_row(rows, k);
        const LossAndSlope p = point(b + row_dot(X, i, w), static_cast<double>(y[i]));
        const double s = row_weight(sample_weight, i);
        loss += s * p.value;
        intercept_sum += s * p.slope;
        row_axpy(X, i, s * p.slope, g);
    }
    return scaled_sums(loss, intercept_sum, fit_intercept, grad, X.cols + 1, scale);
}

/// How many rows the narrow pass sums side by side (below): enough independent accumulators
/// to hide the latency of the multiply-adds (each sum's chain gets a row in every
/// `narrow_lanes_of<N>` rows), few enough that the (N + 2) sums of every lane stay in
/// registers. The tutorial's 100 x 1 pass, built as the extension's target_clones clone, took
/// 48-57 ns with 8 lanes against 55-58 with 4 (benchmarks/cpp/narrow_pass.cpp times it).
template <std::size_t N>
inline constexpr std::size_t narrow_lanes_of = N <= 2 ? 8 : 4;

/// a[0] + ... + a[L - 1] added pairwise (L a power of two), so the order is fixed by L alone.
template <std::size_t L>
double pairwise_sum(const double* a) {
    if constexpr (L == 1)
        return a[0];
    else
        return pairwise_sum<L / 2>(a) + pairwise_sum<L / 2>(a + L / 2);
}

/// The same sums for a dense X with N <= 4 columns, N known at compile time: rows are
/// too short for vector loops, so L = narrow_lanes_of<N> rows are taken at once, one per lane
/// of L independent sets of accumulators (lane q sums rows q, q + L, q + 2L, ...; the
/// remainder rows go to lanes 0, 1, ...), and the lanes are added pairwise at the end.
/// Indexed (rows given) and Weighted (sample weights given) are compile-time, so the L rows'
/// arithmetic is one straight block that runs in vector lanes (AVX2: four doubles; for a loss
/// whose point() vectorizes, as the squared error's and Huber's do), with no per-row test and
/// no accumulator spilled to the stack. The sums are scaled as they are written, so that a
/// full-batch loop, which waits on the gradient, does not wait for it to be stored and read
/// back (on the tutorial's 100 x 1 GD: 39 -> 33 ns a pass).
template <std::size_t N, bool Indexed, bool Weighted, class T, class PointLoss>
double narrow_lanes(const MatrixView<const T>& X, const T* y, const T* sample_weight, double b,
                    const double* w, const std::size_t* rows, std::size_t count,
                    const PointLoss& point, double scale, double* intercept_grad,
                    double* grad) {
    constexpr std::size_t lanes = narrow_lanes_of<N>;
    double loss[lanes] = {}, intercept_sum[lanes] = {}, g[N][lanes] = {};
    // row x (target yi, weight s) into lane q
    auto accumulate = [&](std::size_t q, const T* x, double yi, double s) {
        double z = b;
        for (std::size_t j = 0; j < N; ++j) z += static_cast<double>(x[j]) * w[j];
        const LossAndSlope p = point(z, yi);
        const double c = s * p.slope;
        loss[q] += s * p.value;
        intercept_sum[q] += c;
        for (std::size_t j = 0; j < N; ++j) g[j][q] += c * static_cast<double>(x[j]);
    };
    auto weight = [&](std::size_t i) {
        return Weighted ? static_cast<double>(sample_weight[i]) : 1.0;
    };
    std::size_t k = 0;
    for (; k + lanes <= count; k += lanes) {
        if constexpr (Indexed) {
            // the L rows copied side by side first, so that the lanes below read them as
            // they read consecutive rows (and keep their sums in registers)
            T x[lanes][N];
            double yi[lanes], s[lanes];
            for (std::size_t q = 0; q < lanes; ++q) {
                const std::size_t i = rows[k + q];
                for (std::size_t j = 0; j < N; ++j) x[q][j] = X.data[i * N + j];
                yi[q] = static_cast<double>(y[i]);
                s[q] = weight(i);
            }
            DESCEND_SIMD()
            for (std::size_t q = 0; q < lanes; ++q) accumulate(q, x[q], yi[q], s[q]);
        } else {
            DESCEND_SIMD()
            for (std::size_t q = 0; q < lanes; ++q)
                accumulate(q, X.data + (k + q) * N, static_cast<double>(y[k + q]), weight(k + q));
        }
    }
    const std::size_t left = count - k;  // fewer than L
    for (std::size_t q = 0; q < left; ++q) {
        const std::size_t i = Indexed ? rows[k + q] : k + q;
        accumulate(q, X.data + i * N, static_cast<double>(y[i]), weight(i));
    }
    *intercept_grad = pairwise_sum<lanes>(intercept_sum);
    for (std::size_t j = 0; j < N; ++j) grad[j] = pairwise_sum<lanes>(g[j]) * scale;
    return pairwise_sum<lanes>(loss) * scale;
}

/// narrow_lanes for this batch: with or without row numbers and sample weights.
template <std::size_t N, class T, class PointLoss>
double narrow_linear_loss_sums(const MatrixView<const T>& X, const T* y, const T* sample_weight,
                               const T* theta, bool fit_intercept, const std::size_t* rows,
                               std::size_t count, const PointLoss& point, double* grad,
                               double scale) {
    const double b = fit_intercept ? static_cast<double>(theta[0]) : 0.0;
    double w[N];
    for (std::size_t j = 0; j < N; ++j) w[j] = static_cast<double>(theta[j + 1]);
    double intercept_sum = 0.0;
    const double loss =
        rows == nullptr
            ? (sample_weight == nullptr
                   ? narrow_lanes<N, false, false>(X, y, sample_weight, b, w, rows, count, point,
                                                   scale, &intercept_sum, grad + 1)
                   : narrow_lanes<N, false, true>(X, y, sample_weight, b, w, rows, count, point,
                                                  scale, &intercept_sum, grad + 1))
            : (sample_weight == nullptr
                   ? narrow_lanes<N, true, false>(X, y, sample_weight, b, w, rows, count, point,
                                                  scale, &intercept_sum, grad + 1)
                   : narrow_lanes<N, true, true>(X, y, sample_weight, b, w, rows, count, point,
                                                 scale, &intercept_sum, grad + 1));
    grad[0] = (fit_intercept ? intercept_sum : 0.0) * scale;
    return loss;
}

/// How many rows the float32 pass adds up in float32 before widening them into the double
/// gradient (a multiple of four).
inline constexpr std::size_t float_flush_rows = 16;

/// The same sums for a dense float32 X, computed without converting each element to double:
/// each row's dot product x_i . w runs in float32 vector lanes and is widened to double once
/// per row (z_i, the loss and the slopes are double), and the gradient terms c_i x_i are added
/// in float32 for `float_flush_rows` rows at a time, then added to the double gradient. Rows
/// are taken four at a time (w and the float32 block are read once for four rows), with the
/// rows `pass_prefetch_distance` ahead requested early.
/// Accuracy (float32 eps u = 2^-24 ~ 6e-8): z_i has an absolute error below about
/// n u sum_j |x_ij w_j| (in practice sqrt(n) u times it), and each gradient entry below about
/// (n_flush + 4) u sum_i |c_i x_ij| beyond the double pass's own error: on random data both
/// stay within 1e-5 relative of a float64 reference (tests/test_objectives.py pins it) once the
/// gradient is not itself a cancellation of much larger terms.
template <class PointLoss>
double float_linear_loss_sums(const MatrixView<const float>& X, const float* y,
                              const float* sample_weight, const float* theta, bool fit_intercept,
                              const std::size_t* rows, std::size_t count, const PointLoss& point,
                              double* grad, double scale) {
    const std::size_t n = X.cols;
    const double b = fit_intercept ? static_cast<double>(theta[0]) : 0.0;
    const float* w = theta + 1;
    double* g = grad + 1;
    std::fill(grad, grad + n + 1, 0.0);
    std::vector<float> block(n, 0.0f);
    double loss = 0.0, intercept_sum = 0.0;
    // One row's loss and slope from its float32 dot product; returns the float32 coefficient
    // of x_i in the gradient.
    auto slope = [&](std::size_t i, float dot) {
        const LossAndSlope p = point(b + static_cast<double>(dot), static_cast<double>(y[i]));
        const double s = row_weight(sample_weight, i);
        loss += s * p.value;
        intercept_sum += s * p.slope;
        return static_cast<float>(s * p.slope);
    };
    std::size_t k = 0;
    while (k + 4 <= count) {
        const std::size_t stop = std::min(count, k + float_flush_rows);
        for (; k + 4 <= stop; k += 4) {
            for (std::size_t q = 0; q < 4 && k + pass_prefetch_distance + q < count; ++q)
                prefetch_row<2>(X, batch_row(rows, k + pass_prefetch_distance + q));
            const std::size_t i[4] = {batch_row(rows, k), batch_row(rows, k + 1),
                                      batch_row(rows, k + 2), batch_row(rows, k + 3)};
            float d[4];
            rows_dot4_float(X, i, w, d);
            const float c[4] = {slope(i[0], d[0]), slope(i[1], d[1]), slope(i[2], d[2]),
                                slope(i[3], d[3])};
            rows_axpy4_float(X, i, c, block.data());
        }
        flush_float_block(block.data(), g, n);
    }
    for (; k < count; ++k) {
        const std::size_t i = batch_row(rows, k);
        row_axpy_float(X, i, slope(i, row_dot_float(X, i, w)), block.data());
    }
    flush_float_block(block.data(), g, n);
    return scaled_sums(loss, intercept_sum, fit_intercept, grad, n + 1, scale);
}

/// Dense X: the narrow path for 1 to 4 columns, the general pass otherwise.
template <class T, class PointLoss>
double linear_loss_sums(const MatrixView<const T>& X, const T* y, const T* sample_weight,
                        const T* theta, bool fit_intercept, const std::size_t* rows,
                        std::size_t count, const PointLoss& point, double* grad,
                        double scale = 1.0) {
    switch (X.cols) {
        case 1: return narrow_linear_loss_sums<1>(X, y, sample_weight, theta, fit_intercept, rows, count, point, grad, scale);
        case 2: return narrow_linear_loss_sums<2>(X, y, sample_weight, theta, fit_intercept, rows, count, point, grad, scale);
        case 3: return narrow_linear_loss_sums<3>(X, y, sample_weight, theta, fit_intercept, rows, count, point, grad, scale);
        case 4: return narrow_linear_loss_sums<4>(X, y, sample_weight, theta, fit_intercept, rows, count, point, grad, scale);
        default:
            if constexpr (std::is_same_v<T, float>)
                return float_linear_loss_sums(X, y, sample_weight, theta, fit_intercept, rows,
                                              count, point, grad, scale);
            else
                return linear_loss_sums<T, MatrixView<const T>, PointLoss>(
                    X, y, sample_weight, theta, fit_intercept, rows, count, point, grad, scale);
    }
}

}  // namespace descend
