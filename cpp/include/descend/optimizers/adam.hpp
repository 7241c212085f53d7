// Adam (Kingma & Ba), with L2 weight decay, AMSGrad and maximize, as in the algorithm box of
// torch.optim.Adam: bias-corrected first and second moments.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace descend {

/// Hyperparameters of Adam; defaults are torch.optim.Adam's. State slots: exp_avg m,
/// exp_avg_sq v, and with amsgrad the running maximum of v.
struct Adam {
    double lr = 1e-3;            ///< step size gamma
    double beta1 = 0.9;          ///< decay of the first moment
    double beta2 = 0.999;        ///< decay of the second moment
    double eps = 1e-8;           ///< added to the denominator
    double weight_decay = 0.0;   ///< lambda (L2 penalty added to the gradient)
    bool amsgrad = false;        ///< use the running maximum of v
    bool maximize = false;       ///< ascend instead of descend

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const {
        if (!(lr >= 0.0)) throw std::invalid_argument("lr must be >= 0");
        if (!(beta1 >= 0.0 && beta1 < 1.0)) throw std::invalid_argument("beta1 must be in [0, 1)");
        if (!(beta2 >= 0.0 && beta2 < 1.0)) throw std::invalid_argument("beta2 must be in [0, 1)");
        if (!(eps > 0.0)) throw std::invalid_argument("eps must be > 0");
        if (!(weight_decay >= 0.0)) throw std::invalid_argument("weight_decay must be >= 0");
    }

    /// Number of state arrays this configuration needs (each the size of the parameter).
    std::size_t state_slots() const { return amsgrad ? 3 : 2; }

    /// One step over n parameters; `step` = t counts steps including this one (1 first).
    //   g = (maximize ? -grad : grad) + lambda * theta
    //   m = beta1 * m + (1 - beta1) * g
    //   v = beta2 * v + (1 - beta2) * g^2
    //   vmax = max(vmax, v)                          (amsgrad; then v -> vmax below)
    //   theta = theta - gamma / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const double t = static_cast<double>(step);
        const T step_size = static_cast<T>(lr / (1.0 - std::pow(beta1, t)));
        const T inv_bias2_sqrt = static_cast<T>(1.0 / std::sqrt(1.0 - std::pow(beta2, t)));
        const T sign = maximize ? T(-1) : T(1);
        const T lambda = static_cast<T>(weight_decay);
        const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T b2 = static_cast<T>(beta2), one_minus_b2 = static_cast<T>(1.0 - beta2);
        const T epsilon = static_cast<T>(eps);
        T* m = state[0];
        T* v = state[1];
        if (amsgrad) {
            T* vmax = state[2];
            for (std::size_t i = 0; i < n; ++i) {
                const T g = sign * grad[i] + lambda * param[i];
                m[i] = b1 * m[i] + one_minus_b1 * g;
                v[i] = b2 * v[i] + one_minus_b2 * g * g;
                vmax[i] = vmax[i] < v[i] ? v[i] : vmax[i];
                param[i] -= step_size * m[i] / (std::sqrt(vmax[i]) * inv_bias2_sqrt + epsilon);
            }
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda * param[i];
            m[i] = b1 * m[i] + one_minus_b1 * g;
            v[i] = b2 * v[i] + one_minus_b2 * g * g;
            param[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_bias2_sqrt + epsilon);
        }
    }
};

}  // namespace descend
