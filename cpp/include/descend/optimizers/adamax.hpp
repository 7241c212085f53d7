// Adamax (Kingma & Ba): Adam with the infinity norm in place of the second moment, with L2
// weight decay and maximize, as in the algorithm box of torch.optim.Adamax.
#pragma once

#include "rule.hpp"

namespace descend {

/// Hyperparameters of Adamax; names and defaults are torch.optim.Adamax's. State slots:
/// exp_avg m and exp_inf u.
struct Adamax : BiasCorrectedRule<Adamax> {
    double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    bool maximize = false;

    static constexpr auto fields() {
        return std::make_tuple(
            rows::lr<Adamax>(), field("beta1", &Adamax::beta1, "decay of the first moment", below_one),
            field("beta2", &Adamax::beta2, "decay of the infinity norm", below_one),
            field("eps", &Adamax::eps, "added to |g|", finite_positive), rows::l2_weight_decay<Adamax>(),
            rows::maximize<Adamax>());
    }

    static constexpr std::array state_names{"exp_avg", "exp_inf"};
    using BiasCorrectedRule<Adamax>::step;

    /// The maximum propagates a NaN in |g|, as torch.maximum does; beta2^t is not used (the
    /// infinity norm u needs no bias correction).
    //   g = (maximize ? -grad : grad) + lambda * theta
    //   m = beta1 * m + (1 - beta1) * g
    //   u = max(beta2 * u, |g| + eps)
    //   theta = theta - gamma / (1 - beta1^t) * m / u
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t /*step*/,
              double beta1_t, double /*beta2_t*/) const {
        const T step_size = static_cast<T>(lr / (1.0 - beta1_t));
        const T sign = maximize ? T(-1) : T(1);
        const T lambda = static_cast<T>(weight_decay);
        const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T b2 = static_cast<T>(beta2);
        const T epsilon = static_cast<T>(eps);
        T* m = state[0];
        T* u = state[1];
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda * param[i];
            const T m_i = b1 * m[i] + one_minus_b1 * g;
            const T decayed = b2 * u[i];
            const T norm = std::fabs(g) + epsilon;
            const T u_i = decayed > norm ? decayed : norm;
            m[i] = m_i;
            u[i] = u_i;
            param[i] -= step_size * m_i / u_i;
        }
    }
};

}  // namespace descend
