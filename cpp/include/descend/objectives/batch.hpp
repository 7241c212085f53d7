// Which rows a step uses and how much each one counts: batch row numbers and sample weights.
#pragma once

#include <cstddef>

#include "../simd.hpp"

namespace descend {

/// Row number `k` of a batch: `rows[k]`, or k itself when rows is null (all rows in order).
inline std::size_t batch_row(const std::size_t* rows, std::size_t k) {
    return rows != nullptr ? rows[k] : k;
}

/// Weight of row i: sample_weight[i] in double, or 1 when sample_weight is null.
template <class T>
double row_weight(const T* sample_weight, std::size_t i) {
    return sample_weight != nullptr ? static_cast<double>(sample_weight[i]) : 1.0;
}

/// Mean of the m sample weights (1 when sample_weight is null), accumulated in double. Every
/// objective divides a batch's sums by |B| * mean_weight: with unit weights that is the plain
/// mean over the batch, and with weights an unbiased estimate of the full weighted mean.
template <class T>
double mean_sample_weight(const T* sample_weight, std::size_t m) {
    if (sample_weight == nullptr || m == 0) return 1.0;
    double total = 0.0;
    DESCEND_SIMD(reduction(+ : total))
    for (std::size_t i = 0; i < m; ++i) total += static_cast<double>(sample_weight[i]);
    return total / static_cast<double>(m);
}

}  // namespace descend
