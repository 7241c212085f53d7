// The registration functions of the module's areas, one source file each.
#pragma once

#include <pybind11/pybind11.h>

namespace descend::bindings {

void register_optimizers(pybind11::module_& m);  // update rules (register_optimizers.cpp)
void register_schedules(pybind11::module_& m);   // learning-rate schedules (register_schedules.cpp)
void register_linear(pybind11::module_& m);      // least squares and the solver (register_linear.cpp)
void register_clipping(pybind11::module_& m);    // gradient clipping (register_clipping.cpp)
void register_objectives(pybind11::module_& m);  // losses and penalties (register_objectives.cpp)
void register_functions(pybind11::module_& m);   // landscapes and minimize (register_functions.cpp)
void register_scaling(pybind11::module_& m);     // learning_rate="auto" (register_scaling.cpp)
void register_config(pybind11::module_& m);      // build and CPU information (register_config.cpp)
void register_fused(pybind11::module_& m);       // private fused one-row SGD (register_fused.cpp)

}  // namespace descend::bindings
