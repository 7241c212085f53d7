// The stopping rules' tolerance on a change of the loss (minimize's tol, the fits' tol): relative
// to the loss once the loss exceeds 1, absolute below it, so that a run stops at the same step
// whatever the units of the data (a squared error in dollars or in cents), while a loss that
// goes to zero can still stop:
//   |a - b| < tol * max(1, |a|, |b|)
#pragma once

#include <algorithm>
#include <cmath>

namespace descend {

/// The largest change between the losses a and b that counts as no change: tol max(1, |a|, |b|).
inline double loss_tolerance(double tol, double a, double b) noexcept {
    return tol * std::max({1.0, std::fabs(a), std::fabs(b)});
}

}  // namespace descend
