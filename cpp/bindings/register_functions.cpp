// Test landscapes and the minimize loop: value and gradient of a landscape on rows of points,
// the Minimizer (one run's state, fed by the Python loop for Python functions), and the whole
// loop over a landscape in C++ with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/minimize.hpp>
#include <descend/objectives/landscapes.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "checks.hpp"
#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

const char* status_name(MinimizeStatus status) {
    switch (status) {
        case MinimizeStatus::running: return "running";
        case MinimizeStatus::gtol: return "gtol";
        case MinimizeStatus::tol: return "tol";
        case MinimizeStatus::max_iter: return "max_iter";
        case MinimizeStatus::diverged: return "diverged";
    }
    return "unknown";
}

// ------------------------------------------------------------------ landscapes on NumPy rows

/// Evaluates the landscape at each row of x (m, dim): f into `values` (m,) and the gradient into
/// `grads` (m, dim), each skipped when None. Outputs have x's dtype.
template <class T, class L>
void evaluate_rows(const L& landscape, const py::handle& x_obj, const py::handle& values_obj,
                   const py::handle& grads_obj) {
    const auto dim = static_cast<py::ssize_t>(landscape.dimension());
    const py::array x = checked_array<T>(x_obj, "x", {-1, dim}, false);
    const auto rows = x.shape(0);
    const T* points = static_cast<const T*>(x.data());
    T* values = values_obj.is_none() ? nullptr : output_data<T>(values_obj, "value", {rows});
    T* grads = grads_obj.is_none() ? nullptr : output_data<T>(grads_obj, "grad", {rows, dim});
    const char* names[] = {"x", "value", "grad"};
    std::vector<Extent> extents{extent_of(x, false, 0)};
    if (values != nullptr) extents.push_back(extent_of(py::reinterpret_borrow<py::array>(values_obj), true, 1));
    if (grads != nullptr) extents.push_back(extent_of(py::reinterpret_borrow<py::array>(grads_obj), true, 2));
    check_no_overlap(std::move(extents), [&](std::size_t k) { return std::string(names[k]); });
    py::gil_scoped_release release;
    std::vector<T> scratch(grads != nullptr ? 0 : static_cast<std::size_t>(dim));
    for (py::ssize_t r = 0; r < rows; ++r) {
        T* g = grads != nullptr ? grads + r * dim : scratch.data();
        const double f = landscape.value_and_gradient(points + r * dim, g);
        if (values != nullptr) values[r] = static_cast<T>(f);
    }
}

template <class L>
void evaluate(const L& landscape, const py::handle& x, const py::handle& values,
              const py::handle& grads) {
    if (is_float64(x, "x"))
        evaluate_rows<double>(landscape, x, values, grads);
    else
        evaluate_rows<float>(landscape, x, values, grads);
}

/// Registers landscape L as class `name`, with its evaluation methods.
template <class L>
py::class_<L> register_landscape(py::module_& m, const char* name, const char* doc) {
    return py::class_<L>(m, name, doc)
        .def_property_readonly("dim", &L::dimension, "Number of variables.")
        .def(
            "value",
            [](const L& l, const py::handle& x, const py::handle& out) {
                evaluate(l, x, out, py::none());
            },
            "x"_a, "out"_a, "Writes f of each row of x (m, dim) into out (m,).")
        .def(
            "grad",
            [](const L& l, const py::handle& x, const py::handle& out) {
                evaluate(l, x, py::none(), out);
            },
            "x"_a, "out"_a, "Writes the gradient at each row of x (m, dim) into out (m, dim).")
        .def(
            "value_and_grad",
            [](const L& l, const py::handle& x, const py::handle& value, const py::handle& grad) {
                evaluate(l, x, value, grad);
            },
            "x"_a, "value"_a, "grad"_a,
            "Writes f of each row of x (m, dim) into value (m,) and its gradient into grad (m, dim).")
        .def(
            "minimize_steps",
            [](const L& landscape, const py::handle& x, Minimizer& run, std::int64_t steps) {
                const auto n = static_cast<py::ssize_t>(run.size());
                const auto dim = static_cast<py::ssize_t>(landscape.dimension());
                if (dim != n)
                    throw py::value_error("run: expected a Minimizer over " + std::to_string(dim) +
                                          " variables, got " + std::to_string(n));
                if (steps < 0)
                    throw py::value_error("steps: expected >= 0, got " + std::to_string(steps));
                double* x_data = output_data<double>(x, "x", {n});
                py::gil_scoped_release release;
                return status_name(minimize_steps(landscape, x_data, run, steps));
            },
            "x"_a, "run"_a, "steps"_a,
            "Continues `run` on this landscape from x (float64, updated in place): evaluates x "
            "if nothing was observed yet, then up to `steps` steps, each followed by an "
            "evaluation. Returns the status.");
}

/// A landscape with only a `dim` parameter (validated).
template <class L>
void register_landscape_of_dim(py::module_& m, const char* name, const char* doc) {
    register_landscape<L>(m, name, doc).def(py::init([](std::size_t dim) {
                                                L landscape{dim};
                                                landscape.validate();
                                                return landscape;
                                            }),
                                            "dim"_a = 2);
}

// ------------------------------------------------------------------ the minimize loop

OnNonFinite on_nonfinite_of(const std::string& name) {
    if (name == "stop") return OnNonFinite::stop;
    if (name == "skip") return OnNonFinite::skip;
    if (name == "raise") return OnNonFinite::raise;
    throw py::value_error("on_nonfinite: expected 'stop', 'skip' or 'raise', got '" + name + "'");
}

py::array_t<double> to_numpy(const std::vector<double>& values) {
    return py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
}

}  // namespace

void register_functions(py::module_& m) {
    register_landscape_of_dim<Sphere>(m, "Sphere", "f(x) = sum_i x_i^2");
    register_landscape<IllConditionedQuadratic>(
        m, "IllConditionedQuadratic",
        "f(x) = 1/2 sum_i c_i x_i^2, c_i evenly spaced from 1 to condition")
        .def(py::init([](std::size_t dim, double condition) {
                 IllConditionedQuadratic landscape{dim, condition};
                 landscape.validate();
                 return landscape;
             }),
             "dim"_a = 2, "condition"_a = 100.0)
        .def_readonly("condition", &IllConditionedQuadratic::condition);
    register_landscape<Booth>(m, "Booth", "f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2")
        .def(py::init<>());
    register_landscape_of_dim<Rosenbrock>(
        m, "Rosenbrock", "f(x) = sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2");
    register_landscape<Beale>(
        m, "Beale", "f(x, y) = sum_k (c_k - x + x y^k)^2, c = (1.5, 2.25, 2.625)")
        .def(py::init<>());
    register_landscape<Saddle>(m, "Saddle", "f(x, y) = x^2 - y^2").def(py::init<>());
    register_landscape<MonkeySaddle>(m, "MonkeySaddle", "f(x, y) = x^3 - 3 x y^2")
        .def(py::init<>());
    register_landscape<DoubleWell>(m, "DoubleWell", "f(x) = x^4 / 4 + x^3 / 3 - x^2")
        .def(py::init<>());
    register_landscape<Himmelblau>(m, "Himmelblau",
                                   "f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2")
        .def(py::init<>());
    register_landscape_of_dim<Rastrigin>(m, "Rastrigin",
                                         "f(x) = 10 n + sum_i x_i^2 - 10 cos(2 pi x_i)");
    register_landscape_of_dim<Ackley>(
        m, "Ackley", "f(x) = -20 exp(-0.2 sqrt(mean x_i^2)) - exp(mean cos(2 pi x_i)) + 20 + e");

    // Minimizer::observe under on_nonfinite="raise": FloatingPointError, as descend.optim.
    py::register_exception_translator([](std::exception_ptr error) {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const NonFiniteError& e) {
            PyErr_SetString(PyExc_FloatingPointError, e.what());
        }
    });

    py::class_<Minimizer>(m, "Minimizer",
                          "One minimize run over n float64 variables: update rule state, "
                          "counters, the last finite iterate, f per iteration, the path.")
        .def(py::init([](const Optimizer& optimizer, const Schedule& schedule, std::size_t n,
                         std::int64_t max_iter, double gtol, double tol, double clip_norm,
                         bool record_path, const std::string& on_nonfinite) {
                 if (n < 1) throw py::value_error("n: expected >= 1, got 0");
                 return Minimizer(optimizer, schedule,
                                  MinimizeOptions{max_iter, gtol, tol, clip_norm, record_path,
                                                  on_nonfinite_of(on_nonfinite)},
                                  n);
             }),
             "optimizer"_a, "schedule"_a, "n"_a, py::kw_only(), "max_iter"_a = 1000,
             "gtol"_a = 1e-5, "tol"_a = 1e-6, "clip_norm"_a = 0.0, "record_path"_a = false,
             "on_nonfinite"_a = "stop")
        .def(
            "observe",
            [](Minimizer& run, const py::handle& x, double f, const py::handle& g) {
                const auto n = static_cast<py::ssize_t>(run.size());
                double* x_data = output_data<double>(x, "x", {n});
                const double* g_data = input_data<double>(g, "g", {n});
                check_no_overlap({extent_of(py::reinterpret_borrow<py::array>(x), true, 0),
                                  extent_of(py::reinterpret_borrow<py::array>(g), false, 1)},
                                 [](std::size_t k) { return std::string(k == 0 ? "x" : "g"); });
                py::gil_scoped_release release;
                return status_name(run.observe(x_data, f, g_data));
            },
            "x"_a, "f"_a, "g"_a,
            "Takes f(x) and grad f(x) at the current x, applies the stopping rules and returns "
            "the status; on NaN or infinity x is set back to the last finite iterate and "
            "on_nonfinite applies ('raise': FloatingPointError).")
        .def(
            "step",
            [](Minimizer& run, const py::handle& x) {
                double* x_data = output_data<double>(x, "x", {static_cast<py::ssize_t>(run.size())});
                if (run.status() != MinimizeStatus::running || run.evaluations() == 0)
                    throw py::value_error("step: the run is finished or nothing was observed yet");
                py::gil_scoped_release release;
                run.step(x_data);
            },
            "x"_a, "Moves x in place by one step along the last observed gradient.")
        .def_property_readonly("n", &Minimizer::size, "Number of variables.")
        .def_property_readonly(
            "status", [](const Minimizer& run) { return status_name(run.status()); },
            "'running', 'gtol', 'tol', 'max_iter' or 'diverged'.")
        .def_property_readonly("nit", &Minimizer::iterations, "Steps taken.")
        .def_property_readonly("evaluations", &Minimizer::evaluations, "Calls of observe().")
        .def_property_readonly("nonfinite_steps", &Minimizer::nonfinite_steps,
                               "Steps undone because they led to NaN or infinity.")
        .def_property_readonly("fun", &Minimizer::fun, "f at the last finite iterate.")
        .def_property_readonly(
            "x", [](const Minimizer& run) { return to_numpy(run.x()); },
            "The last finite iterate (a copy).")
        .def_property_readonly(
            "jac", [](const Minimizer& run) { return to_numpy(run.gradient()); },
            "The gradient at the last finite iterate (a copy).")
        .def_property_readonly(
            "history", [](const Minimizer& run) { return to_numpy(run.history()); },
            "f at every finite iterate (a copy).")
        .def_property_readonly(
            "path",
            [](const Minimizer& run) {
                const auto n = static_cast<py::ssize_t>(run.size());
                const auto rows = static_cast<py::ssize_t>(run.path().size()) / n;
                return py::array_t<double>({rows, n}, run.path().data());
            },
            "Every finite iterate, one row each (a copy; no rows unless record_path).");
}

}  // namespace descend::bindings
