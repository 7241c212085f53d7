// Exponential decay: the learning rate shrinks by a constant factor every step
// (torch's ExponentialLR).
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = lr * gamma^t, torch.optim.lr_scheduler.ExponentialLR's closed form with t counting
/// optimizer steps.
struct Exponential {
    double lr = 0.01, gamma = 0.999;

    static constexpr auto fields() {
        return std::make_tuple(
            required_field("lr", &Exponential::lr, "learning rate of the first step", nonnegative_number),
            required_field("gamma", &Exponential::gamma, "factor applied every step", decay_factor));
    }

    /// Throws std::invalid_argument naming the first impossible parameter.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const { return lr * std::pow(gamma, static_cast<double>(t)); }
};

}  // namespace descend
