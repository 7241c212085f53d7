// Learning-rate schedules: plain parameter objects the C++ solver evaluates itself.
#include <pybind11/pybind11.h>

#include <descend/schedules.hpp>

#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

void register_schedules(py::module_& m) {
    py::class_<Constant>(m, "Constant", "eta_t = lr")
        .def(py::init([](double lr) {
                 Constant s{lr};
                 s.validate();
                 return s;
             }),
             "lr"_a)
        .def_readwrite("lr", &Constant::lr)
        .def("__call__", &Constant::operator(), "t"_a);

    py::class_<InverseTime>(m, "InverseTime", "eta_t = t0 / (t + t1)")
        .def(py::init([](double t0, double t1) {
                 InverseTime s{t0, t1};
                 s.validate();
                 return s;
             }),
             "t0"_a, "t1"_a)
        .def_readwrite("t0", &InverseTime::t0)
        .def_readwrite("t1", &InverseTime::t1)
        .def("__call__", &InverseTime::operator(), "t"_a);
}

}  // namespace descend::bindings
