// Argument checks shared by every binding. A kernel that writes into a NumPy array must get
// exactly that array: the right dtype, shape and C-contiguous layout, and writeable. Nothing is
// ever converted or copied; anything else raises TypeError/ValueError naming the argument,
// what was expected and what was given, before any array is touched.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace descend::bindings {

namespace py = pybind11;

/// "float64" / "float32" for the element types the kernels support.
template <class T>
const char* dtype_name() {
    return sizeof(T) == 8 ? "float64" : "float32";
}

/// "(3, 4)" for a shape; -1 entries print as "n" (any length).
inline std::string shape_string(const std::vector<py::ssize_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) out += ", ";
        out += shape[i] < 0 ? std::string("n") : std::to_string(shape[i]);
    }
    if (shape.size() == 1) out += ",";
    return out + ")";
}

inline std::vector<py::ssize_t> shape_of(const py::array& a) {
    return std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim());
}

/// The object as a NumPy array, without conversion; TypeError if it is not one.
inline py::array as_ndarray(const py::handle& obj, const char* name) {
    if (!py::isinstance<py::array>(obj)) {
        throw py::type_error(std::string(name) + ": expected a numpy.ndarray, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
    return py::reinterpret_borrow<py::array>(obj);
}

/// Checks dtype T, C-contiguity and (if given) the exact shape; -1 in `shape` allows any
/// length on that axis. `writeable` also requires the array to be writeable.
template <class T>
py::array checked_array(const py::handle& obj, const char* name,
                        std::initializer_list<py::ssize_t> shape, bool writeable) {
    py::array a = as_ndarray(obj, name);
    if (!py::isinstance<py::array_t<T>>(a) || a.dtype().kind() != 'f' ||
        a.itemsize() != static_cast<py::ssize_t>(sizeof(T))) {
        throw py::type_error(std::string(name) + ": expected dtype " + dtype_name<T>() +
                             ", got " + std::string(py::str(a.dtype())) +
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
    if (a.dtype().kind() == 'f' && a.itemsize() == 8) return true;
    if (a.dtype().kind() == 'f' && a.itemsize() == 4) return false;
    throw py::type_error(std::string(name) + ": expected dtype float64 or float32, got " +
                         std::string(py::str(a.dtype())));
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
