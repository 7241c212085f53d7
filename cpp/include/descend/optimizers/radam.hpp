// RAdam (Liu et al.): Adam whose adaptive step is switched on, and rectified, only once the
// variance of the second-moment estimate is tractable; with L2 or decoupled weight decay, as
// in the algorithm box of torch.optim.RAdam.
#pragma once

#include "moments.hpp"
#include "rule.hpp"

namespace descend {

/// Hyperparameters of RAdam; names and defaults are torch.optim.RAdam's. State slots:
/// exp_avg m and exp_avg_sq v.
struct RAdam : BiasCorrectedRule<RAdam> {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    bool decoupled_weight_decay = false, maximize = false;

    static constexpr auto fields() {
        return std::tuple_cat(
            rows::adam_moments<RAdam>(),
            std::make_tuple(field("weight_decay", &RAdam::weight_decay, "lambda", finite_nonnegative),
                            rows::decoupled_weight_decay<RAdam>(), rows::maximize<RAdam>()));
    }

    static constexpr std::array state_names{"exp_avg", "exp_avg_sq"};
    using BiasCorrectedRule<RAdam>::step;

    //   g, m and v as in Moments (moments.hpp)
    //   theta = (1 - gamma lambda) * theta                  (decoupled only)
    //   rho_inf = 2 / (1 - beta2) - 1,  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    //   if rho_t > 5:
    //     r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    //     theta = theta - gamma r_t sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
    //   else:
    //     theta = theta - gamma / (1 - beta1^t) * m
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
        const auto coef = Moments<T>::of(*this);
        T* m = state[0];
        T* v = state[1];
        if (adaptive) {
            const T step_size = static_cast<T>(lr * rect * std::sqrt(bias2) / bias1);
            for (std::size_t i = 0; i < n; ++i) {
                const auto moments = coef.update(grad[i], param[i], m[i], v[i]);
                param[i] = coef.shrink * param[i] - step_size * moments.m / (std::sqrt(moments.v) + coef.epsilon);
            }
            return;
        }
        const T step_size = static_cast<T>(lr / bias1);
        for (std::size_t i = 0; i < n; ++i) {
            const auto moments = coef.update(grad[i], param[i], m[i], v[i]);
            param[i] = coef.shrink * param[i] - step_size * moments.m;
        }
    }
};

}  // namespace descend
