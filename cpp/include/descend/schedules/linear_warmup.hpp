// Linear warm-up: the learning rate ramps up linearly before another schedule takes over.
#pragma once

#include <cstdint>
#include <tuple>

#include "../optimizers/field.hpp"

#include "boxed.hpp"
#include "schedule.hpp"

namespace descend {

// The calls below that take the wrapped Schedule are qualified (descend::...): unqualified,
// argument-dependent lookup would need the Schedule variant complete, and it is not yet.

/// A linear ramp over the first warmup_steps steps up to the wrapped schedule's first rate,
/// then the wrapped schedule, started afresh (its t is shifted by warmup_steps, so e.g. a
/// Cosine's T_max counts from the end of the warm-up):
///   eta_t = s(0) * (t + 1) / warmup_steps   for t < warmup_steps
///   eta_t = s(t - warmup_steps)             for t >= warmup_steps
/// The first step gets s(0) / warmup_steps, the last warm-up step s(0). warmup_steps = 0 is
/// the wrapped schedule itself.
struct LinearWarmup {
    Boxed<Schedule> schedule;
    std::int64_t warmup_steps = 0;

    /// (Calls qualified: argument-dependent lookup would need Schedule complete.)
    static constexpr auto fields() {
        return std::make_tuple(
            descend::required_field("schedule", &LinearWarmup::schedule,
                                    "the schedule s that follows the warm-up (a reference into this one)"),
            descend::required_field("warmup_steps", &LinearWarmup::warmup_steps,
                                    "length of the ramp, in steps", nonnegative_count));
    }

    /// Throws std::invalid_argument naming the first impossible parameter (wrapped one included).
    void validate() const {
        descend::check_fields(*this);
        descend::validate_schedule(schedule.get());
    }
    /// The learning rate of step t.
    double operator()(std::int64_t t) const {
        if (t >= warmup_steps) return descend::learning_rate(schedule.get(), t - warmup_steps);
        return descend::learning_rate(schedule.get(), 0) * static_cast<double>(t + 1) /
               static_cast<double>(warmup_steps);
    }
    /// Passes the epoch's loss on to the wrapped schedule.
    void epoch_end(double loss) { descend::schedule_epoch_end(schedule.get(), loss); }
};

}  // namespace descend

// The other wrapper, then the operations on Schedule, once every alternative is complete (the
// chain of schedule.hpp): included last, so that this header can also be included on its own.
#include "reduce_on_plateau.hpp"
