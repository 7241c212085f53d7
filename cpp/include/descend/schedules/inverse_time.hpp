// Inverse-time decay, the schedule of the tutorial's stochastic gradient descent.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace descend {

/// eta_t = t0 / (t + t1): the tutorial's SGD schedule (t0 = 5, t1 = 50).
struct InverseTime {
    double t0 = 5.0;   ///< numerator
    double t1 = 50.0;  ///< offset of the step count

    /// Throws std::invalid_argument unless t0 and t1 are finite and > 0.
    void validate() const {
        if (!(t0 > 0.0 && t0 < INFINITY)) throw std::invalid_argument("t0 must be a finite number > 0");
        if (!(t1 > 0.0 && t1 < INFINITY)) throw std::invalid_argument("t1 must be a finite number > 0");
    }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const { return t0 / (static_cast<double>(t) + t1); }
};

}  // namespace descend
