// Adam (Kingma & Ba) with L2 or decoupled weight decay, AMSGrad and maximize, as in the
// algorithm box of torch.optim.Adam: bias-corrected first and second moments.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <tuple>

#include "field.hpp"

namespace descend {

/// Hyperparameters of Adam; names and defaults are torch.optim.Adam's. State slots:
/// exp_avg m, exp_avg_sq v, and with amsgrad max_exp_avg_sq, the running maximum of v.
struct Adam {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool amsgrad = false;
    bool maximize = false;
    bool decoupled_weight_decay = false;

    /// The hyperparameters, each once: name, member and meaning (defaults are the initializers
    /// above, bounds are checked by validate()); the Python type is made from this table.
    static constexpr auto fields() {
        return std::make_tuple(
            field("lr", &Adam::lr, "step size gamma"),
            field("beta1", &Adam::beta1, "decay of the first moment"),
            field("beta2", &Adam::beta2, "decay of the second moment"),
            field("eps", &Adam::eps, "added to the denominator"),
            field("weight_decay", &Adam::weight_decay, "lambda"),
            field("amsgrad", &Adam::amsgrad, "use the running maximum of v"),
            field("maximize", &Adam::maximize, "ascend instead of descend"),
            field("decoupled_weight_decay", &Adam::decoupled_weight_decay,
                  "shrink theta by gamma lambda (AdamW) instead of L2"));
    }

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const {
        if (!(lr >= 0.0 && std::isfinite(lr))) throw std::invalid_argument("lr must be finite and >= 0");
        if (!(beta1 >= 0.0 && beta1 < 1.0)) throw std::invalid_argument("beta1 must be in [0, 1)");
        if (!(beta2 >= 0.0 && beta2 < 1.0)) throw std::invalid_argument("beta2 must be in [0, 1)");
        if (!(eps > 0.0 && std::isfinite(eps))) throw std::invalid_argument("eps must be finite and > 0");
        if (!(weight_decay >= 0.0 && std::isfinite(weight_decay)))
            throw std::invalid_argument("weight_decay must be finite and >= 0");
    }

    /// Number of state arrays this configuration needs (each the size of the parameter).
    std::size_t state_slots() const { return amsgrad ? 3 : 2; }

    /// Name of state slot k (torch's state key).
    const char* state_name(std::size_t k) const {
        return k == 0 ? "exp_avg" : k == 1 ? "exp_avg_sq" : "max_exp_avg_sq";
    }

    /// One step over n parameters; `step` = t counts steps including this one (1 first).
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const double t = static_cast<double>(step);
        this->step(param, grad, state, n, step, std::pow(beta1, t), std::pow(beta2, t));
    }

    /// The same step given beta1^t and beta2^t (a loop keeps them as running products,
    /// bias_powers.hpp, instead of two pow per step).
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t /*step*/,
              double beta1_t, double beta2_t) const {
        if (amsgrad)
            update<T, true>(param, grad, state, n, beta1_t, beta2_t);
        else
            update<T, false>(param, grad, state, n, beta1_t, beta2_t);
    }

  private:
    // lambda_2 = decoupled ? 0 : lambda;  shrink = decoupled ? 1 - gamma lambda : 1
    //   g = (maximize ? -grad : grad) + lambda_2 * theta
    //   m = beta1 * m + (1 - beta1) * g
    //   v = beta2 * v + (1 - beta2) * g^2
    //   vmax = max(vmax, v)                          (amsgrad; then v -> vmax below)
    //   theta = shrink * theta - gamma / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    template <class T, bool Amsgrad>
    void update(T* param, const T* grad, T* const* state, std::size_t n, double beta1_t,
                double beta2_t) const {
        const T step_size = static_cast<T>(lr / (1.0 - beta1_t));
        const T inv_bias2_sqrt = static_cast<T>(1.0 / std::sqrt(1.0 - beta2_t));
        const T sign = maximize ? T(-1) : T(1);
        const T lambda2 = static_cast<T>(decoupled_weight_decay ? 0.0 : weight_decay);
        const T shrink = static_cast<T>(decoupled_weight_decay ? 1.0 - lr * weight_decay : 1.0);
        const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T b2 = static_cast<T>(beta2), one_minus_b2 = static_cast<T>(1.0 - beta2);
        const T epsilon = static_cast<T>(eps);
        T* m = state[0];
        T* v = state[1];
        T* vmax = Amsgrad ? state[2] : nullptr;
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda2 * param[i];
            const T m_i = b1 * m[i] + one_minus_b1 * g;
            T v_i = b2 * v[i] + one_minus_b2 * g * g;
            m[i] = m_i;
            v[i] = v_i;
            if constexpr (Amsgrad) {
                v_i = vmax[i] < v_i ? v_i : vmax[i];
                vmax[i] = v_i;
            }
            param[i] = shrink * param[i] - step_size * m_i / (std::sqrt(v_i) * inv_bias2_sqrt + epsilon);
        }
    }
};

}  // namespace descend
