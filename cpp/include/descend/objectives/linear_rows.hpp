// What the objectives of a pointwise loss of a linear prediction z_i = b + x_i . w (least
// squares, Huber, logistic) share: their data set, their sizes, and the batch mean of their
// loss and gradient. Each objective adds only its pointwise loss (SquaredError, HuberPoint,
// LogisticPoint, with its formula), returned by its point().
#pragma once

#include <cstddef>

#include "../view.hpp"
#include "linear_pass.hpp"
#include "validation.hpp"

namespace descend {

/// The data set and the loss of a linear-prediction objective, the base of LeastSquares, Huber
/// and Logistic (Objective, the derived type, gives point()). An aggregate, so
/// `LeastSquares<double>{X, y, sample_weight, fit_intercept, mean_weight}` initializes the
/// fields in this order. theta = (intercept b, coefficients w).
template <class Objective, class T, class Matrix>
struct LinearRows {
    Matrix X;                            ///< features, one row per sample (dense or CSR)
    const T* y = nullptr;                ///< targets (labels 0 or 1 for Logistic), X.rows of them
    const T* sample_weight = nullptr;    ///< per-sample weights, or null for all ones
    bool fit_intercept = true;           ///< false: theta[0] is held at its value (zero)
    double mean_weight = 1.0;            ///< mean of the sample weights over the whole set

    /// Number of rows of X.
    std::size_t n_samples() const { return X.rows; }
    /// Length of theta: the intercept and one coefficient per column.
    std::size_t n_params() const { return X.cols + 1; }
    /// theta[0], the intercept, is never penalized.
    std::size_t n_intercepts() const { return 1; }

    /// Throws std::invalid_argument unless X has its values, y is there for X's rows and
    /// mean_weight is a finite number > 0 (validation.hpp; fit() calls it).
    void validate_data() const { validate_linear_data(X, y, mean_weight); }

    /// Mean loss over the batch, and its gradient written to `grad` (n_params() doubles):
    /// linear_pass.hpp's sums of the pointwise loss Objective::point() over the batch B,
    /// times 1 / (|B| * mean(s)) (least_squares.hpp says why).
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const auto point = static_cast<const Objective&>(*this).point();
        const double scale = 1.0 / (static_cast<double>(count) * mean_weight);
        return linear_loss_sums(X, y, sample_weight, theta, fit_intercept, rows, count, point,
                                grad, scale);
    }
};

}  // namespace descend
