// The check behind check_finite: does a gradient hold NaN or infinity? One vectorized pass.
#pragma once

#include <cstddef>

#include "../simd.hpp"

namespace descend {

/// True when none of the n values is NaN or infinite. x - x is exactly 0 for a finite x and
/// NaN for NaN or +-infinity; a sum of zeros stays 0 and a NaN survives it, in any order, so
/// the sum may be vectorized freely.
template <class T>
bool all_values_finite(const T* values, std::size_t n) {
    T sum = 0;
    DESCEND_SIMD(reduction(+ : sum))
    for (std::size_t i = 0; i < n; ++i) sum += values[i] - values[i];
    return sum == T(0);
}

}  // namespace descend
