// Cosine annealing from lr down to eta_min over T_max steps (torch's CosineAnnealingLR).
#pragma once

#include <cmath>
#include <cstdint>

#include "../optimizers/field.hpp"

namespace descend {

/// eta_t = eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2, the closed form of
/// torch.optim.lr_scheduler.CosineAnnealingLR with t counting optimizer steps. It reaches
/// eta_min at t = T_max; after that the same formula goes on, as in torch: the rate climbs
/// back to lr at t = 2 T_max and keeps oscillating with period 2 T_max. To stay at eta_min,
/// choose T_max >= the number of steps of the run.
struct Cosine {
    double lr = 0.01;
    std::int64_t T_max = 1000;
    double eta_min = 0.0;

    static constexpr auto fields() {
        return std::make_tuple(
            required_field("lr", &Cosine::lr, "learning rate of the first step (torch's base lr)",
                           nonnegative_number),
            required_field("T_max", &Cosine::T_max, "steps from lr down to eta_min (half a period)",
                           positive_count),
            field("eta_min", &Cosine::eta_min, "learning rate at t = T_max", nonnegative_number));
    }

    /// Throws std::invalid_argument naming the first impossible parameter.
    void validate() const { check_fields(*this); }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const {
        constexpr double pi = 3.141592653589793;
        return eta_min + (lr - eta_min) *
                             (1.0 + std::cos(pi * static_cast<double>(t) / static_cast<double>(T_max))) /
                             2.0;
    }
};

}  // namespace descend
