// The solver loop: epochs of full-batch, stochastic or mini-batch steps of any update rule
// under any schedule, on any objective (a Penalized one gets its l1 proximal step after each
// update), with a training-row subset, Polyak-Ruppert averaging, the stopping rules (loss
// change, early stopping on held-out rows, divergence and its policy) and the per-epoch loss
// history. The
// loop can be run in slices (a few epochs per call): everything it carries between calls is in
// SolverState and the caller's arrays, so many short calls give the numbers of one long one,
// bit for bit.
#pragma once

#include <cmath>
#include <cstddef>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "minimize.hpp"  // OnNonFinite, NonFiniteError
#include "objectives/penalties.hpp"
#include "objectives/scaled.hpp"
#include "objectives/threaded.hpp"
#include "optimizers/optimizer.hpp"
#include "permutation.hpp"
#include "progress.hpp"
#include "quasi_newton.hpp"
#include "random.hpp"
#include "schedules.hpp"
#include "tolerance.hpp"
#include "solver_fused.hpp"

namespace descend {

/// How each step picks its rows.
enum class Sampling {
    shuffle,      ///< a fresh random permutation of the rows every epoch (permutation.hpp),
                  ///< cut into batches
    replacement,  ///< every step draws its rows uniformly at random, with replacement
};

/// Where a run stands.
enum class Status {
    running,        ///< not finished: the epochs asked for or the time slice ran out, or the
                    ///< callback stopped the run
    converged,      ///< the loss changed by less than tol for n_iter_no_change epochs in a row
    max_iter,       ///< reached max_iter epochs without converging
    diverged,       ///< a loss or parameter became NaN or infinite
    early_stopped,  ///< the validation loss stopped improving for n_iter_no_change epochs
};

/// Settings of the loop.
struct SolverOptions {
    std::size_t batch_size = 0;          ///< rows per step; 0 (or >= training rows): full batch
    Sampling sampling = Sampling::shuffle;
    std::size_t max_iter = 1000;         ///< maximum number of epochs in all
    double tol = 1e-6;                   ///< loss-change threshold (tolerance.hpp); < 0: none
    std::size_t n_iter_no_change = 1;    ///< quiet epochs in a row that stop the run
    double slice_seconds = 0.0;          ///< > 0: return (status running) after about this long
    std::size_t average = 0;             ///< 0: off; k >= 1: average the iterates from step k on
    bool early_stopping = false;         ///< stop on the validation loss (needs validation rows)
    /// Threads of a full-batch pass, for objectives that split by rows (objectives/threaded.hpp;
    /// others run on one): 0 automatic (all processors above parallel.hpp's size threshold),
    /// k >= 1 exactly k. The result is bit-identical for a given value, whatever the scheduling.
    std::size_t n_threads = 1;
    /// A NaN or infinity (minimize.hpp's policy, per epoch or per step): stop ends the run
    /// (diverged) with theta, state and average set back to the start of that epoch; raise does
    /// the same, then throws NonFiniteError; skip undoes each step that meets a NaN/Inf (in its
    /// batch loss or gradient, theta, or for full batches the loss at its result) and the run
    /// goes on (see run_epochs).
    OnNonFinite on_nonfinite = OnNonFinite::stop;
    /// Full-batch L-BFGS iterations (quasi_newton.hpp) instead of the update rule's steps: one
    /// iteration an epoch, its first trial step along -g sized by the schedule's rate (later
    /// ones by the curvature pairs). For full batches of a smooth objective (no l1 part), without
    /// averaging or OnNonFinite::skip (its line search never accepts a NaN/Inf).
    bool lbfgs = false;

    /// Steps of one epoch over `rows` training rows: one full batch, else ceil(rows / batch_size)
    /// batches (the last may be smaller).
    std::size_t steps_per_epoch(std::size_t rows) const {
        return batch_size == 0 || batch_size >= rows ? 1 : (rows + batch_size - 1) / batch_size;
    }
};

/// What the loop carries from one call to the next.
struct SolverState {
    Random random{0};                    ///< the sampling generator
    std::int64_t step = 0;               ///< optimizer steps taken so far (t of the schedule)
    std::size_t epoch = 0;               ///< epochs completed so far
    double previous_loss = std::numeric_limits<double>::quiet_NaN();  ///< last epoch's loss
    std::size_t no_change = 0;           ///< quiet epochs in a row so far
    Status status = Status::running;     ///< why the last call stopped
    std::size_t diverged_epoch = 0;      ///< 1-based epoch in which the run diverged, or 0
    /// Steps undone by OnNonFinite::skip. They count in `step` (the schedule's position), not
    /// in the update rule's own count, step - nonfinite_steps (its bias corrections).
    std::int64_t nonfinite_steps = 0;
    /// Early stopping: the best validation loss so far, and theta (and the average) then.
    double best_validation_loss = std::numeric_limits<double>::infinity();
    std::vector<double> best_theta;      ///< empty until a validation loss was recorded
    std::vector<double> best_average;    ///< empty unless averaging
    CurvaturePairs curvature;            ///< SolverOptions::lbfgs: the pairs so far
    /// SolverOptions::lbfgs: the data loss and gradient its line search found at the theta it
    /// ended a call with (kept with that theta), so that the next call, if it starts from the
    /// same theta, does not compute them again; empty when not known.
    std::vector<double> lbfgs_theta, lbfgs_gradient;
    double lbfgs_loss = 0.0;
};

/// Row numbers of a data set: rows[0 .. count), or every row of the objective in order when
/// rows is null (RowSet{}, or RowSet{nullptr, 0}). Build one from a std::vector as
/// RowSet{vector}: an empty vector is then no rows, which run_epochs refuses (the vector's
/// data() may be null, so RowSet{v.data(), v.size()} of an empty one would mean all rows).
struct RowSet {
    const std::size_t* rows = nullptr;  ///< the row numbers, or null for all rows
    std::size_t count = 0;              ///< how many (0 when rows is null)

    /// All rows.
    RowSet() = default;
    /// rows[0 .. count), or all rows when rows is null (count must then be 0).
    RowSet(const std::size_t* row_numbers, std::size_t n) : rows(row_numbers), count(n) {}
    /// The vector's row numbers (a view: the vector must outlive the RowSet); none if empty.
    explicit RowSet(const std::vector<std::size_t>& row_numbers)
        : rows(row_numbers.empty() ? &no_row : row_numbers.data()), count(row_numbers.size()) {}

private:
    static constexpr std::size_t no_row = 0;  // where an empty vector's RowSet points
};

/// Held-out rows: their mean data loss is recorded after every epoch (and drives early
/// stopping). `objective` is the training objective's twin whose sample-weight normalization
/// is that of these rows (so its loss is their weighted mean); null: no validation.
template <class Objective>
struct Validation {
    const Objective* objective = nullptr;
    RowSet rows;
};

/// The caller's arrays the loop updates in place, n_params() values each.
template <class T>
struct Iterate {
    T* theta = nullptr;          ///< the parameters
    T* const* state = nullptr;   ///< the optimizer's state_slots() arrays
    T* average = nullptr;        ///< the mean of the iterates (null: no averaging, whatever options say)
};

/// What each epoch appends.
struct History {
    std::vector<double> losses;             ///< the epoch loss (see run_epochs)
    std::vector<double> validation_losses;  ///< the held-out mean data loss, with validation
};

/// The number of rows of `set` over `objective`'s, refusing (std::invalid_argument, naming
/// `what`) a set without any: a vector's empty set, a null row pointer with a count, or all
/// rows of an objective that has none.
template <class Objective>
std::size_t rows_in(const RowSet& set, const Objective& objective, const char* what) {
    if (set.rows == nullptr && set.count > 0)
        throw std::invalid_argument(std::string(what) + ": a null row pointer with a count of " +
                                    std::to_string(set.count) +
                                    " (null means all rows, with a count of 0)");
    const std::size_t count = set.rows != nullptr ? set.count : objective.n_samples();
    if (count == 0)
        throw std::invalid_argument(std::string(what) + ": expected at least one row, got none" +
                                    (set.rows != nullptr ? " (an empty set of row numbers)"
                                                         : " (the objective has no rows)"));
    return count;
}

/// Throws std::invalid_argument when run_epochs cannot run `options` on `objective` over the
/// training rows `train`, with `validation` (if its objective is set), from the schedule's
/// step `step`: no training rows; no validation rows; lbfgs with mini-batches, averaging,
/// OnNonFinite::skip, an l1 part in the penalty, or a learning rate (its steepest-descent
/// trial step) that is not > 0. run_epochs checks it before anything changes; fit, before it
/// sizes theta.
template <class Objective>
void check_run(const Objective& objective, const RowSet& train,
               const Validation<Objective>& validation, const SolverOptions& options,
               const Schedule& schedule, std::int64_t step) {
    const std::size_t m = rows_in(train, objective, "training rows");
    if (validation.objective != nullptr)
        rows_in(validation.rows, *validation.objective, "validation rows");
    if (!options.lbfgs) return;
    if (options.steps_per_epoch(m) != 1)
        throw std::invalid_argument("lbfgs: full batches only (batch_size 0)");
    if (options.average > 0) throw std::invalid_argument("lbfgs: no averaging");
    if (options.on_nonfinite == OnNonFinite::skip)
        throw std::invalid_argument("lbfgs: on_nonfinite 'stop' or 'raise' only");
    if (l1_strength_of(objective) > 0.0)
        throw std::invalid_argument("lbfgs: a smooth objective only (no l1 penalty part)");
    const double lr = learning_rate(schedule, step);
    if (!(lr > 0.0))
        throw std::invalid_argument(
            "lbfgs: the learning rate (the length of its steepest-descent trial step) must be "
            "> 0, got " + std::to_string(lr) + " at step " + std::to_string(step));
}

/// True when none of the n values is NaN or infinite: a float is iff its exponent bits are
/// all ones,
//   (bits & exponent_mask) == exponent_mask
/// tested without branches over blocks of 4096 values (a loop that vectorizes, at the speed
/// of a plain sum), the scan stopping after the first block that holds one; a few values (a
/// small model's theta, tested every epoch) in one go, without the blocks' bookkeeping.
template <class T>
bool all_finite(const T* values, std::size_t n) {
    static_assert(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8),
                  "all_finite: IEEE float or double");
    using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    constexpr Bits exponent_mask = sizeof(T) == 8 ? static_cast<Bits>(0x7FF0000000000000ULL)
                                                  : static_cast<Bits>(0x7F800000U);
    auto holds_one = [&](std::size_t begin, std::size_t end) {
        Bits bad = 0;
        for (std::size_t i = begin; i < end; ++i) {
            Bits bits;
            std::memcpy(&bits, values + i, sizeof bits);
            bad |= static_cast<Bits>((bits & exponent_mask) == exponent_mask);
        }
        return bad != 0;
    };
    if (n <= 8) return !holds_one(0, n);
    constexpr std::size_t block = 4096;
    for (std::size_t begin = 0; begin < n; begin += block)
        if (holds_one(begin, std::min(n, begin + block))) return false;
    return true;
}

/// The data term's mean loss over the batch and the gradient of the loss minus the l1 part
/// (for a plain objective: its loss and gradient), on n_threads threads (SolverOptions) when
/// the objective splits by rows, else on one ...
template <class Objective, class T>
double data_loss_and_gradient(const Objective& objective, const std::size_t* rows,
                              std::size_t count, const T* theta, double* grad,
                              std::size_t n_threads = 1) {
    if constexpr (splits_by_rows<Objective>::value) {
        if (n_threads != 1)
            return threaded_loss_and_gradient(objective, rows, count, theta, grad, n_threads);
    }
    return objective.loss_and_gradient(rows, count, theta, grad);
}

/// ... for a Penalized one: the data term's loss, its gradient plus the l2 part's (the
/// penalty's value is left out: the loop adds it once an epoch, not once a step).
template <class Objective, class T>
double data_loss_and_gradient(const Penalized<Objective>& objective, const std::size_t* rows,
                              std::size_t count, const T* theta, double* grad,
                              std::size_t n_threads = 1) {
    const double loss =
        data_loss_and_gradient(objective.objective, rows, count, theta, grad, n_threads);
    objective.add_penalty_gradient(theta, grad);
    return loss;
}

/// alpha R(w) at theta: 0 for a plain objective ...
template <class Objective, class T>
double penalty_at(const Objective&, const T*) {
    return 0.0;
}

/// ... the penalty's value for a Penalized one ...
template <class Objective, class T>
double penalty_at(const Penalized<Objective>& objective, const T* theta) {
    return objective.penalty_value(theta);
}

/// ... and for a penalized objective in internal coordinates (scaled.hpp), alpha R of the
/// caller's w.
template <class Objective, class T, class U>
double penalty_at(const Scaled<Penalized<Objective>, T>& scaled, const U* theta) {
    return scaled.penalty_value(theta);
}

/// For a penalized objective in internal coordinates: the data term's loss at the caller's
/// theta, and the internal gradient (chain rule) of the data term plus the l2 part.
template <class Objective, class T, class U>
double data_loss_and_gradient(const Scaled<Penalized<Objective>, T>& scaled,
                              const std::size_t* rows, std::size_t count, const U* theta,
                              double* grad, std::size_t n_threads = 1) {
    const double loss = data_loss_and_gradient(scaled.objective, rows, count,
                                               scaled.to_caller(theta), grad, n_threads);
    gradient_to_scaled(scaled.scaling, scaled.n_features(), scaled.n_intercepts(), grad);
    return loss;
}

// GCC 12 at -O3, once the threaded pass is inlined into run_epochs, reports the schedule
// variant's alternatives as "maybe uninitialized" in learning_rate (a false positive: the
// variant is always constructed; std::visit reads only the active alternative).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace detail {

/// The loop of run_epochs (below), compiled twice: Plain for the common run, one full batch an
/// epoch under OnNonFinite::stop or raise, without lbfgs, averaging or validation, whose flags
/// are then constants (its one step an epoch too), so that the epoch runs only the code it
/// needs (on the tutorial's 100 x 1 GD, 49 -> 43 ns an epoch when it was introduced; the
/// constant step count, 47.4 -> 46.0); !Plain for any run (it hands a plain one over to Plain).
template <bool Plain, class T, class Objective, class Callback>
Status epoch_loop(const Objective& objective, const RowSet& train,
                  const Validation<Objective>& validation, const Iterate<T>& iterate,
                  const Optimizer& optimizer, Schedule& schedule, const SolverOptions& options,
                  SolverState& run, std::size_t epochs, History& history,
                  const Callback& on_epoch) {
    const std::size_t m = train.rows != nullptr ? train.count : objective.n_samples();
    const std::size_t p = objective.n_params();
    const std::size_t slots = state_slots(optimizer);
    const std::size_t steps_per_epoch = Plain ? 1 : options.steps_per_epoch(m);
    const bool full_batch = Plain || steps_per_epoch == 1;
    const std::size_t batch = full_batch ? m : options.batch_size;
    const bool shuffle = options.sampling == Sampling::shuffle;
    const bool averaging = !Plain && options.average > 0 && iterate.average != nullptr;
    const auto average_from = static_cast<std::int64_t>(options.average);
    const bool validating = !Plain && validation.objective != nullptr;
    const bool early_stopping = options.early_stopping && validating;
    T* const theta = iterate.theta;
    T* const average = iterate.average;
    const bool skip = !Plain && options.on_nonfinite == OnNonFinite::skip;
    const bool quasi_newton = !Plain && options.lbfgs;  // (run_epochs has checked its options)
    if constexpr (!Plain) {
        if (full_batch && !skip && !quasi_newton && !averaging && !validating)
            return epoch_loop<true>(objective, train, validation, iterate, optimizer, schedule,
                                    options, run, epochs, history, on_epoch);
    }

    std::vector<double> grad_sum(p), validation_grad(validating ? p : 0);
    // (a float64 rule takes grad_sum itself: grad is the float32 copy)
    std::vector<T> grad(std::is_same_v<T, double> ? 0 : p);
    std::vector<T> start_theta(p), start_state(slots * p), start_average(averaging ? p : 0);
    const bool fused =
        !full_batch && batch == 1 && !skip && takes_fused_sgd(objective, optimizer, averaging);
    // skip: theta and the state before each step, to undo it; full batch, the loss and gradient
    // at the result of the last step of this call (which judged the step, and which the next
    // epoch starts from: recomputed after a slice boundary, to the same bits)
    std::vector<T> step_theta(skip ? p : 0), step_state(skip ? slots * p : 0);
    std::vector<double> next_grad((skip && full_batch) || quasi_newton ? p : 0);
    // lbfgs: the line search's trial point and the direction
    std::vector<T> trial(quasi_newton ? p : 0);
    std::vector<double> direction(quasi_newton ? p : 0);
    bool carried = false;
    double carried_loss = 0.0;
    // lbfgs: the loss and gradient the last call left, if theta is still where it left it
    if (quasi_newton && run.lbfgs_theta.size() == p && run.lbfgs_gradient.size() == p &&
        std::equal(theta, theta + p, run.lbfgs_theta.begin(),
                   [](T a, double b) { return static_cast<double>(a) == b; })) {
        grad_sum = run.lbfgs_gradient;
        carried_loss = run.lbfgs_loss;
        carried = true;
    }
    // The row numbers of the next steps, `chunk` at a time (the fused path: at least as many
    // as the columns, so its O(columns) setup per call is O(1) per step): a shuffled epoch
    // evaluates its permutation as it goes, so the loop never holds m row numbers.
    const std::size_t chunk = fused ? std::min(m, std::max<std::size_t>(4096, p)) : batch;
    std::vector<std::size_t> rows(full_batch ? 0 : chunk);
    std::optional<RandomPermutation> order;  // this epoch's, when shuffling
    // Rows first .. first + count - 1 of the epoch into out[0 .. count): the permutation's
    // (shuffle) or fresh draws (replacement), as training rows. The draws use a local copy of
    // the generator: out (std::size_t) could alias its state, which would then be stored and
    // reloaded at every draw.
    auto epoch_rows = [&](std::size_t first, std::size_t count, std::size_t* out) {
        if (shuffle) {
            order->fill(first, count, out);
        } else {
            Random random = run.random;
            for (std::size_t k = 0; k < count; ++k) out[k] = static_cast<std::size_t>(random.below(m));
            run.random = random;
        }
        if (train.rows != nullptr)
            for (std::size_t k = 0; k < count; ++k) out[k] = train.rows[out[k]];
    };
    // With a time budget, look at the clock about every 100,000 row visits (a countdown of
    // epochs: no division per epoch).
    const auto started = std::chrono::steady_clock::now();
    const std::size_t clock_stride = std::max<std::size_t>(1, 100000 / (steps_per_epoch * batch));
    std::size_t until_clock = clock_stride;

    // The schedule's dispatch out of the loop where it can be: a Constant's rate is read as
    // is, and only a schedule with epoch_end (ReduceOnPlateau) hears the epoch losses.
    const Constant* const constant_rate = std::get_if<Constant>(&schedule);
    const bool schedule_listens = std::visit(
        [](const auto& s) { return has_epoch_end<std::decay_t<decltype(s)>>::value; }, schedule);

    run.status = Status::running;
    for (std::size_t e = 0; e < epochs; ++e) {
        if (run.epoch >= options.max_iter) {
            run.status = Status::max_iter;
            break;
        }
        const std::int64_t start_step = run.step, start_nonfinite = run.nonfinite_steps;
        // (a loop: for a few parameters, a call of the library's memmove costs more)
        for (std::size_t j = 0; j < p; ++j) start_theta[j] = theta[j];
        for (std::size_t k = 0; k < slots; ++k)
            std::copy(iterate.state[k], iterate.state[k] + p, start_state.data() + k * p);
        if (averaging) std::copy(average, average + p, start_average.begin());
        if (!full_batch && shuffle) order.emplace(m, run.random);
        double weighted_loss = 0.0, rows_seen = 0.0, start_penalty = 0.0;
        bool finite = true;
        bool stationary = false;  // lbfgs: no lower F found
        if (fused) {
            if constexpr (has_fused_sgd<Objective>::value) {
                const std::int64_t first_step = run.step;
                const ScheduleStepSize step_size(schedule);
                for (std::size_t begin = 0; begin < m && finite; begin += chunk) {
                    const std::size_t count = std::min(chunk, m - begin);
                    epoch_rows(begin, count, rows.data());
                    weighted_loss += fused_sgd_steps(objective, rows.data(), count, step_size,
                                                     run.step, theta,
                                                     averaging ? average : nullptr, average_from);
                    finite = std::isfinite(weighted_loss);
                }
                rows_seen = static_cast<double>(run.step - first_step);
            }
        }
        for (std::size_t s = 0; s < steps_per_epoch && finite && !fused; ++s) {
            const std::size_t* batch_rows = train.rows;
            std::size_t count = m;
            if (!full_batch) {
                count = shuffle && s + 1 == steps_per_epoch ? m - s * batch : batch;
                epoch_rows(s * batch, count, rows.data());
                batch_rows = rows.data();
            } else {
                start_penalty = penalty_at(objective, theta);
            }
            const double loss =
                carried ? carried_loss
                        : data_loss_and_gradient(objective, batch_rows, count, theta,
                                                 grad_sum.data(), full_batch ? options.n_threads : 1);
            bool step_finite = std::isfinite(loss);
            if (step_finite) {
                weighted_loss += loss * static_cast<double>(count);
                rows_seen += static_cast<double>(count);
            }
            // the gradient in T for the rule: grad_sum itself when T is double
            T* step_grad = grad.data();
            if constexpr (std::is_same_v<T, double>)
                step_grad = grad_sum.data();
            else
                for (std::size_t j = 0; j < p; ++j) grad[j] = static_cast<T>(grad_sum[j]);
            const double lr = constant_rate != nullptr ? constant_rate->lr
                                                        : learning_rate(schedule, run.step);
            // (lbfgs: checked for the first step by check_run; a schedule may reach 0 later)
            if (quasi_newton && !(lr > 0.0))
                throw std::invalid_argument(
                    "lbfgs: the learning rate (the length of its steepest-descent trial step) "
                    "must be > 0, got " + std::to_string(lr) + " at step " +
                    std::to_string(run.step));
            ++run.step;
            // the rule's own count: the steps it took (skipped ones are not)
            const std::int64_t rule_step = run.step - run.nonfinite_steps;
            if (quasi_newton) {
                finite = step_finite && all_finite(grad_sum.data(), p);
                if (finite) {
                    double f = loss + start_penalty, data_loss = loss;
                    const auto evaluate = [&](const T* at, double* grad_at) {
                        data_loss = data_loss_and_gradient(objective, batch_rows, count, at,
                                                           grad_at, options.n_threads);
                        return data_loss + penalty_at(objective, at);
                    };
                    stationary = !lbfgs_iteration(run.curvature, theta, grad_sum, f, lr, evaluate,
                                                  trial, direction, next_grad);
                    // the next epoch starts from the accepted point's loss and gradient
                    carried_loss = stationary ? loss : data_loss;
                    carried = true;
                }
            } else if (!skip) {
                finite = step_finite;  // stop, raise: the epoch is undone below
                optimizer_step(optimizer, lr, theta, step_grad, iterate.state, p, rule_step);
                apply_proximal_step(objective, theta, lr);
            } else {
                step_finite = step_finite && all_finite(step_grad, p);
                if (step_finite) {
                    std::copy(theta, theta + p, step_theta.begin());
                    for (std::size_t k = 0; k < slots; ++k)
                        std::copy(iterate.state[k], iterate.state[k] + p,
                                  step_state.data() + k * p);
                    optimizer_step(optimizer, lr, theta, step_grad, iterate.state, p, rule_step);
                    apply_proximal_step(objective, theta, lr);
                    step_finite = all_finite(theta, p);
                    if (step_finite && full_batch) {
                        // judged, as minimize judges a step, by the loss and gradient at its result
                        const double next = data_loss_and_gradient(
                            objective, batch_rows, count, theta, next_grad.data(), options.n_threads);
                        step_finite = std::isfinite(next + penalty_at(objective, theta)) &&
                                      all_finite(next_grad.data(), p);
                        if (step_finite) {
                            grad_sum.swap(next_grad);
                            carried_loss = next;
                        }
                    }
                    if (!step_finite) {
                        std::copy(step_theta.begin(), step_theta.end(), theta);
                        for (std::size_t k = 0; k < slots; ++k)
                            std::copy(step_state.data() + k * p, step_state.data() + (k + 1) * p,
                                      iterate.state[k]);
                    }
                }
                if (!step_finite) {
                    ++run.nonfinite_steps;
                    carried_loss = loss;  // theta, and grad_sum, as at the start of the step
                }
                carried = full_batch;
            }
            if (averaging && run.step >= average_from) {
                // the mean of the iterates of steps k .. t
                const double n_averaged = static_cast<double>(run.step - average_from + 1);
                for (std::size_t j = 0; j < p; ++j)
                    average[j] = n_averaged == 1.0
                                     ? theta[j]
                                     : static_cast<T>(static_cast<double>(average[j]) +
                                                      (static_cast<double>(theta[j]) -
                                                       static_cast<double>(average[j])) /
                                                          n_averaged);
            }
        }
        // skip: an epoch without a finite batch loss records the previous epoch's loss again;
        // one whose every step was undone never counts as quiet
        const bool stuck = skip && run.nonfinite_steps - start_nonfinite == run.step - start_step;
        const double epoch_loss =
            skip && !(rows_seen > 0.0) ? run.previous_loss
                  : weighted_loss / rows_seen +
                        (full_batch ? start_penalty : penalty_at(objective, theta));
        ++run.epoch;
        // The held-out loss of what the model predicts with: the average once it has begun.
        double validation_loss = 0.0;
        const bool averaged = averaging && run.step >= average_from;
        if (validating && (skip || (finite && std::isfinite(epoch_loss) && all_finite(theta, p)))) {
            const RowSet& held_out = validation.rows;
            const std::size_t count =
                held_out.rows != nullptr ? held_out.count : validation.objective->n_samples();
            validation_loss = data_loss_and_gradient(*validation.objective, held_out.rows, count,
                                                     averaged ? average : theta,
                                                     validation_grad.data());
        }
        if (!skip && (!finite || !std::isfinite(epoch_loss) || !all_finite(theta, p) ||
                      !std::isfinite(validation_loss))) {
            std::copy(start_theta.begin(), start_theta.end(), theta);
            for (std::size_t k = 0; k < slots; ++k)
                std::copy(start_state.data() + k * p, start_state.data() + (k + 1) * p,
                          iterate.state[k]);
            if (averaging) std::copy(start_average.begin(), start_average.end(), average);
            run.step = start_step;
            run.status = Status::diverged;
            run.diverged_epoch = run.epoch;
            if (options.on_nonfinite == OnNonFinite::raise)
                throw NonFiniteError("epoch " + std::to_string(run.epoch) +
                                     " led to a NaN or infinite loss or parameters; the "
                                     "parameters are set back to the start of that epoch");
            break;
        }
        history.losses.push_back(epoch_loss);
        if (validating) history.validation_losses.push_back(validation_loss);
        if (schedule_listens && std::isfinite(epoch_loss)) schedule_epoch_end(schedule, epoch_loss);
        const bool go_on = on_epoch(EpochProgress<T>{
            run.epoch, run.step, epoch_loss,
            validating ? validation_loss : std::numeric_limits<double>::quiet_NaN(),
            VectorView<const T>{theta, p}});
        bool quiet;
        if (early_stopping) {
            quiet = options.tol >= 0.0 && std::isfinite(run.best_validation_loss) &&
                    validation_loss >
                        run.best_validation_loss -
                            loss_tolerance(options.tol, run.best_validation_loss, validation_loss);
            if (validation_loss < run.best_validation_loss) {
                run.best_validation_loss = validation_loss;
                run.best_theta.assign(theta, theta + p);
                if (averaging) run.best_average.assign(average, average + p);
            }
        } else {
            quiet = options.tol >= 0.0 && std::isfinite(run.previous_loss) &&
                    std::fabs(run.previous_loss - epoch_loss) <
                        loss_tolerance(options.tol, run.previous_loss, epoch_loss);
        }
        run.no_change = quiet && !stuck ? run.no_change + 1 : 0;
        run.previous_loss = epoch_loss;
        // lbfgs: an iteration whose line search found no lower F ends the run as the quiet
        // epochs would (no_change still counts only those: at most the epochs run)
        if (stationary || run.no_change >= options.n_iter_no_change) {
            if (early_stopping) {
                std::copy(run.best_theta.begin(), run.best_theta.end(), theta);
                if (averaging && run.best_average.size() == p)
                    std::copy(run.best_average.begin(), run.best_average.end(), average);
                run.status = Status::early_stopped;
            } else {
                run.status = Status::converged;
            }
            break;
        }
        if (run.epoch >= options.max_iter) {
            run.status = Status::max_iter;
            break;
        }
        if (!go_on) break;
        if (options.slice_seconds > 0.0 && --until_clock == 0) {
            until_clock = clock_stride;
            if (std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
                options.slice_seconds)
                break;
        }
    }
    // (early stopping has set theta back to its best epoch: the loss and gradient are not its)
    if (quasi_newton && carried && run.status != Status::early_stopped) {
        run.lbfgs_theta.assign(theta, theta + p);
        run.lbfgs_gradient = grad_sum;
        run.lbfgs_loss = carried_loss;
    }
    return run.status;
}

}  // namespace detail
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Runs up to `epochs` more epochs (fewer if a stopping rule fires or the time slice ends) of
/// `optimizer` on `objective` over the training rows `train`, updating the iterate's arrays
/// in place and appending to `history`. Each step:
//   g = gradient of the batch's mean data loss (+ the l2 part of alpha R)
//   theta = optimizer step with lr = schedule(t);  then  theta = prox_{lr lambda_1 ||.||_1}(theta)
//   average = average + (theta - average) / (t - k + 1)     once t >= k = options.average
/// The epoch loss is the objective F = L + alpha R at the start of the epoch for full-batch
/// runs, and for stochastic runs the mean of the steps' batch data losses, each weighted by
/// its number of rows, plus alpha R at the end of the epoch. Stopping: an epoch is quiet iff
/// |previous loss - loss| < tol max(1, |previous loss|, |loss|) (strictly; tol < 0 never;
/// tolerance.hpp), or with early stopping iff validation loss > best validation loss -
/// tol max(1, |best|, |validation loss|); the run stops at the n_iter_no_change-th
/// quiet epoch in a row (converged / early_stopped, the latter restoring theta and the average
/// of the best validation epoch). A non-finite loss or theta (or validation loss) restores
/// theta, state, average and the step count to the start of that epoch (diverged; under
/// OnNonFinite::raise, NonFiniteError is then thrown, `history` holding the epochs before).
/// Under OnNonFinite::skip a step whose batch loss or gradient is not finite, or that leaves a
/// NaN/Inf in theta, or (full batch, as minimize) whose result has a NaN/Inf loss or gradient,
/// is undone instead (theta and state as before it; the average and the
/// schedule take it as a step that stayed in place) and counted in run.nonfinite_steps; the
/// epoch loss is then over the steps with a finite batch loss (an epoch without any records the
/// previous epoch's loss again, NaN if none), and an epoch whose every step was undone is never
/// quiet, so only max_iter ends a run that cannot move. One-row steps of plain SGD on a penalized linear loss run fused
/// (solver_fused.hpp; not under skip): same rows, same order, same rates.
/// Under SolverOptions::lbfgs each epoch is one L-BFGS iteration (lbfgs_iteration) in place of
/// the rule's step (the rule and its state are not used); an iteration that finds no lower F
/// even along steepest descent leaves theta as it is and ends the run (converged, whatever
/// tol: theta is a minimum to the precision of F). Throws std::invalid_argument, before
/// anything changes, on what check_run refuses: no training rows, no validation rows, lbfgs
/// with mini-batches, averaging, OnNonFinite::skip, an l1 part in the penalty or a learning
/// rate that is not > 0 (also thrown by the epoch whose rate is not, the epochs before kept).
/// After each recorded epoch, on_epoch(const EpochProgress<T>&) is called; false stops the
/// run there, with status running (a stopping rule firing in that epoch takes precedence).
template <class T, class Objective, class Callback = NoCallback>
Status run_epochs(const Objective& objective, const RowSet& train,
                  const Validation<Objective>& validation, const Iterate<T>& iterate,
                  const Optimizer& optimizer, Schedule& schedule, const SolverOptions& options,
                  SolverState& run, std::size_t epochs, History& history,
                  const Callback& on_epoch = Callback{}) {
    check_run(objective, train, validation, options, schedule, run.step);
    return detail::epoch_loop<false>(objective, train, validation, iterate, optimizer, schedule,
                                     options, run, epochs, history, on_epoch);
}

/// The common case: all rows, no validation, no averaging; appends each epoch's loss to
/// `history` (also those before a NonFiniteError).
template <class T, class Objective>
Status run_epochs(const Objective& objective, T* theta, T* const* state,
                  const Optimizer& optimizer, Schedule& schedule,
                  const SolverOptions& options, SolverState& run, std::size_t epochs,
                  std::vector<double>& history) {
    History h;
    try {
        run_epochs(objective, RowSet{}, Validation<Objective>{}, Iterate<T>{theta, state, nullptr},
                   optimizer, schedule, options, run, epochs, h);
    } catch (const NonFiniteError&) {  // OnNonFinite::raise: the epochs before are kept
        history.insert(history.end(), h.losses.begin(), h.losses.end());
        throw;
    }
    history.insert(history.end(), h.losses.begin(), h.losses.end());
    return run.status;
}

}  // namespace descend
