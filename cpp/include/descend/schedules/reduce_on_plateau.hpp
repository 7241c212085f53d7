// Reduce on plateau: the learning rate of a base schedule is cut by a factor whenever the
// monitored loss stops improving (torch's ReduceLROnPlateau, mode="min", threshold_mode="rel").
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "../optimizers/field.hpp"

#include "boxed.hpp"
#include "schedule.hpp"

namespace descend {

// The calls below that take the wrapped Schedule are qualified (descend::...): unqualified,
// argument-dependent lookup would need the Schedule variant complete, and it is not yet.

/// eta_t = max(scale * s(t), min(s(t), min_lr)), s the base schedule, where scale starts at 1
/// and is multiplied by `factor` at the end of an epoch when the loss has not improved for
/// more than `patience` epochs. With a Constant base this is torch's ReduceLROnPlateau
/// (mode="min", threshold_mode="rel", eps not modelled): reductions stop at min_lr, and a base
/// rate already below min_lr is left as it is. Per epoch, with loss L:
///   improved = L < best * (1 - threshold);  best = L if improved
///   num_bad_epochs = improved ? 0 : num_bad_epochs + 1
///   in cooldown (cooldown_counter > 0): cooldown_counter -= 1, num_bad_epochs = 0
///   if num_bad_epochs > patience: scale *= factor, cooldown_counter = cooldown, num_bad_epochs = 0
/// The last four members are the state, carried from one solver call to the next.
struct ReduceOnPlateau {
    Boxed<Schedule> schedule;
    double factor = 0.1;
    std::int64_t patience = 10;
    double threshold = 1e-4;
    std::int64_t cooldown = 0;
    double min_lr = 0.0;

    double scale = 1.0;
    double best = INFINITY;
    std::int64_t num_bad_epochs = 0;
    std::int64_t cooldown_counter = 0;

    /// The parameters and the state, each once (see ../optimizers/field.hpp); the Python type
    /// is made from it. (Calls qualified: argument-dependent lookup would need Schedule complete.)
    static constexpr auto fields() {
        using S = ReduceOnPlateau;
        return std::make_tuple(
            descend::required_field("schedule", &S::schedule,
                                    "the base schedule s whose rate is scaled (a reference into this one)"),
            descend::keyword_field("factor", &S::factor, "multiplier of each reduction, in (0, 1)",
                                   reduction_factor),
            descend::keyword_field("patience", &S::patience, "bad epochs tolerated before a reduction",
                                   nonnegative_count),
            descend::keyword_field("threshold", &S::threshold, "relative improvement that counts as better",
                                   below_one),
            descend::keyword_field("cooldown", &S::cooldown,
                                   "epochs after a reduction during which bad epochs are ignored",
                                   nonnegative_count),
            descend::keyword_field("min_lr", &S::min_lr, "reductions never take the rate below this",
                                   nonnegative_number),
            descend::state_field("scale", &S::scale, "product of the reductions so far", unit_interval),
            descend::state_field("best", &S::best, "lowest loss seen (the reference for improvement)",
                                 not_nan),
            descend::state_field("num_bad_epochs", &S::num_bad_epochs, "epochs in a row without improvement",
                                 nonnegative_count),
            descend::state_field("cooldown_counter", &S::cooldown_counter, "cooldown epochs still to go",
                                 nonnegative_count));
    }

    /// Throws std::invalid_argument naming the first impossible parameter or state value.
    void validate() const {
        descend::check_fields(*this);
        descend::validate_schedule(schedule.get());
    }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const {
        const double base = descend::learning_rate(schedule.get(), t);
        return std::max(scale * base, std::min(base, min_lr));
    }
    /// Records the loss of a finished epoch (see the rule above); passes it on to the base.
    void epoch_end(double loss) {
        const bool improved = loss < best * (1.0 - threshold);
        if (improved) best = loss;
        num_bad_epochs = improved ? 0 : num_bad_epochs + 1;
        if (cooldown_counter > 0) {
            --cooldown_counter;
            num_bad_epochs = 0;
        }
        if (num_bad_epochs > patience) {
            scale *= factor;
            cooldown_counter = cooldown;
            num_bad_epochs = 0;
        }
        descend::schedule_epoch_end(schedule.get(), loss);
    }
};

}  // namespace descend

// The operations on Schedule, defined once every alternative is complete (the end of the chain
// of schedule.hpp): included last, so that this header can also be included on its own.
#include "../schedules.hpp"
