// minimize: first-order minimization of a differentiable function of n variables with any
// update rule and any learning-rate schedule, stopping rules, divergence detection and a record
// of the run. One iteration is
//   x_{k+1} = update(x_k, clip(grad f(x_k)), lr_k),   then f(x_{k+1}), grad f(x_{k+1})
// The caller may evaluate f itself (Minimizer::observe / Minimizer::step, as the Python layer
// does for a Python function), or hand a C++ function object to minimize_steps(), which runs
// the whole loop. Both take exactly the same arithmetic path, so they give the same numbers.
// The update rule is chosen once per call (minimize_steps, step), not once per step: the loop
// is a template over the function, the rule and (for a constant learning rate, the common
// case) the schedule, and keeps the gradient in the buffer the function wrote it to (no
// copy per step). The Adam family's bias corrections use
// running powers beta1^t, beta2^t (optimizers/bias_powers.hpp: within 1 ulp of std::pow over
// 10^6 steps) instead of two pow per step, so a run here can differ in the last bits from the
// same steps taken with descend.optim, which keeps torch's formula.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "objectives/landscape.hpp"
#include "optimizers/bias_powers.hpp"
#include "optimizers/optimizer.hpp"
#include "progress.hpp"
#include "schedules.hpp"
#include "tolerance.hpp"

// The loop of a small function (run_local below) inlined into one function (GCC and Clang):
// the iterate, the gradient and the rule's constants then stay in registers from one step to
// the next (measured on 2-D Rosenbrock with Adam: about a third of the time per step).
#if defined(__GNUC__)
#define DESCEND_FLATTEN __attribute__((flatten))
#define DESCEND_NOINLINE __attribute__((noinline))
#else
#define DESCEND_FLATTEN
#define DESCEND_NOINLINE
#endif

namespace descend {

/// True for the rules whose step can take beta1^t and beta2^t from the caller (bias_powers.hpp).
template <class Rule, class = void>
struct has_bias_powers : std::false_type {};
template <class Rule>
struct has_bias_powers<Rule, std::void_t<decltype(std::declval<const Rule&>().step(
                                 std::declval<double*>(), std::declval<const double*>(),
                                 std::declval<double* const*>(), std::size_t{}, std::int64_t{},
                                 0.0, 0.0))>> : std::true_type {};

/// Where a minimize run stands.
enum class MinimizeStatus {
    running,   ///< no stopping rule has fired yet (a callback may have stopped the run)
    gtol,      ///< converged: ||g||_inf < gtol at x
    tol,       ///< converged: |f_k - f_{k-1}| < tol * max(|f_k|, |f_{k-1}|, 1)
    max_iter,  ///< max_iter steps taken without converging
    diverged,  ///< f, grad f or x became NaN or infinite; x is back at the last finite iterate
};

/// What a step that lands on a NaN or infinite f, gradient or x does (x is set back to the last
/// finite iterate in every case).
enum class OnNonFinite {
    stop,   ///< the run ends: status diverged
    skip,   ///< the step is undone (the rule's state too) and counted; the run goes on from the
            ///< last finite iterate, which is recorded again as the iterate of that iteration
    raise,  ///< as stop, then observe() throws NonFiniteError
};

/// Thrown by Minimizer::observe under OnNonFinite::raise.
class NonFiniteError : public std::domain_error {
public:
    using std::domain_error::domain_error;
};

/// Settings of the minimize loop. A tolerance of 0 disables its rule.
struct MinimizeOptions {
    std::int64_t max_iter = 1000;  ///< at most this many steps
    double gtol = 1e-5;            ///< stop when the largest |g_i| is below gtol
    double tol = 1e-6;             ///< stop when f changes by less than tol (relative, see above)
    double clip_norm = 0.0;        ///< if > 0, scale g down to about this Euclidean norm
    bool record_path = false;      ///< keep every iterate x_k
    OnNonFinite on_nonfinite = OnNonFinite::stop;  ///< a step to NaN or infinity: see above

    /// Throws std::invalid_argument naming the first impossible setting.
    void validate() const {
        if (max_iter < 0) throw std::invalid_argument("max_iter must be >= 0");
        if (!(gtol >= 0.0)) throw std::invalid_argument("gtol must be >= 0");
        if (!(tol >= 0.0)) throw std::invalid_argument("tol must be >= 0");
        if (!(clip_norm >= 0.0)) throw std::invalid_argument("clip_norm must be >= 0");
    }
};

/// One minimize run over n variables: the update rule's state, the counters, the last finite
/// iterate with its f and gradient, f per iteration and (optionally) the path. A run can be
/// continued in slices: everything carried from one iteration to the next lives here.
class Minimizer {
public:
    /// Validates the rule, the schedule and the options (std::invalid_argument otherwise).
    Minimizer(const Optimizer& optimizer, const Schedule& schedule, const MinimizeOptions& options,
              std::size_t n)
        : optimizer_(optimizer), schedule_(schedule), options_(options), n_(n),
          state_(state_slots(optimizer), n), last_x_(n), gradient_(n), spare_x_(n), spare_gradient_(n),
          clipped_(options.clip_norm > 0.0 ? n : 0),
          saved_state_(options.on_nonfinite == OnNonFinite::skip ? state_.size() : 0) {
        std::visit(
            [this](const auto& rule) {
                rule.validate();
                if constexpr (has_bias_powers<std::decay_t<decltype(rule)>>::value)
                    powers_ = BiasPowers(rule.beta1, rule.beta2);
            },
            optimizer);
        std::visit([](const auto& s) { s.validate(); }, schedule);
        options.validate();
        const std::int64_t expected = std::min<std::int64_t>(options.max_iter, 1 << 16);
        history_.reserve(static_cast<std::size_t>(expected) + 1);
    }

    /// Takes f = f(x) and g = grad f(x) at the current x (n values each) and applies the rules,
    /// in this order: any NaN/Inf in f, g or x -> x is overwritten with the last finite iterate
    /// and options.on_nonfinite applies (at x_0, where there is no step to undo: diverged, or
    /// NonFiniteError under raise); else the iterate is recorded, then ||g||_inf < gtol -> gtol;
    /// |f - f_prev| < tol * max(|f|, |f_prev|, 1) -> tol; max_iter steps taken -> max_iter.
    MinimizeStatus observe(double* x, double f, const double* g) {
        std::copy(g, g + n_, spare_gradient_.data());
        return accept(x, f, schedule_);
    }

    /// One step of the update rule from x (n values, updated in place) along the gradient of
    /// the last observe(), scaled down if longer than clip_norm (torch's clip_grad_norm_ rule):
    //   c  = clip_norm / (||g||_2 + 1e-6),  g' = c < 1 ? c g : g     (when clip_norm > 0)
    //   x  = update(x, g', lr = schedule(k)),  k = steps taken before this one
    /// Throws std::logic_error unless status() is running after at least one observe().
    void step(double* x) {
        if (status_ != MinimizeStatus::running || history_.empty())
            throw std::logic_error("step: the run is finished or nothing has been observed yet");
        std::visit([&](const auto& rule) { step_with(rule, schedule_, x); }, optimizer_);
    }

    /// Continues the run on `function` (see minimize_steps below), the rule chosen once.
    template <class Function, class Callback>
    MinimizeStatus run_steps(const Function& function, double* x, std::int64_t steps,
                             const Callback& on_iteration) {
        return std::visit(
            [&](const auto& rule) { return run_sized(rule, function, x, steps, on_iteration); },
            optimizer_);
    }

    std::size_t size() const { return n_; }                       ///< number of variables
    MinimizeStatus status() const { return status_; }             ///< where the run stands
    const MinimizeOptions& options() const { return options_; }   ///< the settings
    std::int64_t iterations() const { return iterations_; }       ///< steps taken
    std::int64_t evaluations() const { return evaluations_; }     ///< calls of observe()
    /// Steps undone because they led to NaN or infinity (with skip, each one; otherwise the one
    /// that ended the run).
    std::int64_t nonfinite_steps() const { return nonfinite_steps_; }
    double fun() const { return fun_; }                           ///< f at the last finite iterate
    const std::vector<double>& x() const { return last_x_; }      ///< the last finite iterate
    const std::vector<double>& gradient() const { return gradient_; }  ///< grad f there
    const std::vector<double>& history() const { return history_; }    ///< f at each iterate
    /// Every finite iterate, row after row (n values each); empty unless options.record_path.
    const std::vector<double>& path() const { return path_; }
    /// A read-only view of where the run stands, for callbacks.
    IterationProgress progress() const {
        return {iterations_, fun_, VectorView<const double>{last_x_.data(), n_},
                VectorView<const double>{gradient_.data(), n_}};
    }

private:
    // The learning rate of step t and the loss heard at the end of an iteration, for the
    // Schedule variant (one visit each) or one schedule type known at compile time. The
    // variant's visits are never inlined (DESCEND_NOINLINE): under DESCEND_FLATTEN every
    // schedule's code would be copied into the loop of every rule and function, for a call
    // saved per step (about 10 ns of 40 on 2-D Rosenbrock with InverseTime; a constant
    // learning rate, the default, takes the Constant overload and has no call).
    DESCEND_NOINLINE static double rate(const Schedule& schedule, std::int64_t t) {
        return learning_rate(schedule, t);
    }
    template <class S>
    static double rate(const S& schedule, std::int64_t t) {
        return schedule(t);
    }
    DESCEND_NOINLINE static void hear(Schedule& schedule, double f) {
        schedule_epoch_end(schedule, f);
    }
    template <class S>
    static void hear(S& schedule, double f) {
        if constexpr (has_epoch_end<S>::value) schedule.epoch_end(f);
    }

    // One pass over f, x and g of a new iterate: whether all are finite, the largest |g_i|,
    // and x copied into saved_x.
    template <class Count>
    static bool scan(double f, const double* x, const double* g, double* saved_x, Count n,
                     double& largest) {
        bool finite = std::isfinite(f);
        largest = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            finite &= std::isfinite(x[i]);
            finite &= std::isfinite(g[i]);
            largest = std::max(largest, std::fabs(g[i]));
            saved_x[i] = x[i];
        }
        return finite;
    }

    // A finite iterate x with f and the largest |g_i| becomes the run's: f recorded and heard
    // by the schedule, x recorded (record_path), then the stopping rules.
    template <class Sched>
    MinimizeStatus record(const double* x, double f, double largest, Sched& schedule) {
        const double previous = fun_;
        fun_ = f;
        history_.push_back(f);
        hear(schedule, f);
        if (options_.record_path) path_.insert(path_.end(), x, x + n_);
        if (largest < options_.gtol) {
            status_ = MinimizeStatus::gtol;
        } else if (options_.tol > 0.0 && history_.size() > 1 &&
                   std::fabs(f - previous) < loss_tolerance(options_.tol, f, previous)) {
            status_ = MinimizeStatus::tol;
        } else if (iterations_ >= options_.max_iter) {
            status_ = MinimizeStatus::max_iter;
        }
        return status_;
    }

    // observe() with the new gradient already in spare_gradient_ (where minimize_steps has the
    // function write it) and the schedule known: one pass checks f, x and g, takes the largest
    // |g_i| and copies x into spare_x_; the spares become the current buffers (swaps) only if
    // everything is finite.
    template <class Sched>
    MinimizeStatus accept(double* x, double f, Sched& schedule) {
        ++evaluations_;
        double largest;
        if (!scan(f, x, spare_gradient_.data(), spare_x_.data(), n_, largest))
            return refuse_nonfinite(x, schedule);
        last_x_.swap(spare_x_);
        gradient_.swap(spare_gradient_);
        return record(x, f, largest, schedule);
    }

    // One step of the rule from x (n values) along g, clipped into `clipped` when clip_norm
    // > 0, on the rule's state rows and the running powers `powers`; under skip, the state
    // and the powers are first saved (saved_state_, saved_powers_). Shared by step() and both
    // loops of minimize_steps, whatever holds their arrays.
    template <class Rule, class Sched, class Count>
    void step_on(const Rule& rule, const Sched& schedule, double* x, const double* g,
                 double* const* state, double* clipped, BiasPowers& powers, Count n) {
        if (options_.clip_norm > 0.0) {
            double squares = 0.0;
            for (std::size_t i = 0; i < n; ++i) squares += g[i] * g[i];
            const double norm = std::sqrt(squares);
            const double c = options_.clip_norm / (norm + 1e-6);
            const double scale = c < 1.0 ? c : 1.0;
            for (std::size_t i = 0; i < n; ++i) clipped[i] = g[i] * scale;
            g = clipped;
        }
        const double lr = rate(schedule, iterations_);
        ++iterations_;
        if (options_.on_nonfinite == OnNonFinite::skip) {
            for (std::size_t k = 0; k < state_.slots(); ++k)
                std::copy(state[k], state[k] + n, saved_state_.data() + k * n_);
            saved_powers_ = powers;
        }
        // The rule counts the steps it took (its bias corrections follow its state); the
        // schedule and max_iter count every step, skipped ones included.
        Rule scheduled = rule;
        scheduled.lr = lr;
        const std::int64_t t = iterations_ - nonfinite_steps_;
        if constexpr (has_bias_powers<Rule>::value) {
            powers.advance();
            scheduled.step(x, g, state, std::size_t{n}, t, powers.beta1_t.value(),
                           powers.beta2_t.value());
        } else {
            scheduled.step(x, g, state, std::size_t{n}, t);
        }
    }

    // step() with the rule and the schedule known.
    template <class Rule, class Sched>
    void step_with(const Rule& rule, const Sched& schedule, double* x) {
        step_on(rule, schedule, x, gradient_.data(), state_.rows(), clipped_.data(),
                powers_, n_);
    }

    // The number of variables for which minimize_steps keeps its arrays in local variables
    // (registers) instead of the run's vectors: N for a landscape of fixed size N
    // (objectives/landscape.hpp's FixedDimension), 2 for one of any size (AnyDimension and
    // the others with a `dim`), 0 (none) for any other function.
    template <class Function, class = void>
    struct has_dim : std::false_type {};
    template <class Function>
    struct has_dim<Function, std::void_t<decltype(Function::dim)>> : std::true_type {};
    template <class Function>
    static constexpr std::size_t local_size =
        std::is_base_of_v<FixedDimension<Function, 1>, Function>   ? 1
        : std::is_base_of_v<FixedDimension<Function, 2>, Function> ? 2
        : has_dim<Function>::value                                 ? 2
                                                                   : 0;

    // minimize_steps with the rule known: run_local when the function has local_size
    // variables and there is no callback (with the schedule's type known for a constant
    // learning rate), else run_with.
    template <class Rule, class Function, class Callback>
    MinimizeStatus run_sized(const Rule& rule, const Function& function, double* x,
                             std::int64_t steps, const Callback& on_iteration) {
        constexpr std::size_t N = local_size<Function>;
        if constexpr (N > 0 && std::is_same_v<Callback, NoCallback>) {
            if (n_ == N && function.dimension() == N) {
                if (auto* constant = std::get_if<Constant>(&schedule_))
                    return run_local<N>(rule, *constant, function, x, steps);
                return run_local<N>(rule, schedule_, function, x, steps);
            }
        }
        return run_with(rule, schedule_, function, x, steps, on_iteration);
    }

    // run_with for a function of N variables (N known at compile time) without a callback:
    // the same steps, the same arithmetic, on copies of x, the gradient, the last finite
    // iterate and the rule's state held in local arrays (for small N, in registers: no
    // store and reload of x and g between the rule's step and the function), copied back
    // to the run and to x at the end of the slice or at a NaN/Inf (whose policy then runs on
    // the run's own arrays, from which the loop goes on under skip).
    template <std::size_t N, class Rule, class Sched, class Function>
    DESCEND_FLATTEN MinimizeStatus run_local(const Rule& rule, Sched& schedule,
                                             const Function& function, double* x,
                                             std::int64_t steps) {
        using Count = std::integral_constant<std::size_t, N>;
        constexpr std::size_t slots = std::tuple_size<decltype(Rule::state_names)>::value;
        Function sized = function;  // (its size a constant the compiler sees)
        if constexpr (has_dim<Function>::value)
            sized.dim = N;
        double here[N], g[N], g_new[N], last[N], clipped[N], state[slots * N];
        double* rows[slots];
        for (std::size_t k = 0; k < slots; ++k) rows[k] = state + k * N;
        BiasPowers powers;
        auto load = [&] {
            for (std::size_t i = 0; i < N; ++i) {
                here[i] = x[i];
                g[i] = gradient_[i];
                last[i] = last_x_[i];
            }
            for (std::size_t k = 0; k < state_.slots(); ++k)
                for (std::size_t i = 0; i < N; ++i) rows[k][i] = state_.rows()[k][i];
            powers = powers_;
        };
        auto store = [&] {
            for (std::size_t i = 0; i < N; ++i) {
                x[i] = here[i];
                gradient_[i] = g[i];
                last_x_[i] = last[i];
            }
            for (std::size_t k = 0; k < state_.slots(); ++k)
                for (std::size_t i = 0; i < N; ++i) state_.rows()[k][i] = rows[k][i];
            powers_ = powers;
        };
        if (evaluations_ == 0) {
            const double f = sized.value_and_gradient(x, spare_gradient_.data());
            if (accept(x, f, schedule) == MinimizeStatus::diverged) return status_;
        }
        load();
        for (std::int64_t k = 0; k < steps && status_ == MinimizeStatus::running; ++k) {
            step_on(rule, schedule, here, g, rows, clipped, powers, Count{});
            const double f = sized.value_and_gradient(static_cast<const double*>(here), g_new);
            ++evaluations_;
            double largest;
            double saved[N];
            if (!scan(f, here, g_new, saved, Count{}, largest)) {
                store();
                std::copy(g_new, g_new + N, spare_gradient_.data());
                if (refuse_nonfinite(x, schedule) != MinimizeStatus::running) return status_;
                load();
                continue;
            }
            for (std::size_t i = 0; i < N; ++i) {
                last[i] = saved[i];
                g[i] = g_new[i];
            }
            record(here, f, largest, schedule);
        }
        store();
        return status_;
    }

    // minimize_steps with the rule and the schedule known: evaluate x first if nothing was
    // observed yet, then up to `steps` steps, each followed by an evaluation. Not flattened:
    // it runs the larger functions (whose O(n) passes outweigh a call) and the runs with a
    // callback, and flattening it for every rule and function tripled the compile time of
    // the module's landscapes (cpp/bindings/register_functions.cpp, GCC 12 -O3: about 400 s of
    // CPU with it and the loop also instantiated for a Constant schedule, 190 s now).
    template <class Rule, class Sched, class Function, class Callback>
    MinimizeStatus run_with(const Rule& rule, Sched& schedule, const Function& function,
                            double* x, std::int64_t steps, const Callback& on_iteration) {
        bool go_on = true;
        auto evaluate = [&] {
            const double f = function.value_and_gradient(x, spare_gradient_.data());
            if (accept(x, f, schedule) != MinimizeStatus::diverged)
                go_on = on_iteration(progress());
        };
        if (evaluations_ == 0) evaluate();
        for (std::int64_t k = 0; k < steps && go_on && status_ == MinimizeStatus::running; ++k) {
            step_with(rule, schedule, x);
            evaluate();
        }
        return status_;
    }

    // observe() met a NaN or infinity: x back to the last finite iterate, then the policy.
    template <class Sched>
    MinimizeStatus refuse_nonfinite(double* x, Sched& schedule) {
        if (history_.empty()) {
            status_ = MinimizeStatus::diverged;
            if (options_.on_nonfinite == OnNonFinite::raise)
                throw NonFiniteError("f or its gradient is NaN or infinite at x0");
            return status_;
        }
        std::copy(last_x_.begin(), last_x_.end(), x);
        ++nonfinite_steps_;
        if (options_.on_nonfinite != OnNonFinite::skip) {
            status_ = MinimizeStatus::diverged;
            if (options_.on_nonfinite == OnNonFinite::raise)
                throw NonFiniteError(
                    "step " + std::to_string(iterations_) +
                    " led to a NaN or infinite f, gradient or x; x is set back to the last "
                    "finite iterate");
            return status_;
        }
        // Skip: the rule's state as before the step; the iterate of this iteration is the last
        // finite one again (its f heard by the schedule, recorded). Only max_iter may stop.
        std::copy(saved_state_.begin(), saved_state_.end(), state_.data());
        powers_ = saved_powers_;
        history_.push_back(fun_);
        hear(schedule, fun_);
        if (options_.record_path) path_.insert(path_.end(), x, x + n_);
        if (iterations_ >= options_.max_iter) status_ = MinimizeStatus::max_iter;
        return status_;
    }

    // The update rule's state arrays: `slots` rows of n values in one block, and a pointer to
    // each row (what a rule's step takes). A copy points into its own block, never into the
    // original's (a moved block keeps its storage, so the moved pointers stay valid).
    class StateArrays {
    public:
        StateArrays(std::size_t slots, std::size_t n) : values_(slots * n), rows_(slots), n_(n) {
            point_rows();
        }
        StateArrays(const StateArrays& other)
            : values_(other.values_), rows_(other.rows_.size()), n_(other.n_) {
            point_rows();
        }
        StateArrays(StateArrays&&) noexcept = default;
        StateArrays& operator=(const StateArrays& other) {
            if (this != &other) {
                values_ = other.values_;
                rows_.resize(other.rows_.size());
                n_ = other.n_;
                point_rows();
            }
            return *this;
        }
        StateArrays& operator=(StateArrays&&) noexcept = default;

        std::size_t slots() const { return rows_.size(); }       // rows (the rule's slots)
        std::size_t size() const { return values_.size(); }      // slots() * n values
        double* data() { return values_.data(); }                // the block, row after row
        double* const* rows() { return rows_.data(); }           // a pointer to each row

    private:
        void point_rows() {
            for (std::size_t k = 0; k < rows_.size(); ++k) rows_[k] = values_.data() + k * n_;
        }
        std::vector<double> values_;
        std::vector<double*> rows_;
        std::size_t n_;
    };

    Optimizer optimizer_;
    Schedule schedule_;
    MinimizeOptions options_;
    std::size_t n_;
    StateArrays state_;                    // the update rule's state arrays, one row each
    std::vector<double> last_x_, gradient_, spare_x_, spare_gradient_, clipped_;
    std::vector<double> saved_state_;      // the rule's state before the last step (skip only)
    BiasPowers powers_, saved_powers_;     // beta1^t, beta2^t of the rule's last step (Adam family)
    std::vector<double> history_, path_;
    std::int64_t iterations_ = 0, evaluations_ = 0, nonfinite_steps_ = 0;
    double fun_ = std::numeric_limits<double>::quiet_NaN();
    MinimizeStatus status_ = MinimizeStatus::running;
};

/// Continues `run` on `function` (anything with `double value_and_gradient(const double* x,
/// double* grad) const` over run.size() variables): evaluates x first if nothing has been
/// observed yet, then takes up to `steps` steps, each followed by an evaluation, until a
/// stopping rule fires or on_iteration(const IterationProgress&), called after every finite
/// evaluation, returns false. x (updated in place) is the current iterate. Returns the status.
template <class Function, class Callback = NoCallback>
MinimizeStatus minimize_steps(const Function& function, double* x, Minimizer& run,
                              std::int64_t steps, const Callback& on_iteration = Callback{}) {
    return run.run_steps(function, x, steps, on_iteration);
}

/// Minimizes `function` from x (n = function.dimension() values, overwritten with the result)
/// with `optimizer` under `schedule` until a stopping rule fires or on_iteration returns false
/// (see minimize_steps); returns the run, which minimize_steps can continue.
template <class Function, class Callback = NoCallback>
Minimizer minimize(const Function& function, double* x, const Optimizer& optimizer,
                   const Schedule& schedule, const MinimizeOptions& options,
                   const Callback& on_iteration = Callback{}) {
    Minimizer run(optimizer, schedule, options, function.dimension());
    minimize_steps(function, x, run, options.max_iter, on_iteration);
    return run;
}

}  // namespace descend
