// Sums of products of a dense row with a float64 vector, with sixteen independent
// accumulators: the one order of summation shared by the fused one-row SGD step
// (fused_sgd.hpp) and the float64 pass over dense rows (dense_rows.hpp's row_dot), so that
// both compute x . w to the same bits and neither waits on one long chain of adds.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace descend {

/// The sum of term(0) + ... + term(n - 1) with sixteen independent accumulators (four AVX2
/// vectors), so the adds of a 100-long product do not wait on one another; term(j) is called
/// once for each j, in increasing order. Fewer than 16 terms (narrow X): the plain sum from the
/// first term, which is the same value (the sum of sixteen zero accumulators adds nothing; up
/// to the sign of a zero sum) without the reduction on the step's critical path.
template <class Term>
double lane_sum(std::size_t n, Term term) {
    constexpr std::size_t lanes = 16;
    if (n < lanes) {
        if (n == 0) return 0.0;
        double sum = term(0);  // (not 0 + term(0): an add, or an FMA with 0, less on the chain)
        for (std::size_t j = 1; j < n; ++j) sum += term(j);
        return sum;
    }
    double acc[lanes] = {};
    std::size_t j = 0;
    for (; j + lanes <= n; j += lanes)
        for (std::size_t q = 0; q < lanes; ++q) acc[q] += term(j + q);
    double tail = 0.0;
    for (; j < n; ++j) tail += term(j);
    for (std::size_t q = 0; q < lanes / 2; ++q) acc[q] += acc[q + lanes / 2];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

#if defined(__GNUC__)
/// The float64 sweep of dense_dot and of update_then_dot without l1, written in GCC vector
/// extensions: four vectors of four lanes hold lane_sum's sixteen accumulators (acc[4 v + l] in
/// lane l of vector v), added at the end in lane_sum's order. GCC's vectorization of lane_sum
/// itself tests at run time whether w overlaps the rows and reduces the accumulators through
/// the stack, on the step's critical path. Update: w_j <- decay w_j - g x_j before the product
/// (else w is only read, x unused). n >= 16.
template <bool Update>
double sweep_lanes(double* w, const double* x, const double* x_next, std::size_t n,
                   double decay, double g) {
    typedef double lanes4 __attribute__((vector_size(32)));
    lanes4 acc[4] = {};
    std::size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        for (std::size_t v = 0; v < 4; ++v) {
            lanes4 wv, xv;
            std::memcpy(&wv, w + j + 4 * v, sizeof wv);
            if constexpr (Update) {
                lanes4 xu;
                std::memcpy(&xu, x + j + 4 * v, sizeof xu);
                wv = decay * wv - g * xu;
                std::memcpy(w + j + 4 * v, &wv, sizeof wv);
            }
            std::memcpy(&xv, x_next + j + 4 * v, sizeof xv);
            acc[v] += xv * wv;
        }
    }
    double tail = 0.0;
    for (; j < n; ++j) {
        if constexpr (Update) w[j] = decay * w[j] - g * x[j];
        tail += x_next[j] * w[j];
    }
    //   acc[q] += acc[q + 8]  (q < 8),  then  ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
    const lanes4 low = acc[0] + acc[2], high = acc[1] + acc[3];
    return ((low[0] + low[1]) + (low[2] + low[3])) + ((high[0] + high[1]) + (high[2] + high[3])) +
           tail;
}
#endif

/// x . w over n entries, in lane_sum's order.
template <class T>
double dense_dot(const T* x, const double* w, std::size_t n) {
#if defined(__GNUC__)
    if constexpr (std::is_same_v<T, double>)
        if (n >= 16) return sweep_lanes<false>(const_cast<double*>(w), x, x, n, 1.0, 0.0);
#endif
    return lane_sum(n, [&](std::size_t j) { return static_cast<double>(x[j]) * w[j]; });
}

}  // namespace descend
