// The constant learning rate.
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = lr
struct Constant {
    double lr = 0.01;

    static constexpr auto fields() {
        return std::make_tuple(required_field("lr", &Constant::lr, "the step size", nonnegative_number));
    }

    /// Throws std::invalid_argument unless lr is finite and >= 0.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t) const { return lr; }
};

}  // namespace descend
