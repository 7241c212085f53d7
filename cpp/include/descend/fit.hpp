// fit: a model fitted in one call. fit(objective, theta, optimizer, schedule, options) runs the
// solver (run_epochs) on all rows of the objective and returns a FitResult that owns all the
// run carries: the optimizer's state, the schedule (with its own state), the generator and
// counters, and the loss history. fit(objective, theta, result, epochs) continues that run where
// it stopped, giving the numbers one uninterrupted call would have (the C++ face of
// partial_fit). run_epochs stays for callers who manage these arrays themselves.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "objectives/validation.hpp"
#include "optimizers/optimizer.hpp"
#include "progress.hpp"
#include "schedules.hpp"
#include "solver.hpp"

namespace descend {

/// A fit and everything needed to continue it. T is the parameters' type.
template <class T>
struct FitResult {
    Optimizer optimizer;          ///< the update rule
    Schedule schedule;            ///< the learning rate, with the schedule's own state
    SolverOptions options;        ///< the settings; max_iter counts the epochs of all calls
    SolverState solver;           ///< the sampling generator, the counters, why the run stopped
    std::vector<T> state;         ///< the rule's state: state_slots() rows of n_params() values
    std::vector<double> losses;   ///< the loss of every epoch of all calls (see run_epochs)

    /// Why the last call stopped: max_iter, converged, diverged, or running when a callback
    /// stopped it.
    Status status() const { return solver.status; }
    std::size_t epochs() const { return solver.epoch; }   ///< epochs completed, all calls
    std::int64_t steps() const { return solver.step; }    ///< optimizer steps, all calls
};

/// The rule's own learning rate (fit's schedule when none is given).
inline double own_learning_rate(const Optimizer& optimizer) {
    return std::visit([](const auto& rule) { return rule.lr; }, optimizer);
}

/// Continues `result` on `objective` for up to `epochs` more epochs (fewer if a stopping rule
/// fires or `on_epoch` returns false), updating theta in place. theta holds the parameters
/// the previous call left. Returns the status.
template <class Objective, class T, class Callback = NoCallback>
Status fit(const Objective& objective, std::vector<T>& theta, FitResult<T>& result,
           std::size_t epochs, const Callback& on_epoch = Callback{}) {
    validate_objective(objective);
    const std::size_t p = objective.n_params();
    if (theta.size() != p)
        throw std::invalid_argument("theta: expected " + std::to_string(p) +
                                    " values (the objective's n_params()), got " +
                                    std::to_string(theta.size()));
    if (result.state.size() != state_slots(result.optimizer) * p)
        throw std::invalid_argument("result: its optimizer state is not for this objective");
    if (!all_finite(theta.data(), p))
        throw std::invalid_argument("theta: expected finite values, got NaN or infinity");
    check_run(objective, RowSet{}, Validation<Objective>{}, result.options, result.schedule,
              result.solver.step);
    const std::size_t done = result.solver.epoch;
    const std::size_t no_limit = std::numeric_limits<std::size_t>::max();
    result.options.max_iter = epochs < no_limit - done ? done + epochs : no_limit;
    std::vector<T*> rows(state_slots(result.optimizer));
    for (std::size_t k = 0; k < rows.size(); ++k) rows[k] = result.state.data() + k * p;
    History history;
    history.losses.swap(result.losses);
    try {
        run_epochs(objective, RowSet{}, Validation<Objective>{},
                   Iterate<T>{theta.data(), rows.data(), nullptr}, result.optimizer,
                   result.schedule, result.options, result.solver, epochs, history, on_epoch);
    } catch (...) {  // (OnNonFinite::raise's NonFiniteError, a callback's exception)
        result.losses.swap(history.losses);
        throw;
    }
    result.losses.swap(history.losses);
    return result.status();
}

/// Fits `objective` from theta (n_params() values, updated in place; empty: zeros) with
/// `optimizer` under `schedule` for up to options.max_iter epochs, calling on_epoch(const
/// EpochProgress<T>&) after each epoch (false stops the run). Throws std::invalid_argument on
/// an impossible rule, schedule, option (max_iter 0 among them: a fit runs at least one epoch;
/// what run_epochs refuses, see check_run) or theta, or an objective its own checks refuse
/// (objectives/validation.hpp: Huber's epsilon, a penalty, a null X or y, a mean weight that
/// is not > 0), before anything changes.
template <class Objective, class T, class Callback = NoCallback>
FitResult<T> fit(const Objective& objective, std::vector<T>& theta, const Optimizer& optimizer,
                 const Schedule& schedule, const SolverOptions& options = SolverOptions{},
                 const Callback& on_epoch = Callback{}) {
    std::visit([](const auto& rule) { rule.validate(); }, optimizer);
    validate_schedule(schedule);
    if (options.n_iter_no_change < 1)
        throw std::invalid_argument("n_iter_no_change must be >= 1");
    if (options.max_iter < 1)
        throw std::invalid_argument("max_iter must be >= 1 (epochs), got 0");
    if (objective.n_samples() == 0) throw std::invalid_argument("objective: has no rows");
    validate_objective(objective);
    check_run(objective, RowSet{}, Validation<Objective>{}, options, schedule, 0);
    if (theta.empty()) theta.assign(objective.n_params(), T(0));
    FitResult<T> result;
    result.optimizer = optimizer;
    result.schedule = schedule;
    result.options = options;
    result.state.assign(state_slots(optimizer) * objective.n_params(), T(0));
    fit(objective, theta, result, options.max_iter, on_epoch);
    return result;
}

/// The same with a constant learning rate: the rule's own lr.
template <class Objective, class T>
FitResult<T> fit(const Objective& objective, std::vector<T>& theta, const Optimizer& optimizer) {
    return fit(objective, theta, optimizer, Constant{own_learning_rate(optimizer)});
}

}  // namespace descend
