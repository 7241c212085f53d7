// Update rules: their hyperparameter objects (validated on construction and before each use).
#include <pybind11/pybind11.h>

#include <descend/optimizers/optimizer.hpp>

#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

void register_optimizers(py::module_& m) {
    py::class_<SGD>(m, "SGD", "Hyperparameters of SGD (torch.optim.SGD's names and defaults).")
        .def(py::init([](double lr, double momentum, double dampening, double weight_decay,
                         bool nesterov, bool maximize) {
                 SGD rule{lr, momentum, dampening, weight_decay, nesterov, maximize};
                 rule.validate();
                 return rule;
             }),
             py::kw_only(), "lr"_a = 1e-3, "momentum"_a = 0.0, "dampening"_a = 0.0,
             "weight_decay"_a = 0.0, "nesterov"_a = false, "maximize"_a = false)
        .def_readwrite("lr", &SGD::lr)
        .def_readwrite("momentum", &SGD::momentum)
        .def_readwrite("dampening", &SGD::dampening)
        .def_readwrite("weight_decay", &SGD::weight_decay)
        .def_readwrite("nesterov", &SGD::nesterov)
        .def_readwrite("maximize", &SGD::maximize)
        .def("validate", &SGD::validate)
        .def_property_readonly("state_slots", &SGD::state_slots);

    py::class_<Adam>(m, "Adam", "Hyperparameters of Adam (torch.optim.Adam's names and defaults).")
        .def(py::init([](double lr, double beta1, double beta2, double eps, double weight_decay,
                         bool amsgrad, bool maximize) {
                 Adam rule{lr, beta1, beta2, eps, weight_decay, amsgrad, maximize};
                 rule.validate();
                 return rule;
             }),
             py::kw_only(), "lr"_a = 1e-3, "beta1"_a = 0.9, "beta2"_a = 0.999, "eps"_a = 1e-8,
             "weight_decay"_a = 0.0, "amsgrad"_a = false, "maximize"_a = false)
        .def_readwrite("lr", &Adam::lr)
        .def_readwrite("beta1", &Adam::beta1)
        .def_readwrite("beta2", &Adam::beta2)
        .def_readwrite("eps", &Adam::eps)
        .def_readwrite("weight_decay", &Adam::weight_decay)
        .def_readwrite("amsgrad", &Adam::amsgrad)
        .def_readwrite("maximize", &Adam::maximize)
        .def("validate", &Adam::validate)
        .def_property_readonly("state_slots", &Adam::state_slots);
}

}  // namespace descend::bindings
