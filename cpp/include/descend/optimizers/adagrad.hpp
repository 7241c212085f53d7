// Adagrad (Duchi, Hazan & Singer): per-coordinate step sizes from the running sum of squared
// gradients, with learning-rate decay and L2 weight decay, as in the algorithm box of
// torch.optim.Adagrad.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <tuple>

#include "field.hpp"

namespace descend {

/// Hyperparameters of Adagrad; names and defaults are torch.optim.Adagrad's. State: one slot,
/// the sum of squared gradients. Its content is ignored on step 1, which starts the sum from
/// initial_accumulator_value, so zero-filled state arrays are a valid start.
struct Adagrad {
    double lr = 1e-2;
    double lr_decay = 0.0;
    double weight_decay = 0.0;
    double initial_accumulator_value = 0.0;
    double eps = 1e-10;
    bool maximize = false;

    /// The hyperparameters, each once: name, member and meaning (defaults are the initializers
    /// above, bounds are checked by validate()); the Python type is made from this table.
    static constexpr auto fields() {
        return std::make_tuple(
            field("lr", &Adagrad::lr, "step size gamma"),
            field("lr_decay", &Adagrad::lr_decay, "eta: gamma_t = gamma / (1 + (t - 1) eta)"),
            field("weight_decay", &Adagrad::weight_decay,
                  "lambda (L2 penalty added to the gradient)"),
            field("initial_accumulator_value", &Adagrad::initial_accumulator_value,
                  "the sum before the first step"),
            field("eps", &Adagrad::eps, "added to the denominator"),
            field("maximize", &Adagrad::maximize, "ascend instead of descend"));
    }

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const {
        if (!(lr >= 0.0 && std::isfinite(lr))) throw std::invalid_argument("lr must be finite and >= 0");
        if (!(lr_decay >= 0.0 && std::isfinite(lr_decay)))
            throw std::invalid_argument("lr_decay must be finite and >= 0");
        if (!(weight_decay >= 0.0 && std::isfinite(weight_decay)))
            throw std::invalid_argument("weight_decay must be finite and >= 0");
        if (!(initial_accumulator_value >= 0.0 && std::isfinite(initial_accumulator_value)))
            throw std::invalid_argument("initial_accumulator_value must be finite and >= 0");
        if (!(eps > 0.0 && std::isfinite(eps))) throw std::invalid_argument("eps must be finite and > 0");
    }

    /// Number of state arrays this configuration needs (each the size of the parameter).
    std::size_t state_slots() const { return 1; }

    /// Name of state slot k (torch's state key).
    const char* state_name(std::size_t) const { return "sum"; }

    /// One step over n parameters; `step` = t counts steps including this one (1 first).
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
