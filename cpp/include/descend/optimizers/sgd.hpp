// Stochastic gradient descent with momentum, dampening, Nesterov momentum, L2 weight decay and
// maximize, as torch.optim.SGD computes it.
#pragma once

#include <stdexcept>

#include "rule.hpp"

namespace descend {

/// Hyperparameters of SGD; names and defaults are torch.optim.SGD's. State: one slot, the
/// momentum buffer b, used only when momentum != 0; its content is ignored on step 1.
struct SGD : UpdateRule<SGD> {
    double lr = 1e-3, momentum = 0.0, dampening = 0.0, weight_decay = 0.0;
    bool nesterov = false, maximize = false;

    static constexpr auto fields() {
        return std::make_tuple(rows::lr<SGD>(), field("momentum", &SGD::momentum, "mu", finite_nonnegative),
                               field("dampening", &SGD::dampening, "tau", unit_interval),
                               rows::l2_weight_decay<SGD>(),
                               field("nesterov", &SGD::nesterov, "use Nesterov momentum"),
                               rows::maximize<SGD>());
    }

    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const {
        check_fields(*this);
        if (nesterov && (momentum <= 0.0 || dampening != 0.0))
            throw std::invalid_argument("nesterov requires momentum > 0 and dampening = 0");
    }

    static constexpr std::array state_names{"momentum_buffer"};
    /// Used only with momentum.
    std::size_t state_slots() const { return momentum != 0.0 ? 1 : 0; }

    /// maximize negates the gradient before anything else, as torch's implementation does (its
    /// algorithm box adds gamma g at the end instead, which differs when weight_decay != 0).
    //   g  = (maximize ? -grad : grad) + lambda * theta
    //   b  = g                       if step == 1
    //   b  = mu * b + (1 - tau) * g  otherwise
    //   g  = g + mu * b  (nesterov)  or  g = b
    //   theta = theta - gamma * g
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const T sign = maximize ? T(-1) : T(1);
        const T lambda = static_cast<T>(weight_decay);
        const T gamma = static_cast<T>(lr);
        if (momentum == 0.0) {
            for (std::size_t i = 0; i < n; ++i) {
                const T g = sign * grad[i] + lambda * param[i];
                param[i] -= gamma * g;
            }
            return;
        }
        const T mu = static_cast<T>(momentum);
        const T keep = static_cast<T>(1.0 - dampening);
        T* buffer = state[0];
        const bool first = step <= 1;
        for (std::size_t i = 0; i < n; ++i) {
            const T g = sign * grad[i] + lambda * param[i];
            const T b = first ? g : mu * buffer[i] + keep * g;
            buffer[i] = b;
            param[i] -= gamma * (nesterov ? g + mu * b : b);
        }
    }
};

}  // namespace descend
