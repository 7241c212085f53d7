// The data term of fit_linear with its loss and kind of X chosen at run time: LinearData<T>
// holds one of the library's linear objectives (least squares, Huber, logistic, softmax over
// dense, CSR int32 or CSR int64 rows) and calls that objective's batch pass and fused SGD
// epoch through function pointers. The solver loop (solver.hpp) is then compiled once per
// dtype for every loss and kind of X, the rule and schedule dispatched per step (a cost
// negligible next to a step's O(n_features) work), while each hot kernel is compiled once, for
// AVX2/FMA and the baseline (linear_kernels.hpp, one translation unit per loss, so they
// compile side by side).
#pragma once

#include <descend/fused_sgd.hpp>
#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/softmax.hpp>
#include <descend/solver.hpp>
#include <descend/view.hpp>

#include <cstddef>
#include <cstdint>
#include <variant>

namespace descend::bindings {

/// Every linear objective fit_linear serves, for dtype T (the alternative is the loss and the
/// kind of X).
template <class T>
using LinearObjective =
    std::variant<LeastSquares<T, MatrixView<const T>>, LeastSquares<T, CsrView<T, std::int32_t>>,
                 LeastSquares<T, CsrView<T, std::int64_t>>, Huber<T, MatrixView<const T>>,
                 Huber<T, CsrView<T, std::int32_t>>, Huber<T, CsrView<T, std::int64_t>>,
                 Logistic<T, MatrixView<const T>>, Logistic<T, CsrView<T, std::int32_t>>,
                 Logistic<T, CsrView<T, std::int64_t>>, Softmax<T, MatrixView<const T>>,
                 Softmax<T, CsrView<T, std::int32_t>>, Softmax<T, CsrView<T, std::int64_t>>>;

/// The compiled kernels of one alternative of LinearObjective<T>.
template <class T>
struct LinearKernels {
    /// objective.loss_and_gradient(rows, count, theta, grad)
    double (*loss_and_gradient)(const LinearObjective<T>&, const std::size_t*, std::size_t,
                                const T*, double*) = nullptr;
    /// fused_sgd_supported for this kind of X; null: no fused path (softmax)
    bool (*fused_supported)(const Penalty&, bool averaging) = nullptr;
    /// fused_sgd_epoch on the objective's data (solver_fused.hpp's fused_sgd_steps)
    double (*fused_steps)(const LinearObjective<T>&, const Penalty&, const std::size_t*,
                          std::size_t, const ScheduleStepSize&, std::int64_t&, T*, T*,
                          std::int64_t) = nullptr;
};

/// A linear data term with its loss and kind of X chosen at run time (the Objective concept of
/// solver.hpp; the fused path through has_own_fused_sgd of solver_fused.hpp).
template <class T>
struct LinearData {
    LinearObjective<T> objective;
    LinearKernels<T> kernels;
    std::size_t samples = 0, params = 0, intercepts = 1;

    std::size_t n_samples() const { return samples; }
    std::size_t n_params() const { return params; }
    std::size_t n_intercepts() const { return intercepts; }

    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        return kernels.loss_and_gradient(objective, rows, count, theta, grad);
    }

    bool takes_fused_sgd(const Penalty& penalty, bool averaging) const {
        return kernels.fused_supported != nullptr && kernels.fused_supported(penalty, averaging);
    }

    double fused_sgd_steps(const Penalty& penalty, const std::size_t* rows, std::size_t count,
                           const ScheduleStepSize& step_size, std::int64_t& step, T* theta,
                           T* average, std::int64_t average_start) const {
        return kernels.fused_steps(objective, penalty, rows, count, step_size, step, theta,
                                   average, average_start);
    }
};

/// LinearData holding `objective`, its kernels those compiled for its type. Defined (and
/// instantiated for each kind of X and dtype) in the translation unit of its loss:
/// linear_squared_error.cpp, linear_huber.cpp, linear_log_loss.cpp, linear_softmax.cpp.
template <class T, class Objective>
LinearData<T> linear_data(const Objective& objective);

/// The loop of fit_linear (solver.hpp's run_epochs), compiled for AVX2/FMA and for baseline
/// x86-64 once per dtype, for Objective = Penalized<LinearData<T>> (plain coordinates) and
/// Scaled<Penalized<LinearData<T>>, T> (internal coordinates): the loss and kind of X are
/// LinearData's run-time choice. Every objective is Penalized: penalty "none" costs a test per
/// step. Defined and instantiated in linear_loop.cpp.
template <class Objective, class T>
Status run_fit(const Objective& objective, const RowSet& train,
               const Validation<Objective>& validation, const Iterate<T>& iterate,
               const Optimizer& optimizer, Schedule& schedule, const SolverOptions& options,
               SolverState& run, std::size_t epochs, History& history);

}  // namespace descend::bindings
