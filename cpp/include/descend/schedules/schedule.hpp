// The Schedule type: any one schedule, chosen at run time, and the three operations the
// solver needs. Declared here (before the wrapper schedules, which hold a Schedule of their
// own); the operations are defined in ../schedules.hpp once every alternative is complete.
#pragma once

#include <cstdint>
#include <variant>

#include "constant.hpp"
#include "cosine.hpp"
#include "exponential.hpp"
#include "inv_scaling.hpp"
#include "inverse_time.hpp"
#include "step_decay.hpp"

namespace descend {

struct LinearWarmup;
struct ReduceOnPlateau;

/// Any one schedule, chosen at run time: evaluated once per step, no call into Python.
using Schedule = std::variant<Constant, InverseTime, InvScaling, StepDecay, Exponential, Cosine,
                              LinearWarmup, ReduceOnPlateau>;

/// The learning rate of step t (t = optimizer steps taken so far, 0 for the first step).
inline double learning_rate(const Schedule& schedule, std::int64_t t);

/// Tells the schedule that an epoch ended with this loss; only stateful schedules
/// (ReduceOnPlateau, alone or wrapped) change. The solver calls it after every finished epoch.
inline void schedule_epoch_end(Schedule& schedule, double loss);

/// Throws std::invalid_argument naming the first impossible parameter of the schedule.
inline void validate_schedule(const Schedule& schedule);

}  // namespace descend

// The operations on Schedule are defined once every alternative is complete: included last,
// so that this header can also be included on its own.
#include "../schedules.hpp"
