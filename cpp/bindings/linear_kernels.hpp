// The definition of linear_data (linear_data.hpp): the kernels of one linear objective type,
// each compiled for AVX2/FMA and for baseline x86-64. Included only by the translation units
// of the losses (linear_<loss>.cpp), each of which instantiates it for its own objectives with
// DESCEND_LINEAR_DATA_INSTANTIATE.
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

/// The six linear_data instantiations of one loss template `Loss<T, X>` (Huber, Logistic, ...):
/// dense, CSR int32 and CSR int64 rows, float64 and float32. Used inside namespace
/// descend::bindings, once per loss, each in its own translation unit (linear_<loss>.cpp) so
/// that the losses compile side by side.
#define DESCEND_LINEAR_DATA_INSTANTIATE_T(Loss, T)                                               \
    template LinearData<T> linear_data<T>(const Loss<T, MatrixView<const T>>&);                 \
    template LinearData<T> linear_data<T>(const Loss<T, CsrView<T, std::int32_t>>&);            \
    template LinearData<T> linear_data<T>(const Loss<T, CsrView<T, std::int64_t>>&)
#define DESCEND_LINEAR_DATA_INSTANTIATE(Loss)                                                    \
    DESCEND_LINEAR_DATA_INSTANTIATE_T(Loss, double);                                             \
    DESCEND_LINEAR_DATA_INSTANTIATE_T(Loss, float)
