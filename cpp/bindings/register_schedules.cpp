// Learning-rate schedules: plain parameter objects the C++ solver evaluates itself, each made
// from its field table (constructor, validation, properties, repr, equality, pickling:
// field_class.hpp). The wrappers (LinearWarmup, ReduceOnPlateau) hold a copy of the schedule
// they are given, and show it by reference (descend.schedules' objects are views of these).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/schedules.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

#include "field_class.hpp"
#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

/// A wrapper's schedule: given as any _core schedule object (copied), shown by reference
/// (read-only: changing the state of what it returns changes the wrapper's), compared and
/// pickled by value.
template <>
struct FieldValue<Boxed<Schedule>> {
    using arg_type = py::object;
    static Schedule from_python(const py::object& value, const char* name) {
        return schedule_from_object(value, name);
    }
    static py::object to_python(const Boxed<Schedule>& value) { return py::cast(value.get()); }
    static bool equal(const Boxed<Schedule>& a, const Boxed<Schedule>& b) {
        const auto same = [&](const auto& s) {
            return fields_equal(s, std::get<std::decay_t<decltype(s)>>(b.get()));
        };
        return a.get().index() == b.get().index() && std::visit(same, a.get());
    }
    template <class Owner>
    static void def_property(py::class_<Owner>& cls, const char* name,
                             Boxed<Schedule> Owner::*member, const char* doc) {
        cls.def_property_readonly(
            name, [member](Owner& s) -> Schedule& { return (s.*member).get(); }, doc);
    }
};

namespace {

/// The Python type of schedule S: its fields (def_field_class), __call__(t), validate(),
/// copies, and epoch_end(loss) for the schedules with state.
template <class S>
void register_schedule(py::module_& m, const char* name, const char* doc) {
    py::class_<S> cls(m, name, doc);
    def_field_class<false>(cls);
    cls.def("__copy__", [](const S& s) { return s; }, "An independent copy (state included).")
        .def(
            "__deepcopy__", [](const S& s, const py::handle&) { return s; }, "memo"_a,
            "An independent copy (state included).")
        .def(
            "__call__",
            [](const S& s, std::int64_t t) {
                if (t < 0) throw py::value_error("t: expected a step count >= 0, got " + std::to_string(t));
                return s(t);
            },
            "t"_a, "The learning rate of step t (t = steps taken so far, 0 for the first).")
        .def("validate", &S::validate, "Raises ValueError naming the first impossible parameter.");
    if constexpr (has_epoch_end<S>::value) {
        cls.def("epoch_end", &S::epoch_end, "loss"_a,
                "Records a finished epoch's loss: may change the state (the solver calls this); "
                "a wrapper passes it on.");
    }
}

}  // namespace

void register_schedules(py::module_& m) {
#define DESCEND_REGISTER_SCHEDULE(S, formula) register_schedule<S>(m, #S, formula);
    DESCEND_SCHEDULES(DESCEND_REGISTER_SCHEDULE)
#undef DESCEND_REGISTER_SCHEDULE
}

}  // namespace descend::bindings
