// Adagrad (Duchi, Hazan & Singer): per-coordinate step sizes from the running sum of squared
// gradients, with learning-rate decay and L2 weight decay, as in the algorithm box of
// torch.optim.Adagrad.
#pragma once

#include "rule.hpp"

namespace descend {

/// Hyperparameters of Adagrad; names and defaults are torch.optim.Adagrad's. State: one slot,
/// the sum of squared gradients. Its content is ignored on step 1, which starts the sum from
/// initial_accumulator_value, so zero-filled state arrays are a valid start.
struct Adagrad : UpdateRule<Adagrad> {
    double lr = 1e-2, lr_decay = 0.0, weight_decay = 0.0, initial_accumulator_value = 0.0,
        eps = 1e-10;
    bool maximize = false;

    static constexpr auto fields() {
        return std::make_tuple(
            rows::lr<Adagrad>(),
            field("lr_decay", &Adagrad::lr_decay, "eta: gamma_t = gamma / (1 + (t - 1) eta)",
                  finite_nonnegative),
            rows::l2_weight_decay<Adagrad>(),
            field("initial_accumulator_value", &Adagrad::initial_accumulator_value,
                  "the sum before the first step", finite_nonnegative),
            rows::eps<Adagrad>(), rows::maximize<Adagrad>());
    }

    static constexpr std::array state_names{"sum"};

    //   g = (maximize ? -grad : grad) + lambda * theta
    //   sum = (t == 1 ? initial_accumulator_value : sum) + g^2
    //   theta = theta - gamma / (1 + (t - 1) eta) * g / (sqrt(sum) + eps)
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const T clr = static_cast<T>(lr / (1.0 + static_cast<double>(step - 1) * lr_decay));
        const T sign = maximize ? T(-1) : T(1);
        const T lambda = static_cast<T>(weight_decay);
        const T initial = static_cast<T>(initial_accumulator_value);
        const T epsilon = static_cast<T>(eps);
        const bool first = step <= 1;
        T* sum = state[0];
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda * param[i];
            const T s = (first ? initial : sum[i]) + g * g;
            sum[i] = s;
            param[i] -= clr * g / (std::sqrt(s) + epsilon);
        }
    }
};

}  // namespace descend
