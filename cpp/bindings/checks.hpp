// Argument checks shared by every binding. A kernel that writes into a NumPy array must get
// exactly that array: the right dtype (in this machine's byte order), shape and C-contiguous
// layout, writeable, not a masked array, and not overlapping another array of the same call.
// Nothing is ever converted or copied; anything else raises TypeError/ValueError naming the
// argument, what was expected and what was given, before any array is touched.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace descend::bindings {

namespace py = pybind11;

/// "float64" / "float32" for the element types the kernels support.
template <class T>
const char* dtype_name() {
    return sizeof(T) == 8 ? "float64" : "float32";
}

/// "(3, 4)" for a shape; -1 entries (any length) print as "n", or, when there are several, as
/// "m", "n", "k", ... in turn ("(m, n)": two lengths, not one square "(n, n)").
inline std::string shape_string(const std::vector<py::ssize_t>& shape) {
    const auto any_lengths = std::count_if(shape.begin(), shape.end(), [](py::ssize_t d) { return d < 0; });
    const char* const letters = any_lengths > 1 ? "mnkpqrst" : "n";
    std::size_t letter = 0;
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) out += ", ";
        if (shape[i] >= 0)
            out += std::to_string(shape[i]);
        else if (letter < 8 && letters[letter] != '\0')
            out += letters[letter++];
        else
            out += "n" + std::to_string(letter++);
    }
    if (shape.size() == 1) out += ",";
    return out + ")";
}

inline std::vector<py::ssize_t> shape_of(const py::array& a) {
    return std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim());
}

/// The name of the Python type of `obj`, for error messages.
inline std::string type_name(const py::handle& obj) {
    return py::str(py::type::of(obj).attr("__name__"));
}

/// The array's dtype descriptor, read without creating a dtype object (this runs for every
/// array of every step).
inline const py::detail::PyArrayDescr_Proxy* descriptor(const py::handle& array) {
    return py::detail::array_descriptor_proxy(py::detail::array_proxy(array.ptr())->descr);
}

/// True for a byte order that is this machine's ('=' native, '|' not applicable).
inline bool native_order(char order) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return order == '=' || order == '>' || order == '|';
#else
    return order == '=' || order == '<' || order == '|';
#endif
}

/// 8 for a float64 array, 4 for a float32 one (native byte order), 0 for any other dtype.
inline int float_size(const py::handle& array) {
    const auto* descr = descriptor(array);
    if (!native_order(descr->byteorder)) return 0;
    if (descr->type_num == py::detail::npy_api::NPY_DOUBLE_) return 8;
    if (descr->type_num == py::detail::npy_api::NPY_FLOAT_) return 4;
    return 0;
}

/// "<name>: expected dtype <expected>, got <dtype>", saying so when the dtype only differs by
/// its byte order (an array read from a file written on another machine).
inline std::string dtype_message(const std::string& name, const std::string& expected,
                                 const py::array& a) {
    std::string out = name + ": expected dtype " + expected + ", got " +
                      std::string(py::str(a.dtype()));
    if (!native_order(descriptor(a)->byteorder)) {
        out += " (the other byte order than this machine's; convert it once with "
               "a.astype(a.dtype.newbyteorder('=')))";
    }
    return out;
}

/// The object as a NumPy array, without conversion; TypeError if it is not one or if it is a
/// masked array (whose mask the kernels would ignore).
inline py::array as_ndarray(const py::handle& obj, const char* name) {
    if (!py::isinstance<py::array>(obj)) {
        throw py::type_error(std::string(name) + ": expected a numpy.ndarray, got " + type_name(obj));
    }
    if (Py_TYPE(obj.ptr()) != py::detail::npy_api::get().PyArray_Type_) {
        // A subclass: numpy.ma.MaskedArray (looked up once; kept for the module's life).
        static PyObject* masked =
            py::object(py::module_::import("numpy.ma").attr("MaskedArray")).release().ptr();
        if (PyObject_IsInstance(obj.ptr(), masked) == 1) {
            throw py::type_error(std::string(name) +
                                 ": expected a numpy.ndarray, got a numpy.ma.MaskedArray (its "
                                 "mask would be ignored: pass a.filled(...) or select the "
                                 "unmasked values)");
        }
    }
    return py::reinterpret_borrow<py::array>(obj);
}

/// The bytes of one array argument, whether the call writes them, and who it is (an index the
/// caller turns into a name).
struct Extent {
    const char* begin;
    const char* end;
    bool written;
    std::size_t who;
};

/// The extent of a C-contiguous array: its data are exactly the bytes [begin, end).
inline Extent extent_of(const py::array& a, bool written, std::size_t who) {
    const char* begin = static_cast<const char*>(a.data());
    return Extent{begin, begin + a.nbytes(), written, who};
}

/// The `who` of two extents that share memory, at least one of them written (for C-contiguous
/// arrays, sharing a byte range is sharing memory); nothing if there are none. Arrays that are
/// only read may overlap each other. One sort and one sweep: an extent overlaps an earlier one
/// exactly when it starts before the furthest end seen so far.
inline std::optional<std::pair<std::size_t, std::size_t>> first_overlap(std::vector<Extent> extents) {
    extents.erase(std::remove_if(extents.begin(), extents.end(),
                                 [](const Extent& e) { return e.begin == e.end; }),
                  extents.end());
    std::sort(extents.begin(), extents.end(),
              [](const Extent& a, const Extent& b) { return a.begin < b.begin; });
    const Extent* furthest_any = nullptr;      // the extent reaching furthest so far
    const Extent* furthest_written = nullptr;  // the same among written ones
    for (const Extent& e : extents) {
        const Extent* other = e.written ? furthest_any : furthest_written;
        if (other != nullptr && e.begin < other->end) return std::make_pair(other->who, e.who);
        if (furthest_any == nullptr || e.end > furthest_any->end) furthest_any = &e;
        if (e.written && (furthest_written == nullptr || e.end > furthest_written->end))
            furthest_written = &e;
    }
    return std::nullopt;
}

/// ValueError if two of the arrays share memory and the call writes one of them; `name(who)`
/// names an array.
template <class Name>
void check_no_overlap(std::vector<Extent> extents, Name name) {
    if (const auto pair = first_overlap(std::move(extents))) {
        throw py::value_error(name(pair->first) + " and " + name(pair->second) +
                              ": expected separate arrays, got two that share memory (the same "
                              "array twice, or overlapping views); the call writes one of "
                              "them, so the result would depend on the order of the writes");
    }
}

/// Checks dtype T, C-contiguity and (if given) the exact shape; -1 in `shape` allows any
/// length on that axis. `writeable` also requires the array to be writeable.
template <class T>
py::array checked_array(const py::handle& obj, const char* name,
                        std::initializer_list<py::ssize_t> shape, bool writeable) {
    py::array a = as_ndarray(obj, name);
    if (float_size(a) != static_cast<int>(sizeof(T))) {
        throw py::type_error(dtype_message(name, dtype_name<T>(), a) +
                             " (arrays are never converted: a converted copy would not be "
                             "updated in place)");
    }
    const std::vector<py::ssize_t> expected(shape);
    const std::vector<py::ssize_t> given = shape_of(a);
    bool match = given.size() == expected.size();
    for (std::size_t i = 0; match && i < given.size(); ++i)
        match = expected[i] < 0 || expected[i] == given[i];
    if (!match) {
        throw py::value_error(std::string(name) + ": expected shape " + shape_string(expected) +
                              ", got " + shape_string(given));
    }
    if (!(a.flags() & py::array::c_style)) {
        throw py::value_error(std::string(name) +
                              ": expected a C-contiguous array, got a non-contiguous view "
                              "(use numpy.ascontiguousarray)");
    }
    if (writeable && !a.writeable()) {
        throw py::value_error(std::string(name) +
                              ": expected a writeable array, got a read-only one");
    }
    return a;
}

/// Pointer to the data of an array that the kernel will write (checked as above).
template <class T>
T* output_data(const py::handle& obj, const char* name, std::initializer_list<py::ssize_t> shape) {
    return static_cast<T*>(checked_array<T>(obj, name, shape, true).mutable_data());
}

/// Pointer to the data of an array that the kernel only reads (checked as above, may be
/// read-only).
template <class T>
const T* input_data(const py::handle& obj, const char* name, std::initializer_list<py::ssize_t> shape) {
    return static_cast<const T*>(checked_array<T>(obj, name, shape, false).data());
}

/// True for a float64 array, false for float32; TypeError naming `name` for anything else.
inline bool is_float64(const py::handle& obj, const char* name) {
    py::array a = as_ndarray(obj, name);
    const int size = float_size(a);
    if (size == 0) throw py::type_error(dtype_message(name, "float64 or float32", a));
    return size == 8;
}

/// The n_threads argument of a kernel: None gives 0 (automatic: all processors when the work
/// pays for them), an int >= 1 gives itself; TypeError for bool, float or anything else that
/// is not an integer, ValueError for an int < 1.
inline std::size_t checked_n_threads(const py::handle& obj) {
    if (obj.is_none()) return 0;
    if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
        throw py::type_error("n_threads: expected None or an int >= 1, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    const py::int_ value = py::reinterpret_steal<py::int_>(PyNumber_Index(obj.ptr()));
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow < 0 || (overflow == 0 && n < 1))
        throw py::value_error("n_threads: expected None or an int >= 1, got " +
                              std::string(py::str(value)));
    if (overflow > 0 || static_cast<unsigned long long>(n) > 4096)
        throw py::value_error("n_threads: expected at most 4096 threads, got " +
                              std::string(py::str(value)));
    return static_cast<std::size_t>(n);
}

}  // namespace descend::bindings
