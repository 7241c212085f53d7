// The solver loop over every linear model, _core.fit_linear (least squares, Huber, logistic,
// softmax; dense or CSR X; float32/float64; any penalty), the SolverOptions and SolverState it
// carries. (The loss-and-gradient kernels are in register_objectives.cpp.) Argument checks and GIL release only: the loop is
// cpp/include/descend/solver.hpp.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/softmax.hpp>
#include <descend/solver.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "checks.hpp"
#include "linear_data.hpp"
#include "multiversion.hpp"
#include "objective_args.hpp"
#include "register.hpp"
#include "schedule_object.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

/// all_finite (solver.hpp) over a whole array, compiled for AVX2 and for baseline x86-64.
template <class T>
DESCEND_MULTIVERSION bool finite_values(const T* values, std::size_t n) {
    return all_finite(values, n);
}

// ------------------------------------------------------------------ argument handling

const char* status_name(Status status) {
    switch (status) {
        case Status::running: return "running";
        case Status::converged: return "converged";
        case Status::max_iter: return "max_iter";
        case Status::diverged: return "diverged";
        case Status::early_stopped: return "early_stopped";
    }
    return "unknown";
}

/// The value of `table` (pairs of a value and its Python name) named `name`; otherwise a
/// ValueError naming `argument`, the known names and the one given.
template <class Value, std::size_t N>
Value from_name(const std::pair<Value, const char*> (&table)[N], const std::string& name,
                const char* argument) {
    std::string known;
    for (const auto& [value, value_name] : table) {
        if (name == value_name) return value;
        known += std::string(known.empty() ? "'" : ", '") + value_name + "'";
    }
    throw py::value_error(std::string(argument) + ": expected one of " + known + ", got '" +
                          name + "'");
}

/// The names of OnNonFinite (minimize.hpp), as Python spells them.
constexpr std::pair<OnNonFinite, const char*> nonfinite_policies[] = {
    {OnNonFinite::stop, "stop"}, {OnNonFinite::skip, "skip"}, {OnNonFinite::raise, "raise"}};

const char* on_nonfinite_name(OnNonFinite policy) {
    for (const auto& [known, name] : nonfinite_policies)
        if (known == policy) return name;
    return "unknown";
}

OnNonFinite on_nonfinite_from_name(const std::string& name) {
    return from_name(nonfinite_policies, name, "on_nonfinite");
}

Status status_from_name(const std::string& name) {
    for (Status s : {Status::running, Status::converged, Status::max_iter, Status::diverged,
                     Status::early_stopped})
        if (name == status_name(s)) return s;
    throw py::value_error("status: unknown value '" + name + "'");
}

// ------------------------------------------------------------------ SolverState pickles

/// The error of a damaged SolverState pickle: `field`, what was expected, what was given.
template <class Error>
Error unpickled_error(const char* field, const std::string& expected, const py::handle& got) {
    return Error("unpickled SolverState: " + std::string(field) + ": expected " + expected +
                 ", got " + std::string(py::repr(got)).substr(0, 80));
}

/// A pickled unsigned count in [0, most].
std::uint64_t pickled_count(const py::handle& obj, const char* field, std::uint64_t most) {
    const std::string expected = "an int in [0, " + std::to_string(most) + "]";
    if (PyBool_Check(obj.ptr()) || !PyLong_Check(obj.ptr()))
        throw unpickled_error<py::type_error>(field, expected, obj);
    const unsigned long long value = PyLong_AsUnsignedLongLong(obj.ptr());
    if (PyErr_Occurred()) {  // negative or beyond 64 bits
        PyErr_Clear();
        throw unpickled_error<py::value_error>(field, expected, obj);
    }
    if (value > most) throw unpickled_error<py::value_error>(field, expected, obj);
    return static_cast<std::uint64_t>(value);
}

/// A pickled float (NaN and infinity allowed: "no loss yet" and "no best yet").
double pickled_float(const py::handle& obj, const char* field) {
    if (!PyFloat_Check(obj.ptr())) throw unpickled_error<py::type_error>(field, "a float", obj);
    return PyFloat_AsDouble(obj.ptr());
}

/// A pickled list of finite floats.
std::vector<double> pickled_floats(const py::handle& obj, const char* field) {
    if (!PyList_Check(obj.ptr()))
        throw unpickled_error<py::type_error>(field, "a list of floats", obj);
    std::vector<double> values;
    for (const py::handle item : py::reinterpret_borrow<py::list>(obj)) {
        const double value = pickled_float(item, field);
        if (!std::isfinite(value))
            throw unpickled_error<py::value_error>(field, "finite floats", item);
        values.push_back(value);
    }
    return values;
}

/// SolverState from its pickle (the tuple its __getstate__ makes), every field checked:
/// TypeError/ValueError naming the field, never a half-made state.
SolverState unpickled_solver_state(const py::tuple& t) {
    constexpr std::size_t fields = 14;
    if (t.size() != fields)
        throw py::value_error("unpickled SolverState: expected a tuple of " +
                              std::to_string(fields) + " fields, got " + std::to_string(t.size()));
    constexpr std::uint64_t all = std::numeric_limits<std::uint64_t>::max();
    constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    SolverState s;
    for (std::size_t k = 0; k < 4; ++k) s.random.state[k] = pickled_count(t[k], "random_state", all);
    if ((s.random.state[0] | s.random.state[1] | s.random.state[2] | s.random.state[3]) == 0)
        throw unpickled_error<py::value_error>("random_state", "a state not all zero",
                                               py::make_tuple(0, 0, 0, 0));
    s.step = static_cast<std::int64_t>(pickled_count(t[4], "step", int64_max));
    s.epoch = static_cast<std::size_t>(pickled_count(t[5], "epoch", int64_max));
    s.previous_loss = pickled_float(t[6], "previous_loss");
    s.no_change = static_cast<std::size_t>(pickled_count(t[7], "no_change", s.epoch));
    if (!PyUnicode_Check(t[8].ptr()))
        throw unpickled_error<py::type_error>("status", "a str", t[8]);
    s.status = status_from_name(t[8].cast<std::string>());
    s.diverged_epoch = static_cast<std::size_t>(pickled_count(t[9], "diverged_epoch", s.epoch));
    s.best_validation_loss = pickled_float(t[10], "best_validation_loss");
    s.best_theta = pickled_floats(t[11], "best_theta");
    s.best_average = pickled_floats(t[12], "best_average");
    s.nonfinite_steps = static_cast<std::int64_t>(
        pickled_count(t[13], "nonfinite_steps", static_cast<std::uint64_t>(s.step)));
    return s;
}

// ------------------------------------------------------------------ fit_linear

std::string type_name(const py::handle& obj) {
    return py::str(py::type::of(obj).attr("__name__"));
}

/// A Python real number (int or float, NumPy scalars included; not bool) as a double.
double real_argument(const py::handle& obj, const char* name) {
    if (PyBool_Check(obj.ptr()) || PyUnicode_Check(obj.ptr()) ||
        !(PyFloat_Check(obj.ptr()) || PyIndex_Check(obj.ptr()) || py::hasattr(obj, "__float__")))
        throw py::type_error(std::string(name) + ": expected a real number, got " + type_name(obj));
    const double value = PyFloat_AsDouble(obj.ptr());
    if (value == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return value;
}

/// A Python integer (NumPy integers included; not bool) >= `least`.
std::size_t count_argument(const py::handle& obj, const char* name, std::size_t least) {
    if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
        throw py::type_error(std::string(name) + ": expected an int, got " + type_name(obj));
    const py::int_ value = py::reinterpret_steal<py::int_>(PyNumber_Index(obj.ptr()));
    if (value < py::int_(least))
        throw py::value_error(std::string(name) + ": expected an int >= " + std::to_string(least) +
                              ", got " + std::string(py::str(value)));
    return value.cast<std::size_t>();
}

/// A Python bool (or NumPy bool).
bool bool_argument(const py::handle& obj, const char* name) {
    if (PyBool_Check(obj.ptr())) return obj.ptr() == Py_True;  // (before the attribute look-ups)
    const bool numpy_bool = py::hasattr(obj, "dtype") && py::hasattr(obj, "ndim") &&
                            obj.attr("ndim").cast<int>() == 0 &&
                            obj.attr("dtype").attr("kind").cast<std::string>() == "b";
    if (!numpy_bool)
        throw py::type_error(std::string(name) + ": expected a bool, got " + type_name(obj));
    return PyObject_IsTrue(obj.ptr()) == 1;
}

/// A Python str.
std::string str_argument(const py::handle& obj, const char* name) {
    if (!PyUnicode_Check(obj.ptr()))
        throw py::type_error(std::string(name) + ": expected a str, got " + type_name(obj));
    return obj.cast<std::string>();
}

/// A reference to the C++ object held by a _core object of class C; TypeError naming `name`
/// (and the class, `what`) for anything else.
template <class C>
C& core_object(const py::handle& obj, const char* name, const char* what) {
    if (!py::isinstance<C>(obj))
        throw py::type_error(std::string(name) + ": expected a descend._core." + what + ", got " +
                             type_name(obj));
    return obj.cast<C&>();
}

/// The update rule held by a _core rule object (_core.SGD, _core.Adam, ...), found by its
/// class: no variant caster on the hot entry.
template <std::size_t... I>
Optimizer optimizer_from_object(const py::handle& obj, std::index_sequence<I...>) {
    std::optional<Optimizer> rule;
    (void)std::initializer_list<int>{
        (!rule && py::isinstance<std::variant_alternative_t<I, Optimizer>>(obj)
             ? (rule.emplace(obj.cast<const std::variant_alternative_t<I, Optimizer>&>()), 0)
             : 0)...};
    if (!rule) {
        // The rules' names as registered (register_optimizers.cpp), in the variant's order.
        std::string names;
        (void)std::initializer_list<int>{
            (names += std::string(I == 0 ? "" : ", ") +
                      py::type::of<std::variant_alternative_t<I, Optimizer>>()
                          .attr("__name__")
                          .template cast<std::string>(),
             0)...};
        throw py::type_error("optimizer: expected a descend._core update rule (" + names +
                             "), got " + type_name(obj));
    }
    return *rule;
}

/// The losses fit_linear knows, by their Python names (one list: the dispatch and the error
/// message read it).
enum class LinearLoss { squared_error, huber, log_loss, softmax };
constexpr std::pair<LinearLoss, const char*> linear_losses[] = {
    {LinearLoss::squared_error, "squared_error"},
    {LinearLoss::huber, "huber"},
    {LinearLoss::log_loss, "log_loss"},
    {LinearLoss::softmax, "softmax"}};

LinearLoss loss_from_name(const std::string& name) {
    return from_name(linear_losses, name, "loss");
}

/// Everything fit_linear received, the Python scalars already checked.
struct FitArguments {
    py::handle X, y, sample_weight, theta, state, average;
    py::handle train_rows, validation_rows, feature_offset, feature_scale;
    Optimizer optimizer;
    Schedule* schedule = nullptr;
    const SolverOptions* options = nullptr;
    SolverState* run = nullptr;
    std::size_t epochs = 1;
    LinearLoss loss = LinearLoss::squared_error;
    double epsilon = 0.1;
    Penalty penalty;
    bool fit_intercept = true;
};

/// The memory of one array, for the aliasing check.
struct Span {
    const char* name;
    const void* begin;
    std::size_t bytes;
};

/// ValueError if an array the loop writes shares memory with any other array of the call.
void check_no_overlap(const std::vector<Span>& written, const std::vector<Span>& read) {
    auto overlap = [](const Span& a, const Span& b) {
        const auto* a0 = static_cast<const char*>(a.begin);
        const auto* b0 = static_cast<const char*>(b.begin);
        return a.bytes > 0 && b.bytes > 0 && a0 < b0 + b.bytes && b0 < a0 + a.bytes;
    };
    for (std::size_t i = 0; i < written.size(); ++i) {
        for (std::size_t j = 0; j < written.size(); ++j)
            if (j != i && overlap(written[i], written[j]))
                throw py::value_error(std::string(written[i].name) +
                                      ": expected an array of its own, got one sharing memory with " +
                                      written[j].name);
        for (const Span& other : read)
            if (overlap(written[i], other))
                throw py::value_error(std::string(written[i].name) +
                                      ": expected an array of its own, got one sharing memory with " +
                                      other.name);
    }
}

/// The spans of X's arrays.
template <class T>
std::vector<Span> matrix_spans(const MatrixView<const T>& X) {
    return {{"X", X.data, X.rows * X.cols * sizeof(T)}};
}
template <class T, class Index>
std::vector<Span> matrix_spans(const CsrView<T, Index>& X) {
    const std::size_t nnz = X.row_end(X.rows - 1);
    return {{"X.data", X.data, nnz * sizeof(T)},
            {"X.indices", X.indices, nnz * sizeof(Index)},
            {"X.indptr", X.indptr, (X.rows + 1) * sizeof(Index)}};
}

/// A writeable array of dtype T and exactly `shape` (1 to 3 axes).
template <class T>
py::array writeable_array(const py::handle& obj, const char* name,
                          const std::vector<py::ssize_t>& shape) {
    switch (shape.size()) {
        case 1: return checked_array<T>(obj, name, {shape[0]}, true);
        case 2: return checked_array<T>(obj, name, {shape[0], shape[1]}, true);
        default: return checked_array<T>(obj, name, {shape[0], shape[1], shape[2]}, true);
    }
}

/// sum of the weights of `rows` (all m rows when empty) / their number: the normalization of
/// the objective's mean over those rows. ValueError naming `what` unless the sum is positive.
template <class T>
double mean_weight_of(const T* sample_weight, const std::vector<std::size_t>& rows,
                      std::size_t m, const char* what) {
    if (sample_weight == nullptr) return 1.0;
    if (rows.empty()) return mean_sample_weight(sample_weight, m);
    double total = 0.0;
    for (const std::size_t i : rows) total += static_cast<double>(sample_weight[i]);
    if (!(total > 0.0))
        throw py::value_error(std::string("sample_weight: the weights of the ") + what +
                              " must have a positive sum");
    return total / static_cast<double>(rows.size());
}

/// feature_offset / feature_scale (the internal coordinates of scaled.hpp): None, or float64
/// arrays of n_features finite values, the scales > 0; an offset needs fit_intercept (centering
/// moves the intercept). Adds their memory to `read`.
inline FeatureScaling checked_scaling(const FitArguments& a, std::size_t n, bool fit_intercept,
                                      std::vector<Span>& read) {
    FeatureScaling scaling;
    const auto length = static_cast<py::ssize_t>(n);
    if (!a.feature_offset.is_none()) {
        if (!fit_intercept)
            throw py::value_error("feature_offset: expected None when fit_intercept is False "
                                  "(centering moves the intercept)");
        scaling.offset = input_data<double>(a.feature_offset, "feature_offset", {length});
        for (std::size_t j = 0; j < n; ++j)
            if (!std::isfinite(scaling.offset[j]))
                throw py::value_error("feature_offset: expected finite values, got " +
                                      std::to_string(scaling.offset[j]) + " at index " +
                                      std::to_string(j));
        read.push_back({"feature_offset", scaling.offset, n * sizeof(double)});
    }
    if (!a.feature_scale.is_none()) {
        scaling.scale = input_data<double>(a.feature_scale, "feature_scale", {length});
        for (std::size_t j = 0; j < n; ++j)
            if (!(scaling.scale[j] > 0.0 && std::isfinite(scaling.scale[j])))
                throw py::value_error("feature_scale: expected finite values > 0, got " +
                                      std::to_string(scaling.scale[j]) + " at index " +
                                      std::to_string(j));
        read.push_back({"feature_scale", scaling.scale, n * sizeof(double)});
    }
    return scaling;
}

/// A float64 NumPy array of `values`: the per-epoch losses fit_linear returns, one allocation
/// and a copy (a list would make a Python float per epoch, more than a small epoch costs).
py::array_t<double> float_array(const std::vector<double>& values) {
    py::array_t<double> array(static_cast<py::ssize_t>(values.size()));
    std::copy(values.begin(), values.end(), array.mutable_data());
    return array;
}

/// Checks everything that depends on the objective, then runs the loop with the GIL released.
/// `data` is the data term with X, y, its own hyperparameters and fit_intercept set;
/// `theta_shape` is (n + 1,) or (n + 1, K).
template <class T, class Data>
py::tuple fit_objective(const FitArguments& a, Data data,
                        const std::vector<py::ssize_t>& theta_shape, std::vector<Span> read) {
    const std::size_t m = data.X.rows;
    data.sample_weight = checked_sample_weight<T>(a.sample_weight, m);
    // which rows train_rows (1) and validation_rows (2) name: m marks only when either is given
    std::vector<char> taken(a.train_rows.is_none() && a.validation_rows.is_none() ? 0 : m, 0);
    const std::vector<std::size_t> train =
        checked_distinct_rows(a.train_rows, "train_rows", m, taken, 1, "validation_rows");
    const std::vector<std::size_t> held_out =
        checked_distinct_rows(a.validation_rows, "validation_rows", m, taken, 2, "train_rows");
    if (a.options->early_stopping && held_out.empty())
        throw py::value_error("validation_rows: expected held-out row numbers, got None "
                              "(options.early_stopping is True)");
    const bool scaled = !a.feature_offset.is_none() || !a.feature_scale.is_none();
    const FeatureScaling scaling = checked_scaling(a, data.X.cols, data.fit_intercept, read);
    data.mean_weight = mean_weight_of(data.sample_weight, train, m, "training rows");
    Data held_out_data = data;
    if (!held_out.empty())
        held_out_data.mean_weight = mean_weight_of(data.sample_weight, held_out, m, "validation rows");
    const Penalized<LinearData<T>> objective{linear_data<T>(data), a.penalty};
    const Penalized<LinearData<T>> held_out_objective{linear_data<T>(held_out_data), a.penalty};

    const std::size_t slots = state_slots(a.optimizer);
    std::vector<py::ssize_t> state_shape{static_cast<py::ssize_t>(slots)};
    state_shape.insert(state_shape.end(), theta_shape.begin(), theta_shape.end());
    py::array theta = writeable_array<T>(a.theta, "theta", theta_shape);
    py::array state = writeable_array<T>(a.state, "state", state_shape);
    std::optional<py::array> average;
    if (!a.average.is_none()) average = writeable_array<T>(a.average, "average", theta_shape);
    if (a.options->average > 0 && !average)
        throw py::value_error("average: expected an array like theta, got None (options.average = " +
                              std::to_string(a.options->average) + ")");
    read.push_back({"y", data.y, m * sizeof(*data.y)});
    if (data.sample_weight != nullptr) read.push_back({"sample_weight", data.sample_weight, m * sizeof(T)});
    std::vector<Span> written{{"theta", theta.data(), static_cast<std::size_t>(theta.nbytes())},
                              {"state", state.data(), static_cast<std::size_t>(state.nbytes())}};
    if (average) written.push_back({"average", average->data(), static_cast<std::size_t>(average->nbytes())});
    check_no_overlap(written, read);

    const std::size_t p = objective.n_params();
    T* state_data = static_cast<T*>(state.mutable_data());
    std::vector<T*> state_rows(slots);
    for (std::size_t k = 0; k < slots; ++k) state_rows[k] = state_data + k * p;
    const Iterate<T> iterate{static_cast<T*>(theta.mutable_data()), state_rows.data(),
                             average ? static_cast<T*>(average->mutable_data()) : nullptr};
    const RowSet train_set{train.empty() ? nullptr : train.data(), train.size()};
    auto fit = [&](const auto& fitted, const auto& held_out_twin) {
        Validation<std::decay_t<decltype(fitted)>> validation;
        if (!held_out.empty()) validation = {&held_out_twin, RowSet{held_out.data(), held_out.size()}};
        History history;
        // room for the epochs of this call (up to a bound: a slice of a long fit stops early)
        const std::size_t expected = std::min<std::size_t>(a.epochs, 4096);
        history.losses.reserve(expected);
        if (!held_out.empty()) history.validation_losses.reserve(expected);
        Status status;
        {
            py::gil_scoped_release release;
            status = run_fit(fitted, train_set, validation, iterate, a.optimizer, *a.schedule,
                             *a.options, *a.run, a.epochs, history);
        }
        return py::make_tuple(status_name(status), float_array(history.losses),
                              float_array(history.validation_losses));
    };
    if (!scaled) return fit(objective, held_out_objective);
    using ScaledObjective = Scaled<Penalized<LinearData<T>>, T>;
    return fit(ScaledObjective{objective, scaling}, ScaledObjective{held_out_objective, scaling});
}

/// Builds the data term of the loss on X (dense or CSR, dtype T) and fits it.
template <class T>
py::tuple fit_typed(const FitArguments& a) {
    return with_matrix<T>(a.X, [&a](const auto& X) {
        using Matrix = std::decay_t<decltype(X)>;
        check_sorted_indices(X);
        const std::size_t m = X.rows;
        const auto n1 = static_cast<py::ssize_t>(X.cols) + 1;
        const std::vector<Span> read = matrix_spans(X);
        switch (a.loss) {
            case LinearLoss::squared_error: {
                LeastSquares<T, Matrix> data;
                data.X = X;
                data.y = input_data<T>(a.y, "y", {static_cast<py::ssize_t>(m)});
                data.fit_intercept = a.fit_intercept;
                return fit_objective<T>(a, data, {n1}, read);
            }
            case LinearLoss::huber: {
                Huber<T, Matrix> data;
                data.X = X;
                data.y = input_data<T>(a.y, "y", {static_cast<py::ssize_t>(m)});
                data.fit_intercept = a.fit_intercept;
                data.epsilon = a.epsilon;
                return fit_objective<T>(a, data, {n1}, read);
            }
            case LinearLoss::log_loss: {
                Logistic<T, Matrix> data;
                data.X = X;
                data.y = checked_binary_labels<T>(a.y, m);
                data.fit_intercept = a.fit_intercept;
                return fit_objective<T>(a, data, {n1}, read);
            }
            case LinearLoss::softmax: {
                Softmax<T, Matrix> data;
                data.X = X;
                const py::array theta = checked_array<T>(a.theta, "theta", {n1, -1}, true);
                const py::ssize_t K = theta.shape(1);
                if (K == 0) throw py::value_error("theta: expected at least one class column, got 0");
                data.n_classes = static_cast<std::size_t>(K);
                data.y = checked_class_indices(a.y, m, data.n_classes);
                data.fit_intercept = a.fit_intercept;
                return fit_objective<T>(a, data, {n1, K}, read);
            }
        }
        throw py::value_error("loss: unknown");
    });
}

}  // namespace

void register_linear(py::module_& m) {
    py::class_<SolverOptions>(m, "SolverOptions", "Settings of the solver loop.")
        .def(py::init([](std::size_t batch_size, const std::string& sampling, std::size_t max_iter,
                         double tol, std::size_t n_iter_no_change, double slice_seconds,
                         std::size_t average, bool early_stopping,
                         const std::string& on_nonfinite, bool lbfgs) {
                 if (sampling != "shuffle" && sampling != "replacement")
                     throw py::value_error("sampling: expected 'shuffle' or 'replacement', got '" +
                                           sampling + "'");
                 if (max_iter < 1) throw py::value_error("max_iter: expected >= 1");
                 if (std::isnan(tol)) throw py::value_error("tol: expected a number, got nan");
                 if (n_iter_no_change < 1) throw py::value_error("n_iter_no_change: expected >= 1");
                 if (!(slice_seconds >= 0.0))
                     throw py::value_error("slice_seconds: expected a number >= 0");
                 return SolverOptions{batch_size,
                                      sampling == "shuffle" ? Sampling::shuffle : Sampling::replacement,
                                      max_iter, tol, n_iter_no_change, slice_seconds, average,
                                      early_stopping, 1, on_nonfinite_from_name(on_nonfinite),
                                      lbfgs};
             }),
             py::kw_only(), "batch_size"_a = 0, "sampling"_a = "shuffle", "max_iter"_a = 1000,
             "tol"_a = 1e-6, "n_iter_no_change"_a = 1, "slice_seconds"_a = 0.0, "average"_a = 0,
             "early_stopping"_a = false, "on_nonfinite"_a = "stop", "lbfgs"_a = false,
             R"doc(Settings of the solver loop (see fit_linear).

batch_size: rows per step, 0 = full batch over the training rows. sampling: 'shuffle' (a fresh
permutation every epoch, every row once) or 'replacement'. max_iter: epochs in all. tol: an epoch
is quiet iff the loss changed by less than tol (strictly; < 0 disables), or with early_stopping
iff the validation loss is above the best one minus tol; n_iter_no_change quiet epochs in a row
stop the fit. slice_seconds > 0: a call returns 'running' after about that long. average: 0 off,
k >= 1 average the iterates from step k on (scikit-learn's average=k). on_nonfinite: what a NaN
or infinity does: 'stop' (the fit ends, status 'diverged', theta, state and average set back to
the start of that epoch), 'raise' (the same; the caller raises), 'skip' (each step whose batch
loss or gradient is not finite, that leaves a NaN/Inf in theta, or for full batches whose result
has a NaN/Inf loss or gradient, is undone and counted in SolverState.nonfinite_steps; the fit
goes on). lbfgs: each epoch is one full-batch L-BFGS iteration (10 curvature pairs, a
backtracking line search whose first trial along -g is the schedule's step) in place of the
rule's step; it stops (converged) where no lower loss is found; full batch, no averaging, no
'skip', no l1 part.)doc")
        .def_readonly("batch_size", &SolverOptions::batch_size)
        .def_property_readonly("sampling",
                               [](const SolverOptions& o) {
                                   return o.sampling == Sampling::shuffle ? "shuffle" : "replacement";
                               })
        .def_readonly("max_iter", &SolverOptions::max_iter)
        .def_readonly("tol", &SolverOptions::tol)
        .def_readonly("n_iter_no_change", &SolverOptions::n_iter_no_change)
        .def_readonly("slice_seconds", &SolverOptions::slice_seconds)
        .def_readonly("average", &SolverOptions::average)
        .def_readonly("early_stopping", &SolverOptions::early_stopping)
        .def_property_readonly("on_nonfinite",
                               [](const SolverOptions& o) { return on_nonfinite_name(o.on_nonfinite); })
        .def_readonly("lbfgs", &SolverOptions::lbfgs)
        .def("steps_per_epoch", &SolverOptions::steps_per_epoch, "rows"_a,
             "Steps of one epoch over `rows` training rows: 1 for a full batch (batch_size 0 or "
             ">= rows), else ceil(rows / batch_size).");

    py::class_<SolverState>(m, "SolverState",
                            "What the solver carries between calls: generator, counters, status.")
        .def(py::init([](std::uint64_t seed) {
                 SolverState s;
                 s.random.reseed(seed);
                 return s;
             }),
             "seed"_a)
        .def_readwrite("step", &SolverState::step)
        .def_readwrite("epoch", &SolverState::epoch)
        .def_readwrite("previous_loss", &SolverState::previous_loss)
        .def_readwrite("no_change", &SolverState::no_change)
        .def_readwrite("diverged_epoch", &SolverState::diverged_epoch)
        .def_readwrite("nonfinite_steps", &SolverState::nonfinite_steps,
                       "steps undone by on_nonfinite='skip' (counted in step)")
        .def_readwrite("best_validation_loss", &SolverState::best_validation_loss)
        .def_readonly("best_theta", &SolverState::best_theta,
                      "theta at the best validation loss so far (early stopping), flattened")
        .def_readonly("best_average", &SolverState::best_average,
                      "the average at the best validation loss so far, flattened")
        .def_property(
            "status", [](const SolverState& s) { return status_name(s.status); },
            [](SolverState& s, const std::string& name) { s.status = status_from_name(name); })
        .def_property(
            "random_state",
            [](const SolverState& s) {
                return py::make_tuple(s.random.state[0], s.random.state[1], s.random.state[2],
                                      s.random.state[3]);
            },
            [](SolverState& s, const py::tuple& words) {
                if (words.size() != 4) throw py::value_error("random_state: expected 4 integers");
                for (std::size_t k = 0; k < 4; ++k) s.random.state[k] = words[k].cast<std::uint64_t>();
            })
        .def("next_below", [](SolverState& s, std::uint64_t n) {
            if (n == 0) throw py::value_error("n: expected > 0");
            return s.random.below(n);
        }, "n"_a, "Draws a uniform integer in [0, n) from the state's generator (for tests).")
        .def(py::pickle(
            [](const SolverState& s) {
                return py::make_tuple(s.random.state[0], s.random.state[1], s.random.state[2],
                                      s.random.state[3], s.step, s.epoch, s.previous_loss,
                                      s.no_change, status_name(s.status), s.diverged_epoch,
                                      s.best_validation_loss, s.best_theta, s.best_average,
                                      s.nonfinite_steps);
            },
            [](const py::tuple& t) { return unpickled_solver_state(t); }));

    m.def(
        "fit_linear",
        [](const py::handle& X, const py::handle& y, const py::handle& sample_weight,
           const py::handle& theta, const py::handle& state, const py::handle& average,
           const py::handle& optimizer, const py::handle& schedule_obj, const py::handle& options,
           const py::handle& solver_state, const py::handle& epochs, const py::handle& loss,
           const py::handle& epsilon, const py::handle& penalty, const py::handle& alpha,
           const py::handle& l1_ratio, const py::handle& fit_intercept,
           const py::handle& train_rows, const py::handle& validation_rows,
           const py::handle& feature_offset, const py::handle& feature_scale,
           const py::handle& n_threads) {
            FitArguments a{X, y, sample_weight, theta, state, average, train_rows,
                           validation_rows, feature_offset, feature_scale,
                           optimizer_from_object(optimizer, std::make_index_sequence<std::variant_size_v<Optimizer>>{})};
            std::visit([](const auto& rule) { rule.validate(); }, a.optimizer);
            Schedule schedule = schedule_from_object(schedule_obj, "schedule");
            validate_schedule(schedule);
            a.schedule = &schedule;
            SolverOptions with_threads = core_object<SolverOptions>(options, "options", "SolverOptions");
            with_threads.n_threads = checked_n_threads(n_threads);
            // on_nonfinite="raise" is the caller's to raise, after it has kept the fit: the
            // loop runs as for "stop" (status diverged). No exception leaves the multiversioned
            // loop (run_fit): the LTO release build called std::terminate on one.
            if (with_threads.on_nonfinite == OnNonFinite::raise)
                with_threads.on_nonfinite = OnNonFinite::stop;
            a.options = &with_threads;
            a.run = &core_object<SolverState>(solver_state, "solver_state", "SolverState");
            a.epochs = count_argument(epochs, "epochs", 1);
            a.loss = loss_from_name(str_argument(loss, "loss"));
            a.epsilon = real_argument(epsilon, "epsilon");
            a.penalty.kind = penalty.is_none() ? PenaltyKind::none
                                               : penalty_from_name(str_argument(penalty, "penalty"));
            a.penalty.alpha = real_argument(alpha, "alpha");
            a.penalty.l1_ratio = real_argument(l1_ratio, "l1_ratio");
            a.fit_intercept = bool_argument(fit_intercept, "fit_intercept");
            try {
                a.penalty.validate();
                Huber<double> huber;
                huber.epsilon = a.epsilon;
                huber.validate();
            } catch (const std::invalid_argument& error) {
                throw py::value_error(std::string(error.what()) + " (got epsilon=" +
                                      std::string(py::repr(epsilon)) + ", alpha=" +
                                      std::string(py::repr(alpha)) + ", l1_ratio=" +
                                      std::string(py::repr(l1_ratio)) + ")");
            }
            check_l1_rule(a.penalty, a.optimizer, optimizer);
            py::tuple result = matrix_is_float64(X) ? fit_typed<double>(a) : fit_typed<float>(a);
            store_schedule(schedule_obj, schedule);  // its state carries over to the next call
            return result;
        },
        "X"_a, "y"_a, "sample_weight"_a, "theta"_a, "state"_a, "average"_a, "optimizer"_a,
        "schedule"_a, "options"_a, "solver_state"_a, "epochs"_a, "loss"_a, py::kw_only(),
        "epsilon"_a = 0.1, "penalty"_a = "none", "alpha"_a = 1e-4, "l1_ratio"_a = 0.15,
        "fit_intercept"_a = true, "train_rows"_a = py::none(), "validation_rows"_a = py::none(),
        "feature_offset"_a = py::none(), "feature_scale"_a = py::none(),
        "n_threads"_a = py::none(),
        R"doc(Runs up to `epochs` more epochs of the solver loop on a linear model, in place.

The twelve arguments up to `loss` may be given by position, the rest only by keyword. A call
that names none of its arguments skips pybind11's keyword matching, which interns the name of
every parameter at each call: a one-epoch call on the tutorial's 100 x 1 data took 4.5 us with
loss= given by keyword and 2.4 us without (minimum over 21 interleaved rounds).

Returns (status, losses, validation_losses), the last two float64 arrays (one value per epoch
of this call). status: 'running' (the epochs or the time slice ran out: call again), 'converged',
'max_iter', 'diverged', 'early_stopped'.

X: C-contiguous 2-D float64/float32 array or scipy.sparse CSR matrix/array (int32/int64
indices, sorted within each row, in range; never densified or copied). y: targets of X's dtype
(squared_error, huber), 0/1 labels of X's dtype (log_loss), int64 class indices (softmax).
sample_weight: None or finite weights >= 0 of X's dtype. theta: (n_features + 1,), or
(n_features + 1, n_classes) for softmax with row 0 the intercepts; state:
(optimizer.state_slots, *theta.shape); average: None or like theta (the Polyak-Ruppert mean of
the iterates from step options.average on). theta, state and average are updated in place.
optimizer: a _core rule (its lr is replaced by the schedule's); schedule: a _core schedule
(its state carries over); options: SolverOptions; solver_state: SolverState (carries the
generator, counters, best validation loss and parameters between calls; picklable).

Objective = mean loss + alpha R(w), means weighted by sample_weight over the training rows;
R: 'l2' ||w||^2/2, 'l1' ||w||_1, 'elasticnet' l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2/2;
intercepts never penalized; the l1 part is a proximal (soft-threshold) step after each update
with that step's learning rate, so a penalty with an l1 part needs plain SGD (no momentum;
ValueError otherwise). squared_error is the mean of r^2; huber as scikit-learn's.
losses: one per epoch: full batch, the objective at the start of the epoch; stochastic, the
row-weighted mean of the steps' batch data losses plus alpha R(w) at the end of the epoch.
train_rows / validation_rows: None or disjoint int64 arrays of distinct row numbers; training
uses train_rows only; validation_losses holds the mean data loss on validation_rows after each
epoch (of the average once averaging has begun). With options.early_stopping the fit stops at
the n_iter_no_change-th epoch in a row whose validation loss is above the best minus tol, and
theta (and average) are restored to the best epoch's. Divergence (a non-finite loss or theta)
restores theta, state and average to the start of the diverging epoch (options.on_nonfinite
'stop' or 'raise'; 'skip' undoes the failing steps instead).
feature_offset / feature_scale: None or float64 (n_features,) (scales > 0; an offset needs
fit_intercept): the fit runs in internal coordinates theta' (descend/objectives/scaled.hpp):
w_j = theta'_j / scale_j, b = b' - sum_j offset_j w_j; theta, state, average and the best
parameters are then in those coordinates (descend._scaling maps them).
n_threads: None or an int >= 1: threads of each full-batch pass over the training rows (cut
into fixed blocks of consecutive rows, their sums combined in block order: the result is
bit-identical for a given n_threads, whatever the scheduling); None uses every processor once a
pass reads at least _core.build_config()'s parallel_min_entries entries of X, else one. Stochastic
and mini-batch steps run on one thread. Every argument is checked before anything is written;
the GIL is released while the loop runs.)doc");

    m.def(
        "all_finite",
        [](const py::handle& a) {
            const bool f64 = is_float64(a, "array");
            py::array arr = as_ndarray(a, "array");
            if (!(arr.flags() & py::array::c_style))
                throw py::value_error("array: expected a C-contiguous array");
            const auto size = static_cast<std::size_t>(arr.size());
            py::gil_scoped_release release;
            return f64 ? finite_values(static_cast<const double*>(arr.data()), size)
                       : finite_values(static_cast<const float*>(arr.data()), size);
        },
        "array"_a, "True when no element of the float array is NaN or infinite (no temporaries).");
}

}  // namespace descend::bindings
