// How the module was built and what it runs on this machine: _core.build_config(), the data
// behind descend.show_config().
#include <pybind11/pybind11.h>

#include <descend/parallel.hpp>
#include <descend/version.hpp>

#include <string>

#include "multiversion.hpp"
#include "register.hpp"

#ifndef DESCEND_BUILD_TYPE
#define DESCEND_BUILD_TYPE "unknown"
#endif
#ifndef DESCEND_CXX_FLAGS
#define DESCEND_CXX_FLAGS "unknown"
#endif

namespace descend::bindings {

namespace py = pybind11;

namespace {

std::string compiler() {
#if defined(__clang__)
    return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
    return std::string("GCC ") + __VERSION__;
#elif defined(_MSC_VER)
    return "MSVC " + std::to_string(_MSC_VER);
#else
    return "unknown";
#endif
}

/// The instruction-set features of this CPU that decide the code path.
py::dict cpu_features() {
    py::dict features;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    features["avx2"] = static_cast<bool>(__builtin_cpu_supports("avx2"));
    features["fma"] = static_cast<bool>(__builtin_cpu_supports("fma"));
    features["avx512f"] = static_cast<bool>(__builtin_cpu_supports("avx512f"));
#endif
    return features;
}

/// The clone the loader picks for the DESCEND_MULTIVERSION functions on this CPU, by the same
/// rule as GCC's resolver: x86-64-v3 when the CPU has that whole ISA level.
std::string code_path() {
#if DESCEND_MULTIVERSION_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 (AVX2, FMA)";
    return "baseline x86-64 (SSE2)";
#else
    return "single build for the compiler's target (no runtime dispatch)";
#endif
}

}  // namespace

void register_config(py::module_& m) {
    m.def(
        "build_config",
        [] {
            py::dict config;
            config["version"] = DESCEND_VERSION;
            config["compiler"] = compiler();
            config["build_type"] = DESCEND_BUILD_TYPE;
            config["compile_flags"] = DESCEND_CXX_FLAGS;
            config["runtime_dispatch"] = static_cast<bool>(DESCEND_MULTIVERSION_CLONES);
            config["code_path"] = code_path();
            config["cpu_features"] = cpu_features();
            config["threads"] = available_threads();
            config["parallel_min_entries"] = parallel_min_entries;
            config["parallel_min_elements"] = parallel_min_elements;
            return config;
        },
        R"doc(How the module was built and what it runs here, as a dict: version, compiler,
build_type, compile_flags, runtime_dispatch (whether the hot kernels are compiled for several
instruction sets and picked at load time), code_path (the one this CPU runs), cpu_features,
threads (processors this process may use: what n_threads=None means), parallel_min_entries
(the size of a pass, in entries of X, from which n_threads=None uses them) and
parallel_min_elements (the same for an update rule's step, in elements of a parameter).)doc");
}

}  // namespace descend::bindings
