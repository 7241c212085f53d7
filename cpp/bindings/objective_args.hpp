// Checked arguments of the objectives, shared by the kernels and the fits: X as a dense array or
// a scipy.sparse CSR matrix/array (never densified or converted), targets and labels, sample
// weights, batch rows. Every check here only reads; a caller runs them all before its first
// write, so a refused call leaves every array untouched.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <descend/objectives/batch.hpp>
#include <descend/objectives/csr.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/optimizers/field.hpp>
#include <descend/optimizers/optimizer.hpp>
#include <descend/view.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "checks.hpp"

namespace descend::bindings {

namespace py = pybind11;

/// "csr", "csc", ... for a scipy.sparse matrix or array; "" for any other object.
inline std::string sparse_format(const py::handle& obj) {
    if (!py::hasattr(obj, "format") || !py::hasattr(obj, "indptr")) return "";
    return py::str(obj.attr("format")).cast<std::string>();
}

/// True when X (a dense array or a CSR matrix) holds float64, false for float32; TypeError
/// naming X for any other object or dtype.
inline bool matrix_is_float64(const py::handle& X) {
    if (py::isinstance<py::array>(X)) return is_float64(X, "X");
    const std::string format = sparse_format(X);
    if (format == "csr") return is_float64(X.attr("data"), "X.data");
    if (!format.empty())
        throw py::type_error("X: expected a numpy.ndarray or a CSR matrix, got a sparse matrix in " +
                             format + " format (convert it once with X.tocsr())");
    throw py::type_error("X: expected a numpy.ndarray or a scipy.sparse CSR matrix/array, got " +
                         std::string(py::str(py::type::of(X).attr("__name__"))));
}

/// A C-contiguous 1-D array of integers of exactly the type I; TypeError/ValueError naming
/// `name` otherwise. `length` < 0 allows any length.
template <class I>
py::array checked_index_array(const py::handle& obj, const char* name, py::ssize_t length) {
    py::array a = as_ndarray(obj, name);
    if (a.dtype().kind() != 'i' || a.itemsize() != static_cast<py::ssize_t>(sizeof(I))) {
        throw py::type_error(std::string(name) + ": expected dtype int" +
                             std::to_string(8 * sizeof(I)) + ", got " + std::string(py::str(a.dtype())));
    }
    if (a.ndim() != 1 || (length >= 0 && a.shape(0) != length)) {
        throw py::value_error(std::string(name) + ": expected shape " +
                              shape_string({length}) + ", got " + shape_string(shape_of(a)));
    }
    if (!(a.flags() & py::array::c_style))
        throw py::value_error(std::string(name) + ": expected a C-contiguous array, got a non-contiguous view");
    return a;
}

/// The arrays of a CSR matrix X. Holding them keeps them alive while a kernel runs with the
/// GIL released, even if another thread rebinds X.data meanwhile.
struct CsrArrays {
    py::array data, indices, indptr;
};

/// X's CSR arrays as a view, after checking everything a kernel relies on: data of dtype T,
/// indices and indptr of dtype Index, len(indptr) = rows + 1, indptr[0] = 0, indptr
/// non-decreasing up to at most len(data) = len(indices), and every column index in
/// [0, cols). Costs one read of indptr and indices; nothing is copied.
template <class T, class Index>
CsrView<T, Index> checked_csr(const CsrArrays& arrays, py::ssize_t rows, py::ssize_t cols) {
    checked_array<T>(arrays.data, "X.data", {-1}, false);
    checked_index_array<Index>(arrays.indices, "X.indices", arrays.data.shape(0));
    checked_index_array<Index>(arrays.indptr, "X.indptr", rows + 1);
    CsrView<T, Index> view{static_cast<const T*>(arrays.data.data()),
                           static_cast<const Index*>(arrays.indices.data()),
                           static_cast<const Index*>(arrays.indptr.data()),
                           static_cast<std::size_t>(rows), static_cast<std::size_t>(cols)};
    const Index nnz = static_cast<Index>(arrays.data.shape(0));
    if (view.indptr[0] != 0)
        throw py::value_error("X.indptr: expected indptr[0] == 0, got " + std::to_string(view.indptr[0]));
    for (py::ssize_t i = 0; i < rows; ++i) {
        if (!(view.indptr[i] <= view.indptr[i + 1] && view.indptr[i + 1] <= nnz))
            throw py::value_error("X.indptr: expected non-decreasing offsets up to len(X.data) = " +
                                  std::to_string(nnz) + ", got indptr[" + std::to_string(i + 1) +
                                  "] = " + std::to_string(view.indptr[i + 1]));
    }
    const Index end = view.indptr[rows], width = static_cast<Index>(cols);
    bool in_range = true;
    for (Index p = 0; p < end; ++p) in_range &= view.indices[p] >= 0 && view.indices[p] < width;
    if (!in_range) {
        for (Index p = 0; p < end; ++p)
            if (view.indices[p] < 0 || view.indices[p] >= width)
                throw py::value_error("X.indices: expected column indices in [0, " +
                                      std::to_string(cols) + "), got " +
                                      std::to_string(view.indices[p]) + " at position " +
                                      std::to_string(p));
    }
    return view;
}

/// Checks X (dtype T: see matrix_is_float64) and calls f with it as a MatrixView<const T> (a
/// 2-D C-contiguous ndarray) or a CsrView<T, std::int32_t / std::int64_t> (a CSR matrix with
/// that index dtype); returns what f returns. X must have at least one row. The arrays stay
/// referenced until f returns. This is the one switch on the kind of X per call; everything
/// below it is compiled for each kind.
template <class T, class F>
decltype(auto) with_matrix(const py::handle& X, F&& f) {
    if (py::isinstance<py::array>(X)) {
        py::array a = checked_array<T>(X, "X", {-1, -1}, false);
        if (a.shape(0) == 0) throw py::value_error("X: expected at least one row, got 0");
        return f(MatrixView<const T>{static_cast<const T*>(a.data()),
                                     static_cast<std::size_t>(a.shape(0)),
                                     static_cast<std::size_t>(a.shape(1))});
    }
    matrix_is_float64(X);  // TypeError for anything but a CSR matrix
    const py::tuple shape = X.attr("shape").cast<py::tuple>();
    if (shape.size() != 2) throw py::value_error("X: expected a 2-D sparse matrix");
    const auto rows = shape[0].cast<py::ssize_t>(), cols = shape[1].cast<py::ssize_t>();
    if (rows == 0) throw py::value_error("X: expected at least one row, got 0");
    const CsrArrays arrays{as_ndarray(X.attr("data"), "X.data"),
                           as_ndarray(X.attr("indices"), "X.indices"),
                           as_ndarray(X.attr("indptr"), "X.indptr")};
    if (arrays.indices.dtype().kind() == 'i' && arrays.indices.itemsize() == 4)
        return f(checked_csr<T, std::int32_t>(arrays, rows, cols));
    return f(checked_csr<T, std::int64_t>(arrays, rows, cols));  // TypeError unless int64
}

/// Sample weights: nullptr for None, else an array of dtype T and shape (m,) whose entries
/// are finite and >= 0 with a positive sum.
template <class T>
const T* checked_sample_weight(const py::handle& obj, std::size_t m) {
    if (obj.is_none()) return nullptr;
    const T* weights = input_data<T>(obj, "sample_weight", {static_cast<py::ssize_t>(m)});
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
        const double s = static_cast<double>(weights[i]);
        if (!(s >= 0.0 && std::isfinite(s)))
            throw py::value_error("sample_weight: expected finite weights >= 0, got " +
                                  number_text(weights[i]) + " at index " + std::to_string(i));
        total += s;
    }
    if (!(total > 0.0)) throw py::value_error("sample_weight: the weights must have a positive sum");
    return weights;
}

/// The batch's rows: empty for None (all rows in order), else a non-empty int64 array of
/// row numbers in [0, m), copied to std::size_t.
inline std::vector<std::size_t> checked_rows(const py::handle& obj, std::size_t m) {
    if (obj.is_none()) return {};
    py::array a = checked_index_array<std::int64_t>(obj, "rows", -1);
    const auto* rows = static_cast<const std::int64_t*>(a.data());
    const auto count = static_cast<std::size_t>(a.shape(0));
    if (count == 0) throw py::value_error("rows: expected at least one row number, got none");
    std::vector<std::size_t> out(count);
    for (std::size_t k = 0; k < count; ++k) {
        if (rows[k] < 0 || static_cast<std::size_t>(rows[k]) >= m)
            throw py::value_error("rows: expected row numbers in [0, " + std::to_string(m) +
                                  "), got " + std::to_string(rows[k]) + " at index " +
                                  std::to_string(k));
        out[k] = static_cast<std::size_t>(rows[k]);
    }
    return out;
}

/// Row numbers that must be distinct and disjoint from another set: an int64 1-D array of at
/// least one entry in [0, m), copied to std::size_t. `taken` (m flags) is shared between the
/// sets: this one marks its rows with `mark`, and a row already marked otherwise belongs to the
/// set named `other`. Empty for None.
inline std::vector<std::size_t> checked_distinct_rows(const py::handle& obj, const char* name,
                                                      std::size_t m, std::vector<char>& taken,
                                                      char mark, const char* other) {
    if (obj.is_none()) return {};
    py::array a = checked_index_array<std::int64_t>(obj, name, -1);
    const auto* rows = static_cast<const std::int64_t*>(a.data());
    const auto count = static_cast<std::size_t>(a.shape(0));
    if (count == 0)
        throw py::value_error(std::string(name) + ": expected at least one row number, got none");
    std::vector<std::size_t> out(count);
    for (std::size_t k = 0; k < count; ++k) {
        if (rows[k] < 0 || static_cast<std::size_t>(rows[k]) >= m)
            throw py::value_error(std::string(name) + ": expected row numbers in [0, " +
                                  std::to_string(m) + "), got " + std::to_string(rows[k]) +
                                  " at index " + std::to_string(k));
        const auto i = static_cast<std::size_t>(rows[k]);
        if (taken[i] == mark)
            throw py::value_error(std::string(name) + ": expected distinct row numbers, got row " +
                                  std::to_string(i) + " twice (again at index " +
                                  std::to_string(k) + ")");
        if (taken[i] != 0)
            throw py::value_error(std::string(name) + ": expected rows disjoint from " + other +
                                  ", got row " + std::to_string(i) + " in both");
        taken[i] = mark;
        out[k] = i;
    }
    return out;
}

/// Column indices sorted within each row (non-decreasing, as scipy's has_sorted_indices):
/// ValueError naming X.indices otherwise. Dense X has nothing to check.
template <class T>
void check_sorted_indices(const MatrixView<const T>&) {}

template <class T, class Index>
void check_sorted_indices(const CsrView<T, Index>& X) {
    for (std::size_t i = 0; i < X.rows; ++i) {
        const std::size_t begin = X.row_begin(i), end = X.row_end(i);
        for (std::size_t p = begin; p + 1 < end; ++p)
            if (X.indices[p] > X.indices[p + 1])
                throw py::value_error(
                    "X.indices: expected column indices sorted within each row, got row " +
                    std::to_string(i) + " with column " + std::to_string(X.indices[p]) +
                    " before column " + std::to_string(X.indices[p + 1]) +
                    " (call X.sort_indices() once, or use X.sorted_indices())");
    }
}

/// The name of a penalty kind, as the Python API spells it.
inline const char* penalty_name(PenaltyKind kind) {
    switch (kind) {
        case PenaltyKind::none: return "none";
        case PenaltyKind::l2: return "l2";
        case PenaltyKind::l1: return "l1";
        case PenaltyKind::elasticnet: return "elasticnet";
    }
    return "unknown";
}

/// The penalty kind of a name: "none", "l2", "l1" or "elasticnet" (None, in Python, is "none");
/// ValueError naming `penalty` otherwise.
inline PenaltyKind penalty_from_name(const std::string& name) {
    for (PenaltyKind kind : {PenaltyKind::none, PenaltyKind::l2, PenaltyKind::l1, PenaltyKind::elasticnet})
        if (name == penalty_name(kind)) return kind;
    throw py::value_error("penalty: expected None, 'l2', 'l1' or 'elasticnet' (or 'none'), got '" +
                          name + "'");
}

/// ValueError for a penalty with an l1 part ('l1', or 'elasticnet' with l1_ratio > 0) under
/// any rule but plain SGD: the loop's proximal step soft-thresholds by lr lambda_1 after each
/// update, which makes the l1 optimum a fixed point only when the update is theta -= lr g.
/// With momentum (the steps add up to lr / (1 - momentum) per gradient) or a per-coordinate
/// step (adagrad, rmsprop, adam and its family) the fit would settle off the optimum.
inline void check_l1_rule(const Penalty& penalty, const Optimizer& rule, const py::handle& rule_obj) {
    if (penalty.l1_strength() == 0.0) return;
    const SGD* sgd = std::get_if<SGD>(&rule);
    if (sgd != nullptr && sgd->momentum == 0.0) return;
    const std::string given = sgd != nullptr ? "SGD with momentum " + number_text(sgd->momentum)
                                             : type_name(rule_obj);
    throw py::value_error(
        std::string("penalty: '") + penalty_name(penalty.kind) +
        "' (an l1 part, applied by a proximal step) needs the plain 'sgd' optimizer, without "
        "momentum; got optimizer " + given + " (its fit would settle off the l1 optimum). Use "
        "optimizer='sgd', or penalty='l2'");
}

/// Binary labels: an array of dtype T and shape (m,) holding only 0 and 1.
template <class T>
const T* checked_binary_labels(const py::handle& obj, std::size_t m) {
    const T* y = input_data<T>(obj, "y", {static_cast<py::ssize_t>(m)});
    for (std::size_t i = 0; i < m; ++i)
        if (!(y[i] == T(0) || y[i] == T(1)))
            throw py::value_error("y: expected labels 0 or 1, got " + number_text(y[i]) +
                                  " at index " + std::to_string(i));
    return y;
}

/// Class indices: an int64 array of shape (m,) with entries in [0, n_classes).
inline const std::int64_t* checked_class_indices(const py::handle& obj, std::size_t m,
                                                 std::size_t n_classes) {
    py::array a = checked_index_array<std::int64_t>(obj, "y", static_cast<py::ssize_t>(m));
    const auto* y = static_cast<const std::int64_t*>(a.data());
    for (std::size_t i = 0; i < m; ++i)
        if (y[i] < 0 || static_cast<std::size_t>(y[i]) >= n_classes)
            throw py::value_error("y: expected class indices in [0, " + std::to_string(n_classes) +
                                  "), got " + std::to_string(y[i]) + " at index " +
                                  std::to_string(i));
    return y;
}

}  // namespace descend::bindings
