// Learning-rate schedules: plain parameter objects the C++ solver evaluates itself. Each is
// validated on construction; the wrappers (LinearWarmup, ReduceOnPlateau) hold a copy of the
// schedule they are given, and show it by reference (descend.schedules' objects are views of
// these).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/schedules.hpp>

#include <cstdint>

#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

/// The schedule, after checking it.
template <class S>
S validated(S schedule) {
    schedule.validate();
    return schedule;
}

/// A class for schedule S with what every schedule has: __call__(t), validate() and copies.
template <class S>
py::class_<S> schedule_class(py::module_& m, const char* name, const char* doc) {
    return py::class_<S>(m, name, doc)
        .def("__copy__", [](const S& s) { return s; }, "An independent copy (state included).")
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
}

/// A wrapper's `schedule` member, read-only and by reference: changing the state of what it
/// returns changes the wrapper's (the object keeps the wrapper alive).
template <class S>
void def_wrapped_schedule(py::class_<S>& cls) {
    cls.def_property_readonly(
        "schedule", [](S& s) -> Schedule& { return s.schedule.get(); },
        "The wrapped schedule (a reference into this one).");
}

}  // namespace

void register_schedules(py::module_& m) {
    schedule_class<Constant>(m, "Constant", "eta_t = lr")
        .def(py::init([](double lr) { return validated(Constant{lr}); }), "lr"_a)
        .def_readwrite("lr", &Constant::lr);

    schedule_class<InverseTime>(m, "InverseTime", "eta_t = t0 / (t + t1)")
        .def(py::init([](double t0, double t1) { return validated(InverseTime{t0, t1}); }), "t0"_a,
             "t1"_a)
        .def_readwrite("t0", &InverseTime::t0)
        .def_readwrite("t1", &InverseTime::t1);

    schedule_class<InvScaling>(m, "InvScaling", "eta_t = eta0 / (t + 1)^power_t (scikit-learn's invscaling)")
        .def(py::init([](double eta0, double power_t) { return validated(InvScaling{eta0, power_t}); }),
             "eta0"_a, "power_t"_a)
        .def_readwrite("eta0", &InvScaling::eta0)
        .def_readwrite("power_t", &InvScaling::power_t);

    schedule_class<StepDecay>(m, "StepDecay", "eta_t = lr * gamma^floor(t / step_size)")
        .def(py::init([](double lr, std::int64_t step_size, double gamma) {
                 return validated(StepDecay{lr, step_size, gamma});
             }),
             "lr"_a, "step_size"_a, "gamma"_a)
        .def_readwrite("lr", &StepDecay::lr)
        .def_readwrite("step_size", &StepDecay::step_size)
        .def_readwrite("gamma", &StepDecay::gamma);

    schedule_class<Exponential>(m, "Exponential", "eta_t = lr * gamma^t")
        .def(py::init([](double lr, double gamma) { return validated(Exponential{lr, gamma}); }),
             "lr"_a, "gamma"_a)
        .def_readwrite("lr", &Exponential::lr)
        .def_readwrite("gamma", &Exponential::gamma);

    schedule_class<Cosine>(m, "Cosine",
                           "eta_t = eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2")
        .def(py::init([](double lr, std::int64_t T_max, double eta_min) {
                 return validated(Cosine{lr, T_max, eta_min});
             }),
             "lr"_a, "T_max"_a, "eta_min"_a)
        .def_readwrite("lr", &Cosine::lr)
        .def_readwrite("T_max", &Cosine::T_max)
        .def_readwrite("eta_min", &Cosine::eta_min);

    auto warmup = schedule_class<LinearWarmup>(
        m, "LinearWarmup",
        "eta_t = s(0) * (t + 1) / warmup_steps for t < warmup_steps, else s(t - warmup_steps)");
    warmup
        .def(py::init([](const py::handle& schedule, std::int64_t warmup_steps) {
                 return validated(
                     LinearWarmup{schedule_from_object(schedule, "schedule"), warmup_steps});
             }),
             "schedule"_a, "warmup_steps"_a)
        .def_readwrite("warmup_steps", &LinearWarmup::warmup_steps)
        .def("epoch_end", &LinearWarmup::epoch_end, "loss"_a,
             "Passes a finished epoch's loss on to the wrapped schedule.");
    def_wrapped_schedule(warmup);

    auto plateau = schedule_class<ReduceOnPlateau>(
        m, "ReduceOnPlateau",
        "eta_t = max(scale * s(t), min(s(t), min_lr)); scale *= factor after more than patience "
        "epochs without relative improvement of the loss by threshold");
    plateau
        .def(py::init([](const py::handle& schedule, double factor, std::int64_t patience,
                         double threshold, std::int64_t cooldown, double min_lr) {
                 ReduceOnPlateau s{schedule_from_object(schedule, "schedule")};
                 s.factor = factor;
                 s.patience = patience;
                 s.threshold = threshold;
                 s.cooldown = cooldown;
                 s.min_lr = min_lr;
                 return validated(s);
             }),
             "schedule"_a, py::kw_only(), "factor"_a = 0.1, "patience"_a = 10, "threshold"_a = 1e-4,
             "cooldown"_a = 0, "min_lr"_a = 0.0)
        .def_readwrite("factor", &ReduceOnPlateau::factor)
        .def_readwrite("patience", &ReduceOnPlateau::patience)
        .def_readwrite("threshold", &ReduceOnPlateau::threshold)
        .def_readwrite("cooldown", &ReduceOnPlateau::cooldown)
        .def_readwrite("min_lr", &ReduceOnPlateau::min_lr)
        .def_readwrite("scale", &ReduceOnPlateau::scale)
        .def_readwrite("best", &ReduceOnPlateau::best)
        .def_readwrite("num_bad_epochs", &ReduceOnPlateau::num_bad_epochs)
        .def_readwrite("cooldown_counter", &ReduceOnPlateau::cooldown_counter)
        .def("epoch_end", &ReduceOnPlateau::epoch_end, "loss"_a,
             "Records a finished epoch's loss: may reduce the rate (the solver calls this).");
    def_wrapped_schedule(plateau);
}

}  // namespace descend::bindings
