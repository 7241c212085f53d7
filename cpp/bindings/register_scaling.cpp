// Feature scaling and smoothness for learning_rate="auto": column moments, the smoothness
// estimate, the loss curvatures and the map between internal and caller coordinates.
// Argument checks and GIL release only; the math is in objectives/scaled.hpp and
// objectives/smoothness.hpp.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/smoothness.hpp>
#include <descend/objectives/softmax.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

#include "checks.hpp"
#include "multiversion.hpp"
#include "objective_args.hpp"
#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

// ------------------------------------------------------------------ dispatched entry points

template <class Matrix, class T>
DESCEND_MULTIVERSION void moments(const Matrix& X, const T* sample_weight, double* mean,
                                  double* std) {
    column_moments(X, sample_weight, mean, std);
}

template <class Matrix, class T>
DESCEND_MULTIVERSION Smoothness smoothness(const Matrix& X, const T* sample_weight,
                                           const FeatureScaling& scaling, bool fit_intercept,
                                           std::size_t iterations) {
    return smoothness_estimate(X, sample_weight, scaling, fit_intercept, iterations);
}

// ------------------------------------------------------------------ argument handling

/// feature_offset / feature_scale: None, or a float64 C-contiguous array of shape (n,) with
/// finite entries (and, for the scale, > 0). Returns the data pointer or null.
const double* checked_feature_vector(const py::handle& obj, const char* name, std::size_t n,
                                     bool positive) {
    if (obj.is_none()) return nullptr;
    const double* data = input_data<double>(obj, name, {static_cast<py::ssize_t>(n)});
    for (std::size_t j = 0; j < n; ++j) {
        if (!std::isfinite(data[j]) || (positive && !(data[j] > 0.0)))
            throw py::value_error(std::string(name) + ": expected finite values" +
                                  (positive ? " > 0" : "") + ", got " + std::to_string(data[j]) +
                                  " at index " + std::to_string(j));
    }
    return data;
}

/// The curvature bound of a loss by name (the constant beside its point loss).
double loss_curvature(const std::string& loss) {
    if (loss == "squared_error") return SquaredError::curvature;
    if (loss == "huber") return HuberPoint::curvature;
    if (loss == "log_loss") return LogisticPoint::curvature;
    if (loss == "softmax") return Softmax<double>::curvature;
    throw py::value_error("loss: expected 'squared_error', 'huber', 'log_loss' or 'softmax', got '" +
                          loss + "'");
}

template <class T>
std::pair<py::array_t<double>, py::array_t<double>> moments_kernel(const py::handle& X,
                                                                   const py::handle& weight) {
    return with_matrix<T>(X, [&](const auto& matrix) {
        const T* sample_weight = checked_sample_weight<T>(weight, matrix.rows);
        const auto n = static_cast<py::ssize_t>(matrix.cols);
        py::array_t<double> mean(n), std(n);
        double* mean_data = mean.mutable_data();
        double* std_data = std.mutable_data();
        {
            py::gil_scoped_release release;
            moments(matrix, sample_weight, mean_data, std_data);
        }
        return std::make_pair(mean, std);
    });
}

template <class T>
std::pair<double, double> smoothness_kernel(const py::handle& X, const py::handle& weight,
                                            const py::handle& offset, const py::handle& scale,
                                            bool fit_intercept, std::size_t iterations) {
    return with_matrix<T>(X, [&](const auto& matrix) {
        const T* sample_weight = checked_sample_weight<T>(weight, matrix.rows);
        if (iterations == 0)
            throw py::value_error("iterations: expected at least 1 power iteration, got 0");
        const FeatureScaling scaling{
            checked_feature_vector(offset, "feature_offset", matrix.cols, false),
            checked_feature_vector(scale, "feature_scale", matrix.cols, true)};
        py::gil_scoped_release release;
        const Smoothness out = smoothness(matrix, sample_weight, scaling, fit_intercept, iterations);
        return std::make_pair(out.lambda_max, out.max_row_norm2);
    });
}

/// The coordinate maps: theta of shape (n + 1,) or (n + 1, K), out of the same shape and dtype
/// (writeable; it may be theta itself, but no other overlap), offset/scale of shape (n,).
template <class T, bool to_caller>
void map_kernel(const py::handle& theta, const py::handle& out, const py::handle& offset,
                const py::handle& scale) {
    const py::array a = as_ndarray(theta, "theta");
    if (a.ndim() != 1 && a.ndim() != 2)
        throw py::value_error("theta: expected shape (n_features + 1,) or (n_features + 1, "
                              "n_classes), got " + shape_string(shape_of(a)));
    const py::array source = a.ndim() == 1 ? checked_array<T>(theta, "theta", {-1}, false)
                                           : checked_array<T>(theta, "theta", {-1, -1}, false);
    if (source.shape(0) == 0 || (source.ndim() == 2 && source.shape(1) == 0))
        throw py::value_error("theta: expected at least one row and one column, got shape " +
                              shape_string(shape_of(source)));
    const std::size_t rows = static_cast<std::size_t>(source.shape(0));
    const std::size_t K = source.ndim() == 2 ? static_cast<std::size_t>(source.shape(1)) : 1;
    T* target = source.ndim() == 1 ? output_data<T>(out, "out", {source.shape(0)})
                                   : output_data<T>(out, "out", {source.shape(0), source.shape(1)});
    const T* input = static_cast<const T*>(source.data());
    const std::size_t size = rows * K;
    if (target != input && target < input + size && input < target + size)
        throw py::value_error("out: expected theta itself or an array that does not overlap "
                              "it, got a partly overlapping view");
    const FeatureScaling scaling{checked_feature_vector(offset, "feature_offset", rows - 1, false),
                                 checked_feature_vector(scale, "feature_scale", rows - 1, true)};
    if (to_caller)
        scaled_to_caller(scaling, rows - 1, K, input, target);
    else
        caller_to_scaled(scaling, rows - 1, K, input, target);
}

template <bool to_caller>
void map_by_dtype(const py::handle& theta, const py::handle& out, const py::handle& offset,
                  const py::handle& scale) {
    if (is_float64(theta, "theta"))
        map_kernel<double, to_caller>(theta, out, offset, scale);
    else
        map_kernel<float, to_caller>(theta, out, offset, scale);
}

constexpr const char* map_doc_tail = R"doc(

theta is (n_features + 1,) for a linear model (theta[0] the intercept) or (n_features + 1,
n_classes) for softmax (row 0 the intercepts); out has theta's shape and dtype and is written
(it may be theta itself: the map runs in place). feature_offset (mu; None: no centering) and
feature_scale (sigma > 0; None: all ones) are float64 arrays of shape (n_features,).)doc";

/// Registers the map `name` (scaled_to_caller when to_caller, caller_to_scaled otherwise), its
/// docstring `head` followed by map_doc_tail.
template <bool to_caller>
void def_map(py::module_& m, const char* name, const char* head) {
    m.def(
        name,
        [](const py::handle& theta, const py::handle& out, const py::handle& feature_offset,
           const py::handle& feature_scale) {
            map_by_dtype<to_caller>(theta, out, feature_offset, feature_scale);
        },
        "theta"_a, "out"_a, py::kw_only(), "feature_offset"_a, "feature_scale"_a,
        (std::string(head) + map_doc_tail).c_str());
}

}  // namespace

void register_scaling(py::module_& m) {
    m.def(
        "column_moments",
        [](const py::handle& X, const py::handle& sample_weight) {
            return matrix_is_float64(X) ? moments_kernel<double>(X, sample_weight)
                                        : moments_kernel<float>(X, sample_weight);
        },
        "X"_a, py::kw_only(), "sample_weight"_a = py::none(),
        R"doc(Weighted mean and standard deviation of every column of X: (mean, std), float64 (n,).

    mean_j = sum_i s_i X[i, j] / sum_i s_i
    std_j  = sqrt(sum_i s_i (X[i, j] - mean_j)^2 / sum_i s_i)     (population: ddof=0)

One pass over X (a dense float32/float64 C-contiguous array, or a scipy.sparse CSR matrix/array
whose implicit zeros count as values), with Welford's stable update; nothing is copied
(numpy's X.std would allocate a copy of X). sample_weight: None or X's dtype, shape (m,),
finite, >= 0, positive sum; rows of weight 0 are left out.)doc");

    m.def(
        "smoothness",
        [](const py::handle& X, const py::handle& sample_weight, const py::handle& feature_offset,
           const py::handle& feature_scale, bool fit_intercept, std::size_t iterations) {
            return matrix_is_float64(X)
                       ? smoothness_kernel<double>(X, sample_weight, feature_offset, feature_scale,
                                                   fit_intercept, iterations)
                       : smoothness_kernel<float>(X, sample_weight, feature_offset, feature_scale,
                                                  fit_intercept, iterations);
        },
        "X"_a, py::kw_only(), "sample_weight"_a = py::none(), "feature_offset"_a = py::none(),
        "feature_scale"_a = py::none(), "fit_intercept"_a = true,
        "iterations"_a = smoothness_iterations,
        R"doc(Smoothness of a linear model on X in scaled coordinates: (lambda_max, max_row_norm2).

With x~_i = (1, (X[i] - feature_offset) / feature_scale) (the leading 1 only with
fit_intercept) and weights s_i:
    lambda_max    = largest eigenvalue of sum_i s_i x~_i x~_i^T / sum_i s_i
    max_row_norm2 = max_i (s_i / mean(s)) ||x~_i||^2
A loss of curvature c (loss_curvature) then has smoothness c * lambda_max over the data set
and c * max_row_norm2 for one row. lambda_max is the Rayleigh quotient after `iterations`
power iterations from a fixed start (deterministic; never above the true value); one pass over
X per iteration, nothing copied. X and sample_weight as in column_moments; feature_offset and
feature_scale None or float64 (n,), finite, scale > 0.)doc");

    m.def("loss_curvature", &loss_curvature, "loss"_a,
          R"doc(Bound on the second derivative of a point loss in its prediction z.

'squared_error' (r^2): 2, 'huber' (scikit-learn's, r^2/2 near 0): 1, 'log_loss': 1/4 (the
maximum of sigmoid'), 'softmax': 1/2 (the eigenvalues of diag(p) - p p^T, by Gershgorin).)doc");

    def_map<true>(m, "scaled_to_caller",
                  R"doc(Caller coordinates from internal ones (learning_rate="auto"'s scaling).

    out[1 + j] = theta[1 + j] / sigma_j
    out[0]     = theta[0] - sum_j mu_j theta[1 + j] / sigma_j)doc");
    def_map<false>(m, "caller_to_scaled",
                   R"doc(Internal coordinates from the caller's (the inverse of scaled_to_caller).

    out[1 + j] = sigma_j theta[1 + j]
    out[0]     = theta[0] + sum_j mu_j theta[1 + j])doc");
}

}  // namespace descend::bindings
