// Update rules: their hyperparameter objects (validated on construction and before each use),
// and their step kernels working in place on NumPy arrays. Every argument is checked before
// the first write, then the loops run with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // the Optimizer variant's caster (StepPlan::build)

#include <descend/optimizers/finite.hpp>
#include <descend/optimizers/optimizer.hpp>
#include <descend/parallel.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "checks.hpp"
#include "field_class.hpp"
#include "multiversion.hpp"
#include "register.hpp"

namespace descend::bindings {

namespace py = pybind11;
using namespace py::literals;

namespace {

// Everything below is made from the rule list, DESCEND_RULES (optimizers/optimizer.hpp), the
// list the Optimizer variant is made from too.

constexpr std::size_t max_state_slots = 3;  // Adam with amsgrad, RMSprop centered with momentum

/// One parameter array's update: checked, pointers taken, ready to run without the GIL. It
/// owns references to its arrays, so that another thread emptying a list while the GIL is
/// released cannot free an array under the loop.
struct Update {
    bool f64 = false;                          ///< float64 (else float32)
    void* param = nullptr;
    const void* grad = nullptr;
    std::array<void*, max_state_slots> state{};
    std::size_t n = 0;                         ///< number of elements
    std::int64_t step = 0;                     ///< t of this update (1 for the first)
    std::int64_t* counter = nullptr;           ///< where the step count is kept, or null
    py::ssize_t index = -1;                    ///< position in `grads`, or -1 for a single array
    std::array<py::object, 2 + max_state_slots> owners;  ///< param, grad, state arrays
};

// ------------------------------------------------------------------ dispatched entry points

/// Steps elements [begin, end) of update u: the rule's loop on that stretch of the arrays.
template <class T, class Rule>
void step_elements(const Rule& rule, const Update& u, std::size_t begin, std::size_t end) {
    T* state[max_state_slots] = {};
    for (std::size_t k = 0; k < max_state_slots; ++k)
        if (u.state[k] != nullptr) state[k] = static_cast<T*>(u.state[k]) + begin;
    rule.step(static_cast<T*>(u.param) + begin, static_cast<const T*>(u.grad) + begin, state,
              end - begin, u.step);
}

#define DESCEND_STEP_RULE(Rule, name, reference)                                             \
    DESCEND_MULTIVERSION void step_##Rule(const Rule& rule, const Update& u,                 \
                                          std::size_t begin, std::size_t end) {              \
        if (u.f64)                                                                           \
            step_elements<double>(rule, u, begin, end);                                      \
        else                                                                                 \
            step_elements<float>(rule, u, begin, end);                                       \
    }                                                                                        \
    void step_range(const Rule& rule, const Update& u, std::size_t begin, std::size_t end) { \
        step_##Rule(rule, u, begin, end);                                                    \
    }

DESCEND_RULES(DESCEND_STEP_RULE)
#undef DESCEND_STEP_RULE

/// Elements of a chunk a thread takes at a time in a threaded update (for_each_chunk): 64 Ki
/// elements, 256 KiB of float32 per array, few enough chunks that taking one costs nothing and
/// small enough that the last one leaves little imbalance.
constexpr std::size_t update_chunk = std::size_t{1} << 16;

/// A prepared step (StepPlan::step) over fewer elements than this, all parameters together,
/// keeps the GIL. Releasing and taking it back costs about 40 ns (benchmarks/
/// bench_step_overhead.py, "GIL release"), 8-12% of an Adam step on 1,000 float32 (~0.36 us of
/// arithmetic, benchmarks/cpp/adam_step_floor.cpp at 0.33 ns per element), and another thread
/// could not take the GIL in so short a time anyway. At 4,096 elements an Adam step is about
/// 1.4 us, and the release costs under 3% of it.
constexpr std::size_t gil_release_min_elements = 4096;

/// Runs the updates in order and stores each step count. An update of n elements runs on
/// resolve_threads(n_threads, n, parallel_min_elements) threads (at most one per chunk), which
/// take chunks of consecutive elements in turn (for_each_chunk). Every rule is elementwise
/// (element i's new values depend on element i's old ones and on scalars only), so the result
/// is the same bits whichever thread steps which chunk, and the same as on one thread. Each
/// chunk calls the dispatched step (a thread starts in code compiled for the baseline).
template <class Rule>
void run_updates(const Rule& rule, const Update* updates, std::size_t count,
                 std::size_t n_threads) {
    for (std::size_t k = 0; k < count; ++k) {
        const Update& u = updates[k];
        const std::size_t chunks = (u.n + update_chunk - 1) / update_chunk;
        const std::size_t threads =
            std::min(resolve_threads(n_threads, u.n, parallel_min_elements), chunks);
        if (threads <= 1) {
            step_range(rule, u, 0, u.n);
        } else {
            for_each_chunk(u.n, update_chunk, threads, [&](std::size_t begin, std::size_t end) {
                step_range(rule, u, begin, end);
            });
        }
        if (u.counter != nullptr) *u.counter = u.step;
    }
}

/// Index of the first update whose gradient holds a NaN or infinity, or `count` if none.
DESCEND_MULTIVERSION std::size_t first_nonfinite_grad(const Update* updates, std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
        const Update& u = updates[k];
        const bool finite = u.f64 ? all_values_finite(static_cast<const double*>(u.grad), u.n)
                                  : all_values_finite(static_cast<const float*>(u.grad), u.n);
        if (!finite) return k;
    }
    return count;
}

// ------------------------------------------------------------------ argument checks

/// An argument's name ("params[3]", "state[3].exp_avg", "exp_avg"), spelled out only when an
/// error message needs it.
struct ArgName {
    const char* base;
    py::ssize_t index = -1;
    const char* field = nullptr;

    std::string str() const {
        std::string out = base;
        if (index >= 0) out += "[" + std::to_string(index) + "]";
        if (field != nullptr) out += std::string(index >= 0 ? "." : "") + field;
        return out;
    }
};

/// The object as a NumPy array, without conversion; TypeError if it is not one.
py::array ndarray_arg(const py::handle& obj, const ArgName& name) {
    return as_ndarray(obj, name.str().c_str());
}

/// True for an int64 array in native byte order.
bool int64_array(const py::handle& obj) {
    if (!py::isinstance<py::array>(obj)) return false;
    const auto* descr = descriptor(obj);
    return descr->kind == 'i' && native_order(descr->byteorder) &&
           py::reinterpret_borrow<py::dtype>(py::detail::array_proxy(obj.ptr())->descr).itemsize() == 8;
}

/// True for a float64 array, false for float32 (native byte order); TypeError otherwise.
bool float64_array(const py::array& a, const ArgName& name) {
    const int size = float_size(a);
    if (size == 0) {
        throw py::type_error(dtype_message(name.str(), "float32 or float64", a));
    }
    return size == 8;
}

/// ValueError unless `a` is C-contiguous and, when `writeable`, writeable.
void check_layout(const py::array& a, const ArgName& name, bool writeable) {
    if (!(a.flags() & py::array::c_style)) {
        throw py::value_error(name.str() +
                              ": expected a C-contiguous array, got a non-contiguous view "
                              "(use numpy.ascontiguousarray)");
    }
    if (writeable && !a.writeable()) {
        throw py::value_error(name.str() + ": expected a writeable array, got a read-only one");
    }
}

/// The data of `obj`, an array of exactly the dtype and shape of the parameter `like`; the
/// array is stored in `owner`.
void* companion_data(const py::handle& obj, const ArgName& name, const py::array& like,
                     bool like_f64, const ArgName& like_name, bool writeable, py::object& owner) {
    py::array a = ndarray_arg(obj, name);
    if (float_size(a) != (like_f64 ? 8 : 4)) {
        throw py::type_error(dtype_message(name.str(),
                                           std::string(like_f64 ? "float64" : "float32") +
                                               " (the dtype of " + like_name.str() + ")",
                                           a) +
                             " (arrays are never converted: a converted copy would not be "
                             "updated in place)");
    }
    bool same_shape = a.ndim() == like.ndim();
    for (py::ssize_t d = 0; same_shape && d < a.ndim(); ++d) same_shape = a.shape(d) == like.shape(d);
    if (!same_shape) {
        throw py::value_error(name.str() + ": expected shape " + shape_string(shape_of(like)) +
                              " (the shape of " + like_name.str() + "), got " +
                              shape_string(shape_of(a)));
    }
    check_layout(a, name, writeable);
    void* data = writeable ? a.mutable_data() : const_cast<void*>(a.data());
    owner = std::move(a);
    return data;
}

/// Checks a parameter, its gradient (none if `grad_obj` is a null handle: a StepPlan takes the
/// gradients later) and its `slots` state arrays, then `unused` more arrays given for state the
/// rule does not keep with its hyperparameters (checked like state arrays, never handed to the
/// rule); returns their update. `state_item(k)` gives array k and `state_name(k)` its name.
template <class StateItem, class StateName>
Update checked_update(const py::handle& param_obj, const ArgName& param_name,
                      const py::handle& grad_obj, const ArgName& grad_name, std::size_t slots,
                      StateItem state_item, StateName state_name, std::size_t unused = 0) {
    py::array param = ndarray_arg(param_obj, param_name);
    Update u;
    u.f64 = float64_array(param, param_name);
    check_layout(param, param_name, true);
    u.param = param.mutable_data();
    u.n = static_cast<std::size_t>(param.size());
    if (grad_obj) {
        u.grad = companion_data(grad_obj, grad_name, param, u.f64, param_name, false, u.owners[1]);
    }
    for (std::size_t k = 0; k < slots + unused; ++k) {
        void* data = companion_data(state_item(k), state_name(k), param, u.f64, param_name, true,
                                    u.owners[2 + k]);
        if (k < slots) u.state[k] = data;
    }
    u.owners[0] = std::move(param);
    return u;
}

/// ValueError if an array written by the updates (a parameter or a state array) shares memory
/// with any other array of the call; `name(k, slot)` names array `slot` of update k (0 the
/// parameter, 1 the gradient, 2 + j state array j).
template <class Name>
void check_updates_separate(const std::vector<Update>& updates, Name name) {
    constexpr std::size_t per_update = 2 + max_state_slots;
    std::vector<Extent> extents;
    extents.reserve(updates.size() * per_update);
    for (std::size_t k = 0; k < updates.size(); ++k) {
        for (std::size_t slot = 0; slot < per_update; ++slot) {
            const py::object& owner = updates[k].owners[slot];
            if (!owner) continue;
            extents.push_back(extent_of(py::reinterpret_borrow<py::array>(owner), slot != 1,
                                        k * per_update + slot));
        }
    }
    check_no_overlap(std::move(extents), [&](std::size_t who) {
        return name(who / per_update, who % per_update);
    });
}

/// Validates the rule; on failure throws std::invalid_argument (ValueError) naming the group
/// (group < 0: no group) in front of the rule's own message.
template <class Rule>
void validate_rule(const Rule& rule, py::ssize_t group) {
    try {
        rule.validate();
    } catch (const std::invalid_argument& error) {
        if (group < 0) throw;
        throw std::invalid_argument("param_groups[" + std::to_string(group) + "]: " + error.what());
    }
}

/// The items of a list or tuple (borrowed), or TypeError naming `name`.
PyObject** sequence_items(const py::handle& obj, const char* name, const char* what,
                          py::ssize_t& size) {
    if (!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr())) {
        throw py::type_error(std::string(name) + ": expected a list or tuple of " + what +
                             ", got " + type_name(obj));
    }
    size = PySequence_Fast_GET_SIZE(obj.ptr());
    return PySequence_Fast_ITEMS(obj.ptr());
}

/// Raises FloatingPointError if a gradient holds NaN or infinity (checked without the GIL).
/// `name(k)` names the gradient of update k.
template <class GradName>
void check_grads_finite(const std::vector<Update>& updates, GradName name) {
    std::size_t bad;
    {
        py::gil_scoped_release release;
        bad = first_nonfinite_grad(updates.data(), updates.size());
    }
    if (bad < updates.size()) {
        PyErr_SetString(PyExc_FloatingPointError,
                        (name(bad).str() + " contains NaN or infinity; no array was changed").c_str());
        throw py::error_already_set();
    }
}

/// The rule object behind `obj` (kept alive by the caller), or TypeError.
template <class Rule>
const Rule& rule_arg(const py::handle& obj, const char* name) {
    py::detail::make_caster<Rule> caster;
    if (!caster.load(obj, false)) {
        throw py::type_error(std::string(name) + ": expected a descend._core." +
                             std::string(py::str(py::type::of<Rule>().attr("__name__"))) +
                             ", got " + type_name(obj));
    }
    return py::detail::cast_op<const Rule&>(caster);
}

// ------------------------------------------------------------------ kernels

/// One step of `rule` on one parameter array with its gradient and state arrays.
/// `unused`: None, or a dict of the arrays given for state this rule does not keep (by the
/// argument's name), which are checked as state arrays are (dtype, shape, layout, writeable,
/// no shared memory) but not used.
template <class Rule>
void step_one(const py::handle& param, const py::handle& grad, const py::handle& state,
              std::int64_t step, const py::handle& rule_obj, bool check_finite,
              const py::handle& n_threads_obj, const py::handle& unused) {
    const std::size_t n_threads = checked_n_threads(n_threads_obj);
    const Rule rule = rule_arg<Rule>(rule_obj, "rule");  // a copy: the object may go away
    validate_rule(rule, -1);
    if (step < 1 || step > max_step) {
        throw py::value_error("step: expected the number of this step, in [1, 2**53], got " +
                              std::to_string(step));
    }
    const std::size_t slots = rule.state_slots();
    py::ssize_t given = 0;
    PyObject** items = sequence_items(state, "state", "arrays", given);
    if (static_cast<std::size_t>(given) != slots) {
        std::string expected;
        for (std::size_t k = 0; k < slots; ++k) expected += (k ? ", " : "") + std::string(rule.state_name(k));
        throw py::value_error("state: expected " + std::to_string(slots) + " arrays (" + expected +
                              "), got " + std::to_string(given));
    }
    std::vector<std::string> unused_names;
    std::vector<py::handle> unused_arrays;
    if (!unused.is_none()) {
        if (!PyDict_Check(unused.ptr()))
            throw py::type_error("unused: expected None or a dict of arrays by name, got " +
                                 type_name(unused));
        for (const auto item : py::reinterpret_borrow<py::dict>(unused)) {
            unused_names.push_back(py::str(item.first));
            unused_arrays.push_back(item.second);
        }
    }
    if (slots + unused_arrays.size() > max_state_slots)
        throw py::value_error("unused: expected at most " + std::to_string(max_state_slots - slots) +
                              " arrays, got " + std::to_string(unused_arrays.size()));
    const auto name_of = [&](std::size_t k) {
        return k < slots ? std::string(rule.state_name(k)) : unused_names[k - slots];
    };
    std::vector<Update> updates{checked_update(
        param, ArgName{"param"}, grad, ArgName{"grad"}, slots,
        [&](std::size_t k) { return k < slots ? py::handle(items[k]) : unused_arrays[k - slots]; },
        [&](std::size_t k) { return ArgName{k < slots ? rule.state_name(k) : unused_names[k - slots].c_str()}; },
        unused_arrays.size())};
    updates[0].step = step;
    check_updates_separate(updates, [&](std::size_t, std::size_t slot) {
        return slot == 0 ? std::string("param") : slot == 1 ? std::string("grad") : name_of(slot - 2);
    });
    if (check_finite) check_grads_finite(updates, [](std::size_t) { return ArgName{"grad"}; });
    py::gil_scoped_release release;
    run_updates(rule, updates.data(), 1, n_threads);
}

/// The updates of one parameter group, appended to `updates`. `group` is a tuple (params,
/// state, steps, rule): params a list of arrays, state a list of len(params) *
/// rule.state_slots arrays (parameter-major), steps an int64 array of len(params) step counts.
/// `grad_items` holds one gradient (or None: no update) per parameter of every group, from
/// position `index` on; null takes every parameter, without its gradient (a StepPlan). `index`
/// is advanced past the group's parameters. Returns the array of step counts.
template <class Rule>
py::object group_updates(const Rule& rule, PyObject* group, py::ssize_t gi, PyObject** grad_items,
                         py::ssize_t& index, std::vector<Update>& updates) {
    validate_rule(rule, gi);
    const std::size_t slots = rule.state_slots();
    py::ssize_t n_params = 0, n_state = 0;
    PyObject** param_items = sequence_items(PyTuple_GET_ITEM(group, 0), "params", "arrays", n_params);
    PyObject** state_items = sequence_items(PyTuple_GET_ITEM(group, 1), "state", "arrays", n_state);
    if (n_state != n_params * static_cast<py::ssize_t>(slots)) {
        throw py::value_error("param_groups[" + std::to_string(gi) + "]: expected " +
                              std::to_string(n_params * static_cast<py::ssize_t>(slots)) +
                              " state arrays, got " + std::to_string(n_state) +
                              " (to change the parameters of a group, assign a new list "
                              "to its \"params\")");
    }
    const py::handle steps_obj(PyTuple_GET_ITEM(group, 2));
    if (!int64_array(steps_obj)) {
        throw py::type_error("steps: expected an int64 numpy.ndarray, got " + type_name(steps_obj));
    }
    auto steps = py::reinterpret_borrow<py::array>(steps_obj);
    if (steps.ndim() != 1 || steps.shape(0) != n_params) {
        throw py::value_error("steps: expected shape (" + std::to_string(n_params) + ",), got " +
                              shape_string(shape_of(steps)));
    }
    check_layout(steps, ArgName{"steps"}, true);
    auto* counts = static_cast<std::int64_t*>(steps.mutable_data());
    for (py::ssize_t i = 0; i < n_params; ++i, ++index) {
        const py::handle grad(grad_items != nullptr ? grad_items[index] : nullptr);
        if (grad && grad.is_none()) continue;
        if (counts[i] < 0 || counts[i] >= max_step) {
            throw py::value_error("steps[" + std::to_string(i) + "]: expected a step count in "
                                  "[0, 2**53) (2**53 steps is the most an update rule "
                                  "counts), got " + std::to_string(counts[i]));
        }
        PyObject** param_state = state_items + i * static_cast<py::ssize_t>(slots);
        const auto state_item = [&](std::size_t k) { return py::handle(param_state[k]); };
        const auto state_name = [&](std::size_t k) {
            return ArgName{"state", index, rule.state_name(k)};
        };
        updates.push_back(checked_update(param_items[i], ArgName{"params", index},
                                         grad_items != nullptr ? grad : py::handle(),
                                         ArgName{"grads", index}, slots, state_item, state_name));
        updates.back().step = counts[i] + 1;
        updates.back().counter = counts + i;
        updates.back().index = index;
    }
    return std::move(steps);
}

/// check_updates_separate for the updates of parameter groups: `ranges` holds each group's
/// `rule` and its updates (`first`, `count`), `state_name(rule, j)` names state array j.
template <class Ranges, class StateName>
void check_groups_separate(const std::vector<Update>& updates, const Ranges& ranges,
                           StateName state_name) {
    check_updates_separate(updates, [&](std::size_t k, std::size_t slot) {
        const py::ssize_t index = updates[k].index;
        if (slot < 2) return ArgName{slot == 0 ? "params" : "grads", index}.str();
        auto range = ranges.begin();
        while (k >= range->first + range->count) ++range;
        return ArgName{"state", index, state_name(range->rule, slot - 2)}.str();
    });
}

/// The number of parameters in `groups` (a list or tuple of (params, state, steps, rule)
/// tuples); TypeError for anything else.
py::ssize_t count_params(PyObject** group_items, py::ssize_t n_groups) {
    py::ssize_t n_params_total = 0;
    for (py::ssize_t gi = 0; gi < n_groups; ++gi) {
        PyObject* group = group_items[gi];
        if (!PyTuple_Check(group) || PyTuple_GET_SIZE(group) != 4) {
            throw py::type_error("groups[" + std::to_string(gi) +
                                 "]: expected a tuple (params, state, steps, rule)");
        }
        py::ssize_t n_params = 0;
        sequence_items(PyTuple_GET_ITEM(group, 0), "params", "arrays", n_params);
        n_params_total += n_params;
    }
    return n_params_total;
}

/// The step counter of an optimizer: an int64 array of shape (1,), writeable.
std::int64_t* counter_data(const py::handle& counter_obj) {
    if (!int64_array(counter_obj)) {
        throw py::type_error("counter: expected an int64 numpy.ndarray, got " + type_name(counter_obj));
    }
    auto counter_array = py::reinterpret_borrow<py::array>(counter_obj);
    if (counter_array.ndim() != 1 || counter_array.shape(0) != 1) {
        throw py::value_error("counter: expected shape (1,), got " + shape_string(shape_of(counter_array)));
    }
    check_layout(counter_array, ArgName{"counter"}, true);
    return static_cast<std::int64_t*>(counter_array.mutable_data());
}

/// One step of every parameter group. `groups` is a list of tuples (params, state, steps,
/// rule) (see group_updates); the step counts of the parameters updated are incremented.
/// `grads` holds one gradient per parameter, in group order, or None to leave that parameter,
/// its state and its step count untouched.
template <class Rule>
void step_groups(const py::handle& groups, const py::handle& grads, const py::handle& counter_obj,
                 bool check_finite, const py::handle& n_threads_obj) {
    const std::size_t n_threads = checked_n_threads(n_threads_obj);
    auto* calls = counter_data(counter_obj);
    py::ssize_t n_groups = 0, n_grads = 0;
    PyObject** group_items = sequence_items(groups, "groups", "parameter groups", n_groups);
    PyObject** grad_items = sequence_items(grads, "grads", "arrays (one per parameter)", n_grads);
    const py::ssize_t n_params_total = count_params(group_items, n_groups);
    if (n_grads != n_params_total) {
        throw py::value_error("grads: expected " + std::to_string(n_params_total) +
                              " gradients (one per parameter, None to skip one), got " +
                              std::to_string(n_grads));
    }

    struct Range {
        Rule rule;  // a copy: the rule object may go away while the GIL is released
        std::size_t first, count;  // its updates
        py::object steps;  // owns the array of step counts
    };
    std::vector<Range> ranges;
    ranges.reserve(static_cast<std::size_t>(n_groups));
    std::vector<Update> updates;
    updates.reserve(static_cast<std::size_t>(n_grads));
    py::ssize_t index = 0;
    for (py::ssize_t gi = 0; gi < n_groups; ++gi) {
        PyObject* group = group_items[gi];
        const Rule& rule = rule_arg<Rule>(PyTuple_GET_ITEM(group, 3), "rule");
        const std::size_t first = updates.size();
        py::object steps = group_updates(rule, group, gi, grad_items, index, updates);
        ranges.push_back(Range{rule, first, updates.size() - first, std::move(steps)});
    }
    check_groups_separate(updates, ranges, [](const Rule& rule, std::size_t j) {
        return rule.state_name(j);
    });
    if (check_finite) {
        check_grads_finite(updates, [&](std::size_t k) { return ArgName{"grads", updates[k].index}; });
    }
    py::gil_scoped_release release;
    for (const Range& range : ranges)
        run_updates(range.rule, updates.data() + range.first, range.count, n_threads);
    ++*calls;  // with the updates, never without: no Python code (no Ctrl-C) runs in between
}

// ------------------------------------------------------------------ the prepared step

/// An optimizer's step with everything but the gradients checked once: descend.optim's fast
/// path. build() takes step_groups' arguments without the gradients and checks them as
/// step_groups does (the same code); step(grads) then checks only what can change between
/// calls, each with a few loads: that every array held is still the same object with the same
/// data pointer, dtype, flags and shape; each group's list of parameters still holds them; each
/// gradient is an exact numpy.ndarray of its parameter's dtype and shape, C-contiguous and
/// sharing no memory with an array the step writes (one binary search among them); the step
/// counts stay below 2**53; the gradients are finite if asked. When everything holds, it steps
/// (the GIL released from gil_release_min_elements on) and returns True; otherwise it changes
/// nothing and returns False, and the caller takes step_groups, which names what is wrong. It
/// also guards the optimizer against two steps at once: enter() / leave() bracket a step taken
/// by the caller.
class StepPlan {
public:
    /// Prepares the step of `groups` (as step_groups), with the counter of calls, `offsets`
    /// (a list of ints: the counter's value when each group was added; a group refuses its
    /// 2**53-th step), the finite check and n_threads. Nothing is kept if a check fails.
    void build(const py::handle& groups, const py::handle& counter_obj, const py::handle& offsets,
               bool check_finite, const py::handle& n_threads_obj, const py::handle& changes) {
        clear();
        const std::size_t n_threads = checked_n_threads(n_threads_obj);
        const auto changes_at = count_of(changes);
        if (!changes_at) throw py::type_error("changes: expected a list of one int");
        auto* calls = counter_data(counter_obj);
        py::ssize_t n_groups = 0, n_offsets = 0;
        PyObject** group_items = sequence_items(groups, "groups", "parameter groups", n_groups);
        PyObject** offset_items = sequence_items(offsets, "offsets", "ints", n_offsets);
        if (n_offsets != n_groups) throw py::value_error("offsets: expected one per group");
        const py::ssize_t n_params = count_params(group_items, n_groups);
        std::vector<Group> built;
        std::vector<Update> updates;
        updates.reserve(static_cast<std::size_t>(n_params));
        py::ssize_t index = 0;
        for (py::ssize_t gi = 0; gi < n_groups; ++gi) {
            PyObject* group = group_items[gi];
            const Optimizer rule = py::cast<Optimizer>(py::handle(PyTuple_GET_ITEM(group, 3)));
            const std::size_t first = updates.size();
            py::object steps = std::visit(
                [&](const auto& r) { return group_updates(r, group, gi, nullptr, index, updates); },
                rule);
            built.push_back(Group{rule, first, updates.size() - first,
                                  py::reinterpret_borrow<py::object>(PyTuple_GET_ITEM(group, 0)),
                                  std::move(steps), py::cast<std::int64_t>(offset_items[gi])});
        }
        check_groups_separate(updates, built, [](const Optimizer& rule, std::size_t j) {
            return std::visit([&](const auto& r) { return r.state_name(j); }, rule);
        });
        std::vector<Held> held;
        std::vector<std::pair<const char*, const char*>> written;
        for (const Update& u : updates) {
            for (const py::object& owner : u.owners) {
                if (!owner) continue;
                held.push_back(Held::of(owner));
                const auto extent = extent_of(py::reinterpret_borrow<py::array>(owner), true, 0);
                if (extent.begin != extent.end) written.emplace_back(extent.begin, extent.end);
            }
        }
        std::sort(written.begin(), written.end());
        groups_ = std::move(built);
        updates_ = std::move(updates);
        held_ = std::move(held);
        written_ = std::move(written);
        active_.assign(updates_.size(), 0);
        counter_ = py::reinterpret_borrow<py::object>(counter_obj);
        changes_ = py::reinterpret_borrow<py::object>(changes);
        changes_at_ = *changes_at;
        calls_ = calls;
        check_finite_ = check_finite;
        n_threads_ = n_threads;
        elements_ = 0;
        for (const Update& u : updates_) elements_ += u.n;
        ready_ = true;
    }

    /// Forgets the prepared step: step() returns False until the next build().
    void clear() {
        ready_ = false;
        groups_.clear();
        updates_.clear();
        held_.clear();
        written_.clear();
        counter_ = py::object();
        changes_ = py::object();
        calls_ = nullptr;
    }

    bool ready() const { return ready_; }

    /// The step, if everything but the gradients is as prepared and the gradients pass (see
    /// the class); True if it was taken.
    bool step(const py::handle& grads) {
        if (!ready_ || busy_ || count_of(changes_) != changes_at_) return false;
        PyObject* list = grads.ptr();
        py::ssize_t n_grads;
        PyObject** grad_items;
        if (PyList_CheckExact(list)) {
            n_grads = PyList_GET_SIZE(list);
            grad_items = reinterpret_cast<PyListObject*>(list)->ob_item;
        } else if (PyTuple_CheckExact(list)) {
            n_grads = PyTuple_GET_SIZE(list);
            grad_items = reinterpret_cast<PyTupleObject*>(list)->ob_item;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(n_grads) != updates_.size()) return false;
        for (const Held& h : held_)
            if (!h.unchanged()) return false;
        for (const Group& g : groups_) {
            if (*calls_ - g.offset >= max_step) return false;
            PyObject* params = g.params.ptr();
            if (!PyList_CheckExact(params) ||
                PyList_GET_SIZE(params) != static_cast<py::ssize_t>(g.count))
                return false;
            for (std::size_t i = 0; i < g.count; ++i) {
                if (PyList_GET_ITEM(params, static_cast<py::ssize_t>(i)) !=
                    updates_[g.first + i].owners[0].ptr())
                    return false;
            }
        }
        PyTypeObject* ndarray = py::detail::npy_api::get().PyArray_Type_;
        for (std::size_t k = 0; k < updates_.size(); ++k) {
            Update& u = updates_[k];
            PyObject* grad = grad_items[k];
            active_[k] = grad != Py_None;
            if (!active_[k]) continue;
            if (Py_TYPE(grad) != ndarray || *u.counter >= max_step ||
                !matches(grad, u.owners[0].ptr()) || overlaps_written(grad, u.n, u.f64 ? 8 : 4))
                return false;
            u.grad = py::detail::array_proxy(grad)->data;
            u.step = *u.counter + 1;
        }
        // Every check passed: nothing below refuses (a non-finite gradient excepted, found
        // before any write).
        for (std::size_t k = 0; k < updates_.size(); ++k)
            if (active_[k]) u_owner(k) = py::reinterpret_borrow<py::object>(grad_items[k]);
        busy_ = true;
        bool finite = true;
        {
            std::optional<py::gil_scoped_release> release;
            if (elements_ >= gil_release_min_elements) release.emplace();
            if (check_finite_) finite = all_grads_finite();
            if (finite) run();
        }
        busy_ = false;
        for (std::size_t k = 0; k < updates_.size(); ++k) u_owner(k) = py::object();
        if (!finite) return false;
        ++*calls_;
        return true;
    }

    /// Marks a step as under way (taken by the caller); False if one is already.
    bool enter() {
        if (busy_) return false;
        busy_ = true;
        return true;
    }
    /// Ends the step begun by enter().
    void leave() { busy_ = false; }

private:
    struct Group {
        Optimizer rule;            // a copy, checked
        std::size_t first, count;  // its updates
        py::object params;         // the group's list of parameters, as prepared
        py::object steps;          // owns the array of step counts
        std::int64_t offset;       // calls before the group's first step
    };

    /// An array held by the plan, as it was when prepared: anything that can change it in
    /// place (a.shape = ..., a.dtype = ..., a.flags.writeable = False, a.resize()) changes one
    /// of these.
    struct Held {
        PyObject* array;
        void* data;
        PyObject* descr;
        int flags, nd;
        py::ssize_t size;

        static Held of(const py::object& owner) {
            const auto* a = py::detail::array_proxy(owner.ptr());
            py::ssize_t size = 1;
            for (int d = 0; d < a->nd; ++d) size *= a->dimensions[d];
            return Held{owner.ptr(), a->data, a->descr, a->flags, a->nd, size};
        }
        bool unchanged() const {
            const auto* a = py::detail::array_proxy(array);
            if (a->data != data || a->descr != descr || a->flags != flags || a->nd != nd)
                return false;
            py::ssize_t n = 1;
            for (int d = 0; d < nd; ++d) n *= a->dimensions[d];
            return n == size;
        }
    };

    py::object& u_owner(std::size_t k) { return updates_[k].owners[1]; }

    /// The count in `changes`, a list of one int (not too large), or nothing.
    static std::optional<long long> count_of(const py::handle& changes) {
        if (!PyList_CheckExact(changes.ptr()) || PyList_GET_SIZE(changes.ptr()) != 1) return {};
        PyObject* count = PyList_GET_ITEM(changes.ptr(), 0);
        int overflow = 0;
        const long long value = PyLong_CheckExact(count) ? PyLong_AsLongLongAndOverflow(count, &overflow) : -1;
        if (value == -1 && (overflow != 0 || !PyLong_CheckExact(count))) return {};
        return value;
    }

    /// True if `grad` has the dtype and the shape of `param` and is C-contiguous.
    static bool matches(PyObject* grad, PyObject* param) {
        const auto* g = py::detail::array_proxy(grad);
        const auto* p = py::detail::array_proxy(param);
        if (!(g->flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) || g->nd != p->nd) return false;
        for (int d = 0; d < g->nd; ++d)
            if (g->dimensions[d] != p->dimensions[d]) return false;
        if (g->descr == p->descr) return true;
        const auto* gd = py::detail::array_descriptor_proxy(g->descr);
        const auto* pd = py::detail::array_descriptor_proxy(p->descr);
        return gd->type_num == pd->type_num && native_order(gd->byteorder);
    }

    /// True if the bytes of `grad` (C-contiguous, of n elements of `itemsize` bytes) meet
    /// those of an array the step writes.
    bool overlaps_written(PyObject* grad, std::size_t n, std::size_t itemsize) const {
        const char* begin = py::detail::array_proxy(grad)->data;
        const char* end = begin + n * itemsize;
        if (begin == end) return false;
        // the written extents are disjoint and sorted: the last one starting before `end` is
        // the only one that can reach past `begin`
        auto it = std::lower_bound(written_.begin(), written_.end(),
                                   std::make_pair(end, static_cast<const char*>(nullptr)));
        return it != written_.begin() && std::prev(it)->second > begin;
    }

    bool all_grads_finite() const {
        for (std::size_t k = 0; k < updates_.size(); ++k)
            if (active_[k] && first_nonfinite_grad(&updates_[k], 1) == 0) return false;
        return true;
    }

    void run() {
        for (const Group& g : groups_) {
            std::visit(
                [&](const auto& rule) {
                    for (std::size_t k = g.first; k < g.first + g.count; ++k)
                        if (active_[k]) run_updates(rule, &updates_[k], 1, n_threads_);
                },
                g.rule);
        }
    }

    bool ready_ = false, busy_ = false, check_finite_ = false;
    std::size_t n_threads_ = 0;
    std::size_t elements_ = 0;  // of every parameter: gil_release_min_elements decides
    std::vector<Group> groups_;
    std::vector<Update> updates_;
    std::vector<char> active_;
    std::vector<Held> held_;
    std::vector<std::pair<const char*, const char*>> written_;  // sorted, disjoint
    py::object counter_;
    py::object changes_;       // the optimizer's count of changes, a list of one int
    long long changes_at_ = 0;  // its value when prepared: valid while it stays
    std::int64_t* calls_ = nullptr;
};

/// An optimizer's `step` as one C call (what StepPlan.bind returns, a builtin method whose
/// self is the tuple (capsule of the plan, plan, step, full_step)): the prepared step if it
/// takes these gradients, else `full_step(grads)`, the optimizer's full path (which names what
/// is wrong, prepares the plan again, ...); a call with anything but one positional argument
/// goes to `step`, the Python method, which refuses it as it would have.
PyObject* call_bound_step(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames) {
    if (nargs != 1 || kwnames != nullptr) {
        return PyObject_Vectorcall(PyTuple_GET_ITEM(self, 2), args, nargs, kwnames);
    }
    auto* plan = static_cast<StepPlan*>(PyCapsule_GetPointer(PyTuple_GET_ITEM(self, 0), nullptr));
    try {
        if (plan->step(args[0])) Py_RETURN_NONE;
    } catch (py::error_already_set& error) {
        error.restore();
        return nullptr;
    } catch (const std::exception& error) {  // a worker thread that could not start
        PyErr_SetString(PyExc_RuntimeError, error.what());
        return nullptr;
    }
    return PyObject_Vectorcall(PyTuple_GET_ITEM(self, 3), args, 1, nullptr);
}

PyMethodDef bound_step_def{
    "step", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&call_bound_step)),
    METH_FASTCALL | METH_KEYWORDS,
    "step($self, grads)\n--\n\nThe optimizer's step (see its class's step): its prepared "
    "C++ step when that takes these gradients, its full step otherwise."};

// ------------------------------------------------------------------ registration helpers

/// The Python type of update rule R: from its field table (R::fields()), a keyword-only
/// constructor (validated), a property per field, repr, equality and pickling
/// (def_field_class); then validate(), state_slots and state_names.
template <class R>
py::class_<R> register_rule(py::module_& m, const char* name, const char* doc) {
    py::class_<R> cls(m, name, doc);
    def_field_class<true>(cls);
    cls.def("validate", &R::validate, "Raises ValueError naming the first impossible value.")
        .def_property_readonly("state_slots", &R::state_slots,
                               "Number of state arrays (each shaped like the parameter).")
        .def_property_readonly(
            "state_names",
            [](const R& rule) {
                py::tuple names(rule.state_slots());
                for (std::size_t k = 0; k < rule.state_slots(); ++k) names[k] = rule.state_name(k);
                return names;
            },
            "Names of the state arrays, in slot order (torch's state keys).");
    return cls;
}

/// What the step kernels' n_threads means.
#define DESCEND_THREADS_DOC                                                                         \
    " n_threads (None or an int >= 1): threads of each array's update, each on a block of "  \
    "consecutive elements (the same bits for any n_threads: the rules are elementwise); "    \
    "None uses every processor on arrays of at least build_config()['parallel_min_elements'] " \
    "elements, one thread below. The GIL is released."

/// `<name>_step` (one array) and `<name>_step_groups` (whole parameter groups) for a rule.
template <class Rule>
void def_kernels(py::module_& m, const std::string& name) {
    m.def((name + "_step").c_str(), &step_one<Rule>, "param"_a, "grad"_a, "state"_a, "step"_a,
          "rule"_a, "check_finite"_a = false, "n_threads"_a = py::none(),
          "unused"_a = py::none(),
          "One step in place on param and its state arrays (a list, in rule.state_names "
          "order); `step` is the number of this step, 1 for the first. unused: None or a dict "
          "of arrays given for state the rule does not keep (by name), checked as state "
          "arrays are and left alone." DESCEND_THREADS_DOC);
    m.def((name + "_step_groups").c_str(), &step_groups<Rule>, "groups"_a, "grads"_a,
          "counter"_a, "check_finite"_a = false, "n_threads"_a = py::none(),
          "One step of every parameter group in place: groups is a list of tuples "
          "(params, state, steps, rule), grads one array (or None) per parameter; counter, "
          "an int64 array of shape (1,), is incremented with the step, all or nothing." DESCEND_THREADS_DOC);
}
#undef DESCEND_THREADS_DOC

}  // namespace

void register_optimizers(py::module_& m) {
    m.attr("MAX_STEP") = max_step;
    m.def(
        "first_overlap",
        [](const py::handle& arrays) -> py::object {
            py::ssize_t n = 0;
            PyObject** items = sequence_items(arrays, "arrays", "C-contiguous arrays", n);
            std::vector<Extent> extents;
            for (py::ssize_t i = 0; i < n; ++i) {
                const std::string name = "arrays[" + std::to_string(i) + "]";
                py::array a = as_ndarray(items[i], name.c_str());
                check_layout(a, ArgName{"arrays", i}, false);
                extents.push_back(extent_of(a, true, static_cast<std::size_t>(i)));
            }
            const auto pair = first_overlap(std::move(extents));
            if (!pair) return py::none();
            return py::make_tuple(std::min(pair->first, pair->second), std::max(pair->first, pair->second));
        },
        "arrays"_a,
        "(i, j), i < j, for two of the C-contiguous arrays that share memory, or None: the "
        "check every in-place kernel makes before writing.");
    py::class_<StepPlan>(m, "StepPlan",
                         "descend.optim's fast path: an optimizer's step with everything but the "
                         "gradients checked once (build), then step(grads) checking only what can "
                         "change between calls; False (nothing changed) sends the caller to "
                         "<rule>_step_groups, which names what is wrong. Also the guard against "
                         "two steps of one optimizer at once (enter, leave).")
        .def(py::init<>())
        .def("build", &StepPlan::build, "groups"_a, "counter"_a, "offsets"_a, "check_finite"_a,
             "n_threads"_a, "changes"_a,
             "Prepares the step of `groups` (as <rule>_step_groups takes them); offsets: the "
             "counter's value when each group was added; changes: a list of one int, the "
             "optimizer's count of changes, the step valid while it stays as now. Raises as "
             "<rule>_step_groups; nothing is kept then.")
        .def("clear", &StepPlan::clear, "Forgets the prepared step.")
        .def_property_readonly("ready", &StepPlan::ready, "Whether a step is prepared.")
        .def("step", &StepPlan::step, "grads"_a,
             "The prepared step with these gradients (a list or tuple, one exact "
             "numpy.ndarray or None per parameter) if everything checks; True if taken, False "
             "(nothing changed) otherwise.")
        .def("enter", &StepPlan::enter, "Marks a step as under way; False if one already is.")
        .def("leave", &StepPlan::leave, "Ends the step begun by enter().")
        .def(
            "bind",
            [](const py::object& plan, const py::object& step, const py::object& full_step) {
                const py::tuple self = py::make_tuple(
                    py::capsule(plan.cast<StepPlan*>()), plan, step, full_step);
                PyObject* bound = PyCFunction_NewEx(&bound_step_def, self.ptr(), nullptr);
                if (bound == nullptr) throw py::error_already_set();
                return py::reinterpret_steal<py::object>(bound);
            },
            "step"_a, "full_step"_a,
            "A callable f(grads) for an optimizer's `step` attribute, one C call: step(grads) "
            "of this plan if it takes them, else full_step(grads); called with anything but "
            "one positional argument, it calls step (both bound methods of the optimizer).");
#define DESCEND_REGISTER_RULE(Rule, name, reference)                                         \
    register_rule<Rule>(m, #Rule,                                                            \
                        "Hyperparameters of " #Rule " (" reference "'s names and defaults)."); \
    def_kernels<Rule>(m, #name);
    DESCEND_RULES(DESCEND_REGISTER_RULE)
#undef DESCEND_REGISTER_RULE
    py::reinterpret_borrow<py::class_<NAdam>>(m.attr("NAdam"))
        .def("mu_product", &NAdam::mu_product, "t"_a,
             "prod_{i=1}^{t} mu_i, the scalar torch keeps in its NAdam state as mu_product.");
}

}  // namespace descend::bindings
