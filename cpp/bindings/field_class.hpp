// The Python type of a struct with a field table (Owner::fields(), optimizers/field.hpp): its
// constructor (validated), a property per field, repr, equality and pickling, all made from
// the table. Used for the update rules (register_optimizers.cpp) and the schedules
// (register_schedules.cpp).
#pragma once

#include <pybind11/pybind11.h>

#include <descend/optimizers/field.hpp>

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace descend::bindings {

namespace py = pybind11;

/// How a field's value crosses to and from Python: as itself, unless specialized (the
/// wrapped schedule of LinearWarmup and ReduceOnPlateau, schedule_object.hpp).
template <class T>
struct FieldValue {
    using arg_type = T;  ///< what the constructor takes
    static T from_python(arg_type value, const char*) { return value; }
    static py::object to_python(const T& value) { return py::cast(value); }
    static bool equal(const T& a, const T& b) { return a == b; }
    /// The property: read and write.
    template <class Owner>
    static void def_property(py::class_<Owner>& cls, const char* name, T Owner::*member,
                             const char* doc) {
        cls.def_readwrite(name, member, doc);
    }
};

/// The i-th row of a table's type.
template <std::size_t I, class Fields>
using field_at = std::tuple_element_t<I, Fields>;

/// The value type of the i-th row.
template <std::size_t I, class Fields>
using value_at = typename field_at<I, Fields>::value_type;

/// True when every field of `a` equals that of `b` (state included).
template <class Owner>
bool fields_equal(const Owner& a, const Owner& b) {
    return std::apply(
        [&](const auto&... f) {
            return (FieldValue<typename std::decay_t<decltype(f)>::value_type>::equal(a.*(f.member),
                                                                                   b.*(f.member)) &&
                    ...);
        },
        Owner::fields());
}

namespace detail {

/// Number of rows before the first state row; static_assert that no other row follows one.
template <class Fields, std::size_t... I>
constexpr std::size_t count_parameters(std::index_sequence<I...>) {
    std::size_t count = 0;
    bool state_seen = false, order_ok = true;
    ((field_at<I, Fields>::kind == FieldKind::state
          ? (state_seen = true, 0)
          : (order_ok = order_ok && !state_seen, ++count, 0)),
     ...);
    return order_ok ? count : ~std::size_t{0};
}

/// Position of the first keyword-only row (the number of rows if none).
template <class Fields, std::size_t... I>
constexpr std::size_t first_keyword(std::index_sequence<I...>) {
    std::size_t first = sizeof...(I);
    ((field_at<I, Fields>::kind == FieldKind::keyword && first == sizeof...(I) ? (first = I, 0) : 0),
     ...);
    return first;
}

/// The pybind11 argument of parameter row I, preceded by py::kw_only() at row KeywordFrom.
template <std::size_t I, std::size_t KeywordFrom, class Owner, class Fields>
auto constructor_arg(const Fields& fields, const Owner& defaults) {
    const auto& f = std::get<I>(fields);
    using F = field_at<I, Fields>;
    auto arg = [&] {
        if constexpr (F::kind == FieldKind::required) {
            return py::arg(f.name);
        } else {
            return py::arg_v(f.name,
                             FieldValue<typename F::value_type>::to_python(defaults.*(f.member)));
        }
    }();
    if constexpr (I == KeywordFrom) {
        return std::make_tuple(py::kw_only(), arg);
    } else {
        return std::make_tuple(arg);
    }
}

/// `name(field=value, ...)` over the parameter rows.
template <class Owner, class Fields, std::size_t... I>
std::string repr(const Owner& object, const Fields& fields, std::index_sequence<I...>) {
    std::string out = py::str(py::type::of<Owner>().attr("__name__"));
    out += "(";
    ((out += std::string(I == 0 ? "" : ", ") + std::get<I>(fields).name + "=" +
             std::string(py::repr(
                 FieldValue<value_at<I, Fields>>::to_python(object.*(std::get<I>(fields).member))))),
     ...);
    return out + ")";
}

/// The object made from one value per row I (the constructor's parameters, or all rows),
/// after checking it.
template <class Owner, class Fields, std::size_t... I>
Owner from_values(const Fields& fields, std::index_sequence<I...>,
                  typename FieldValue<value_at<I, Fields>>::arg_type... values) {
    Owner object{};
    ((object.*(std::get<I>(fields).member) =
          FieldValue<value_at<I, Fields>>::from_python(std::move(values), std::get<I>(fields).name)),
     ...);
    object.validate();
    return object;
}

/// The constructor over the parameter rows P (keyword-only from the first keyword row, or
/// all of them when KeywordOnly).
template <bool KeywordOnly, class Owner, class Fields, std::size_t... P>
void def_init(py::class_<Owner>& cls, const Fields& fields, std::index_sequence<P...>) {
    constexpr std::size_t keyword_from =
        KeywordOnly ? 0 : first_keyword<Fields>(std::make_index_sequence<std::tuple_size_v<Fields>>{});
    const Owner defaults{};
    auto args = std::tuple_cat(constructor_arg<P, keyword_from>(fields, defaults)...);
    auto make = [fields](typename FieldValue<value_at<P, Fields>>::arg_type... values) {
        return from_values<Owner>(fields, std::index_sequence<P...>{}, std::move(values)...);
    };
    std::apply([&](const auto&... arg) { cls.def(py::init(make), arg...); }, args);
}

/// Properties, equality, pickling and the names of the rows I.
template <class Owner, class Fields, std::size_t... I>
void def_rows(py::class_<Owner>& cls, const Fields& fields, std::size_t parameters,
              std::index_sequence<I...>) {
    (FieldValue<value_at<I, Fields>>::def_property(cls, std::get<I>(fields).name,
                                                   std::get<I>(fields).member,
                                                   std::get<I>(fields).doc),
     ...);
    cls.def(
        "__eq__",
        [](const Owner& object, const py::object& other) -> py::object {
            if (!py::isinstance<Owner>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(fields_equal(object, other.cast<const Owner&>()));
        },
        py::arg("other"), "Same type, same fields (state included).");
    cls.def(py::pickle(
        [fields](const Owner& object) {
            return py::make_tuple(
                FieldValue<value_at<I, Fields>>::to_python(object.*(std::get<I>(fields).member))...);
        },
        [fields](const py::tuple& values) {
            if (values.size() != sizeof...(I)) {
                throw py::value_error("expected a pickled state of " +
                                      std::to_string(sizeof...(I)) + " values, got " +
                                      std::to_string(values.size()));
            }
            return from_values<Owner>(
                fields, std::index_sequence<I...>{},
                values[I].template cast<typename FieldValue<value_at<I, Fields>>::arg_type>()...);
        }));
    py::list names, state;
    ((I < parameters ? names : state).append(std::get<I>(fields).name), ...);
    cls.attr("_fields") = py::tuple(names);  // the constructor's parameters, in order
    cls.attr("_state") = py::tuple(state);   // what the object changes itself
}

}  // namespace detail

/// Constructor (validated; keyword-only from the first keyword row, or entirely when
/// KeywordOnly), a property per row, repr (the constructor's parameters), equality and
/// pickling (every row) of Owner, from its table Owner::fields(); `_fields` and `_state` name
/// the parameter and state rows.
template <bool KeywordOnly, class Owner>
void def_field_class(py::class_<Owner>& cls) {
    constexpr auto fields = Owner::fields();
    using Fields = std::decay_t<decltype(fields)>;
    constexpr std::size_t all = std::tuple_size_v<Fields>;
    constexpr std::size_t parameters = detail::count_parameters<Fields>(std::make_index_sequence<all>{});
    static_assert(parameters <= all, "a field table lists its state rows last");
    detail::def_init<KeywordOnly>(cls, fields, std::make_index_sequence<parameters>{});
    detail::def_rows(cls, fields, parameters, std::make_index_sequence<all>{});
    cls.def("__repr__", [fields](const Owner& object) {
        return detail::repr(object, fields, std::make_index_sequence<parameters>{});
    });
}

}  // namespace descend::bindings
