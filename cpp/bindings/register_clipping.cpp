// Gradient clipping over a list of float32/float64 arrays, in place. Every array is checked
// before any is written, so a refused call leaves them all untouched.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <descend/clipping.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "checks.hpp"
#include "multiversion.hpp"
#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

// ------------------------------------------------------------------ dispatched entry points

DESCEND_MULTIVERSION void add_norm_f64(GlobalNorm& norm, const double* x, std::size_t n) { norm.add(x, n); }
DESCEND_MULTIVERSION void add_norm_f32(GlobalNorm& norm, const float* x, std::size_t n) { norm.add(x, n); }
DESCEND_MULTIVERSION void scale_f64(double* x, std::size_t n, double f) { scale_in_place(x, n, f); }
DESCEND_MULTIVERSION void scale_f32(float* x, std::size_t n, double f) { scale_in_place(x, n, f); }
DESCEND_MULTIVERSION void clamp_f64(const ClipGradValue& c, double* x, std::size_t n) { c.apply(x, n); }
DESCEND_MULTIVERSION void clamp_f32(const ClipGradValue& c, float* x, std::size_t n) { c.apply(x, n); }

// ------------------------------------------------------------------ argument handling

/// One checked gradient array: where its data is, how many elements, which dtype.
struct Grad {
    void* data;
    std::size_t size;
    bool f64;
};

/// Checks every element of `grads` (a list or tuple of writeable C-contiguous float32/float64
/// arrays, any shape, dtypes may differ, no two sharing memory) before returning their pointers.
std::vector<Grad> checked_grads(const py::handle& grads) {
    if (!py::isinstance<py::list>(grads) && !py::isinstance<py::tuple>(grads)) {
        throw py::type_error("grads: expected a list or tuple of numpy.ndarray, got " +
                             type_name(grads));
    }
    const auto items = py::reinterpret_borrow<py::sequence>(grads);
    std::vector<Grad> out;
    std::vector<Extent> extents;
    out.reserve(items.size());
    for (std::size_t k = 0; k < items.size(); ++k) {
        const std::string name = "grads[" + std::to_string(k) + "]";
        const py::object item = items[k];
        const bool f64 = is_float64(item, name.c_str());
        py::array a = py::reinterpret_borrow<py::array>(item);
        if (!(a.flags() & py::array::c_style)) {
            throw py::value_error(name +
                                  ": expected a C-contiguous array, got a non-contiguous view "
                                  "(use numpy.ascontiguousarray)");
        }
        if (!a.writeable()) throw py::value_error(name + ": expected a writeable array, got a read-only one");
        out.push_back(Grad{a.mutable_data(), static_cast<std::size_t>(a.size()), f64});
        extents.push_back(extent_of(a, true, k));
    }
    check_no_overlap(std::move(extents),
                     [](std::size_t k) { return "grads[" + std::to_string(k) + "]"; });
    return out;
}

double clip_grad_norm_binding(const py::handle& grads, double max_norm, double norm_type,
                              bool error_if_nonfinite) {
    const ClipGradNorm clip{max_norm, norm_type};
    clip.validate();
    const std::vector<Grad> arrays = checked_grads(grads);
    double total;
    {
        py::gil_scoped_release release;
        GlobalNorm norm(norm_type);
        for (const Grad& g : arrays) {
            if (g.f64) add_norm_f64(norm, static_cast<const double*>(g.data), g.size);
            else add_norm_f32(norm, static_cast<const float*>(g.data), g.size);
        }
        total = norm.total();
    }
    if (error_if_nonfinite && !std::isfinite(total)) {
        PyErr_SetString(PyExc_FloatingPointError,
                        ("grads: the total norm of order " + std::string(py::str(py::float_(norm_type))) +
                         " is " + std::string(py::str(py::float_(total))) +
                         ", so it cannot be clipped; the arrays were left untouched "
                         "(error_if_nonfinite=False scales them by it anyway, as torch does)")
                            .c_str());
        throw py::error_already_set();
    }
    const double factor = clip.factor(total);
    if (factor != 1.0) {
        py::gil_scoped_release release;
        for (const Grad& g : arrays) {
            if (g.f64) scale_f64(static_cast<double*>(g.data), g.size, factor);
            else scale_f32(static_cast<float*>(g.data), g.size, factor);
        }
    }
    return total;
}

void clip_grad_value_binding(const py::handle& grads, double clip_value) {
    const ClipGradValue clip{clip_value};
    clip.validate();
    const std::vector<Grad> arrays = checked_grads(grads);
    py::gil_scoped_release release;
    for (const Grad& g : arrays) {
        if (g.f64) clamp_f64(clip, static_cast<double*>(g.data), g.size);
        else clamp_f32(clip, static_cast<float*>(g.data), g.size);
    }
}

}  // namespace

void register_clipping(py::module_& m) {
    m.def("clip_grad_norm", &clip_grad_norm_binding, "grads"_a, "max_norm"_a, py::kw_only(),
          "norm_type"_a = 2.0, "error_if_nonfinite"_a = false,
          R"doc(Rescales the arrays in place so that their global norm is at most max_norm.

total = (sum over all elements of |g|^p)^(1/p) (max |g| for p = inf); when
max_norm / (total + 1e-6) < 1 every array is multiplied by it. Returns total.
torch.nn.utils.clip_grad_norm_'s semantics.)doc");
    m.def("clip_grad_value", &clip_grad_value_binding, "grads"_a, "clip_value"_a,
          "Clamps every element of the arrays into [-clip_value, clip_value], in place.");
}

}  // namespace descend::bindings
