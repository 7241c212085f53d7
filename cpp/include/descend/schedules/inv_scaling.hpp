// scikit-learn's "invscaling" learning rate (SGDRegressor's default).
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = eta0 / (t + 1)^power_t. scikit-learn writes eta = eta0 / pow(t, power_t) with its
/// own counter starting at 1 for the first update (SGD's t_ starts at 1.0 and grows by one
/// per sample); our t starts at 0, hence t + 1. Defaults are SGDRegressor's.
struct InvScaling {
    double eta0 = 0.01, power_t = 0.25;

    static constexpr auto fields() {
        return std::make_tuple(
            field("eta0", &InvScaling::eta0, "learning rate of the first step", positive_number),
            field("power_t", &InvScaling::power_t, "exponent of the decay", nonnegative_number));
    }

    /// Throws std::invalid_argument unless eta0 > 0 and power_t >= 0, both finite.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const {
        return eta0 / std::pow(static_cast<double>(t) + 1.0, power_t);
    }
};

}  // namespace descend
