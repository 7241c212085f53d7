// RMSprop (Hinton): steps scaled by a running average of squared gradients, optionally
// centered and with momentum, as in the algorithm box of torch.optim.RMSprop.
#pragma once

#include "rule.hpp"

namespace descend {

/// Hyperparameters of RMSprop; names and defaults are torch.optim.RMSprop's. State slots, in
/// this order: square_avg v; momentum_buffer b if momentum > 0; grad_avg if centered.
struct RMSprop : UpdateRule<RMSprop> {
    double lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0.0, momentum = 0.0;
    bool centered = false, maximize = false;

    static constexpr auto fields() {
        return std::make_tuple(
            rows::lr<RMSprop>(),
            field("alpha", &RMSprop::alpha, "smoothing constant of the averages", unit_interval),
            rows::eps<RMSprop>(), rows::l2_weight_decay<RMSprop>(),
            field("momentum", &RMSprop::momentum, "mu", finite_nonnegative),
            field("centered", &RMSprop::centered,
                  "divide by the estimated variance instead of the mean square"),
            rows::maximize<RMSprop>());
    }

    static constexpr std::array state_names{"square_avg", "momentum_buffer", "grad_avg"};
    /// momentum_buffer only with momentum > 0, grad_avg only when centered.
    std::size_t state_slots() const { return 1 + (momentum > 0.0 ? 1 : 0) + (centered ? 1 : 0); }
    const char* state_name(std::size_t k) const { return state_names[k == 1 && !(momentum > 0.0) ? 2 : k]; }

    /// `step` is unused: RMSprop has no bias correction.
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t /*step*/) const {
        const bool with_momentum = momentum > 0.0;
        if (centered) {
            if (with_momentum) update<T, true, true>(param, grad, state, n);
            else update<T, true, false>(param, grad, state, n);
        } else {
            if (with_momentum) update<T, false, true>(param, grad, state, n);
            else update<T, false, false>(param, grad, state, n);
        }
    }

  private:
    //   g = (maximize ? -grad : grad) + lambda * theta
    //   v = alpha * v + (1 - alpha) * g^2
    //   gbar = alpha * gbar + (1 - alpha) * g            (centered)
    //   d = sqrt(v - gbar^2) + eps  if centered,  sqrt(v) + eps  otherwise
    //   b = mu * b + g / d,  theta = theta - gamma * b     if momentum > 0
    //   theta = theta - gamma * g / d                      otherwise
    template <class T, bool Centered, bool Momentum>
    void update(T* param, const T* grad, T* const* state, std::size_t n) const {
        const T gamma = static_cast<T>(lr);
        const T a = static_cast<T>(alpha), one_minus_a = static_cast<T>(1.0 - alpha);
        const T sign = maximize ? T(-1) : T(1);
        const T lambda = static_cast<T>(weight_decay);
        const T epsilon = static_cast<T>(eps);
        const T mu = static_cast<T>(momentum);
        T* v = state[0];
        T* b = Momentum ? state[1] : nullptr;
        T* gbar = Centered ? state[Momentum ? 2 : 1] : nullptr;
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda * param[i];
            const T v_i = a * v[i] + one_minus_a * g * g;
            v[i] = v_i;
            T d;
            if constexpr (Centered) {
                const T gbar_i = a * gbar[i] + one_minus_a * g;
                gbar[i] = gbar_i;
                d = std::sqrt(v_i - gbar_i * gbar_i) + epsilon;
            } else {
                d = std::sqrt(v_i) + epsilon;
            }
            if constexpr (Momentum) {
                const T b_i = mu * b[i] + g / d;
                b[i] = b_i;
                param[i] -= gamma * b_i;
            } else {
                param[i] -= gamma * g / d;
            }
        }
    }
};

}  // namespace descend
