// Adam (Kingma & Ba) with L2 or decoupled weight decay, AMSGrad and maximize, as in the
// algorithm box of torch.optim.Adam: bias-corrected first and second moments.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>

#include "field.hpp"
#include "moments.hpp"
#include "rows.hpp"

namespace descend {

/// Hyperparameters of Adam; names and defaults are torch.optim.Adam's. State slots:
/// exp_avg m, exp_avg_sq v, and with amsgrad max_exp_avg_sq, the running maximum of v.
struct Adam {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool amsgrad = false;
    bool maximize = false;
    bool decoupled_weight_decay = false;

    /// The hyperparameters, each once: name, member, meaning and bounds (defaults are the
    /// initializers above); the Python type is made from this table.
    static constexpr auto fields() {
        return std::tuple_cat(
            rows::adam_moments<Adam>(),
            std::make_tuple(field("weight_decay", &Adam::weight_decay, "lambda", finite_nonnegative),
                            field("amsgrad", &Adam::amsgrad, "use the running maximum of v"),
                            rows::maximize<Adam>(),
                            field("decoupled_weight_decay", &Adam::decoupled_weight_decay,
                                  "shrink theta by gamma lambda (AdamW) instead of L2")));
    }

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const { check_fields(*this); }

    /// Number of state arrays this configuration needs (each the size of the parameter).
    std::size_t state_slots() const { return amsgrad ? 3 : 2; }

    /// Name of state slot k (torch's state key).
    const char* state_name(std::size_t k) const {
        return k == 0 ? "exp_avg" : k == 1 ? "exp_avg_sq" : "max_exp_avg_sq";
    }

    /// One step over n parameters; `step` = t counts steps including this one (1 first).
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const double t = static_cast<double>(step);
        this->step(param, grad, state, n, step, std::pow(beta1, t), std::pow(beta2, t));
    }

    /// The same step given beta1^t and beta2^t (a loop keeps them as running products,
    /// bias_powers.hpp, instead of two pow per step).
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
