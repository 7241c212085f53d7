// Least squares and the solver loop over it: the kernels behind descend.LinearRegression.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/least_squares.hpp>
#include <descend/solver.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "checks.hpp"
#include "multiversion.hpp"
#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

// ------------------------------------------------------------------ dispatched entry points

DESCEND_MULTIVERSION double least_squares_f64(const LeastSquares<double>& objective,
                                              const double* theta, double* grad) {
    return objective.loss_and_gradient(nullptr, objective.n_samples(), theta, grad);
}
DESCEND_MULTIVERSION double least_squares_f32(const LeastSquares<float>& objective,
                                              const float* theta, double* grad) {
    return objective.loss_and_gradient(nullptr, objective.n_samples(), theta, grad);
}
double least_squares(const LeastSquares<double>& o, const double* theta, double* grad) {
    return least_squares_f64(o, theta, grad);
}
double least_squares(const LeastSquares<float>& o, const float* theta, double* grad) {
    return least_squares_f32(o, theta, grad);
}

DESCEND_MULTIVERSION Status run_f64(const LeastSquares<double>& objective, double* theta,
                                    double* const* state, const Optimizer& optimizer,
                                    Schedule& schedule, const SolverOptions& options,
                                    SolverState& run, std::size_t epochs,
                                    std::vector<double>& history) {
    return run_epochs(objective, theta, state, optimizer, schedule, options, run, epochs, history);
}
DESCEND_MULTIVERSION Status run_f32(const LeastSquares<float>& objective, float* theta,
                                    float* const* state, const Optimizer& optimizer,
                                    Schedule& schedule, const SolverOptions& options,
                                    SolverState& run, std::size_t epochs,
                                    std::vector<double>& history) {
    return run_epochs(objective, theta, state, optimizer, schedule, options, run, epochs, history);
}
Status run(const LeastSquares<double>& o, double* theta, double* const* state,
           const Optimizer& opt, Schedule& s, const SolverOptions& options,
           SolverState& r, std::size_t epochs, std::vector<double>& h) {
    return run_f64(o, theta, state, opt, s, options, r, epochs, h);
}
Status run(const LeastSquares<float>& o, float* theta, float* const* state,
           const Optimizer& opt, Schedule& s, const SolverOptions& options,
           SolverState& r, std::size_t epochs, std::vector<double>& h) {
    return run_f32(o, theta, state, opt, s, options, r, epochs, h);
}

// ------------------------------------------------------------------ argument handling

const char* status_name(Status status) {
    switch (status) {
        case Status::running: return "running";
        case Status::converged: return "converged";
        case Status::max_iter: return "max_iter";
        case Status::diverged: return "diverged";
    }
    return "unknown";
}

Status status_from_name(const std::string& name) {
    for (Status s : {Status::running, Status::converged, Status::max_iter, Status::diverged})
        if (name == status_name(s)) return s;
    throw py::value_error("status: unknown value '" + name + "'");
}

/// Builds the objective from checked arrays: X (m, n), y (m,), sample_weight (m,) or None.
template <class T>
LeastSquares<T> make_objective(const py::handle& X_obj, const py::handle& y_obj,
                               const py::handle& weight_obj, bool fit_intercept) {
    py::array X = checked_array<T>(X_obj, "X", {-1, -1}, false);
    const auto m = X.shape(0), n = X.shape(1);
    LeastSquares<T> objective;
    objective.X = MatrixView<const T>{static_cast<const T*>(X.data()), static_cast<std::size_t>(m),
                                      static_cast<std::size_t>(n)};
    objective.y = input_data<T>(y_obj, "y", {m});
    objective.fit_intercept = fit_intercept;
    if (!weight_obj.is_none()) {
        objective.sample_weight = input_data<T>(weight_obj, "sample_weight", {m});
        double total = 0.0;
        for (py::ssize_t i = 0; i < m; ++i) total += static_cast<double>(objective.sample_weight[i]);
        if (!(total > 0.0)) throw py::value_error("sample_weight: the weights must have a positive sum");
        objective.mean_weight = total / static_cast<double>(m);
    }
    return objective;
}

template <class T>
double least_squares_binding(const py::handle& X, const py::handle& y, const py::handle& theta,
                             const py::handle& grad, const py::handle& sample_weight,
                             bool fit_intercept) {
    const LeastSquares<T> objective = make_objective<T>(X, y, sample_weight, fit_intercept);
    const auto p = static_cast<py::ssize_t>(objective.n_params());
    const T* theta_data = input_data<T>(theta, "theta", {p});
    T* grad_out = output_data<T>(grad, "grad", {p});
    py::gil_scoped_release release;
    std::vector<double> sums(objective.n_params());
    const double loss = least_squares(objective, theta_data, sums.data());
    for (std::size_t j = 0; j < sums.size(); ++j) grad_out[j] = static_cast<T>(sums[j]);
    return loss;
}

template <class T>
py::tuple fit_binding(const py::handle& X, const py::handle& y, const py::handle& sample_weight,
                      const py::handle& theta, const py::handle& state,
                      const Optimizer& optimizer, Schedule& schedule,
                      const SolverOptions& options, SolverState& solver_state, std::size_t epochs,
                      bool fit_intercept) {
    std::visit([](const auto& rule) { rule.validate(); }, optimizer);
    std::visit([](const auto& s) { s.validate(); }, schedule);
    const LeastSquares<T> objective = make_objective<T>(X, y, sample_weight, fit_intercept);
    if (objective.n_samples() == 0) throw py::value_error("X: expected at least one row, got 0");
    const auto p = static_cast<py::ssize_t>(objective.n_params());
    const auto slots = static_cast<py::ssize_t>(state_slots(optimizer));
    T* theta_data = output_data<T>(theta, "theta", {p});
    T* state_data = output_data<T>(state, "state", {slots, p});
    std::vector<T*> state_rows(static_cast<std::size_t>(slots));
    for (py::ssize_t k = 0; k < slots; ++k) state_rows[static_cast<std::size_t>(k)] = state_data + k * p;
    std::vector<double> history;
    Status status;
    {
        py::gil_scoped_release release;
        status = run(objective, theta_data, state_rows.data(), optimizer, schedule, options,
                     solver_state, epochs, history);
    }
    return py::make_tuple(status_name(status), history);
}

}  // namespace

void register_linear(py::module_& m) {
    py::class_<SolverOptions>(m, "SolverOptions", "Settings of the solver loop.")
        .def(py::init([](std::size_t batch_size, const std::string& sampling, std::size_t max_iter,
                         double tol, std::size_t n_iter_no_change, double slice_seconds) {
                 if (sampling != "shuffle" && sampling != "replacement")
                     throw py::value_error("sampling: expected 'shuffle' or 'replacement', got '" +
                                           sampling + "'");
                 if (max_iter < 1) throw py::value_error("max_iter: expected >= 1");
                 if (n_iter_no_change < 1) throw py::value_error("n_iter_no_change: expected >= 1");
                 return SolverOptions{batch_size,
                                      sampling == "shuffle" ? Sampling::shuffle : Sampling::replacement,
                                      max_iter, tol, n_iter_no_change, slice_seconds};
             }),
             py::kw_only(), "batch_size"_a = 0, "sampling"_a = "shuffle", "max_iter"_a = 1000,
             "tol"_a = 1e-6, "n_iter_no_change"_a = 1, "slice_seconds"_a = 0.0)
        .def_readonly("batch_size", &SolverOptions::batch_size)
        .def_readonly("max_iter", &SolverOptions::max_iter)
        .def_readonly("tol", &SolverOptions::tol)
        .def_readonly("n_iter_no_change", &SolverOptions::n_iter_no_change)
        .def_readonly("slice_seconds", &SolverOptions::slice_seconds);

    py::class_<SolverState>(m, "SolverState",
                            "What the solver carries between calls: generator, counters, status.")
        .def(py::init([](std::uint64_t seed) {
                 SolverState s;
                 s.random.reseed(seed);
                 return s;
             }),
             "seed"_a)
        .def_readwrite("step", &SolverState::step)
        .def_readwrite("epoch", &SolverState::epoch)
        .def_readwrite("previous_loss", &SolverState::previous_loss)
        .def_readwrite("no_change", &SolverState::no_change)
        .def_readwrite("diverged_epoch", &SolverState::diverged_epoch)
        .def_property(
            "status", [](const SolverState& s) { return status_name(s.status); },
            [](SolverState& s, const std::string& name) { s.status = status_from_name(name); })
        .def_property(
            "random_state",
            [](const SolverState& s) {
                return py::make_tuple(s.random.state[0], s.random.state[1], s.random.state[2],
                                      s.random.state[3]);
            },
            [](SolverState& s, const py::tuple& words) {
                if (words.size() != 4) throw py::value_error("random_state: expected 4 integers");
                for (std::size_t k = 0; k < 4; ++k) s.random.state[k] = words[k].cast<std::uint64_t>();
            })
        .def("next_below", [](SolverState& s, std::uint64_t n) {
            if (n == 0) throw py::value_error("n: expected > 0");
            return s.random.below(n);
        }, "n"_a, "Draws a uniform integer in [0, n) from the state's generator (for tests).")
        .def(py::pickle(
            [](const SolverState& s) {
                return py::make_tuple(s.random.state[0], s.random.state[1], s.random.state[2],
                                      s.random.state[3], s.step, s.epoch, s.previous_loss,
                                      s.no_change, status_name(s.status), s.diverged_epoch);
            },
            [](const py::tuple& t) {
                if (t.size() != 10) throw py::value_error("SolverState: bad pickle");
                SolverState s;
                for (std::size_t k = 0; k < 4; ++k) s.random.state[k] = t[k].cast<std::uint64_t>();
                s.step = t[4].cast<std::int64_t>();
                s.epoch = t[5].cast<std::size_t>();
                s.previous_loss = t[6].cast<double>();
                s.no_change = t[7].cast<std::size_t>();
                s.status = status_from_name(t[8].cast<std::string>());
                s.diverged_epoch = t[9].cast<std::size_t>();
                return s;
            }));

    m.def(
        "least_squares_loss_and_gradient",
        [](const py::handle& X, const py::handle& y, const py::handle& theta,
           const py::handle& grad, const py::handle& sample_weight, bool fit_intercept) {
            return is_float64(X, "X")
                       ? least_squares_binding<double>(X, y, theta, grad, sample_weight, fit_intercept)
                       : least_squares_binding<float>(X, y, theta, grad, sample_weight, fit_intercept);
        },
        "X"_a, "y"_a, "theta"_a, "grad"_a, py::kw_only(), "sample_weight"_a = py::none(),
        "fit_intercept"_a = true,
        R"doc(Mean squared error of theta = (intercept, coef) on (X, y), and its gradient.

Writes the gradient into `grad` in place and returns the loss. One pass over the rows of X.
All arrays must have X's dtype (float64 or float32), be C-contiguous, and grad writeable.)doc");

    m.def(
        "fit_least_squares",
        [](const py::handle& X, const py::handle& y, const py::handle& sample_weight,
           const py::handle& theta, const py::handle& state, const Optimizer& optimizer,
           const py::handle& schedule_obj, const SolverOptions& options, SolverState& solver_state,
           std::size_t epochs, bool fit_intercept) {
            Schedule schedule = schedule_from_object(schedule_obj, "schedule");
            py::tuple result =
                is_float64(X, "X")
                    ? fit_binding<double>(X, y, sample_weight, theta, state, optimizer, schedule,
                                          options, solver_state, epochs, fit_intercept)
                    : fit_binding<float>(X, y, sample_weight, theta, state, optimizer, schedule,
                                         options, solver_state, epochs, fit_intercept);
            store_schedule(schedule_obj, schedule);  // its state carries over to the next call
            return result;
        },
        "X"_a, "y"_a, "sample_weight"_a, "theta"_a, "state"_a, "optimizer"_a, "schedule"_a,
        "options"_a, "solver_state"_a, "epochs"_a, "fit_intercept"_a,
        "Runs up to `epochs` epochs of the solver in place; returns (status, losses).");

    m.def(
        "all_finite",
        [](const py::handle& a) {
            const bool f64 = is_float64(a, "array");
            py::array arr = as_ndarray(a, "array");
            if (!(arr.flags() & py::array::c_style))
                throw py::value_error("array: expected a C-contiguous array");
            const auto size = static_cast<std::size_t>(arr.size());
            py::gil_scoped_release release;
            return f64 ? all_finite(static_cast<const double*>(arr.data()), size)
                       : all_finite(static_cast<const float*>(arr.data()), size);
        },
        "array"_a, "True when no element of the float array is NaN or infinite (no temporaries).");
}

}  // namespace descend::bindings
