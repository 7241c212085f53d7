// The definition of linear_data (linear_data.hpp): the kernels of one linear objective type,
// each compiled for AVX2/FMA and for baseline x86-64. Included only by the translation units
// of the losses (linear_<loss>.cpp), each of which instantiates it for its own objectives.
#pragma once

#include <descend/fused_sgd.hpp>
#include <descend/solver_fused.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "linear_data.hpp"
#include "multiversion.hpp"

namespace descend::bindings {

namespace linear_kernels_detail {

/// The alternative Objective of `objective` (linear_data puts it there, so it is there).
template <class Objective, class T>
const Objective& held(const LinearObjective<T>& objective) {
    return *std::get_if<Objective>(&objective);
}

template <class Objective, class T>
DESCEND_MULTIVERSION double loss_and_gradient(const LinearObjective<T>& objective,
                                              const std::size_t* rows, std::size_t count,
                                              const T* theta, double* grad) {
    return held<Objective>(objective).loss_and_gradient(rows, count, theta, grad);
}

template <class Objective, class T>
DESCEND_MULTIVERSION double fused_steps(const LinearObjective<T>& objective,
                                        const Penalty& penalty, const std::size_t* rows,
                                        std::size_t count, const ScheduleStepSize& step_size,
                                        std::int64_t& step, T* theta, T* average,
                                        std::int64_t average_start) {
    return descend::fused_sgd_steps(Penalized<Objective>{held<Objective>(objective), penalty},
                                    rows, count, step_size, step, theta, average, average_start);
}

template <class Objective, class T>
bool fused_supported(const Penalty& penalty, bool averaging) {
    constexpr bool csr = !std::is_same_v<decltype(Objective::X), MatrixView<const T>>;
    return fused_sgd_supported(csr, penalty, averaging);
}

}  // namespace linear_kernels_detail

template <class T, class Objective>
LinearData<T> linear_data(const Objective& objective) {
    namespace d = linear_kernels_detail;
    LinearData<T> data;
    data.objective = objective;
    data.kernels.loss_and_gradient = &d::loss_and_gradient<Objective, T>;
    if constexpr (has_point_loss<Objective>::value) {
        data.kernels.fused_supported = &d::fused_supported<Objective, T>;
        data.kernels.fused_steps = &d::fused_steps<Objective, T>;
    }
    data.samples = objective.n_samples();
    data.params = objective.n_params();
    data.intercepts = objective.n_intercepts();
    return data;
}

}  // namespace descend::bindings
