// The solver loop (solver.hpp) on data held by the workers of a cluster (descend.dask):
//   _core.fit_linear_from_sums  one full-batch epoch on a loss and gradient already reduced
//                               from the row chunks (objectives/precomputed.hpp);
//   _core.fit_linear_remote     epochs of mini-batches: the loop picks each batch's rows as a
//                               single-machine fit does, and a Python callable returns the
//                               batch's loss and gradient (one round trip to the workers).
// The update rule, penalty, l1 prox, schedule, averaging, stopping rules and divergence
// restore are those of _core.fit_linear, run by the same C++ code; only the data pass happens
// elsewhere. With feature_offset / feature_scale the loop runs in the internal coordinates of
// learning_rate="auto" (objectives/scaled.hpp) while the data pass sees the caller's theta.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/penalties.hpp>
#include <descend/objectives/precomputed.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
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

/// feature_offset / feature_scale: None, or float64 arrays of n finite values (the scales > 0).
FeatureScaling checked_scaling(const py::handle& offset, const py::handle& scale, std::size_t n) {
    const auto length = static_cast<py::ssize_t>(n);
    const char* names[2] = {"feature_offset", "feature_scale"};
    const py::handle objects[2] = {offset, scale};
    const double* data[2] = {nullptr, nullptr};
    for (int k = 0; k < 2; ++k) {
        if (objects[k].is_none()) continue;
        data[k] = input_data<double>(objects[k], names[k], {length});
        for (std::size_t j = 0; j < n; ++j)
            if (!std::isfinite(data[k][j]) || (k == 1 && !(data[k][j] > 0.0)))
                throw py::value_error(std::string(names[k]) + ": expected finite values" +
                                      (k == 1 ? " > 0" : "") + ", got " +
                                      std::to_string(data[k][j]) + " at index " +
                                      std::to_string(j));
    }
    return FeatureScaling{data[0], data[1]};
}

/// What both entry points check before the loop runs: theta, state, average, the scaling,
/// the options and the row count; then `run` on the iterate.
template <class T>
struct LoopArguments {
    std::vector<py::ssize_t> shape;
    std::size_t params = 0, intercepts = 1;
    py::array theta, state;
    T* average = nullptr;
    std::vector<T*> state_rows;
    FeatureScaling scaling;

    LoopArguments(const py::handle& theta_obj, const py::handle& state_obj,
                  const py::handle& average_obj, const Optimizer& optimizer,
                  const SolverOptions& options, std::size_t n_samples,
                  const py::handle& feature_offset, const py::handle& feature_scale)
        : shape(theta_shape(theta_obj)) {
        const std::size_t slots = state_slots(optimizer);
        std::vector<py::ssize_t> state_shape{static_cast<py::ssize_t>(slots)};
        state_shape.insert(state_shape.end(), shape.begin(), shape.end());
        theta = shaped<T>(theta_obj, "theta", shape, true);
        state = shaped<T>(state_obj, "state", state_shape, true);
        if (!average_obj.is_none())
            average = static_cast<T*>(shaped<T>(average_obj, "average", shape, true).mutable_data());
        if (options.average > 0 && average == nullptr)
            throw py::value_error("average: expected an array like theta, got None "
                                  "(options.average = " + std::to_string(options.average) + ")");
        if (options.early_stopping)
            throw py::value_error("options: expected a run without early stopping "
                                  "(early_stopping=False)");
        if (n_samples == 0) throw py::value_error("n_samples: expected at least one row, got 0");
        params = static_cast<std::size_t>(theta.size());
        intercepts = shape.size() == 2 ? static_cast<std::size_t>(shape[1]) : 1;
        scaling = checked_scaling(feature_offset, feature_scale, params / intercepts - 1);
        T* state_data = static_cast<T*>(state.mutable_data());
        state_rows.resize(slots);
        for (std::size_t k = 0; k < slots; ++k) state_rows[k] = state_data + k * params;
    }

    /// run_epochs on the penalized data term, in internal coordinates when scaled; the GIL
    /// is released (a data term that calls Python takes it back).
    template <class Data>
    std::vector<double> run(const Data& data, const Penalty& penalty, const Optimizer& optimizer,
                            Schedule& schedule, const SolverOptions& options, SolverState& solver,
                            std::size_t epochs) {
        const Penalized<Data> objective{data, penalty};
        const Iterate<T> iterate{static_cast<T*>(theta.mutable_data()), state_rows.data(),
                                 average};
        History history;
        py::gil_scoped_release release;
        if (scaling.offset == nullptr && scaling.scale == nullptr) {
            run_epochs(objective, RowSet{}, Validation<Penalized<Data>>{}, iterate, optimizer,
                       schedule, options, solver, epochs, history);
        } else {  // theta in internal coordinates; the data term sees the caller's theta
            using Internal = Scaled<Penalized<Data>, T>;
            run_epochs(Internal{objective, scaling}, RowSet{}, Validation<Internal>{}, iterate,
                       optimizer, schedule, options, solver, epochs, history);
        }
        return history.losses;
    }
};

/// A data term whose loss and gradient come from a Python callable `sums(rows, theta)`:
/// rows an int64 array of the batch's row numbers (None for all rows), theta a new array of
/// theta's dtype and shape (caller coordinates); it returns (mean loss, float64 gradient of
/// theta's shape) with the normalization of the library's objectives (a batch B divided by
/// |B| * mean(s)). The callable runs with the GIL held; what it raises propagates.
template <class T>
struct Remote {
    std::size_t rows = 0, params = 0, intercepts = 1;
    std::vector<py::ssize_t> shape;
    const py::function* sums = nullptr;  ///< not owned (copies of the term touch no refcount)

    std::size_t n_samples() const { return rows; }
    std::size_t n_params() const { return params; }
    std::size_t n_intercepts() const { return intercepts; }

    double loss_and_gradient(const std::size_t* batch, std::size_t count, const T* theta,
                             double* grad) const {
        py::gil_scoped_acquire acquire;
        py::array_t<T> at(shape);
        std::memcpy(at.mutable_data(), theta, params * sizeof(T));
        py::object batch_rows = py::none();
        if (batch != nullptr) {
            py::array_t<std::int64_t> numbers(static_cast<py::ssize_t>(count));
            std::int64_t* out = numbers.mutable_data();
            for (std::size_t k = 0; k < count; ++k) out[k] = static_cast<std::int64_t>(batch[k]);
            batch_rows = numbers;
        }
        const py::tuple result = (*sums)(batch_rows, at);
        if (result.size() != 2)
            throw py::value_error("sums: expected it to return (loss, gradient)");
        const double loss = result[0].cast<double>();
        const py::array gradient = checked_array<double>(result[1], "gradient", {-1}, false);
        if (static_cast<std::size_t>(gradient.size()) != params)
            throw py::value_error("gradient: expected " + std::to_string(params) +
                                  " float64 values, got " + std::to_string(gradient.size()));
        std::memcpy(grad, gradient.data(), params * sizeof(double));
        return loss;
    }
};

template <class T>
std::vector<double> epoch_from_sums(double loss, const py::handle& gradient, const py::handle& at,
                                    const py::handle& theta, const py::handle& state,
                                    const py::handle& average, const Optimizer& optimizer,
                                    Schedule& schedule, const SolverOptions& options,
                                    SolverState& solver, std::size_t n_samples,
                                    const Penalty& penalty, const py::handle& feature_offset,
                                    const py::handle& feature_scale) {
    LoopArguments<T> args(theta, state, average, optimizer, options, n_samples, feature_offset,
                          feature_scale);
    if (options.batch_size != 0)
        throw py::value_error("options: expected a full-batch run (batch_size=0), got "
                              "batch_size=" + std::to_string(options.batch_size));
    py::array at_array = shaped<T>(at, "at", args.shape, false);
    py::array grad = shaped<double>(gradient, "gradient", args.shape, false);
    Precomputed<T> data;
    data.rows = n_samples;
    data.params = args.params;
    data.intercepts = args.intercepts;
    data.at = static_cast<const T*>(at_array.data());
    data.loss = loss;
    data.gradient = static_cast<const double*>(grad.data());
    return args.run(data, penalty, optimizer, schedule, options, solver, 1);
}

template <class T>
std::vector<double> epochs_remote(const py::function& sums, const py::handle& theta,
                                  const py::handle& state, const py::handle& average,
                                  const Optimizer& optimizer, Schedule& schedule,
                                  const SolverOptions& options, SolverState& solver,
                                  std::size_t epochs, std::size_t n_samples,
                                  const Penalty& penalty, const py::handle& feature_offset,
                                  const py::handle& feature_scale) {
    LoopArguments<T> args(theta, state, average, optimizer, options, n_samples, feature_offset,
                          feature_scale);
    const Remote<T> data{n_samples, args.params, args.intercepts, args.shape, &sums};
    return args.run(data, penalty, optimizer, schedule, options, solver, epochs);
}

/// What both entry points share: the rule, penalty and schedule checked, then
/// `epochs(T{}, penalty, schedule)` with T theta's element type, then the schedule's state
/// stored back into its Python object (it carries over to the next call).
template <class Epochs>
std::vector<double> checked_run(const py::handle& theta, const Optimizer& optimizer,
                                const py::handle& schedule_obj, const std::string& penalty,
                                double alpha, double l1_ratio, const Epochs& epochs) {
    std::visit([](const auto& rule) { rule.validate(); }, optimizer);
    Penalty p{penalty_from_name(penalty), alpha, l1_ratio};
    p.validate();
    if (p.l1_strength() != 0.0) check_l1_rule(p, optimizer, py::cast(optimizer));
    Schedule schedule = schedule_from_object(schedule_obj, "schedule");
    validate_schedule(schedule);
    const std::vector<double> losses = is_float64(theta, "theta") ? epochs(double{}, p, schedule)
                                                                  : epochs(float{}, p, schedule);
    store_schedule(schedule_obj, schedule);
    return losses;
}

constexpr const char* scaling_doc = R"doc( feature_offset / feature_scale
(float64 (n_features,) or None, as fit_linear's): theta, state and average are in the internal
coordinates of learning_rate="auto" (objectives/scaled.hpp), while the losses and gradients
of the data stay in the caller's coordinates.)doc";

}  // namespace

void register_distributed(py::module_& m) {
    m.def(
        "fit_linear_from_sums",
        [](double loss, const py::handle& gradient, const py::handle& at, const py::handle& theta,
           const py::handle& state, const py::handle& average, const Optimizer& optimizer,
           const py::handle& schedule_obj, const SolverOptions& options, SolverState& solver_state,
           std::size_t n_samples, const std::string& penalty, double alpha, double l1_ratio,
           const py::handle& feature_offset, const py::handle& feature_scale) {
            return checked_run(theta, optimizer, schedule_obj, penalty, alpha, l1_ratio,
                               [&](auto zero, const Penalty& p, Schedule& schedule) {
                                   return epoch_from_sums<decltype(zero)>(
                                       loss, gradient, at, theta, state, average, optimizer,
                                       schedule, options, solver_state, n_samples, p,
                                       feature_offset, feature_scale);
                               });
        },
        "loss"_a, "gradient"_a, "at"_a, "theta"_a, "state"_a, "average"_a, "optimizer"_a,
        "schedule"_a, "options"_a, "solver_state"_a, py::kw_only(), "n_samples"_a,
        "penalty"_a = "none", "alpha"_a = 1e-4, "l1_ratio"_a = 0.15,
        "feature_offset"_a = py::none(), "feature_scale"_a = py::none(),
        (std::string(R"doc(One full-batch epoch of fit_linear's loop on a loss and gradient computed elsewhere.

loss: the weighted mean data loss (no penalty) over all n_samples training rows at theta = at;
gradient: its gradient, float64, theta's shape (reduced from the row chunks of a cluster,
descend.dask). at: the theta (dtype and shape of theta) they were computed at, in the caller's
coordinates; the loop refuses (ValueError) to use them at any other theta. theta, state,
average, optimizer, schedule, options (batch_size=0, no early stopping), solver_state,
penalty, alpha, l1_ratio as fit_linear's; theta, state, average and the schedule's and
solver's state are updated in place exactly as one epoch of fit_linear on the same data.
Returns the epoch's losses (one value, or none when max_iter was already reached or the epoch
diverged); the status is solver_state.status.)doc") + scaling_doc +
         " With them, `at` must be descend._core.scaled_to_caller of theta, bit for bit.")
            .c_str());

    m.def(
        "fit_linear_remote",
        [](const py::function& sums, const py::handle& theta, const py::handle& state,
           const py::handle& average, const Optimizer& optimizer, const py::handle& schedule_obj,
           const SolverOptions& options, SolverState& solver_state, std::size_t epochs,
           std::size_t n_samples, const std::string& penalty, double alpha, double l1_ratio,
           const py::handle& feature_offset, const py::handle& feature_scale) {
            return checked_run(theta, optimizer, schedule_obj, penalty, alpha, l1_ratio,
                               [&](auto zero, const Penalty& p, Schedule& schedule) {
                                   return epochs_remote<decltype(zero)>(
                                       sums, theta, state, average, optimizer, schedule,
                                       options, solver_state, epochs, n_samples, p,
                                       feature_offset, feature_scale);
                               });
        },
        "sums"_a, "theta"_a, "state"_a, "average"_a, "optimizer"_a, "schedule"_a, "options"_a,
        "solver_state"_a, "epochs"_a, py::kw_only(), "n_samples"_a, "penalty"_a = "none",
        "alpha"_a = 1e-4, "l1_ratio"_a = 0.15, "feature_offset"_a = py::none(),
        "feature_scale"_a = py::none(),
        (std::string(R"doc(Up to `epochs` epochs of fit_linear's loop on data held elsewhere.

sums(rows, theta) -> (loss, gradient) is called once per step (under options.lbfgs, at each
trial point of the line search; a call that continues from where the last one ended starts
from the sums that one kept in solver_state): rows the int64 row numbers
(0 .. n_samples - 1) of the batch the loop picked exactly as fit_linear picks them (batch_size
and sampling of options, the generator of solver_state), or None for all rows; theta a new
array of theta's dtype and shape; it returns the batch's mean data loss and its float64
gradient (theta's size), a batch B divided by |B| * mean(sample_weight) as the library's
objectives do (descend.dask asks the workers, one round trip). What sums raises propagates
(the iterate is then partly updated). theta, state, average, optimizer, schedule, options (no
early stopping), solver_state, penalty, alpha, l1_ratio as fit_linear's. Returns the losses
of the epochs run; the status is solver_state.status.)doc") + scaling_doc)
            .c_str());
}

}  // namespace descend::bindings
