// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): the sign of an
// interpolation of the momentum and the gradient, with decoupled weight decay and maximize.
// Names and defaults are those of the widely used PyTorch implementation (lion-pytorch).
#pragma once

#include "rule.hpp"

namespace descend {

/// Hyperparameters of Lion. State slot: exp_avg m. Every coordinate moves by exactly lr
/// (plus the weight decay), so lr is typically 3-10x smaller than Adam's.
struct Lion : UpdateRule<Lion> {
    double lr = 1e-4, beta1 = 0.9, beta2 = 0.99, weight_decay = 0.0;
    bool maximize = false;

    static constexpr auto fields() {
        return std::make_tuple(
            rows::lr<Lion>(),
            field("beta1", &Lion::beta1, "weight of m in the interpolation that is signed", unit_interval),
            field("beta2", &Lion::beta2, "decay of the momentum m", unit_interval),
            field("weight_decay", &Lion::weight_decay, "lambda, decoupled: theta shrinks by gamma lambda",
                  finite_nonnegative),
            rows::maximize<Lion>());
    }

    static constexpr std::array state_names{"exp_avg"};

    /// One step over n parameters (Lion has no bias correction: `step` is not used).
    //   g = maximize ? -grad : grad
    //   c = beta1 * m + (1 - beta1) * g
    //   theta = (1 - gamma lambda) * theta - gamma * sign(c)      (sign(0) = 0, sign(NaN) = NaN)
    //   m = beta2 * m + (1 - beta2) * g
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t) const {
        const T sign = maximize ? T(-1) : T(1);
        const T gamma = static_cast<T>(lr);
        const T shrink = static_cast<T>(1.0 - lr * weight_decay);
        const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T b2 = static_cast<T>(beta2), one_minus_b2 = static_cast<T>(1.0 - beta2);
        T* m = state[0];
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i];
            const T c = b1 * m[i] + one_minus_b1 * g;
            const T direction = c > T(0) ? T(1) : c < T(0) ? T(-1) : c;  // 0 and NaN as they are
            param[i] = shrink * param[i] - gamma * direction;
            m[i] = b2 * m[i] + one_minus_b2 * g;
        }
    }
};

}  // namespace descend
