// AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the parameters directly
// instead of entering the moments, as in the algorithm box of torch.optim.AdamW.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>

#include "adam.hpp"
#include "field.hpp"
#include "rows.hpp"

namespace descend {

/// Hyperparameters of AdamW; names and defaults are torch.optim.AdamW's (weight_decay 1e-2).
/// State slots as Adam's: exp_avg m, exp_avg_sq v, and with amsgrad max_exp_avg_sq.
struct AdamW {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    bool amsgrad = false;
    bool maximize = false;

    /// The hyperparameters, each once: name, member, meaning and bounds (defaults are the
    /// initializers above); the Python type is made from this table.
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
    Adam as_adam() const { return Adam{lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, true}; }

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const { check_fields(*this); }

    /// Number of state arrays this configuration needs (each the size of the parameter).
    std::size_t state_slots() const { return amsgrad ? 3 : 2; }

    /// Name of state slot k (torch's state key).
    const char* state_name(std::size_t k) const { return as_adam().state_name(k); }

    /// One step over n parameters; `step` = t counts steps including this one (1 first). The
    /// loop is Adam's (adam.hpp) with decoupled weight decay:
    //   g = maximize ? -grad : grad
    //   theta = theta - gamma * lambda * theta
    //   m = beta1 * m + (1 - beta1) * g
    //   v = beta2 * v + (1 - beta2) * g^2
    //   vmax = max(vmax, v)                          (amsgrad; then v -> vmax below)
    //   theta = theta - gamma / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        as_adam().step(param, grad, state, n, step);
    }

    /// The same step given beta1^t and beta2^t (see Adam).
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step,
              double beta1_t, double beta2_t) const {
        as_adam().step(param, grad, state, n, step, beta1_t, beta2_t);
    }
};

}  // namespace descend
