// Objectives: loss-and-gradient kernels of least squares, Huber, logistic and softmax on dense
// or CSR X, and the penalty kernels. Argument checks and GIL release only; the math is in
// cpp/include/descend/objectives/.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/softmax.hpp>
#include <descend/objectives/threaded.hpp>

#include <cmath>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks.hpp"
#include "multiversion.hpp"
#include "objective_args.hpp"
#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

// ------------------------------------------------------------------ dispatched entry point

/// The hot call, compiled for AVX2/FMA and for baseline x86-64 (per objective, dtype and kind
/// of X).
template <class Objective, class T>
DESCEND_MULTIVERSION double evaluate(const Objective& objective, const std::size_t* rows,
                                     std::size_t count, const T* theta, double* grad) {
    return objective.loss_and_gradient(rows, count, theta, grad);
}

// ------------------------------------------------------------------ argument handling

/// Calls the dispatched entry point: how threaded_loss_and_gradient evaluates each block, so
/// that every thread runs the clone for this CPU.
struct Dispatched {
    template <class Objective, class T>
    double operator()(const Objective& objective, const std::size_t* rows, std::size_t count,
                      const T* theta, double* grad) const {
        return evaluate(objective, rows, count, theta, grad);
    }
};

// ------------------------------------------------------------------ scalar arguments

/// A flag: True or False (NumPy's bool included); TypeError naming `name` for anything else,
/// such as 1 or the string "no" (which Python would take as true).
bool checked_flag(const py::handle& obj, const char* name) {
    if (obj.ptr() == Py_True || obj.ptr() == Py_False) return obj.ptr() == Py_True;
    const py::handle type = py::type::of(obj);
    if (py::str(type.attr("__module__")).cast<std::string>() == "numpy" &&
        py::str(type.attr("__name__")).cast<std::string>().rfind("bool", 0) == 0)
        return PyObject_IsTrue(obj.ptr()) == 1;
    throw py::type_error(std::string(name) + ": expected True or False, got " + type_name(obj));
}

/// A real number (Python's or NumPy's; not a bool or a string) as a double; TypeError naming
/// `name` otherwise. Its range is checked by the objective's validate().
double checked_real(const py::handle& obj, const char* name) {
    if (PyBool_Check(obj.ptr()) || PyUnicode_Check(obj.ptr()) || !py::hasattr(obj, "__float__"))
        throw py::type_error(std::string(name) + ": expected a real number, got " + type_name(obj));
    const double value = PyFloat_AsDouble(obj.ptr());
    if (value == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return value;
}

// ------------------------------------------------------------------ argument handling

/// The bytes of `count` elements at `data`, as an extent the kernel only reads (or writes).
template <class U>
Extent read_extent(const U* data, std::size_t count, std::size_t who, bool written = false) {
    const char* begin = reinterpret_cast<const char*>(data);
    return Extent{begin, begin + count * sizeof(U), written, who};
}

/// Names of the arrays of a loss-and-gradient call, by their `who` in check_grad_separate.
constexpr const char* kernel_array_names[] = {"grad", "theta", "y", "sample_weight",
                                              "X", "X.indices", "X.indptr"};

template <class T>
void add_matrix_extents(std::vector<Extent>& extents, const MatrixView<const T>& X) {
    extents.push_back(read_extent(X.data, X.rows * X.cols, 4));
}

template <class T, class Index>
void add_matrix_extents(std::vector<Extent>& extents, const CsrView<T, Index>& X) {
    const auto nnz = static_cast<std::size_t>(X.indptr[X.rows]);
    extents.push_back(read_extent(X.data, nnz, 4));
    extents.push_back(read_extent(X.indices, nnz, 5));
    extents.push_back(read_extent(X.indptr, X.rows + 1, 6));
}

/// ValueError if grad shares memory with theta, X, y or sample_weight: the kernel writes grad,
/// and the caller would lose what it reads (as the step kernels, it refuses aliased arrays).
template <class Objective, class T>
void check_grad_separate(const Objective& objective, const T* theta, const T* grad) {
    const std::size_t p = objective.n_params(), m = objective.n_samples();
    std::vector<Extent> extents{read_extent(theta, p, 1), read_extent(objective.y, m, 2)};
    extents.push_back(read_extent(grad, p, 0, true));
    if (objective.sample_weight != nullptr)
        extents.push_back(read_extent(objective.sample_weight, m, 3));
    add_matrix_extents(extents, objective.X);
    check_no_overlap(std::move(extents),
                     [](std::size_t who) { return std::string(kernel_array_names[who]); });
}

/// Runs the checked objective on the checked batch (all rows when `rows` is empty) on
/// `n_threads` threads (0: automatic) with the GIL released, writes the gradient to grad_out
/// in T, and returns the loss. Refuses a grad that shares memory with another argument first.
template <class Objective, class T>
double loss_and_gradient(const Objective& objective, const std::vector<std::size_t>& rows,
                         const T* theta, T* grad_out, std::size_t n_threads) {
    check_grad_separate(objective, theta, grad_out);
    py::gil_scoped_release release;
    std::vector<double> grad(objective.n_params());
    const std::size_t* batch = rows.empty() ? nullptr : rows.data();
    const std::size_t count = rows.empty() ? objective.n_samples() : rows.size();
    const double loss = threaded_loss_and_gradient(objective, batch, count, theta, grad.data(),
                                                   n_threads, Dispatched{});
    for (std::size_t j = 0; j < grad.size(); ++j) grad_out[j] = static_cast<T>(grad[j]);
    return loss;
}

/// The kernel of a linear-prediction objective (LeastSquares, Huber, Logistic): checks y
/// (targets, or 0/1 labels when `binary_labels`), theta and grad of shape (n_features + 1,),
/// sample_weight and rows, then evaluates. `configure` sets and validates the objective's own
/// hyperparameters.
template <template <class, class> class Objective, class T, class Configure>
double linear_kernel(const py::handle& X, const py::handle& y, const py::handle& theta,
                     const py::handle& grad, const py::handle& sample_weight,
                     const py::handle& rows, bool fit_intercept, bool binary_labels,
                     std::size_t n_threads, Configure configure) {
    return with_matrix<T>(X, [&](const auto& matrix) {
        Objective<T, std::decay_t<decltype(matrix)>> objective;
        objective.X = matrix;
        const std::size_t m = matrix.rows;
        objective.y = binary_labels ? checked_binary_labels<T>(y, m)
                                    : input_data<T>(y, "y", {static_cast<py::ssize_t>(m)});
        const auto p = static_cast<py::ssize_t>(objective.n_params());
        const T* theta_data = input_data<T>(theta, "theta", {p});
        T* grad_data = output_data<T>(grad, "grad", {p});
        objective.sample_weight = checked_sample_weight<T>(sample_weight, m);
        objective.mean_weight = mean_sample_weight(objective.sample_weight, m);
        objective.fit_intercept = fit_intercept;
        const std::vector<std::size_t> batch = checked_rows(rows, m);
        configure(objective);
        return loss_and_gradient(objective, batch, theta_data, grad_data, n_threads);
    });
}

/// The softmax kernel: y class indices (int64), theta and grad of shape (n_features + 1, K).
template <class T>
double softmax_kernel(const py::handle& X, const py::handle& y, const py::handle& theta,
                      const py::handle& grad, const py::handle& sample_weight,
                      const py::handle& rows, bool fit_intercept, std::size_t n_threads) {
    return with_matrix<T>(X, [&](const auto& matrix) {
        Softmax<T, std::decay_t<decltype(matrix)>> objective;
        objective.X = matrix;
        const std::size_t m = matrix.rows;
        const auto n = static_cast<py::ssize_t>(matrix.cols);
        py::array theta_array = checked_array<T>(theta, "theta", {n + 1, -1}, false);
        const auto K = theta_array.shape(1);
        if (K == 0) throw py::value_error("theta: expected at least one class column, got 0");
        objective.n_classes = static_cast<std::size_t>(K);
        objective.y = checked_class_indices(y, m, objective.n_classes);
        T* grad_data = output_data<T>(grad, "grad", {n + 1, K});
        objective.sample_weight = checked_sample_weight<T>(sample_weight, m);
        objective.mean_weight = mean_sample_weight(objective.sample_weight, m);
        objective.fit_intercept = fit_intercept;
        const std::vector<std::size_t> batch = checked_rows(rows, m);
        return loss_and_gradient(objective, batch, static_cast<const T*>(theta_array.data()),
                                 grad_data, n_threads);
    });
}

/// Calls f<double> or f<float> by the dtype of X (dense or CSR).
template <class F>
double by_dtype(const py::handle& X, F&& f) {
    return matrix_is_float64(X) ? f(double{}) : f(float{});
}

// ------------------------------------------------------------------ penalties

/// The kind named by Penalty's `kind` argument: None or a name of penalty_from_name.
PenaltyKind penalty_kind(const std::optional<std::string>& name) {
    return name ? penalty_from_name(*name) : PenaltyKind::none;
}

/// theta checked for a penalty kernel: 1-D (theta[0] is the intercept) or 2-D (row 0 holds
/// the intercepts); returns the array and sets `skip` to the number of intercepts.
template <class T>
py::array penalty_theta(const py::handle& theta, bool writeable, std::size_t& skip) {
    const py::array a = as_ndarray(theta, "theta");
    if (a.ndim() == 1) {
        py::array checked = checked_array<T>(theta, "theta", {-1}, writeable);
        if (checked.shape(0) == 0) throw py::value_error("theta: expected at least one entry, got 0");
        skip = 1;
        return checked;
    }
    if (a.ndim() == 2) {
        py::array checked = checked_array<T>(theta, "theta", {-1, -1}, writeable);
        if (checked.shape(0) == 0) throw py::value_error("theta: expected at least one row, got 0");
        skip = static_cast<std::size_t>(checked.shape(1));
        return checked;
    }
    throw py::value_error("theta: expected a 1-D parameter vector or a 2-D (n_features + 1, "
                          "n_classes) block, got " + std::to_string(a.ndim()) + "-D shape " +
                          shape_string(shape_of(a)));
}

template <class T>
double penalty_value_kernel(const Penalty& penalty, const py::handle& theta) {
    penalty.validate();
    std::size_t skip = 0;
    const py::array a = penalty_theta<T>(theta, false, skip);
    const T* data = static_cast<const T*>(a.data());
    const auto n = static_cast<std::size_t>(a.size());
    py::gil_scoped_release release;
    return penalty_value(penalty, data, n, skip);
}

template <class T>
void penalty_gradient_kernel(const Penalty& penalty, const py::handle& theta,
                             const py::handle& grad) {
    penalty.validate();
    std::size_t skip = 0;
    const py::array a = penalty_theta<T>(theta, false, skip);
    T* grad_data = a.ndim() == 1 ? output_data<T>(grad, "grad", {a.shape(0)})
                                 : output_data<T>(grad, "grad", {a.shape(0), a.shape(1)});
    const T* data = static_cast<const T*>(a.data());
    const auto n = static_cast<std::size_t>(a.size());
    py::gil_scoped_release release;
    add_penalty_gradient(penalty, data, n, skip, grad_data);
}

template <class T>
void proximal_kernel(const Penalty& penalty, const py::handle& theta, double lr) {
    penalty.validate();
    if (!(lr >= 0.0 && std::isfinite(lr))) throw py::value_error("lr: expected a finite value >= 0");
    std::size_t skip = 0;
    py::array a = penalty_theta<T>(theta, true, skip);
    T* data = static_cast<T*>(a.mutable_data());
    const auto n = static_cast<std::size_t>(a.size());
    py::gil_scoped_release release;
    proximal_step(penalty, data, n, skip, lr);
}

/// A linear-prediction kernel's call: checks the scalar arguments, then runs
/// linear_kernel<Objective> for X's dtype.
template <template <class, class> class Objective, class Configure>
double linear_call(const py::handle& X, const py::handle& y, const py::handle& theta,
                   const py::handle& grad, const py::handle& sample_weight,
                   const py::handle& rows, const py::handle& fit_intercept,
                   const py::handle& n_threads, bool binary_labels, Configure configure) {
    const bool intercept = checked_flag(fit_intercept, "fit_intercept");
    const std::size_t threads = checked_n_threads(n_threads);
    return by_dtype(X, [&](auto t) {
        return linear_kernel<Objective, decltype(t)>(X, y, theta, grad, sample_weight, rows,
                                                     intercept, binary_labels, threads, configure);
    });
}

/// Binds a loss-and-gradient kernel: X, y, theta, grad, then keyword-only sample_weight, rows,
/// fit_intercept, the objective's own `extra` arguments and n_threads (the order of `kernel`'s
/// parameters).
template <class Kernel, class... Extra>
void def_loss_kernel(py::module_& m, const char* name, Kernel kernel, const char* doc,
                     Extra... extra) {
    m.def(name, kernel, "X"_a, "y"_a, "theta"_a, "grad"_a, py::kw_only(),
          "sample_weight"_a = py::none(), "rows"_a = py::none(), "fit_intercept"_a = true,
          extra..., "n_threads"_a = py::none(), doc);
}

/// What every loss-and-gradient kernel's docstring says about its arguments (numpy style).
#define DESCEND_LOSS_KERNEL_ARGS(Y, THETA)                                                        \
    "Parameters\n----------\n"                                                                   \
    "X : ndarray of shape (n_samples, n_features) or scipy.sparse CSR matrix/array\n"            \
    "    float64 or float32, C-contiguous; CSR with int32 or int64 indices sorted within each\n" \
    "    row. Never converted, copied or densified.\n"                                            \
    "y : ndarray of shape (n_samples,)\n    " Y "\n"                                              \
    "theta : ndarray of shape " THETA "\n"                                                       \
    "    The parameters, of X's dtype; only read.\n"                                              \
    "grad : ndarray of theta's shape and dtype\n"                                                \
    "    C-contiguous and writeable, sharing memory with no other argument: the gradient is\n"   \
    "    written into it in place.\n"                                                             \
    "sample_weight : None or ndarray of shape (n_samples,), default None\n"                      \
    "    Finite weights s_i >= 0 of X's dtype with a positive sum (None: all ones).\n"            \
    "rows : None or int64 ndarray, default None\n"                                               \
    "    Row numbers of a batch B: the sums run over B (a row given k times counts k\n"       \
    "    times, as in sampling with replacement) and are divided by\n"                          \
    "    len(rows) * mean(sample_weight). None: every row.\n"                                     \
    "fit_intercept : bool, default True\n"                                                       \
    "    False: the intercept row theta[0] is taken as zero and its gradient is 0.\n"

#define DESCEND_LOSS_KERNEL_RETURNS                                                               \
    "n_threads : None or int >= 1, default None\n"                                               \
    "    None uses every processor once X holds enough entries to pay for the threads\n"         \
    "    (descend.show_config() tells how many); k cuts the batch into k fixed blocks of\n"      \
    "    consecutive rows added in block order, so that the result is the same, bit for bit,\n" \
    "    on every call with the same n_threads. The GIL is released while it runs.\n\n"         \
    "Returns\n-------\nfloat\n    The loss L (the gradient is in grad).\n\n"                     \
    "Raises\n------\nTypeError, ValueError\n"                                                     \
    "    For a wrong dtype, shape, layout, a read-only or aliased grad, NaN or negative\n"       \
    "    weights, out-of-range labels or rows, or a wrong scalar; before anything is written.\n"

}  // namespace

void register_objectives(py::module_& m) {
    const auto no_configure = [](auto&) {};
    def_loss_kernel(
        m, "squared_error_loss_and_gradient",
        [=](const py::handle& X, const py::handle& y, const py::handle& theta,
            const py::handle& grad, const py::handle& sample_weight, const py::handle& rows,
            const py::handle& fit_intercept, const py::handle& n_threads) {
            return linear_call<LeastSquares>(X, y, theta, grad, sample_weight, rows,
                                             fit_intercept, n_threads, false, no_configure);
        },
        "Mean squared error of theta = (intercept, coef) on (X, y), and its gradient, in one\n"
        "pass over the rows of X::\n\n"
        "    r_i = theta[0] + X[i] @ theta[1:] - y[i]\n"
        "    L = sum_i s_i r_i**2 / sum_i s_i\n"
        "    grad = 2 sum_i s_i r_i (1, X[i]) / sum_i s_i\n\n"
        "float32 X: each row's dot product is summed in float32 and widened to double once per\n"
        "row, and the gradient terms are summed in float32 over 16 rows before being added in\n"
        "double: within about 1e-5 relative of a float64 reference on random data.\n\n"
        DESCEND_LOSS_KERNEL_ARGS("Targets of X's dtype.", "(n_features + 1,)")
        DESCEND_LOSS_KERNEL_RETURNS);

    def_loss_kernel(
        m, "huber_loss_and_gradient",
        [=](const py::handle& X, const py::handle& y, const py::handle& theta,
            const py::handle& grad, const py::handle& sample_weight, const py::handle& rows,
            const py::handle& fit_intercept, const py::handle& epsilon,
            const py::handle& n_threads) {
            const double threshold = checked_real(epsilon, "epsilon");
            return linear_call<Huber>(X, y, theta, grad, sample_weight, rows, fit_intercept,
                                      n_threads, false, [&](auto& objective) {
                                          objective.epsilon = threshold;
                                          objective.validate();
                                      });
        },
        "Mean Huber loss of theta = (intercept, coef) on (X, y), and its gradient, in one pass\n"
        "over the rows of X; scikit-learn's definition (SGDRegressor(loss='huber')), with\n"
        "r = prediction - y::\n\n"
        "    l(r) = r**2 / 2 if |r| <= epsilon, else epsilon * (|r| - epsilon / 2)\n"
        "    l'(r) = clip(r, -epsilon, epsilon)\n"
        "    L = sum_i s_i l(r_i) / sum_i s_i,  grad = sum_i s_i l'(r_i) (1, X[i]) / sum_i s_i\n\n"
        DESCEND_LOSS_KERNEL_ARGS("Targets of X's dtype.", "(n_features + 1,)")
        "epsilon : float >= 0, default 0.1\n"
        "    Where the loss turns from quadratic to linear.\n"
        DESCEND_LOSS_KERNEL_RETURNS,
        "epsilon"_a = Huber<double>{}.epsilon);

    def_loss_kernel(
        m, "logistic_loss_and_gradient",
        [=](const py::handle& X, const py::handle& y, const py::handle& theta,
            const py::handle& grad, const py::handle& sample_weight, const py::handle& rows,
            const py::handle& fit_intercept, const py::handle& n_threads) {
            return linear_call<Logistic>(X, y, theta, grad, sample_weight, rows, fit_intercept,
                                         n_threads, true, no_configure);
        },
        "Binary log-loss of theta = (intercept, coef) on (X, y), y in {0, 1}, and its gradient,\n"
        "in one pass over the rows of X::\n\n"
        "    z_i = theta[0] + X[i] @ theta[1:],  P(y=1) = sigmoid(z_i)\n"
        "    l_i = log(1 + exp(z_i)) - y_i z_i   (without overflow for any finite z)\n"
        "    L = sum_i s_i l_i / sum_i s_i\n"
        "    grad = sum_i s_i (sigmoid(z_i) - y_i) (1, X[i]) / sum_i s_i\n\n"
        DESCEND_LOSS_KERNEL_ARGS("Labels 0 and 1, of X's dtype.", "(n_features + 1,)")
        DESCEND_LOSS_KERNEL_RETURNS);

    def_loss_kernel(
        m, "softmax_loss_and_gradient",
        [](const py::handle& X, const py::handle& y, const py::handle& theta,
           const py::handle& grad, const py::handle& sample_weight, const py::handle& rows,
           const py::handle& fit_intercept, const py::handle& n_threads) {
            const bool intercept = checked_flag(fit_intercept, "fit_intercept");
            const std::size_t threads = checked_n_threads(n_threads);
            return by_dtype(X, [&](auto t) {
                return softmax_kernel<decltype(t)>(X, y, theta, grad, sample_weight, rows,
                                                   intercept, threads);
            });
        },
        "Multinomial (softmax) log-loss of theta on (X, y), and its gradient, in one pass over\n"
        "the rows of X. theta is a (n_features + 1, n_classes) block: row 0 the intercepts, row\n"
        "j + 1 the weights of feature j::\n\n"
        "    z_i = theta[0] + X[i] @ theta[1:],  l_i = logsumexp(z_i) - z_i[y_i]  (stable)\n"
        "    L = sum_i s_i l_i / sum_i s_i,  p_i = softmax(z_i)\n"
        "    grad[0] = sum_i s_i (p_i - onehot(y_i)) / sum_i s_i\n"
        "    grad[1:] = sum_i s_i X[i]^T (p_i - onehot(y_i)) / sum_i s_i\n\n"
        DESCEND_LOSS_KERNEL_ARGS("Class indices 0 .. n_classes - 1 (int64).",
                                 "(n_features + 1, n_classes)")
        DESCEND_LOSS_KERNEL_RETURNS);
#undef DESCEND_LOSS_KERNEL_ARGS
#undef DESCEND_LOSS_KERNEL_RETURNS

    py::class_<Penalty>(m, "Penalty",
                        "A penalty alpha * R(w) on the coefficients (scikit-learn SGD's names and "
                        "defaults); intercepts are never penalized.")
        .def(py::init([](const std::optional<std::string>& kind, double alpha, double l1_ratio) {
                 Penalty penalty{penalty_kind(kind), alpha, l1_ratio};
                 penalty.validate();
                 return penalty;
             }),
             "kind"_a, py::kw_only(), "alpha"_a = 1e-4, "l1_ratio"_a = 0.15)
        .def_property_readonly("kind",
                               [](const Penalty& p) -> std::optional<std::string> {
                                   if (p.kind == PenaltyKind::none) return std::nullopt;
                                   return std::string(penalty_name(p.kind));
                               })
        .def_readwrite("alpha", &Penalty::alpha)
        .def_readwrite("l1_ratio", &Penalty::l1_ratio)
        .def("validate", &Penalty::validate)
        .def_property_readonly("l1_strength", &Penalty::l1_strength,
                               "lambda_1, the weight of ||w||_1 in alpha R")
        .def_property_readonly("l2_strength", &Penalty::l2_strength,
                               "lambda_2, the weight of ||w||^2 / 2 in alpha R");

    m.def(
        "penalty_value",
        [](const Penalty& penalty, const py::handle& theta) {
            return is_float64(theta, "theta") ? penalty_value_kernel<double>(penalty, theta)
                                              : penalty_value_kernel<float>(penalty, theta);
        },
        "penalty"_a, "theta"_a,
        R"doc(alpha * R(w) at theta: lambda_1 * sum|w| + lambda_2 / 2 * sum w^2.

w is theta without its intercepts: theta[1:] of a 1-D theta, theta[1:, :] of a 2-D
(n_features + 1, n_classes) block.)doc");

    m.def(
        "add_penalty_gradient",
        [](const Penalty& penalty, const py::handle& theta, const py::handle& grad) {
            if (is_float64(theta, "theta"))
                penalty_gradient_kernel<double>(penalty, theta, grad);
            else
                penalty_gradient_kernel<float>(penalty, theta, grad);
        },
        "penalty"_a, "theta"_a, "grad"_a,
        R"doc(grad += lambda_2 * w in place (the smooth l2 part; intercepts untouched).

grad has theta's shape and dtype. The l1 part is applied by proximal_step.)doc");

    m.def(
        "proximal_step",
        [](const Penalty& penalty, const py::handle& theta, double lr) {
            if (is_float64(theta, "theta"))
                proximal_kernel<double>(penalty, theta, lr);
            else
                proximal_kernel<float>(penalty, theta, lr);
        },
        "penalty"_a, "theta"_a, "lr"_a,
        R"doc(Soft-thresholds the coefficients in place by t = lr * lambda_1 (the l1 part's prox).

w_j <- w_j - t if w_j > t, w_j + t if w_j < -t, else exactly 0. Intercepts untouched.)doc");
}

}  // namespace descend::bindings
