// The fused one-row SGD path (fused_sgd.hpp) as a private kernel, _core._fused_sgd_epoch: for
// its Python tests and for benchmarks/bench_sgd.py before the fit loop routes to it. Argument
// checks and GIL release only.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/fused_sgd.hpp>
#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/schedules.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "checks.hpp"
#include "multiversion.hpp"
#include "objective_args.hpp"
#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

/// The hot call, compiled for AVX2/FMA and for baseline x86-64 (per loss, dtype and kind of X).
template <class T, class Matrix, class PointLoss>
DESCEND_MULTIVERSION double run_fused(const Matrix& X, const FusedSgdData<T>& data,
                                      const PointLoss& point, const std::size_t* rows,
                                      std::size_t count, const Schedule& schedule,
                                      std::int64_t& step, T* theta,
                                      const FusedSgdAverage<T>& average) {
    return fused_sgd_epoch(X, data, point, rows, count, ScheduleStepSize(schedule), step, theta,
                           average);
}

template <class T>
std::pair<double, std::int64_t> fused_kernel(const py::handle& X, const py::handle& y,
                                             const py::handle& theta, const py::handle& rows,
                                             std::int64_t step, const py::handle& schedule_obj,
                                             const Penalty& penalty, const std::string& loss,
                                             double epsilon, const py::handle& sample_weight,
                                             bool fit_intercept, const py::handle& average,
                                             std::int64_t average_start) {
    if (loss != "squared_error" && loss != "huber" && loss != "log_loss")
        throw py::value_error("loss: expected 'squared_error', 'huber' or 'log_loss', got '" + loss + "'");
    penalty.validate();
    Huber<T> huber;
    huber.epsilon = epsilon;
    huber.validate();
    if (step < 0) throw py::value_error("step: expected an integer >= 0, got " + std::to_string(step));
    if (average_start < 1)
        throw py::value_error("average_start: expected an integer >= 1, got " + std::to_string(average_start));
    const Schedule schedule = schedule_from_object(schedule_obj, "schedule");
    validate_schedule(schedule);
    return with_matrix<T>(X, [&](const auto& matrix) {
        const std::size_t m = matrix.rows;
        const auto p = static_cast<py::ssize_t>(matrix.cols + 1);
        FusedSgdData<T> data;
        data.y = loss == "log_loss" ? checked_binary_labels<T>(y, m)
                                    : input_data<T>(y, "y", {static_cast<py::ssize_t>(m)});
        data.sample_weight = checked_sample_weight<T>(sample_weight, m);
        data.mean_weight = mean_sample_weight(data.sample_weight, m);
        data.fit_intercept = fit_intercept;
        data.penalty = penalty;
        T* theta_data = output_data<T>(theta, "theta", {p});
        FusedSgdAverage<T> mean;
        if (!average.is_none()) {
            mean = {output_data<T>(average, "average", {p}), average_start};
            if (mean.values == theta_data)
                throw py::value_error("average: expected an array other than theta, got theta itself");
        }
        const bool csr = !std::is_same_v<std::decay_t<decltype(matrix)>, MatrixView<const T>>;
        if (!fused_sgd_supported(csr, penalty, mean.values != nullptr))
            throw py::value_error("average: the fused path does not average with an l1 penalty on CSR X");
        const std::vector<std::size_t> order = checked_rows(rows, m);
        const std::size_t* row_data = order.empty() ? nullptr : order.data();
        const std::size_t count = order.empty() ? m : order.size();
        py::gil_scoped_release release;
        double sum = 0.0;
        if (loss == "squared_error")
            sum = run_fused(matrix, data, SquaredError{}, row_data, count, schedule, step, theta_data, mean);
        else if (loss == "huber")
            sum = run_fused(matrix, data, HuberPoint{epsilon}, row_data, count, schedule, step, theta_data, mean);
        else
            sum = run_fused(matrix, data, LogisticPoint{}, row_data, count, schedule, step, theta_data, mean);
        return std::make_pair(sum, step);
    });
}

}  // namespace

void register_fused(py::module_& m) {
    m.def(
        "_fused_sgd_epoch",
        [](const py::handle& X, const py::handle& y, const py::handle& theta,
           const py::handle& rows, std::int64_t step, const py::handle& schedule,
           const Penalty& penalty, const std::string& loss, double epsilon,
           const py::handle& sample_weight, bool fit_intercept, const py::handle& average,
           std::int64_t average_start) {
            return matrix_is_float64(X)
                       ? fused_kernel<double>(X, y, theta, rows, step, schedule, penalty, loss, epsilon,
                                              sample_weight, fit_intercept, average, average_start)
                       : fused_kernel<float>(X, y, theta, rows, step, schedule, penalty, loss, epsilon,
                                             sample_weight, fit_intercept, average, average_start);
        },
        "X"_a, "y"_a, "theta"_a, "rows"_a, "step"_a, "schedule"_a, "penalty"_a, py::kw_only(),
        "loss"_a = "squared_error", "epsilon"_a = 0.1, "sample_weight"_a = py::none(),
        "fit_intercept"_a = true, "average"_a = py::none(), "average_start"_a = 1,
        R"doc(Private: plain SGD steps of one row each, fused with the loss (fused_sgd.hpp).

For k in range(len(rows)) (all rows in order when rows is None), i = rows[k], t = step:
    z = theta[0] + X[i] @ theta[1:];  c = s_i / mean(s) * l'(z, y_i);  lr = schedule(t); t += 1
    theta -= lr * (c * (1, X[i]) + lambda_2 * (0, w));  w = soft_threshold(w, lr * lambda_1)
theta (and average, the Polyak mean of the iterates after step average_start) in place.
loss: "squared_error" (l = r^2), "huber" (epsilon), "log_loss" (y in {0, 1}). Returns
(sum of s_i l_i / mean(s) over the steps, the step counter after them). The fit loop uses
this path for the plain SGD rule with batch_size=1.)doc");
}

}  // namespace descend::bindings
