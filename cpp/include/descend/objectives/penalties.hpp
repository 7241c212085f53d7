// Penalties on the coefficients, as in scikit-learn's SGD: the objective is
//   F(theta) = L(theta) + alpha R(w)
//   R(w) = ||w||^2 / 2                                        (l2)
//   R(w) = ||w||_1                                            (l1)
//   R(w) = l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2 / 2      (elasticnet)
// where w is theta without its intercepts: the first n_intercepts() entries of theta (theta[0]
// of a linear model, row 0 of a softmax block) are never penalized. The smooth l2 part goes
// into the gradient; the l1 part is applied after each optimizer step by its proximal map,
// soft-thresholding by lr * alpha * l1_ratio, which sets small coefficients to exact zeros.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "../simd.hpp"
#include "validation.hpp"

namespace descend {

/// Which penalty R is.
enum class PenaltyKind {
    none,        ///< R = 0
    l2,          ///< R = ||w||^2 / 2
    l1,          ///< R = ||w||_1
    elasticnet,  ///< R = l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2 / 2
};

/// Hyperparameters of the penalty; defaults are scikit-learn SGD's (alpha 1e-4, l1_ratio 0.15).
struct Penalty {
    PenaltyKind kind = PenaltyKind::none;  ///< the form of R
    double alpha = 1e-4;                   ///< strength: F = L + alpha R
    double l1_ratio = 0.15;                ///< elasticnet's mix of l1 in R (ignored otherwise)

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const {
        if (!(alpha >= 0.0 && std::isfinite(alpha)))
            throw std::invalid_argument("alpha must be a finite number >= 0");
        if (!(l1_ratio >= 0.0 && l1_ratio <= 1.0))
            throw std::invalid_argument("l1_ratio must be in [0, 1]");
    }

    /// lambda_1, the weight of ||w||_1 in alpha R.
    double l1_strength() const {
        return kind == PenaltyKind::l1 ? alpha
               : kind == PenaltyKind::elasticnet ? alpha * l1_ratio
                                                 : 0.0;
    }

    /// lambda_2, the weight of ||w||^2 / 2 in alpha R.
    double l2_strength() const {
        return kind == PenaltyKind::l2 ? alpha
               : kind == PenaltyKind::elasticnet ? alpha * (1.0 - l1_ratio)
                                                 : 0.0;
    }
};

/// alpha R(w) over w = theta[skip .. n) for the strengths l1 = lambda_1, l2 = lambda_2:
//   alpha R(w) = lambda_1 sum_j |w_j| + lambda_2 / 2 sum_j w_j^2
template <class T>
double penalty_sums(double l1, double l2, const T* theta, std::size_t n, std::size_t skip) {
    double abs_sum = 0.0, square_sum = 0.0;
    DESCEND_SIMD(reduction(+ : abs_sum, square_sum))
    for (std::size_t j = skip; j < n; ++j) {
        const double w = static_cast<double>(theta[j]);
        abs_sum += std::fabs(w);
        square_sum += w * w;
    }
    return l1 * abs_sum + 0.5 * l2 * square_sum;
}

/// alpha R(w) over w = theta[skip .. n) (penalty_sums), 0 without a penalty: a test small
/// enough to inline, so that the full-batch loop, which asks every epoch, makes no call for
/// penalty "none" (on the tutorial's 100 x 1 GD, about 2 ns of a 50 ns epoch).
template <class T>
double penalty_value(const Penalty& penalty, const T* theta, std::size_t n, std::size_t skip) {
    const double l1 = penalty.l1_strength(), l2 = penalty.l2_strength();
    if (l1 == 0.0 && l2 == 0.0) return 0.0;
    return penalty_sums(l1, l2, theta, n, skip);
}

/// Adds the gradient of the smooth (l2) part to grad[skip .. n):
//   grad_j += lambda_2 w_j
/// The l1 part is not differentiable at 0; proximal_step applies it.
template <class T, class G>
void add_penalty_gradient(const Penalty& penalty, const T* theta, std::size_t n,
                          std::size_t skip, G* grad) {
    const double l2 = penalty.l2_strength();
    if (l2 == 0.0) return;
    DESCEND_SIMD()
    for (std::size_t j = skip; j < n; ++j)
        grad[j] = static_cast<G>(static_cast<double>(grad[j]) + l2 * static_cast<double>(theta[j]));
}

/// The proximal map of lr * lambda_1 ||w||_1 on theta[skip .. n), in place (soft-thresholding):
//   w_j = w_j - t  if w_j > t,   w_j + t  if w_j < -t,   0 otherwise,   t = lr lambda_1
/// Coefficients within t of zero become exactly +0.
template <class T>
void proximal_step(const Penalty& penalty, T* theta, std::size_t n, std::size_t skip, double lr) {
    const T t = static_cast<T>(lr * penalty.l1_strength());
    if (!(t > T(0))) return;
    DESCEND_SIMD()
    for (std::size_t j = skip; j < n; ++j) {
        const T w = theta[j];
        theta[j] = w > t ? w - t : (w < -t ? w + t : T(0));
    }
}

/// An objective with a penalty: the same Objective concept (n_samples, n_params,
/// n_intercepts, loss_and_gradient), whose loss is F = L + alpha R(w) and whose gradient
/// includes the l2 part, plus proximal_step(theta, lr) for the l1 part, which the solver
/// calls after each optimizer step (see apply_proximal_step).
template <class Objective>
struct Penalized {
    Objective objective;  ///< the data term L
    Penalty penalty;      ///< alpha R

    /// The data term's number of rows.
    std::size_t n_samples() const { return objective.n_samples(); }
    /// The data term's length of theta.
    std::size_t n_params() const { return objective.n_params(); }
    /// The data term's leading entries of theta that are never penalized.
    std::size_t n_intercepts() const { return objective.n_intercepts(); }

    /// Throws std::invalid_argument for an impossible penalty, or for what the data term's
    /// own checks refuse (validation.hpp).
    void validate() const {
        penalty.validate();
        validate_objective(objective);
    }

    /// alpha R(w) at theta.
    template <class T>
    double penalty_value(const T* theta) const {
        return descend::penalty_value(penalty, theta, n_params(), n_intercepts());
    }

    /// grad += gradient of the l2 part of alpha R at theta.
    template <class T>
    void add_penalty_gradient(const T* theta, double* grad) const {
        descend::add_penalty_gradient(penalty, theta, n_params(), n_intercepts(), grad);
    }

    /// The l1 part's proximal map with step size lr, in place on theta.
    template <class T>
    void proximal_step(T* theta, double lr) const {
        descend::proximal_step(penalty, theta, n_params(), n_intercepts(), lr);
    }

    /// Mean loss over the batch plus alpha R(w), and the gradient of the batch loss plus the
    /// l2 part of alpha R, written to `grad` (n_params() doubles).
    template <class T>
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const double loss = objective.loss_and_gradient(rows, count, theta, grad);
        add_penalty_gradient(theta, grad);
        return loss + penalty_value(theta);
    }
};

/// The solver's hook after each optimizer step: does nothing for an objective without a
/// penalty...
template <class Objective, class T>
void apply_proximal_step(const Objective&, T*, double) {}

/// ... and applies the l1 proximal map with the step's learning rate for a Penalized one.
template <class Objective, class T>
void apply_proximal_step(const Penalized<Objective>& objective, T* theta, double lr) {
    objective.proximal_step(theta, lr);
}

/// lambda_1, the weight of the l1 part in the objective: 0 without a penalty ...
template <class Objective>
double l1_strength_of(const Objective&) {
    return 0.0;
}

/// ... and the penalty's for a Penalized one.
template <class Objective>
double l1_strength_of(const Penalized<Objective>& objective) {
    return objective.penalty.l1_strength();
}

}  // namespace descend
