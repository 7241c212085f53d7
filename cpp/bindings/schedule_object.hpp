// A descend::Schedule read from, and written back to, the _core schedule object that holds
// it. pybind11 loads a std::variant by copying the alternative, so a stateful schedule
// (ReduceOnPlateau, alone or wrapped) run by the solver must be copied back into the Python
// object afterwards for its state to carry over to the next call.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/schedules.hpp>

#include <string>
#include <type_traits>

namespace descend::bindings {

namespace py = pybind11;

/// A copy of the schedule held by `obj`; TypeError naming `name` if obj is not a _core schedule.
inline Schedule schedule_from_object(const py::handle& obj, const char* name) {
    try {
        return obj.cast<Schedule>();
    } catch (const py::cast_error&) {
        throw py::type_error(std::string(name) +
                             ": expected a descend._core schedule (Constant, InverseTime, "
                             "InvScaling, StepDecay, Exponential, Cosine, LinearWarmup, "
                             "ReduceOnPlateau), got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
}

/// Copies `schedule` (read from `obj` by schedule_from_object, then run) back into `obj`.
inline void store_schedule(const py::handle& obj, const Schedule& schedule) {
    std::visit([&obj](const auto& s) { obj.cast<std::decay_t<decltype(s)>&>() = s; }, schedule);
}

}  // namespace descend::bindings
