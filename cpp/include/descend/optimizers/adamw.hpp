// AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the parameters directly
// instead of entering the moments, as in the algorithm box of torch.optim.AdamW.
#pragma once

#include "adam.hpp"
#include "rule.hpp"

namespace descend {

/// Hyperparameters of AdamW; names and defaults are torch.optim.AdamW's (weight_decay 1e-2).
/// State slots as Adam's: exp_avg m, exp_avg_sq v, and with amsgrad max_exp_avg_sq.
struct AdamW : BiasCorrectedRule<AdamW> {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 1e-2;
    bool amsgrad = false, maximize = false;

    static constexpr auto fields() {
        return std::tuple_cat(
            rows::adam_moments<AdamW>(),
            std::make_tuple(field("weight_decay", &AdamW::weight_decay,
                                  "lambda: theta shrinks by gamma lambda theta each step",
                                  finite_nonnegative),
                            field("amsgrad", &AdamW::amsgrad, "use the running maximum of v"),
                            rows::maximize<AdamW>()));
    }

    /// The same rule as an Adam with decoupled_weight_decay.
    Adam as_adam() const { return Adam{{}, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, true}; }

    static constexpr auto state_names = Adam::state_names;
    std::size_t state_slots() const { return as_adam().state_slots(); }
    using BiasCorrectedRule<AdamW>::step;

    /// The loop is Adam's (adam.hpp) with decoupled weight decay:
    //   g = maximize ? -grad : grad
    //   theta = theta - gamma * lambda * theta
    //   m = beta1 * m + (1 - beta1) * g
    //   v = beta2 * v + (1 - beta2) * g^2
    //   vmax = max(vmax, v)                          (amsgrad; then v -> vmax below)
    //   theta = theta - gamma / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step,
              double beta1_t, double beta2_t) const {
        as_adam().step(param, grad, state, n, step, beta1_t, beta2_t);
    }
};

}  // namespace descend
