// Inverse-time decay, the schedule of the tutorial's stochastic gradient descent.
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = t0 / (t + t1): the tutorial's SGD schedule (t0 = 5, t1 = 50).
struct InverseTime {
    double t0 = 5.0, t1 = 50.0;

    static constexpr auto fields() {
        return std::make_tuple(field("t0", &InverseTime::t0, "numerator", positive_number),
                               field("t1", &InverseTime::t1, "offset of the step count", positive_number));
    }

    /// Throws std::invalid_argument unless t0 and t1 are finite and > 0.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const { return t0 / (static_cast<double>(t) + t1); }
};

}  // namespace descend
