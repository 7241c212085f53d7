// Learning-rate schedules: the step size as a function of t, the number of optimizer steps
// taken so far (0 for the first step). Each is a small value type in schedules/; `Schedule`
// holds any one, and the solver evaluates it once per step with learning_rate(schedule, t).
#pragma once

#include <cstdint>
#include <type_traits>
#include <variant>

#include "schedules/constant.hpp"
#include "schedules/cosine.hpp"
#include "schedules/exponential.hpp"
#include "schedules/inv_scaling.hpp"
#include "schedules/inverse_time.hpp"
#include "schedules/linear_warmup.hpp"
#include "schedules/reduce_on_plateau.hpp"
#include "schedules/schedule.hpp"
#include "schedules/step_decay.hpp"

namespace descend {

/// True for the schedules that keep state from epoch to epoch (they have epoch_end(loss)).
template <class S, class = void>
struct has_epoch_end : std::false_type {};
template <class S>
struct has_epoch_end<S, std::void_t<decltype(std::declval<S&>().epoch_end(0.0))>> : std::true_type {};

inline double learning_rate(const Schedule& schedule, std::int64_t t) {
    return std::visit([t](const auto& s) { return s(t); }, schedule);
}

inline void schedule_epoch_end(Schedule& schedule, double loss) {
    std::visit(
        [loss](auto& s) {
            if constexpr (has_epoch_end<std::decay_t<decltype(s)>>::value) s.epoch_end(loss);
        },
        schedule);
}

inline void validate_schedule(const Schedule& schedule) {
    std::visit([](const auto& s) { s.validate(); }, schedule);
}

}  // namespace descend
