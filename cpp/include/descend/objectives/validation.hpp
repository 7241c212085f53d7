// The checks an objective offers, which fit() runs before anything changes: validate() for its
// hyperparameters (Huber's epsilon, a penalty), validate_data() for its data set (the pointers
// the passes read and the mean weight). Both are optional: an objective of a user's own needs
// neither. Only O(1) checks: the values themselves (NaN, labels) are the caller's to scan.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "../view.hpp"
#include "csr.hpp"

namespace descend {

template <class Objective, class = void>
struct has_validate : std::false_type {};
template <class Objective>
struct has_validate<Objective, std::void_t<decltype(std::declval<const Objective&>().validate())>>
    : std::true_type {};

template <class Objective, class = void>
struct has_validate_data : std::false_type {};
template <class Objective>
struct has_validate_data<
    Objective, std::void_t<decltype(std::declval<const Objective&>().validate_data())>>
    : std::true_type {};

/// Runs the objective's validate() and validate_data(), those it has (std::invalid_argument).
template <class Objective>
void validate_objective(const Objective& objective) {
    if constexpr (has_validate<Objective>::value) objective.validate();
    if constexpr (has_validate_data<Objective>::value) objective.validate_data();
}

/// Whether a dense X has its values: a data pointer unless it holds no element ...
template <class T>
bool has_values(const MatrixView<T>& X) {
    return X.data != nullptr || X.rows == 0 || X.cols == 0;
}

/// ... and a CSR X its row offsets (for any row), and its values and columns once it stores
/// any (indptr[rows] > 0).
template <class T, class Index>
bool has_values(const CsrView<T, Index>& X) {
    if (X.rows == 0) return true;
    if (X.indptr == nullptr) return false;
    return X.indptr[X.rows] == 0 || (X.data != nullptr && X.indices != nullptr);
}

/// The checks of a linear data set (linear_rows.hpp, softmax.hpp): X's values, a target for
/// every row, and a finite mean weight > 0 (the normalization of the weighted mean).
template <class Matrix, class Target>
void validate_linear_data(const Matrix& X, const Target* y, double mean_weight) {
    if (!has_values(X))
        throw std::invalid_argument("X: expected the values of its " + std::to_string(X.rows) +
                                    " rows, got a null pointer");
    if (X.rows > 0 && y == nullptr)
        throw std::invalid_argument("y: expected a target for each of X's " +
                                    std::to_string(X.rows) + " rows, got a null pointer");
    if (!(mean_weight > 0.0 && std::isfinite(mean_weight)))
        throw std::invalid_argument("mean_weight must be a finite number > 0, got " +
                                    std::to_string(mean_weight));
}

}  // namespace descend
