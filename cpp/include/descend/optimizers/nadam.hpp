// NAdam (Dozat): Adam with Nesterov momentum and a momentum schedule, with L2 or decoupled
// weight decay, as in the algorithm box of torch.optim.NAdam.
#pragma once

#include "moments.hpp"
#include "rule.hpp"

namespace descend {

/// Hyperparameters of NAdam; names and defaults are torch.optim.NAdam's. State slots:
/// exp_avg m and exp_avg_sq v. torch also keeps the scalar mu_product = prod_{i<=t} mu_i in
/// its state; here it is recomputed from the step count (nadam_mu_product), so a state is
/// just arrays and a step count. The product assumes beta1 and momentum_decay were the same
/// in every step so far.
struct NAdam : UpdateRule<NAdam> {
    double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0,
        momentum_decay = 4e-3;
    bool decoupled_weight_decay = false, maximize = false;

    static constexpr auto fields() {
        return std::tuple_cat(
            rows::adam_moments<NAdam>(),
            std::make_tuple(field("weight_decay", &NAdam::weight_decay, "lambda", finite_nonnegative),
                            field("momentum_decay", &NAdam::momentum_decay,
                                  "psi, in mu_t = beta1 (1 - 0.96^(t psi) / 2)", finite_nonnegative),
                            rows::decoupled_weight_decay<NAdam>(), rows::maximize<NAdam>()));
    }

    static constexpr std::array state_names{"exp_avg", "exp_avg_sq"};

    /// mu_t = beta1 (1 - 0.96^(t psi) / 2), the momentum coefficient of step t.
    double mu(std::int64_t t) const {
        return beta1 * (1.0 - 0.5 * std::pow(0.96, static_cast<double>(t) * momentum_decay));
    }

    /// prod_{i=1}^{t} mu_i, one factor per step as torch accumulates it (0.96^(i psi) taken as a
    /// running power of 0.96^psi, within an ulp of torch's pow, at two multiplications). The loop
    /// stops once the product drops below 2^-54: from there on 1 - product (and 1 - product *
    /// mu_{t+1}) round to exactly 1 in double, so stopping changes no result. It also stops once
    /// the power drops to 2^-53: from there on 1 - power / 2 rounds to 1, every further factor
    /// is exactly beta1, and the rest of the product is beta1^(t - i) in closed form. So the
    /// work is bounded whatever t is: while the power is above 2^-53 each factor is at most
    /// 1 - power / 2, which takes the product below 2^-54 within a few thousand factors unless
    /// the power reaches 2^-53 first. With the defaults it takes about 50 factors.
    double mu_product(std::int64_t t) const {
        const double negligible = 0x1p-54;
        const double constant_factor = 0x1p-53;  // power at or below this: the factor is beta1
        const double decay = std::pow(0.96, momentum_decay);
        double power = 1.0, product = 1.0;
        std::int64_t i = 1;
        for (; i <= t && product >= negligible; ++i) {
            power *= decay;
            if (power <= constant_factor) break;
            product *= beta1 * (1.0 - 0.5 * power);
        }
        if (i <= t && product >= negligible) product *= std::pow(beta1, static_cast<double>(t - i + 1));
        return product;
    }

    //   g, m and v as in Moments (moments.hpp)
    //   theta = (1 - gamma lambda) * theta                  (decoupled only)
    //   theta = theta - gamma * (c_g g + c_m m) / (sqrt(v / (1 - beta2^t)) + eps)
    //     c_g = (1 - mu_t) / (1 - prod_{i<=t} mu_i),  c_m = mu_{t+1} / (1 - prod_{i<=t+1} mu_i)
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const double mu_t = mu(step), mu_next = mu(step + 1);
        const double product = mu_product(step);
        const T c_g = static_cast<T>(lr * (1.0 - mu_t) / (1.0 - product));
        const T c_m = static_cast<T>(lr * mu_next / (1.0 - product * mu_next));
        const T inv_bias2 = static_cast<T>(1.0 / (1.0 - std::pow(beta2, static_cast<double>(step))));
        const auto coef = Moments<T>::of(*this);
        T* m = state[0];
        T* v = state[1];
        for (std::size_t i = 0; i < n; ++i) {
            const auto moments = coef.update(grad[i], param[i], m[i], v[i]);
            param[i] = coef.shrink * param[i] - (c_g * moments.g + c_m * moments.m) /
                                                 (std::sqrt(moments.v * inv_bias2) + coef.epsilon);
        }
    }
};

}  // namespace descend
