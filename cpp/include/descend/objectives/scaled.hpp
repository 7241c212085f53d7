// Feature scaling as a change of coordinates: an objective written in internal coordinates
// theta' in which every feature is centered and scaled, while X stays exactly as the caller
// gave it (never copied, never modified). Gradient methods converge at a speed set by the
// conditioning of the problem; on raw features (one column in the thousands, another in
// thousandths) a single step size cannot suit every coefficient. In theta' the problem is the
// one on standardized features, and the map between theta' and the caller's theta costs
// O(n_params) per step.
//
// Layout (as every linear objective): theta is (n_features + 1) x K row-major, K =
// n_intercepts() (1 for least squares, Huber and logistic, n_classes for softmax); row 0 holds
// the K intercepts b_k, row j + 1 the K coefficients w_jk of feature j. With per-feature
// offset mu_j and scale sigma_j > 0:
//   w_jk = theta'_jk / sigma_j
//   b_k  = b'_k - sum_j mu_j theta'_jk / sigma_j
// so that b + x . w = b' + ((x - mu) / sigma) . theta': the model sees the standardized
// features. A null offset means no centering (mu = 0), a null scale sigma = 1.
//
// Centering needs a fitted intercept (it moves the intercept). On CSR X, leave the offset
// null: with mu != 0 the internal gradient (g_jk - mu_j g_bk) / sigma_j of a sparse row is
// dense in every coordinate, so a sparse step would no longer touch only the row's nonzeros.
#pragma once

#include <cstddef>
#include <vector>

#include "penalties.hpp"
#include "validation.hpp"

namespace descend {

/// The per-feature affine map between internal and caller coordinates. Non-owning: the
/// arrays (n_features doubles each) must outlive every use.
struct FeatureScaling {
    const double* offset = nullptr;  ///< mu_j, or null: no centering
    const double* scale = nullptr;   ///< sigma_j > 0 (finite), or null: all ones

    /// mu_j (0 without offset).
    double mu(std::size_t j) const { return offset != nullptr ? offset[j] : 0.0; }
    /// sigma_j (1 without scale).
    double sigma(std::size_t j) const { return scale != nullptr ? scale[j] : 1.0; }
};

/// How far centering moves intercept k: sum_j mu_j v_jk, with v_jk = theta_jk / sigma_j
/// (`per_scale`: theta in internal coordinates) or theta_jk (caller coordinates); 0 without
/// offset.
template <class T>
double centering_shift(const FeatureScaling& scaling, std::size_t n_features, std::size_t K,
                       const T* theta, std::size_t k, bool per_scale) {
    if (scaling.offset == nullptr) return 0.0;
    double shift = 0.0;
    for (std::size_t j = 0; j < n_features; ++j)
        shift += scaling.offset[j] * static_cast<double>(theta[(j + 1) * K + k]) /
                 (per_scale ? scaling.sigma(j) : 1.0);
    return shift;
}

/// Caller coordinates from internal ones (n_features + 1 rows of K). `caller` may equal
/// `internal` (in place): the intercepts are computed first, from the internal coefficients.
//   b_k  = b'_k - sum_j mu_j theta'_jk / sigma_j
//   w_jk = theta'_jk / sigma_j
template <class T>
void scaled_to_caller(const FeatureScaling& scaling, std::size_t n_features, std::size_t K,
                      const T* internal, T* caller) {
    for (std::size_t k = 0; k < K; ++k)
        caller[k] = static_cast<T>(static_cast<double>(internal[k]) -
                                   centering_shift(scaling, n_features, K, internal, k, true));
    for (std::size_t j = 0; j < n_features; ++j) {
        const double inverse = 1.0 / scaling.sigma(j);
        for (std::size_t k = 0; k < K; ++k)
            caller[(j + 1) * K + k] =
                static_cast<T>(static_cast<double>(internal[(j + 1) * K + k]) * inverse);
    }
}

/// Internal coordinates from the caller's (the inverse map). `internal` may equal `caller`.
//   b'_k      = b_k + sum_j mu_j w_jk
//   theta'_jk = sigma_j w_jk
template <class T>
void caller_to_scaled(const FeatureScaling& scaling, std::size_t n_features, std::size_t K,
                      const T* caller, T* internal) {
    for (std::size_t k = 0; k < K; ++k)
        internal[k] = static_cast<T>(static_cast<double>(caller[k]) +
                                     centering_shift(scaling, n_features, K, caller, k, false));
    for (std::size_t j = 0; j < n_features; ++j) {
        const double sigma = scaling.sigma(j);
        for (std::size_t k = 0; k < K; ++k)
            internal[(j + 1) * K + k] =
                static_cast<T>(sigma * static_cast<double>(caller[(j + 1) * K + k]));
    }
}

/// The gradient in internal coordinates from the gradient g in caller coordinates, in place
/// (the chain rule through the map above; its transpose applied to g):
//   g'_bk = g_bk
//   g'_jk = (g_jk - mu_j g_bk) / sigma_j
inline void gradient_to_scaled(const FeatureScaling& scaling, std::size_t n_features,
                               std::size_t K, double* grad) {
    for (std::size_t j = 0; j < n_features; ++j) {
        const double mu = scaling.mu(j), inverse = 1.0 / scaling.sigma(j);
        double* g = grad + (j + 1) * K;
        for (std::size_t k = 0; k < K; ++k) g[k] = (g[k] - mu * grad[k]) * inverse;
    }
}

/// The element type of theta for an objective template Objective<T, Matrix> (LeastSquares,
/// Huber, Logistic, Softmax) and for Penalized<...> of one.
template <class Objective>
struct parameter_type;

template <template <class, class> class Objective, class T, class Matrix>
struct parameter_type<Objective<T, Matrix>> {
    using type = T;  ///< the element type of X, y and theta
};

template <class Objective>
struct parameter_type<Penalized<Objective>> : parameter_type<Objective> {};

/// An objective in internal coordinates: the same Objective concept (n_samples, n_params,
/// n_intercepts, loss_and_gradient) whose theta is theta' above. Its loss at theta' is the
/// wrapped objective's loss at the caller's theta, and its gradient is the chain rule's.
/// T is theta's element type (deduced for the library's objectives). Each call maps theta'
/// into a scratch buffer held by the object, so one Scaled object serves one thread at a time.
template <class Objective, class T = typename parameter_type<Objective>::type>
struct Scaled {
    Objective objective;     ///< the objective in the caller's coordinates (X as given)
    FeatureScaling scaling;  ///< mu and sigma, one per feature
    mutable std::vector<T> caller_theta{};  ///< scratch: theta in caller coordinates

    /// The wrapped objective's number of rows.
    std::size_t n_samples() const { return objective.n_samples(); }
    /// The wrapped objective's length of theta (the same in both coordinates).
    std::size_t n_params() const { return objective.n_params(); }
    /// K: the leading entries (row 0) holding the intercepts, never penalized.
    std::size_t n_intercepts() const { return objective.n_intercepts(); }
    /// Number of features: the rows of theta after row 0.
    std::size_t n_features() const { return n_params() / n_intercepts() - 1; }

    /// The wrapped objective's checks of its hyperparameters (validation.hpp), if it has any.
    void validate() const {
        if constexpr (has_validate<Objective>::value) objective.validate();
    }
    /// The wrapped objective's checks of its data set (X, y, the mean weight), if it has any.
    void validate_data() const {
        if constexpr (has_validate_data<Objective>::value) objective.validate_data();
    }

    /// theta (caller coordinates) from theta' (internal), into the scratch buffer.
    const T* to_caller(const T* theta) const {
        caller_theta.resize(n_params());
        scaled_to_caller(scaling, n_features(), n_intercepts(), theta, caller_theta.data());
        return caller_theta.data();
    }

    /// The wrapped objective's loss on the batch at the caller's theta, and the gradient with
    /// respect to theta' written to `grad` (n_params() doubles).
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const double loss = objective.loss_and_gradient(rows, count, to_caller(theta), grad);
        gradient_to_scaled(scaling, n_features(), n_intercepts(), grad);
        return loss;
    }

    /// alpha R(w) at theta' (for a Penalized objective): the penalty of the caller's w.
    double penalty_value(const T* theta) const {
        return objective.penalty_value(to_caller(theta));
    }
};

/// The solver's hook after each step for a penalized objective in internal coordinates: the
/// proximal map of lr lambda_1 sum_jk |theta'_jk| / sigma_j, which soft-thresholds feature
/// j's coefficients by lr lambda_1 / sigma_j (penalties.hpp's map, feature by feature; the
/// intercepts and, through them, the centering are untouched).
template <class Objective, class T, class U>
void apply_proximal_step(const Scaled<Penalized<Objective>, T>& scaled, U* theta, double lr) {
    const std::size_t K = scaled.n_intercepts();
    for (std::size_t j = 0; j < scaled.n_features(); ++j)
        proximal_step(scaled.objective.penalty, theta + (j + 1) * K, K, 0,
                      lr / scaled.scaling.sigma(j));
}

/// lambda_1 of a penalized objective in internal coordinates: its penalty's.
template <class Objective, class T>
double l1_strength_of(const Scaled<Penalized<Objective>, T>& scaled) {
    return scaled.objective.penalty.l1_strength();
}

}  // namespace descend
