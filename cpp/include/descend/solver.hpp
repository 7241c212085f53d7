// The solver loop: epochs of full-batch, stochastic or mini-batch steps of any update rule
// under any schedule, with the stopping rules and the per-epoch loss history. The loop can be
// run in slices (a few epochs per call): everything it carries between calls is in
// SolverState, so many short calls give the same numbers as one long one.
#pragma once

#include <cmath>
#include <cstddef>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "optimizers/optimizer.hpp"
#include "random.hpp"
#include "schedules.hpp"

namespace descend {

/// How each step picks its rows.
enum class Sampling {
    shuffle,      ///< a fresh random permutation every epoch, cut into consecutive batches
    replacement,  ///< every step draws its rows uniformly at random, with replacement
};

/// Where a run stands.
enum class Status {
    running,    ///< stopped only because the requested number of epochs was done
    converged,  ///< |loss_{k-1} - loss_k| < tol for n_iter_no_change epochs in a row
    max_iter,   ///< reached max_iter epochs without converging
    diverged,   ///< a loss or parameter became NaN or infinite
};

/// Settings of the loop.
struct SolverOptions {
    std::size_t batch_size = 0;          ///< rows per step; 0 (or >= n_samples): full batch
    Sampling sampling = Sampling::shuffle;
    std::size_t max_iter = 1000;         ///< maximum number of epochs in all
    double tol = 1e-6;                   ///< loss-change threshold; negative disables it
    std::size_t n_iter_no_change = 1;    ///< epochs in a row below tol that stop the run
    double slice_seconds = 0.0;          ///< > 0: return (status running) after about this long
};

/// What the loop carries from one call to the next.
struct SolverState {
    Random random{0};                    ///< the sampling generator
    std::int64_t step = 0;               ///< optimizer steps taken so far (t of the schedule)
    std::size_t epoch = 0;               ///< epochs completed so far
    double previous_loss = std::numeric_limits<double>::quiet_NaN();  ///< last epoch's loss
    std::size_t no_change = 0;           ///< consecutive epochs with a loss change below tol
    Status status = Status::running;     ///< why the last call stopped
    std::size_t diverged_epoch = 0;      ///< 1-based epoch in which the run diverged, or 0
};

/// True when none of the n values is NaN or infinite.
template <class T>
bool all_finite(const T* values, std::size_t n) {
    bool finite = true;
    for (std::size_t i = 0; i < n; ++i) finite &= std::isfinite(values[i]);
    return finite;
}

/// Runs up to `epochs` more epochs (fewer if a stopping rule fires) of `optimizer` on
/// `objective`, updating theta (objective.n_params() values) and the optimizer's state arrays
/// in place, and appending each epoch's loss to `history`: the full-batch loss at the start
/// of the epoch, or for stochastic runs the mean of the step losses over the epoch. On
/// divergence theta is restored to its value at the start of the diverging epoch.
template <class T, class Objective>
Status run_epochs(const Objective& objective, T* theta, T* const* state,
                  const Optimizer& optimizer, Schedule& schedule,
                  const SolverOptions& options, SolverState& run, std::size_t epochs,
                  std::vector<double>& history) {
    const std::size_t m = objective.n_samples();
    const std::size_t p = objective.n_params();
    const bool full_batch = options.batch_size == 0 || options.batch_size >= m;
    const std::size_t batch = full_batch ? m : options.batch_size;
    const std::size_t steps_per_epoch = full_batch ? 1 : (m + batch - 1) / batch;
    const bool shuffle = options.sampling == Sampling::shuffle;

    std::vector<double> grad_sum(p);
    std::vector<T> grad(p), start_of_epoch(p);
    std::vector<std::size_t> rows(full_batch ? 0 : (shuffle ? m : batch));
    // With a time budget, look at the clock about every 100,000 row visits.
    const auto started = std::chrono::steady_clock::now();
    const std::size_t clock_stride = std::max<std::size_t>(1, 100000 / (steps_per_epoch * batch));

    run.status = Status::running;
    for (std::size_t e = 0; e < epochs; ++e) {
        if (run.epoch >= options.max_iter) {
            run.status = Status::max_iter;
            break;
        }
        start_of_epoch.assign(theta, theta + p);
        if (!full_batch && shuffle) {
            std::iota(rows.begin(), rows.end(), std::size_t{0});
            run.random.shuffle(rows.data(), m);
        }
        double weighted_loss = 0.0, rows_seen = 0.0;
        bool finite = true;
        for (std::size_t s = 0; s < steps_per_epoch && finite; ++s) {
            const std::size_t* batch_rows = nullptr;
            std::size_t count = m;
            if (!full_batch) {
                if (shuffle) {
                    batch_rows = rows.data() + s * batch;
                    count = s + 1 < steps_per_epoch ? batch : m - s * batch;
                } else {
                    for (std::size_t k = 0; k < batch; ++k) rows[k] = run.random.below(m);
                    batch_rows = rows.data();
                    count = batch;
                }
            }
            const double loss = objective.loss_and_gradient(batch_rows, count, theta,
                                                            grad_sum.data());
            finite = std::isfinite(loss);
            weighted_loss += loss * static_cast<double>(count);
            rows_seen += static_cast<double>(count);
            for (std::size_t j = 0; j < p; ++j) grad[j] = static_cast<T>(grad_sum[j]);
            const double lr = learning_rate(schedule, run.step);
            ++run.step;
            optimizer_step(optimizer, lr, theta, grad.data(), state, p, run.step);
        }
        const double epoch_loss = weighted_loss / rows_seen;
        ++run.epoch;
        if (!finite || !std::isfinite(epoch_loss) || !all_finite(theta, p)) {
            std::copy(start_of_epoch.begin(), start_of_epoch.end(), theta);
            run.status = Status::diverged;
            run.diverged_epoch = run.epoch;
            break;
        }
        history.push_back(epoch_loss);
        schedule_epoch_end(schedule, epoch_loss);
        const bool small_change = options.tol >= 0.0 && std::isfinite(run.previous_loss) &&
                                  std::fabs(run.previous_loss - epoch_loss) < options.tol;
        run.no_change = small_change ? run.no_change + 1 : 0;
        run.previous_loss = epoch_loss;
        if (run.no_change >= options.n_iter_no_change) {
            run.status = Status::converged;
            break;
        }
        if (run.epoch >= options.max_iter) {
            run.status = Status::max_iter;
            break;
        }
        if (options.slice_seconds > 0.0 && (e + 1) % clock_stride == 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
                options.slice_seconds) {
            break;
        }
    }
    return run.status;
}

}  // namespace descend
