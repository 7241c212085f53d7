// Row operations on a dense row-major X (MatrixView): the data-access layer the objectives
// are written against. csr.hpp provides the same functions for CSR sparse X, so an objective
// templated on its Matrix type runs unchanged on both. All sums are taken in double.
#pragma once

#include <cstddef>
#include <type_traits>

#include "../simd.hpp"
#include "../view.hpp"
#include "lane_sum.hpp"

namespace descend {

/// x_i . w (w has X.cols entries). Float64 rows are summed in lane_sum.hpp's sixteen
/// accumulators (the fused SGD step's order): with one, the pass over 1e6 x 100 float64 waited
/// on a chain of 25 vector multiply-adds a row and read X at 66% of a plain sum's speed; with
/// sixteen (and linear_pass.hpp's prefetch into L2) at 84-88% (benchmarks/cpp/dense_pass.cpp
/// float64, built against the headers before and after: 38.1-38.4 -> 29.7-31.2 ms).
template <class T>
double row_dot(const MatrixView<const T>& X, std::size_t i, const T* w) {
    const T* x = X.row(i);
    if constexpr (std::is_same_v<T, double>) return dense_dot(x, w, X.cols);
    double d = 0.0;
    DESCEND_SIMD(reduction(+ : d))
    for (std::size_t j = 0; j < X.cols; ++j) d += static_cast<double>(x[j]) * static_cast<double>(w[j]);
    return d;
}

/// g += c x_i (g has X.cols entries).
template <class T>
void row_axpy(const MatrixView<const T>& X, std::size_t i, double c, double* g) {
    const T* x = X.row(i);
    DESCEND_SIMD()
    for (std::size_t j = 0; j < X.cols; ++j) g[j] += c * static_cast<double>(x[j]);
}

/// Asks the processor to start loading row i (a hint; it never faults). A pass over the rows
/// that prefetches a few rows ahead reads X at the memory's streaming speed, also when the rows
/// of a batch are scattered. `Locality` is __builtin_prefetch's: 3 (the default) loads the row
/// into every cache level, L1 included; 2 stops at L2, which leaves L1's line-fill buffers to
/// the loads the pass makes meanwhile (what the passes need, see pass_prefetch_distance).
template <int Locality = 3, class T>
void prefetch_row(const MatrixView<const T>& X, std::size_t i) {
    const char* start = reinterpret_cast<const char*>(X.row(i));
    const std::size_t bytes = X.cols * sizeof(T);
    for (std::size_t offset = 0; offset < bytes; offset += 64) {
#if defined(__GNUC__)
        __builtin_prefetch(start + offset, 0, Locality);
#endif
    }
}

/// d_q = x_{i_q} . w for four rows in one sweep over w: four independent dot products hide
/// the latency of the multiply-adds.
template <class T>
void rows_dot4(const MatrixView<const T>& X, const std::size_t (&i)[4], const T* w,
               double (&d)[4]) {
    const T *x0 = X.row(i[0]), *x1 = X.row(i[1]), *x2 = X.row(i[2]), *x3 = X.row(i[3]);
    double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
    DESCEND_SIMD(reduction(+ : d0, d1, d2, d3))
    for (std::size_t j = 0; j < X.cols; ++j) {
        const double wj = static_cast<double>(w[j]);
        d0 += static_cast<double>(x0[j]) * wj;
        d1 += static_cast<double>(x1[j]) * wj;
        d2 += static_cast<double>(x2[j]) * wj;
        d3 += static_cast<double>(x3[j]) * wj;
    }
    d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3;
}

/// g += sum_q c_q x_{i_q} for four rows: g is read and written once for the four.
template <class T>
void rows_axpy4(const MatrixView<const T>& X, const std::size_t (&i)[4], const double (&c)[4],
                double* g) {
    const T *x0 = X.row(i[0]), *x1 = X.row(i[1]), *x2 = X.row(i[2]), *x3 = X.row(i[3]);
    const double c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
    DESCEND_SIMD()
    for (std::size_t j = 0; j < X.cols; ++j) {
        g[j] += (c0 * static_cast<double>(x0[j]) + c1 * static_cast<double>(x1[j])) +
                (c2 * static_cast<double>(x2[j]) + c3 * static_cast<double>(x3[j]));
    }
}

/// float32 rows: d_q = x_{i_q} . w summed in float32 vector lanes (each of the four rows has
/// its own accumulator, so the four chains of multiply-adds overlap), widened by the caller
/// once per row. Reading a float32 row needs no conversion, which is what lets the pass run
/// at the speed of a plain sum; see float_linear_loss_sums for the accuracy.
inline void rows_dot4_float(const MatrixView<const float>& X, const std::size_t (&i)[4],
                            const float* w, float (&d)[4]) {
    const float *x0 = X.row(i[0]), *x1 = X.row(i[1]), *x2 = X.row(i[2]), *x3 = X.row(i[3]);
    float d0 = 0.0f, d1 = 0.0f, d2 = 0.0f, d3 = 0.0f;
    DESCEND_SIMD(reduction(+ : d0, d1, d2, d3))
    for (std::size_t j = 0; j < X.cols; ++j) {
        d0 += x0[j] * w[j];
        d1 += x1[j] * w[j];
        d2 += x2[j] * w[j];
        d3 += x3[j] * w[j];
    }
    d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3;
}

/// x_i . w in float32 lanes (one row: the remainder of a four-row loop).
inline float row_dot_float(const MatrixView<const float>& X, std::size_t i, const float* w) {
    const float* x = X.row(i);
    float d = 0.0f;
    DESCEND_SIMD(reduction(+ : d))
    for (std::size_t j = 0; j < X.cols; ++j) d += x[j] * w[j];
    return d;
}

/// block += sum_q c_q x_{i_q} in float32 (block has X.cols entries).
inline void rows_axpy4_float(const MatrixView<const float>& X, const std::size_t (&i)[4],
                             const float (&c)[4], float* block) {
    const float *x0 = X.row(i[0]), *x1 = X.row(i[1]), *x2 = X.row(i[2]), *x3 = X.row(i[3]);
    const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
    DESCEND_SIMD()
    for (std::size_t j = 0; j < X.cols; ++j)
        block[j] += (c0 * x0[j] + c1 * x1[j]) + (c2 * x2[j] + c3 * x3[j]);
}

/// block += c x_i in float32.
inline void row_axpy_float(const MatrixView<const float>& X, std::size_t i, float c,
                           float* block) {
    const float* x = X.row(i);
    DESCEND_SIMD()
    for (std::size_t j = 0; j < X.cols; ++j) block[j] += c * x[j];
}

/// g += block in double, then block = 0: the float32 partial sums of a few rows are widened
/// once for all of them.
inline void flush_float_block(float* block, double* g, std::size_t n) {
    DESCEND_SIMD()
    for (std::size_t j = 0; j < n; ++j) {
        g[j] += static_cast<double>(block[j]);
        block[j] = 0.0f;
    }
}

}  // namespace descend
