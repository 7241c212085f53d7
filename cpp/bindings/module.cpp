// descend._core: the compiled module. Each area registers its own functions and classes.
#include <pybind11/pybind11.h>

#include <descend/version.hpp>

#include "register.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "descend's compiled kernels: argument checks, GIL release, and the C++ library.";
    m.attr("__version__") = DESCEND_VERSION;
    descend::bindings::register_optimizers(m);
    descend::bindings::register_schedules(m);
    descend::bindings::register_linear(m);
    descend::bindings::register_clipping(m);
    descend::bindings::register_objectives(m);
    descend::bindings::register_functions(m);
    descend::bindings::register_scaling(m);
    descend::bindings::register_config(m);
    descend::bindings::register_fused(m);
}
