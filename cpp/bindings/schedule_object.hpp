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
#include <utility>
#include <variant>

namespace descend::bindings {

namespace py = pybind11;

/// "Constant, InverseTime, ...": the Python names of the schedule types.
template <std::size_t... I>
std::string schedule_names(std::index_sequence<I...>) {
    std::string names;
    ((names += std::string(I == 0 ? "" : ", ") +
               std::string(py::str(py::type::of<std::variant_alternative_t<I, Schedule>>().attr("__name__")))),
     ...);
    return names;
}

/// A copy of the schedule held by `obj`; TypeError naming `name` if obj is not a _core schedule.
inline Schedule schedule_from_object(const py::handle& obj, const char* name) {
    try {
        return obj.cast<Schedule>();
    } catch (const py::cast_error&) {
        throw py::type_error(std::string(name) + ": expected a descend._core schedule (" +
                             schedule_names(std::make_index_sequence<std::variant_size_v<Schedule>>{}) +
                             "), got " + std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
}

/// Copies `schedule` (read from `obj` by schedule_from_object, then run) back into `obj`.
inline void store_schedule(const py::handle& obj, const Schedule& schedule) {
    std::visit([&obj](const auto& s) { obj.cast<std::decay_t<decltype(s)>&>() = s; }, schedule);
}

}  // namespace descend::bindings
