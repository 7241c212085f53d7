// _core.fit_linear_from_sums: one full-batch epoch of the solver loop (solver.hpp) on a loss
// and gradient reduced from the row chunks of a cluster (descend.dask). The update rule,
// penalty, l1 prox, schedule, averaging, stopping rules and divergence restore are those of
// _core.fit_linear, run by the same C++ code; only the data pass happened elsewhere.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/penalties.hpp>
#include <descend/objectives/precomputed.hpp>
#include <descend/solver.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "checks.hpp"
#include "objective_args.hpp"
#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

/// Shape of theta: (n + 1,) or (n + 1, K); K = the number of intercepts.
std::vector<py::ssize_t> theta_shape(const py::handle& theta) {
    const py::array a = as_ndarray(theta, "theta");
    if (a.ndim() != 1 && a.ndim() != 2)
        throw py::value_error("theta: expected shape (n_features + 1,) or (n_features + 1, "
                              "n_classes), got " + shape_string(shape_of(a)));
    return shape_of(a);
}

/// A checked array of dtype T and exactly `shape` (1 to 3 axes).
template <class T>
py::array shaped(const py::handle& obj, const char* name, const std::vector<py::ssize_t>& shape,
                 bool writeable) {
    switch (shape.size()) {
        case 1: return checked_array<T>(obj, name, {shape[0]}, writeable);
        case 2: return checked_array<T>(obj, name, {shape[0], shape[1]}, writeable);
        default: return checked_array<T>(obj, name, {shape[0], shape[1], shape[2]}, writeable);
    }
}

template <class T>
std::vector<double> epoch_from_sums(double loss, const py::handle& gradient, const py::handle& at,
                                    const py::handle& theta_obj, const py::handle& state_obj,
                                    const py::handle& average_obj, const Optimizer& optimizer,
                                    Schedule& schedule, const SolverOptions& options,
                                    SolverState& run, std::size_t n_samples,
                                    const Penalty& penalty) {
    const std::vector<py::ssize_t> shape = theta_shape(theta_obj);
    const std::size_t slots = state_slots(optimizer);
    std::vector<py::ssize_t> state_shape{static_cast<py::ssize_t>(slots)};
    state_shape.insert(state_shape.end(), shape.begin(), shape.end());
    py::array theta = shaped<T>(theta_obj, "theta", shape, true);
    py::array state = shaped<T>(state_obj, "state", state_shape, true);
    py::array at_array = shaped<T>(at, "at", shape, false);
    py::array grad = shaped<double>(gradient, "gradient", shape, false);
    T* average = nullptr;
    if (!average_obj.is_none())
        average = static_cast<T*>(shaped<T>(average_obj, "average", shape, true).mutable_data());
    if (options.average > 0 && average == nullptr)
        throw py::value_error("average: expected an array like theta, got None (options.average = " +
                              std::to_string(options.average) + ")");
    if (options.batch_size != 0 || options.early_stopping)
        throw py::value_error("options: expected a full-batch run without early stopping "
                              "(batch_size=0, early_stopping=False)");
    if (n_samples == 0) throw py::value_error("n_samples: expected at least one row, got 0");

    Precomputed<T> data;
    data.rows = n_samples;
    data.params = static_cast<std::size_t>(theta.size());
    data.intercepts = shape.size() == 2 ? static_cast<std::size_t>(shape[1]) : 1;
    data.at = static_cast<const T*>(at_array.data());
    data.loss = loss;
    data.gradient = static_cast<const double*>(grad.data());
    const Penalized<Precomputed<T>> objective{data, penalty};

    T* state_data = static_cast<T*>(state.mutable_data());
    std::vector<T*> state_rows(slots);
    for (std::size_t k = 0; k < slots; ++k) state_rows[k] = state_data + k * data.params;
    const Iterate<T> iterate{static_cast<T*>(theta.mutable_data()), state_rows.data(), average};
    History history;
    {
        py::gil_scoped_release release;
        run_epochs(objective, RowSet{}, Validation<Penalized<Precomputed<T>>>{}, iterate,
                   optimizer, schedule, options, run, 1, history);
    }
    return history.losses;
}

}  // namespace

void register_distributed(py::module_& m) {
    m.def(
        "fit_linear_from_sums",
        [](double loss, const py::handle& gradient, const py::handle& at, const py::handle& theta,
           const py::handle& state, const py::handle& average, const Optimizer& optimizer,
           const py::handle& schedule_obj, const SolverOptions& options, SolverState& solver_state,
           std::size_t n_samples, const std::string& penalty, double alpha, double l1_ratio) {
            std::visit([](const auto& rule) { rule.validate(); }, optimizer);
            Schedule schedule = schedule_from_object(schedule_obj, "schedule");
            validate_schedule(schedule);
            Penalty p{penalty_from_name(penalty), alpha, l1_ratio};
            p.validate();
            if (p.l1_strength() != 0.0) check_l1_rule(p, optimizer, py::cast(optimizer));
            const std::vector<double> losses =
                is_float64(theta, "theta")
                    ? epoch_from_sums<double>(loss, gradient, at, theta, state, average, optimizer,
                                              schedule, options, solver_state, n_samples, p)
                    : epoch_from_sums<float>(loss, gradient, at, theta, state, average, optimizer,
                                             schedule, options, solver_state, n_samples, p);
            store_schedule(schedule_obj, schedule);  // its state carries over to the next call
            return losses;
        },
        "loss"_a, "gradient"_a, "at"_a, "theta"_a, "state"_a, "average"_a, "optimizer"_a,
        "schedule"_a, "options"_a, "solver_state"_a, py::kw_only(), "n_samples"_a,
        "penalty"_a = "none", "alpha"_a = 1e-4, "l1_ratio"_a = 0.15,
        R"doc(One full-batch epoch of fit_linear's loop on a loss and gradient computed elsewhere.

loss: the weighted mean data loss (no penalty) over all n_samples training rows at theta = at;
gradient: its gradient, float64, theta's shape (reduced from the row chunks of a cluster,
descend.dask). at: the theta (dtype and shape of theta) they were computed at; the loop
refuses (ValueError) to use them at any other theta. theta, state, average, optimizer,
schedule, options (batch_size=0, no early stopping), solver_state, penalty, alpha, l1_ratio
as fit_linear's; theta, state, average and the schedule's and solver's state are updated in
place exactly as one epoch of fit_linear on the same data. Returns the epoch's losses (one
value, or none when max_iter was already reached or the epoch diverged); the status is
solver_state.status.)doc");
}

}  // namespace descend::bindings
