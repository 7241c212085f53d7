// Adam (Kingma & Ba) with L2 or decoupled weight decay, AMSGrad and maximize, as in the
// algorithm box of torch.optim.Adam: bias-corrected first and second moments.
#pragma once

#include "moments.hpp"
#include "rule.hpp"

namespace descend {

/// Hyperparameters of Adam; names and defaults are torch.optim.Adam's. State slots:
/// exp_avg m, exp_avg_sq v, and with amsgrad max_exp_avg_sq, the running maximum of v.
struct Adam : BiasCorrectedRule<Adam> {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    bool amsgrad = false, maximize = false, decoupled_weight_decay = false;

    static constexpr auto fields() {
        return std::tuple_cat(
            rows::adam_moments<Adam>(),
            std::make_tuple(field("weight_decay", &Adam::weight_decay, "lambda", finite_nonnegative),
                            field("amsgrad", &Adam::amsgrad, "use the running maximum of v"),
                            rows::maximize<Adam>(),
                            field("decoupled_weight_decay", &Adam::decoupled_weight_decay,
                                  "shrink theta by gamma lambda (AdamW) instead of L2")));
    }

    static constexpr std::array state_names{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
    /// max_exp_avg_sq only with amsgrad.
    std::size_t state_slots() const { return amsgrad ? 3 : 2; }
    using BiasCorrectedRule<Adam>::step;

    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t /*step*/,
              double beta1_t, double beta2_t) const {
        if (amsgrad)
            update<T, true>(param, grad, state, n, beta1_t, beta2_t);
        else
            update<T, false>(param, grad, state, n, beta1_t, beta2_t);
    }

  private:
    // g, m and v as in Moments (moments.hpp), then
    //   vmax = max(vmax, v)                          (amsgrad; then v -> vmax below)
    //   theta = shrink * theta - gamma / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    template <class T, bool Amsgrad>
    void update(T* param, const T* grad, T* const* state, std::size_t n, double beta1_t,
                double beta2_t) const {
        const T step_size = static_cast<T>(lr / (1.0 - beta1_t));
        const T inv_bias2_sqrt = static_cast<T>(1.0 / std::sqrt(1.0 - beta2_t));
        const auto coef = Moments<T>::of(*this);
        T* m = state[0];
        T* v = state[1];
        T* vmax = Amsgrad ? state[2] : nullptr;
        for (std::size_t i = 0; i < n; ++i) {
            const auto moments = coef.update(grad[i], param[i], m[i], v[i]);
            T v_i = moments.v;
            if constexpr (Amsgrad) {
                v_i = vmax[i] < v_i ? v_i : vmax[i];
                vmax[i] = v_i;
            }
            param[i] = coef.shrink * param[i] - step_size * moments.m / (std::sqrt(v_i) * inv_bias2_sqrt + coef.epsilon);
        }
    }
};

}  // namespace descend
