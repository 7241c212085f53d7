// RAdam (Liu et al.): Adam whose adaptive step is switched on, and rectified, only once the
// variance of the second-moment estimate is tractable; with L2 or decoupled weight decay, as
// in the algorithm box of torch.optim.RAdam.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <tuple>

#include "field.hpp"

namespace descend {

/// Hyperparameters of RAdam; names and defaults are torch.optim.RAdam's. State slots:
/// exp_avg m and exp_avg_sq v.
struct RAdam {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool decoupled_weight_decay = false;
    bool maximize = false;

    /// The hyperparameters, each once: name, member and meaning (defaults are the initializers
    /// above, bounds are checked by validate()); the Python type is made from this table.
    static constexpr auto fields() {
        return std::make_tuple(
            field("lr", &RAdam::lr, "step size gamma"),
            field("beta1", &RAdam::beta1, "decay of the first moment"),
            field("beta2", &RAdam::beta2, "decay of the second moment"),
            field("eps", &RAdam::eps, "added to the denominator"),
            field("weight_decay", &RAdam::weight_decay, "lambda"),
            field("decoupled_weight_decay", &RAdam::decoupled_weight_decay,
                  "shrink theta by gamma lambda instead of L2"),
            field("maximize", &RAdam::maximize, "ascend instead of descend"));
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
    std::size_t state_slots() const { return 2; }

    /// Name of state slot k (torch's state key).
    const char* state_name(std::size_t k) const { return k == 0 ? "exp_avg" : "exp_avg_sq"; }

    /// One step over n parameters; `step` = t counts steps including this one (1 first).
    //   g = (maximize ? -grad : grad) + lambda_2 * theta    lambda_2 = decoupled ? 0 : lambda
    //   theta = (1 - gamma lambda) * theta                  (decoupled only)
    //   m = beta1 * m + (1 - beta1) * g
    //   v = beta2 * v + (1 - beta2) * g^2
    //   rho_inf = 2 / (1 - beta2) - 1,  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    //   if rho_t > 5:
    //     r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    //     theta = theta - gamma r_t sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
    //   else:
    //     theta = theta - gamma / (1 - beta1^t) * m
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const double t = static_cast<double>(step);
        this->step(param, grad, state, n, step, std::pow(beta1, t), std::pow(beta2, t));
    }

    /// The same step given beta1^t and beta2^t (a loop keeps them as running products,
    /// bias_powers.hpp, instead of pow).
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step,
              double beta1_t, double beta2_t) const {
        const double t = static_cast<double>(step);
        const double bias1 = 1.0 - beta1_t;
        const double bias2 = 1.0 - beta2_t;
        const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        const double rho_t = rho_inf - 2.0 * t * beta2_t / bias2;
        const bool adaptive = rho_t > 5.0;
        const double rect = adaptive ? std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                                                 ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                                     : 0.0;
        const T sign = maximize ? T(-1) : T(1);
        const T lambda2 = static_cast<T>(decoupled_weight_decay ? 0.0 : weight_decay);
        const T shrink = static_cast<T>(decoupled_weight_decay ? 1.0 - lr * weight_decay : 1.0);
        const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T b2 = static_cast<T>(beta2), one_minus_b2 = static_cast<T>(1.0 - beta2);
        const T epsilon = static_cast<T>(eps);
        T* m = state[0];
        T* v = state[1];
        if (adaptive) {
            const T step_size = static_cast<T>(lr * rect * std::sqrt(bias2) / bias1);
            for (std::size_t i = 0; i < n; ++i) {
                const T g = sign * grad[i] + lambda2 * param[i];
                const T m_i = b1 * m[i] + one_minus_b1 * g;
                const T v_i = b2 * v[i] + one_minus_b2 * g * g;
                m[i] = m_i;
                v[i] = v_i;
                param[i] = shrink * param[i] - step_size * m_i / (std::sqrt(v_i) + epsilon);
            }
            return;
        }
        const T step_size = static_cast<T>(lr / bias1);
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda2 * param[i];
            const T m_i = b1 * m[i] + one_minus_b1 * g;
            m[i] = m_i;
            v[i] = b2 * v[i] + one_minus_b2 * g * g;
            param[i] = shrink * param[i] - step_size * m_i;
        }
    }
};

}  // namespace descend
