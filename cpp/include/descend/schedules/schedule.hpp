// The Schedule type: any one schedule, chosen at run time, and the three operations the
// solver needs. Declared here (before the wrapper schedules, which hold a Schedule of their
// own); the operations are defined in ../schedules.hpp once every alternative is complete.
// Whichever of schedule.hpp, linear_warmup.hpp, reduce_on_plateau.hpp and ../schedules.hpp a
// user includes first, the definitions must come after both wrappers: so each of these files
// ends by including the next of the chain
//   schedule.hpp -> linear_warmup.hpp -> reduce_on_plateau.hpp -> ../schedules.hpp
// (a file already open is skipped by #pragma once, and is complete by the time the chain
// reaches the definitions, which only the last link includes).
// Each schedule declares its parameters once, in its table fields() (../optimizers/field.hpp),
// from which the Python type is made.
#pragma once

#include <cstdint>
#include <variant>

#include "../list_variant.hpp"
#include "constant.hpp"
#include "cosine.hpp"
#include "exponential.hpp"
#include "inv_scaling.hpp"
#include "inverse_time.hpp"
#include "step_decay.hpp"

namespace descend {

struct LinearWarmup;
struct ReduceOnPlateau;

/// The schedule list: each schedule once, as X(type, formula). The Schedule variant below and
/// the Python types (cpp/bindings/register_schedules.cpp, the formula their docstring) are made
/// from it.
#define DESCEND_SCHEDULES(X)                                                                   \
    X(Constant, "eta_t = lr")                                                                  \
    X(InverseTime, "eta_t = t0 / (t + t1)")                                                    \
    X(InvScaling, "eta_t = eta0 / (t + 1)^power_t (scikit-learn's invscaling)")                \
    X(StepDecay, "eta_t = lr * gamma^floor(t / step_size)")                                    \
    X(Exponential, "eta_t = lr * gamma^t")                                                     \
    X(Cosine, "eta_t = eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2")              \
    X(LinearWarmup,                                                                            \
      "eta_t = s(0) * (t + 1) / warmup_steps for t < warmup_steps, else s(t - warmup_steps)")  \
    X(ReduceOnPlateau,                                                                         \
      "eta_t = max(scale * s(t), min(s(t), min_lr)); scale *= factor after more than patience " \
      "epochs without relative improvement of the loss by threshold")

/// Any one schedule of DESCEND_SCHEDULES, chosen at run time: evaluated once per step, no call
/// into Python.
#define DESCEND_SCHEDULE_TYPE(S, formula) , S
using Schedule = detail::variant_after_void<void DESCEND_SCHEDULES(DESCEND_SCHEDULE_TYPE)>::type;
#undef DESCEND_SCHEDULE_TYPE

/// The learning rate of step t (t = optimizer steps taken so far, 0 for the first step).
inline double learning_rate(const Schedule& schedule, std::int64_t t);

/// Tells the schedule that an epoch ended with this loss; only stateful schedules
/// (ReduceOnPlateau, alone or wrapped) change. The solver calls it after every finished epoch.
inline void schedule_epoch_end(Schedule& schedule, double loss);

/// Throws std::invalid_argument naming the first impossible parameter of the schedule.
inline void validate_schedule(const Schedule& schedule);

}  // namespace descend

// The wrappers, then the operations (the chain above): included last, so that this header can
// also be included on its own.
#include "linear_warmup.hpp"
