// Step decay: the learning rate drops by a factor every step_size steps (torch's StepLR).
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = lr * gamma^floor(t / step_size), torch.optim.lr_scheduler.StepLR's closed form
/// with t counting optimizer steps (not epochs).
struct StepDecay {
    double lr = 0.01;
    std::int64_t step_size = 1000;
    double gamma = 0.1;

    static constexpr auto fields() {
        return std::make_tuple(
            required_field("lr", &StepDecay::lr, "learning rate of the first step_size steps",
                           nonnegative_number),
            required_field("step_size", &StepDecay::step_size, "steps between two drops", positive_count),
            field("gamma", &StepDecay::gamma, "factor of each drop", decay_factor));
    }

    /// Throws std::invalid_argument naming the first impossible parameter.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const {
        return lr * std::pow(gamma, static_cast<double>(t / step_size));
    }
};

}  // namespace descend
