// Plain SGD with one row per step, fused with a linear model's pointwise loss: the fast path
// of the fit loop for the steps scikit-learn's SGDRegressor / SGDClassifier take. Each step
// reads its row once for the prediction and once for the update, with no gradient buffer, no
// per-step dispatch (loss and penalty form are template parameters) and, for CSR rows, work
// proportional to the row's nonzeros only: the l2 decay is a scalar scale on w and the l1
// shrinkage of untouched coefficients is applied lazily, when their column next appears.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

#include "objectives/batch.hpp"
#include "objectives/csr.hpp"
#include "objectives/dense_rows.hpp"
#include "objectives/lane_sum.hpp"
#include "objectives/least_squares.hpp"
#include "objectives/linear_pass.hpp"
#include "objectives/logistic.hpp"
#include "objectives/penalties.hpp"
#include "schedules.hpp"
#include "simd.hpp"
#include "view.hpp"

namespace descend {

/// The data side of a fused epoch: what the objectives of least_squares.hpp / huber.hpp /
/// logistic.hpp hold, without the matrix.
template <class T>
struct FusedSgdData {
    const T* y = nullptr;               ///< targets (0/1 labels for the log-loss), X.rows of them
    const T* sample_weight = nullptr;   ///< per-sample weights s_i, or null for all ones
    double mean_weight = 1.0;           ///< mean of the sample weights over the whole set
    bool fit_intercept = true;          ///< false: theta[0] is held at its value, z uses b = 0
    Penalty penalty;                    ///< alpha R(w): lambda_2 decay, lambda_1 proximal step
};

/// Polyak–Ruppert averaging of the iterates (the fit loop's `average` option).
template <class T>
struct FusedSgdAverage {
    T* values = nullptr;     ///< like theta: the mean of the iterates so far; null: no averaging
    std::int64_t start = 1;  ///< the first averaged iterate is the one after step number `start`
};

/// The step sizes of fused_sgd_epoch from a schedule: learning_rate(schedule, t), a block of
/// steps at a time (fill), so that the steps read their rates from a buffer and the step loop
/// calls nothing (see rate_block). InvScaling (power_t <= 1) is evaluated without a std::pow
/// per step, which would cost more than a sparse step itself. For t >= 4096, with A = t
/// rounded down to a multiple of 64:
//   eta0 (t + 1)^-p = eta0 (A + 1)^-p (1 + x)^-p,   x = (t - A) / (A + 1) < 2^-6
//   (1 + x)^-p = sum_k binom(-p, k) x^k        (10 terms: the rest is below 1e-18)
/// with (A + 1)^-p from std::pow once per 64 steps, and the rates of those steps from it in
/// one loop (which vectorizes). The value depends on t alone (not on which steps came before,
/// nor on how the steps are cut into blocks), so runs cut into slices give the same numbers;
/// it differs from std::pow by a few ulps. Constant and InverseTime (the tutorial's
/// t0 / (t + t1)) are evaluated by their own formula, found once here rather than through the
/// variant at every step.
class ScheduleStepSize {
  public:
    explicit ScheduleStepSize(const Schedule& schedule)
        : schedule_(&schedule),
          constant_(std::get_if<Constant>(&schedule)),
          inverse_time_(std::get_if<InverseTime>(&schedule)) {
        const InvScaling* inv = std::get_if<InvScaling>(&schedule);
        if (inv == nullptr || !(inv->power_t <= 1.0)) return;
        inv_scaling_ = inv;
        binomial_[0] = 1.0;
        for (int k = 1; k < terms; ++k)
            binomial_[k] = binomial_[k - 1] * (-inv->power_t - (k - 1)) / k;
    }

    /// The learning rates of steps t, t + 1, ..., t + count - 1 into out[0 .. count).
    void fill(std::int64_t t, std::size_t count, double* out) const {
        auto step = [t](std::size_t q) { return t + static_cast<std::int64_t>(q); };
        if (constant_ != nullptr) {
            for (std::size_t q = 0; q < count; ++q) out[q] = (*constant_)(step(q));
        } else if (inverse_time_ != nullptr) {
            // t0 / (t + t1) with t + q taken as double(t) + double(q), which is exact (step
            // counts stay far below 2^53): the formula's bits, from int offsets that convert in
            // vector lanes, so the divisions run a vector at a time
            const double t0 = inverse_time_->t0, t1 = inverse_time_->t1;
            for (std::size_t first = 0; first < count; first += offset_block) {
                const double base = static_cast<double>(step(first));
                const auto n = static_cast<int>(std::min(count - first, offset_block));
                double* block_out = out + first;
                for (int r = 0; r < n; ++r)
                    block_out[r] = t0 / ((base + static_cast<double>(r)) + t1);
            }
        } else if (inv_scaling_ == nullptr) {
            for (std::size_t q = 0; q < count; ++q) out[q] = learning_rate(*schedule_, step(q));
        } else {
            std::size_t q = 0;
            for (; q < count && step(q) < series_from; ++q) out[q] = (*inv_scaling_)(step(q));
            while (q < count) {
                const std::int64_t anchor = step(q) & ~std::int64_t{block - 1};
                const std::size_t stop =
                    std::min(count, q + static_cast<std::size_t>(anchor + block - step(q)));
                const double anchor_value = (*inv_scaling_)(anchor);
                const double anchor_inverse = 1.0 / (static_cast<double>(anchor) + 1.0);
                const int first_offset = static_cast<int>(step(q) - anchor);
                for (std::size_t r = 0; r < stop - q; ++r) {
                    const double x =
                        static_cast<double>(first_offset + static_cast<int>(r)) * anchor_inverse;
                    double series = binomial_[terms - 1];
                    for (int k = terms - 2; k >= 0; --k) series = series * x + binomial_[k];
                    out[q + r] = anchor_value * series;
                }
                q = stop;
            }
        }
    }

    /// The learning rate of step t (fill's value).
    double operator()(std::int64_t t) const {
        double rate;
        fill(t, 1, &rate);
        return rate;
    }

  private:
    static constexpr int terms = 10, block = 64;
    static constexpr std::size_t offset_block = std::size_t{1} << 20;
    static constexpr std::int64_t series_from = 4096;
    const Schedule* schedule_;
    const Constant* constant_;          // the schedule's alternative when it is a Constant...
    const InverseTime* inverse_time_;   // ... or an InverseTime (else null)
    const InvScaling* inv_scaling_ = nullptr;
    double binomial_[terms] = {};
};

namespace fused_sgd_detail {

/// Below this the scale a of w = a v is folded into v (scikit-learn's threshold)...
inline constexpr double min_scale = 1e-9;
/// ... or this one with averaging: its sums take differences of sum_s a_s, which lose about
/// (largest a / smallest a) ulps, so a spans at most three decades between folds.
inline constexpr double min_scale_averaging = 1e-3;

/// Soft-thresholding of one value by t >= 0 (penalties.hpp's proximal map, on one double):
//   v - t if v > t,   v + t if v < -t,   +0 otherwise
inline double shrink(double v, double t) { return v > t ? v - t : (v < -t ? v + t : 0.0); }

/// One dense step's update of w and the next row's product with the updated w, in one sweep
/// over w (the next step's z then costs no second pass):
//   w_j <- prox_{t}(decay w_j - g x_j)   (prox the soft-threshold S_t with L1, else identity)
//   returns x_next . w, the new w, in dense_dot's order (so the same value)
template <bool L1, class T>
double update_then_dot(double* w, const T* x, const T* x_next, std::size_t n, double decay,
                       double g, double t) {
#if defined(__GNUC__)
    if constexpr (!L1 && std::is_same_v<T, double>)
        if (n >= 16) return sweep_lanes<true>(w, x, x_next, n, decay, g);
#endif
    return lane_sum(n, [&](std::size_t j) {
        const double updated = decay * w[j] - g * static_cast<double>(x[j]);
        if constexpr (L1)
            w[j] = shrink(updated, t);
        else
            w[j] = updated;
        return static_cast<double>(x_next[j]) * w[j];
    });
}

/// g = lr l'(z, y) of a step without sample weights, from its slope l' = `slope`...
template <class PointLoss>
double unweighted_step(const PointLoss&, double, double, double slope, double lr) {
    return lr * slope;
}

/// ... and for the squared error, whose slope is k r (r = z - y, k =
/// SquaredError::slope_per_residual, 2), as (k lr) r: the same product (k is a power of two:
/// its products are exact, short of overflow), with the multiplication by k off the chain from
/// one step's margin to the next (3 of its ~23 cycles on a narrow dense row).
inline double unweighted_step(const SquaredError&, double z, double y, double, double lr) {
    return (SquaredError::slope_per_residual * lr) * (z - y);
}

/// Steps run in blocks of this many, each block's learning rates filled in before its steps
/// (fill_rates). The step loop then calls no function: a call there (std::pow, once per 64
/// steps of InvScaling) made GCC keep the intercept and the scale of w in memory, which put a
/// store-to-load delay on every step's dependency chain (benchmarks/cpp/fused_epoch.cpp, csr
/// f64 squared: 26 -> 21 ns per step).
inline constexpr std::size_t rate_block = 64;

/// The sum over the steps of their data losses s_i l(z_i, y_i) / mean_weight, added step by
/// step ...
template <class PointLoss>
class StepLossSum {
  public:
    StepLossSum(bool weighted, double inverse_mean_weight)
        : unit_scale_(!weighted && inverse_mean_weight == 1.0),
          inverse_mean_weight_(inverse_mean_weight) {}

    /// Adds the loss of a step at margin z, label y and sample weight s; returns the step's
    /// g = lr c, c = s l'(z, y) / mean_weight its slope coefficient (the step moves b by -g and
    /// w by -g x_i). `finite`: whether that loss is finite. Without sample weights (s = 1,
    /// mean_weight = 1) the loss and c are l and l' themselves: the same values, without two
    /// multiplications by 1 on the chain from one step's margin to the next.
    double add(const PointLoss& point, double z, double y, double s, double lr, bool& finite) {
        const LossAndSlope p = point(z, y);
        const double loss = unit_scale_ ? p.value : s * p.value * inverse_mean_weight_;
        sum_ += loss;
        finite = std::isfinite(loss);
        if (!unit_scale_) return lr * (s * p.slope * inverse_mean_weight_);
        return unweighted_step(point, z, y, p.slope, lr);
    }
    /// Called after each block of rate_block steps (nothing to settle here).
    void settle() {}
    double total() const { return sum_; }

  private:
    bool unit_scale_;
    double inverse_mean_weight_, sum_ = 0.0;
};

/// ... and the log-loss's, whose log1p per step costs as much as the rest of a sparse step.
/// Without sample weights (every step weighted alike), the logs are summed as one log of a
/// product, once per 512 steps:
//   sum_k log1p(e_k) = log(prod_k (1 + e_k)),   1 + e_k in [1, 2]: the product < 2^512
/// (the product's rounding, at most 512 ulps, is below 1.2e-13 in its log, about what the sum
/// of 512 log1p values carries anyway). The log is taken in settle(), between blocks of
/// rate_block steps, not in add(): a call of std::log inside the step loop, even once per 512
/// steps, made GCC keep the step's values in memory around it (the store-to-load delay that
/// rate_block's note describes). 512 is a multiple of rate_block and a call of the loops
/// starts its count at 0, so the 512th factor always ends a block: the same products, the
/// same bits.
template <>
class StepLossSum<LogisticPoint> {
  public:
    StepLossSum(bool weighted, double inverse_mean_weight)
        : weighted_(weighted),
          unit_scale_(!weighted && inverse_mean_weight == 1.0),
          inverse_mean_weight_(inverse_mean_weight) {}

    /// As the general add; without sample weights c is the slope itself (see there).
    double add(const LogisticPoint& point, double z, double y, double s, double lr,
               bool& finite) {
        const LogisticPoint::Parts p = point.parts(z, y);
        finite = std::isfinite(p.linear);  // log1p(e) is in [0, log 2] or NaN with z
        if (weighted_) {
            sum_ += s * (p.linear + std::log1p(p.e)) * inverse_mean_weight_;
            return lr * (s * p.slope * inverse_mean_weight_);
        }
        linear_ += p.linear;
        product_ *= 1.0 + p.e;
        ++factors_;
        return lr * (unit_scale_ ? p.slope : p.slope * inverse_mean_weight_);
    }
    /// Called after each block of rate_block steps: the log of every 512 factors.
    void settle() {
        if (factors_ == max_factors) {
            logs_ += std::log(product_);
            product_ = 1.0;
            factors_ = 0;
        }
    }
    double total() const {
        return sum_ + (linear_ + (logs_ + std::log(product_))) * inverse_mean_weight_;
    }

  private:
    static constexpr std::size_t max_factors = 512;
    static_assert(max_factors % rate_block == 0, "the 512th factor must end a block (settle)");
    bool weighted_, unit_scale_;
    double inverse_mean_weight_, sum_ = 0.0, linear_ = 0.0, logs_ = 0.0, product_ = 1.0;
    std::size_t factors_ = 0;
};


/// The learning rates of steps t, ..., t + count - 1 into out[0 .. count).
template <class StepSize>
void fill_rates(const StepSize& step_size, std::int64_t t, std::size_t count, double* out) {
    if constexpr (std::is_same_v<StepSize, ScheduleStepSize>) {
        step_size.fill(t, count, out);
    } else {
        for (std::size_t q = 0; q < count; ++q) out[q] = step_size(t + static_cast<std::int64_t>(q));
    }
}

/// The step's learning rate and per-row coefficient, the data loss added to `losses`, in the
/// generic loop's order: z, then (l, l'), then lr = step_size(step) and step += 1.
struct StepScalars {
    double g;      ///< lr c, c = s_i l'(z_i, y_i) / mean_weight
    double lr;     ///< step_size(t) at the step counter before the increment
    bool finite;   ///< whether the step's data loss is finite
};

/// `lr`: the rate of step `step` (from fill_rates); the counter is incremented here.
template <class T, class PointLoss>
StepScalars step_scalars(const FusedSgdData<T>& data, const PointLoss& point, double lr,
                         std::int64_t& step, std::size_t i, double z,
                         StepLossSum<PointLoss>& losses) {
    StepScalars q;
    q.g = losses.add(point, z, static_cast<double>(data.y[i]), row_weight(data.sample_weight, i),
                     lr, q.finite);
    q.lr = lr;
    ++step;
    return q;
}

// The functions that only prefetch are always inlined: GCC takes an out-of-line function that
// only prefetches for one without effect and drops the calls to it.
#if defined(__GNUC__)
#define DESCEND_PREFETCH_INLINE inline __attribute__((always_inline))
#else
#define DESCEND_PREFETCH_INLINE inline
#endif

/// Asks the processor to start loading address p (a hint; it never faults).
DESCEND_PREFETCH_INLINE void prefetch(const void* p) {
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/// Asks for every cache line holding a byte of [p, p + size): into level 1 (Locality 3,
/// prefetcht0) or level 2 (Locality 2, prefetcht1). Lines are counted from p's own line, so a
/// row that starts mid-line (NumPy's arrays start 16 bytes past a 64-byte boundary: half the
/// 800-byte rows then span 14 lines) has its last line requested too.
template <int Locality>
DESCEND_PREFETCH_INLINE void prefetch_lines(const void* p, std::size_t size) {
#if defined(__GNUC__)
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t lines = ((address + size - 1) >> 6) - (address >> 6) + 1;
    const char* line = static_cast<const char*>(p) - (address & 63);
    for (std::uintptr_t q = 0; q < lines; ++q) __builtin_prefetch(line + 64 * q, 0, Locality);
#else
    (void)p, (void)size;
#endif
}

/// Dense rows of shuffled steps are requested in two stages (benchmarks/cpp/row_gather.cpp,
/// 200,000 x 100 float64: 10% less time per step than one stage into level 2 at 8 rows, 30%
/// less than one into level 1): every line of the row `dense_l2_distance` steps ahead into
/// level 2, where many requests can be in flight, then the row `dense_l1_distance` ahead from
/// there into level 1, so the step's loads find it at hand.
inline constexpr std::size_t dense_l2_distance = 32, dense_l1_distance = 4;
/// An X of at most this many bytes stays in the caches from step to step (the tutorial's
/// 100 x 1 over 1000 epochs): its steps request nothing ahead, which on a narrow row would
/// cost as much as the step's arithmetic.
inline constexpr std::size_t dense_prefetch_min_bytes = std::size_t{256} << 10;
/// Up to this many coefficients the step's double copy of w lives on the stack: a narrow
/// model's call allocates nothing.
inline constexpr std::size_t dense_stack_cols = 16;

template <class T>
DESCEND_PREFETCH_INLINE void prefetch_dense_row_to_l2(const MatrixView<const T>& X,
                                                      const FusedSgdData<T>& data, std::size_t i) {
    prefetch_lines<2>(X.row(i), X.cols * sizeof(T));
    prefetch(data.y + i);
    if (data.sample_weight != nullptr) prefetch(data.sample_weight + i);
}
#undef DESCEND_PREFETCH_INLINE

/// Shuffled rows are scattered over X, y and the weights; a step that waited for each of
/// them in turn would spend most of its time on cache misses. Two stages ahead of the step:
/// first the row's offsets, target and weight...
template <class T, class Index>
void prefetch_row_start(const CsrView<T, Index>& X, const FusedSgdData<T>& data, std::size_t i) {
    prefetch(X.indptr + i);
    prefetch(data.y + i);
    if (data.sample_weight != nullptr) prefetch(data.sample_weight + i);
}

/// ... then, once the offsets are in cache, the row's first values and column indices.
template <class T, class Index>
void prefetch_row_entries(const CsrView<T, Index>& X, std::size_t i) {
    const std::size_t begin = X.row_begin(i);
    prefetch(X.data + begin);
    prefetch(X.indices + begin);
}

/// Number of iterates in the average after `step` steps: step - start + 1, or 0 before start.
inline std::int64_t averaged_count(std::int64_t step, std::int64_t start) {
    return step >= start ? step - start + 1 : 0;
}

/// Below this many columns (without l1, whose soft-threshold is not linear), a dense step
/// carries the next margin as (b + decay x_next . w) - g (1 + x_next . x_i), whose products
/// of w and the rows are known before the step's g, instead of b_new + x_next . w_new, which
/// waits on g for the update of w and then the product: from one step's margin to the next,
/// one multiply-add after g instead of a multiply, a multiply-add, a multiply and an add.
/// The margin rounds differently from b_new + x_next . w_new (a few ulps of its terms); w and
/// b are updated as before. Up to dense_fixed_cols columns (and without l1), dense_steps is
/// also compiled for the column count, so that w stays in registers: otherwise each step
/// stores w and the next reads it back, a store-to-load delay on that chain. Together, on
/// 100 rows with replacement under InverseTime(5, 50), one-row steps from Python (the
/// estimator's whole fit of 1000 epochs, 2 alternating pairs) took 7.38-7.64 -> 6.53-6.57 ns
/// (1 column), 8.25-8.48 -> 7.48-7.50 (2), 10.59-10.87 -> 8.66-8.94 (4) and 13.96-14.08 ->
/// 10.64-10.67 (8); either change alone left 1 and 2 columns as they were or slower.
inline constexpr std::size_t split_margin_cols = 16;

/// Up to this many columns, a dense fit without l1 runs dense_steps compiled for its number
/// of columns (see split_margin_cols).
inline constexpr std::size_t dense_fixed_cols = 4;

/// Dense rows: every coefficient changes at every step, so the step is applied eagerly in one
/// sweep over a double copy of w (read into L1 once per call), L1 a compile-time switch; Cols
/// the number of columns when it is fixed at compile time (at most dense_fixed_cols, without
/// l1), else 0.
template <bool L1, std::size_t Cols, class T, class PointLoss, class StepSize>
double dense_steps(const MatrixView<const T>& X, const FusedSgdData<T>& data,
                   const PointLoss& point, const std::size_t* rows, std::size_t count,
                   const StepSize& step_size, std::int64_t& step, T* theta,
                   const FusedSgdAverage<T>& average) {
    const std::size_t n = Cols > 0 ? Cols : X.cols;
    const double l1 = data.penalty.l1_strength(), l2 = data.penalty.l2_strength();
    StepLossSum<PointLoss> losses(data.sample_weight != nullptr, 1.0 / data.mean_weight);
    double w_stack[dense_stack_cols];
    std::vector<double> w_heap(n > dense_stack_cols ? n : 0);
    double* const wp = n > dense_stack_cols ? w_heap.data() : w_stack;
    std::copy(theta + 1, theta + 1 + n, wp);
    double b = static_cast<double>(theta[0]);
    std::vector<double> mean;
    if (average.values != nullptr) mean.assign(average.values, average.values + n + 1);
    const bool ahead = X.rows * X.cols * sizeof(T) > dense_prefetch_min_bytes;
    for (std::size_t k = 0; ahead && k < count && k < dense_l2_distance; ++k)
        prefetch_dense_row_to_l2(X, data, batch_row(rows, k));
    // the margin z = b + x_i . w of the step's row (b as 0 without an intercept): the first
    // one's here, each next one's from the step before
    double margin = count > 0 ? (data.fit_intercept ? b : 0.0) +
                                    dense_dot(X.row(batch_row(rows, 0)), wp, n)
                              : 0.0;
    const bool split_margin = !L1 && n < split_margin_cols;
    double rates[rate_block];
    bool stopped = false;
    for (std::size_t first = 0; first < count && !stopped; first += rate_block) {
        const std::size_t last = std::min(count, first + rate_block);
        fill_rates(step_size, step, last - first, rates);
        for (std::size_t k = first; k < last; ++k) {
            if (ahead && k + dense_l2_distance < count)
                prefetch_dense_row_to_l2(X, data, batch_row(rows, k + dense_l2_distance));
            if (ahead && k + dense_l1_distance < count)
                prefetch_lines<3>(X.row(batch_row(rows, k + dense_l1_distance)), X.cols * sizeof(T));
            const std::size_t i = batch_row(rows, k);
            const T* x = X.row(i);
            const StepScalars q = step_scalars(data, point, rates[k - first], step, i, margin, losses);
            //   w <- prox_{lr lambda_1}((1 - lr lambda_2) w - lr c x_i),   b <- b - lr c
            // (the last step's sweep takes its own row as the "next" one: a product nobody reads)
            const double decay = 1.0 - q.lr * l2, g = q.g;
            const T* x_next = k + 1 < count ? X.row(batch_row(rows, k + 1)) : x;
            if (split_margin) {
                //   x_next . w_new = decay (x_next . w) - g (x_next . x_i), so that
                //   z_next = (b + decay x_next . w) - g (1 + x_next . x_i)   (b as 0: without the 1)
                // with both products known before g (see split_margin_cols)
                double next_w = 0.0, next_x = 0.0;
                for (std::size_t j = 0; j < n; ++j) {
                    next_w += static_cast<double>(x_next[j]) * wp[j];
                    next_x += static_cast<double>(x_next[j]) * static_cast<double>(x[j]);
                }
                for (std::size_t j = 0; j < n; ++j) wp[j] = decay * wp[j] - g * static_cast<double>(x[j]);
                const double held = decay * next_w;
                margin = data.fit_intercept ? (b + held) - g * (1.0 + next_x) : held - g * next_x;
            } else {
                const double row_dot = update_then_dot<L1>(wp, x, x_next, n, decay, g, q.lr * l1);
                margin = (data.fit_intercept ? b - g : 0.0) + row_dot;
            }
            if (data.fit_intercept) b -= g;
            //   mean <- mean + (theta - mean) / N,  N = iterates averaged so far (mean = theta at N = 1)
            const std::int64_t averaged = averaged_count(step, average.start);
            if (average.values != nullptr && averaged > 0) {
                const double f = 1.0 / static_cast<double>(averaged);
                double* mp = mean.data() + 1;
                mean[0] = averaged == 1 ? b : mean[0] + (b - mean[0]) * f;
                if (averaged == 1) {
                    for (std::size_t j = 0; j < n; ++j) mp[j] = wp[j];
                } else {
                    DESCEND_SIMD()
                    for (std::size_t j = 0; j < n; ++j) mp[j] += (wp[j] - mp[j]) * f;
                }
            }
            if (!q.finite) {
                stopped = true;
                break;
            }
        }
        losses.settle();
    }
    theta[0] = static_cast<T>(b);
    for (std::size_t j = 0; j < n; ++j) theta[j + 1] = static_cast<T>(wp[j]);
    if (average.values != nullptr && averaged_count(step, average.start) > 0)
        for (std::size_t j = 0; j <= n; ++j) average.values[j] = static_cast<T>(mean[j]);
    return losses.total();
}

/// How many of a CSR row's first stored entries a step takes without a branch (below): at 1%
/// density of 100 columns a row holds 0, 1, 2 or 3 entries in 37%, 37%, 18% and 6% of rows,
/// and loops whose trip count is that random mispredict their exit at nearly every step (in a
/// scratch variant of benchmarks/cpp/fused_epoch.cpp, rows of exactly one or of exactly two
/// entries took 8.6 and 10.0 ns a step with the loops, the 1%-dense rows 15.5). A row of at most two entries is taken branch-free, a longer one by
/// the loops: benchmarks/cpp/fused_epoch.cpp's 1%-dense squared error, 3 interleaved runs,
/// took 16.3-16.6 -> 13.9-14.7 ns a step in float64 and 16.7-16.8 -> 14.4-15.0 in float32,
/// with the same results. Up to three or four entries so were slower (16.7-16.8 and
/// 19.9-20.0 ns), and the log-loss step, bound by its exponential and division, got slower
/// by 1% (23.7-23.8 -> 23.9-24.1 ns): it keeps the loops.
inline constexpr std::size_t branch_free_entries = 2;

/// CSR rows, touching only each row's stored entries. Invariants between steps:
//   w_j = a v_j after the pending shrinkage S_{U - u_j} of coordinate j     (L1)
//   sum of w_j over the averaged iterates = sums_j + v_j (A - A_j)          (Average)
/// a is the product of the decays (1 - lr lambda_2); a step's l1 threshold lr lambda_1 on w is
/// lr lambda_1 / a on v, and successive soft-thresholds of an untouched coordinate compose
/// into one by the sum of their thresholds, U; A is the sum of a over the averaged steps.
/// With an l1 penalty the averaged values of untouched coefficients would need their
/// shrinking path, so that combination is refused (see fused_sgd_supported).
template <bool L1, bool Average, class T, class Index, class PointLoss, class StepSize>
double csr_steps(const CsrView<T, Index>& X, const FusedSgdData<T>& data,
                 const PointLoss& point, const std::size_t* rows, std::size_t count,
                 const StepSize& step_size, std::int64_t& step, T* theta,
                 const FusedSgdAverage<T>& average) {
    static_assert(!(L1 && Average), "lazy averaging under an l1 penalty is not implemented");
    const std::size_t n = X.cols;
    const double l1 = data.penalty.l1_strength(), l2 = data.penalty.l2_strength();
    StepLossSum<PointLoss> losses(data.sample_weight != nullptr, 1.0 / data.mean_weight);
    // v, then two slots for a short row's unused entries (below): v[n] = 0, and v[n + 1],
    // written only
    std::vector<double> v(theta + 1, theta + 1 + n);
    v.resize(n + 2, 0.0);
    double a = 1.0, b = static_cast<double>(theta[0]);
    // Without l1 or averaging (whose bookkeeping runs per entry), a row of at most
    // branch_free_entries entries is taken branch-free, a longer one by loops; not for the
    // log-loss, whose step the branch-free entries made slower (see branch_free_entries).
    const std::size_t first_entry = X.rows > 0 ? X.row_begin(0) : 0;
    const std::size_t stored = X.rows > 0 ? X.row_end(X.rows - 1) - first_entry : 0;
    const bool branch_free =
        !L1 && !Average && !std::is_same_v<PointLoss, LogisticPoint> && stored > 0;
    // l1: cumulative threshold U on v and the value u_j of U when coordinate j was last shrunk
    double U = 0.0;
    std::vector<double> u(L1 ? n : 0, 0.0);
    auto catch_up = [&](std::size_t j) {
        v[j] = shrink(v[j], U - u[j]);
        u[j] = U;
    };
    // averaging: sums of the averaged iterates, A and A_j as in the invariant above
    const std::int64_t averaged_before = Average ? averaged_count(step, average.start) : 0;
    std::vector<double> sums(Average ? n : 0, 0.0), A_j(Average ? n : 0, 0.0);
    double A = 0.0, intercept_sum = 0.0;
    if (Average && averaged_before > 0) {
        const double N = static_cast<double>(averaged_before);
        intercept_sum = N * static_cast<double>(average.values[0]);
        for (std::size_t j = 0; j < n; ++j) sums[j] = N * static_cast<double>(average.values[j + 1]);
    }
    auto flush = [&](std::size_t j) {
        sums[j] += v[j] * (A - A_j[j]);
        A_j[j] = A;
    };
    // w = a v becomes v (a = 1) times `factor`, every pending piece of bookkeeping settled
    auto fold = [&](double factor) {
        const double scale = a * factor;
        for (std::size_t j = 0; j < n; ++j) {
            if constexpr (L1) {
                catch_up(j);
                u[j] = 0.0;
            }
            if constexpr (Average) {
                flush(j);
                A_j[j] = 0.0;
            }
            v[j] *= scale;
        }
        a = 1.0, U = 0.0, A = 0.0;
    };

    double rates[rate_block];
    bool stopped = false;
    for (std::size_t first = 0; first < count && !stopped; first += rate_block) {
        const std::size_t last = std::min(count, first + rate_block);
        fill_rates(step_size, step, last - first, rates);
        for (std::size_t k = first; k < last; ++k) {
            if (k + 2 * prefetch_distance < count)
                prefetch_row_start(X, data, batch_row(rows, k + 2 * prefetch_distance));
            if (k + prefetch_distance < count) prefetch_row_entries(X, batch_row(rows, k + prefetch_distance));
            const std::size_t i = batch_row(rows, k);
            const std::size_t begin = X.row_begin(i), end = X.row_end(i);
            const Index* columns = X.indices;
            const T* values = X.data;
            if constexpr (L1)
                for (std::size_t p = begin; p < end; ++p) catch_up(static_cast<std::size_t>(columns[p]));
            //   dot = sum_p x_p v_{j_p} in the row's order (a short row's entries past its end
            //   add +0, which leaves a sum started from +0 as it is)
            double dot = 0.0;
            const bool short_row = branch_free && end - begin <= branch_free_entries;
            // a short row's entry e: its value (as double), the slots of v the step reads and
            // writes for it; an entry past the row's end gets the value 0, read slot n (which
            // holds 0) and write slot n + 1 (which nothing reads), and loads a stored entry
            // (never out of bounds) that it does not use
            double x_short[branch_free_entries] = {};
            std::size_t read_at[branch_free_entries] = {}, write_at[branch_free_entries] = {};
            if (short_row) {
                for (std::size_t e = 0; e < branch_free_entries; ++e) {
                    // masks, not selects: GCC turns a select of a double into a branch
                    const std::uint64_t keep =
                        std::uint64_t{0} - static_cast<std::uint64_t>(begin + e < end);
                    const std::size_t p = std::min(begin + e, first_entry + stored - 1);
                    const std::size_t j = static_cast<std::size_t>(columns[p]);
                    const double value = static_cast<double>(values[p]);
                    std::uint64_t bits;
                    std::memcpy(&bits, &value, sizeof bits);
                    bits &= keep;
                    std::memcpy(&x_short[e], &bits, sizeof bits);
                    read_at[e] = n + ((j - n) & keep);
                    write_at[e] = n + 1 + ((j - n - 1) & keep);
                }
                for (std::size_t e = 0; e < branch_free_entries; ++e) dot += x_short[e] * v[read_at[e]];
            } else {
                for (std::size_t p = begin; p < end; ++p)
                    dot += static_cast<double>(values[p]) * v[static_cast<std::size_t>(columns[p])];
            }
            const StepScalars q = step_scalars(data, point, rates[k - first], step, i,
                                               (data.fit_intercept ? b : 0.0) + a * dot, losses);
            //   a <- a (1 - lr lambda_2);   v <- v - (lr c / a) x_i;   b <- b - lr c
            const double decay = 1.0 - q.lr * l2;
            if (l2 != 0.0) {
                if (decay > 0.0 && a * decay >= (Average ? min_scale_averaging : min_scale))
                    a *= decay;
                else
                    fold(decay);
            }
            const double g = q.g, g_on_v = g / a;
            if (short_row) {
                for (std::size_t e = 0; e < branch_free_entries; ++e)
                    v[write_at[e]] = v[read_at[e]] - g_on_v * x_short[e];
            } else {
                for (std::size_t p = begin; p < end; ++p) {
                    const std::size_t j = static_cast<std::size_t>(columns[p]);
                    if constexpr (Average) flush(j);
                    v[j] -= g_on_v * static_cast<double>(values[p]);
                }
            }
            //   U <- U + lr lambda_1 / a, then v_j <- S_{U - u_j}(v_j) on this row's columns (a
            //   repeated column is shrunk once: its second catch-up has U - u_j = 0)
            if constexpr (L1) {
                U += q.lr * l1 / a;
                for (std::size_t p = begin; p < end; ++p) catch_up(static_cast<std::size_t>(columns[p]));
            }
            if (data.fit_intercept) b -= g;
            if (Average && averaged_count(step, average.start) > 0) {
                A += a;
                intercept_sum += b;
            }
            if (!q.finite) {
                stopped = true;
                break;
            }
        }
        losses.settle();
    }
    fold(1.0);
    theta[0] = static_cast<T>(b);
    for (std::size_t j = 0; j < n; ++j) theta[j + 1] = static_cast<T>(v[j]);
    const std::int64_t averaged = Average ? averaged_count(step, average.start) : 0;
    if (averaged > 0) {
        const double N = static_cast<double>(averaged);
        average.values[0] = static_cast<T>(intercept_sum / N);
        for (std::size_t j = 0; j < n; ++j) average.values[j + 1] = static_cast<T>(sums[j] / N);
    }
    return losses.total();
}

}  // namespace fused_sgd_detail

/// True when fused_sgd_epoch handles this configuration: everything except Polyak averaging
/// together with an l1 penalty (l1 or elasticnet with l1_ratio > 0) on CSR rows. The fit loop
/// runs that one through its generic path.
inline bool fused_sgd_supported(bool csr, const Penalty& penalty, bool averaging) {
    return !(csr && averaging && penalty.l1_strength() != 0.0);
}

/// Runs `count` plain SGD steps of batch size 1 (torch.optim.SGD without momentum or weight
/// decay, the only rule this path serves) on a linear model, the rows taken in the order
/// rows[0], ..., rows[count - 1] (rows == null: 0, 1, ..., count - 1; a row may repeat).
///
/// theta = (b, w): theta[0] the intercept, theta[1 .. X.cols] the coefficients, UPDATED IN
/// PLACE. Step k, with i = rows[k] and t = `step` on entry to the step, computes exactly what
/// the generic loop computes for a one-row batch (penalties.hpp, linear_pass.hpp):
//   z   = b + x_i . w                     (b taken as 0 when !fit_intercept)
//   (l, l') = point(z, y_i)               SquaredError, HuberPoint or LogisticPoint
//   c   = s_i / mean_weight * l'          (s_i = 1 without sample weights)
//   lr  = step_size(t);  step = t + 1     (the schedule at the count BEFORE the increment)
//   w   = w - lr (c x_i + lambda_2 w),  then  w_j = S_{lr lambda_1}(w_j) for every j
//   b   = b - lr c                        (only with fit_intercept; never penalized)
///   with lambda_1 = penalty.l1_strength(), lambda_2 = penalty.l2_strength() and S the
///   soft-threshold of penalties.hpp. With averaging (average.values not null), after the
///   step's update, when N = step - average.start + 1 >= 1 (step counted after the
///   increment): mean = mean + (theta - mean) / N (mean = theta at N = 1; the intercept entry
///   included). On return theta and average.values hold the values the eager sequence of steps
///   gives, up to rounding.
/// Returns the sum over the steps taken of the step data losses s_i l(z_i, y_i) / mean_weight
/// (l at the z before the step); the caller divides by the number of steps and adds the
/// penalty alpha R(w) at the end of the epoch (CONTRACT.md "losses"). A step whose data loss is
/// not finite is the last one taken (as in the generic loop): the sum is then not finite and
/// `step` tells how many steps ran; theta is written back as it stands.
///
/// StepSize is any callable `double(std::int64_t t)`: ScheduleStepSize(schedule) (what the fit
/// loop passes; its rates are filled in rate_block steps at a time), or e.g.
/// `[&](std::int64_t t) { return learning_rate(schedule, t); }` (called once per step, before
/// the step loop of each block); PointLoss any of the point-loss structs above. Matrix is
/// MatrixView<const T> (each step sweeps all X.cols coefficients) or CsrView<T, Index> with
/// Index int32 or int64 (each step touches only the row's stored entries; columns may repeat
/// within a row; the l2 decay is a scalar scale on w and the l1 shrinkage of the other
/// coefficients is applied lazily, settled before this function returns). Arithmetic is in
/// double whatever T is (theta is read once and written once per call, which makes float32
/// slightly more accurate than the generic loop's float steps). Extra memory: O(X.cols)
/// doubles per call. X, y, weights and rows are trusted: check them before calling.
/// Throws std::invalid_argument for a configuration fused_sgd_supported refuses, before any
/// write.
template <class T, class Matrix, class PointLoss, class StepSize>
double fused_sgd_epoch(const Matrix& X, const FusedSgdData<T>& data, const PointLoss& point,
                       const std::size_t* rows, std::size_t count, const StepSize& step_size,
                       std::int64_t& step, T* theta, const FusedSgdAverage<T>& average = {}) {
    using namespace fused_sgd_detail;
    const bool l1 = data.penalty.l1_strength() != 0.0;
    const bool averaging = average.values != nullptr;
    if constexpr (std::is_same_v<Matrix, MatrixView<const T>>) {
        if (l1) return dense_steps<true, 0>(X, data, point, rows, count, step_size, step, theta, average);
        auto run = [&](auto cols) {
            constexpr std::size_t Cols = decltype(cols)::value;
            return dense_steps<false, Cols>(X, data, point, rows, count, step_size, step, theta, average);
        };
        static_assert(dense_fixed_cols == 4, "one case below for each fixed column count");
        switch (X.cols) {
            case 1: return run(std::integral_constant<std::size_t, 1>{});
            case 2: return run(std::integral_constant<std::size_t, 2>{});
            case 3: return run(std::integral_constant<std::size_t, 3>{});
            case 4: return run(std::integral_constant<std::size_t, 4>{});
            default: return run(std::integral_constant<std::size_t, 0>{});
        }
    } else {
        if (!fused_sgd_supported(true, data.penalty, averaging))
            throw std::invalid_argument(
                "fused_sgd_epoch: averaging with an l1 penalty on CSR rows is not supported");
        if (l1) return csr_steps<true, false>(X, data, point, rows, count, step_size, step, theta, average);
        return averaging
                   ? csr_steps<false, true>(X, data, point, rows, count, step_size, step, theta, average)
                   : csr_steps<false, false>(X, data, point, rows, count, step_size, step, theta, average);
    }
}

}  // namespace descend
