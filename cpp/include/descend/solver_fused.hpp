// Which epochs of the solver loop (solver.hpp) take fused_sgd.hpp's path, and the call: plain
// SGD (torch.optim.SGD without momentum, weight decay or maximize), one row per step, on a
// Penalized squared-error, Huber or logistic objective over dense or CSR rows. The loop
// decides once per call; the fused epoch visits the same rows in the same order with the same
// learning rates as the generic loop, so both give the same numbers up to rounding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "fused_sgd.hpp"
#include "objectives/huber.hpp"
#include "objectives/least_squares.hpp"
#include "objectives/logistic.hpp"
#include "objectives/penalties.hpp"
#include "optimizers/optimizer.hpp"

namespace descend {

/// The point loss of a linear objective, as fused_sgd_epoch takes it.
template <class T, class Matrix>
SquaredError point_loss_of(const LeastSquares<T, Matrix>&) {
    return {};
}
template <class T, class Matrix>
HuberPoint point_loss_of(const Huber<T, Matrix>& objective) {
    return {objective.epsilon};
}
template <class T, class Matrix>
LogisticPoint point_loss_of(const Logistic<T, Matrix>&) {
    return {};
}

/// True for a data term the fused path serves through fused_sgd.hpp: one with a point_loss_of
/// (LeastSquares, Huber, Logistic).
template <class Data, class = void>
struct has_point_loss : std::false_type {};
template <class Data>
struct has_point_loss<Data, std::void_t<decltype(point_loss_of(std::declval<const Data&>()))>>
    : std::true_type {};

/// True for a data term that brings its own compiled fused steps: members
/// `bool takes_fused_sgd(const Penalty&, bool averaging)` and `double fused_sgd_steps(const
/// Penalty&, rows, count, ScheduleStepSize&, step, theta, average, average_start)` with the
/// meaning of the free functions below (the bindings' type-erased data terms, which compile
/// each loss and kind of X once, apart from the loop).
template <class Data, class = void>
struct has_own_fused_sgd : std::false_type {};
template <class Data>
struct has_own_fused_sgd<Data, std::void_t<decltype(std::declval<const Data&>().takes_fused_sgd(
                                    std::declval<const Penalty&>(), false))>> : std::true_type {};

/// True for the objectives the fused path serves: Penalized<Data> with one of the data terms
/// above.
template <class Objective>
struct has_fused_sgd : std::false_type {};

template <class Data>
struct has_fused_sgd<Penalized<Data>>
    : std::bool_constant<has_point_loss<Data>::value || has_own_fused_sgd<Data>::value> {};

/// True for plain SGD: theta -= lr grad, nothing else (momentum 0, weight_decay 0, maximize
/// false; dampening and nesterov then have no effect).
inline bool is_plain_sgd(const Optimizer& optimizer) {
    const SGD* rule = std::get_if<SGD>(&optimizer);
    return rule != nullptr && rule->momentum == 0.0 && rule->weight_decay == 0.0 && !rule->maximize;
}

/// True when the loop's one-row steps of `optimizer` on `objective` take the fused path.
template <class Objective>
bool takes_fused_sgd(const Objective& objective, const Optimizer& optimizer, bool averaging) {
    if constexpr (has_fused_sgd<Objective>::value) {
        using Data = std::decay_t<decltype(objective.objective)>;
        if constexpr (has_own_fused_sgd<Data>::value) {
            return is_plain_sgd(optimizer) &&
                   objective.objective.takes_fused_sgd(objective.penalty, averaging);
        } else {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(objective.objective.y)>>;
            constexpr bool csr = !std::is_same_v<decltype(Data::X), MatrixView<const T>>;
            return is_plain_sgd(optimizer) && fused_sgd_supported(csr, objective.penalty, averaging);
        }
    } else {
        (void)objective, (void)optimizer, (void)averaging;
        return false;
    }
}

/// `count` fused one-row steps over rows[0 .. count) (see fused_sgd_epoch); returns the sum of
/// the step data losses. `average` null: no averaging; else from step `average_start` on.
template <class Data, class T, class StepSize>
double fused_sgd_steps(const Penalized<Data>& objective, const std::size_t* rows,
                       std::size_t count, const StepSize& step_size, std::int64_t& step,
                       T* theta, T* average, std::int64_t average_start) {
    const Data& d = objective.objective;
    if constexpr (has_own_fused_sgd<Data>::value) {
        return d.fused_sgd_steps(objective.penalty, rows, count, step_size, step, theta, average,
                                 average_start);
    } else {
        const FusedSgdData<T> data{d.y, d.sample_weight, d.mean_weight, d.fit_intercept,
                                   objective.penalty};
        return fused_sgd_epoch(d.X, data, point_loss_of(d), rows, count, step_size, step, theta,
                               FusedSgdAverage<T>{average, average_start});
    }
}

}  // namespace descend
