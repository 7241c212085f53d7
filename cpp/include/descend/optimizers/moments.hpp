// The moment updates that Adam, NAdam and RAdam share, with their constants for one step.
#pragma once

namespace descend {

/// A step's constants in the element type T, and the update of one coordinate:
///   g = (maximize ? -grad : grad) + lambda_2 * theta    lambda_2 = decoupled ? 0 : lambda
///   m = beta1 * m + (1 - beta1) * g
///   v = beta2 * v + (1 - beta2) * g^2
/// and shrink = decoupled ? 1 - gamma lambda : 1, the factor of theta before the step.
template <class T>
struct Moments {
    T sign, lambda2, shrink, b1, one_minus_b1, b2, one_minus_b2, epsilon;

    /// g and the new m and v of one coordinate (m and v stored).
    struct Coordinate {
        T g, m, v;
    };

    template <class Rule>
    static Moments of(const Rule& rule) {
        const bool decoupled = rule.decoupled_weight_decay;
        return {rule.maximize ? T(-1) : T(1),
                static_cast<T>(decoupled ? 0.0 : rule.weight_decay),
                static_cast<T>(decoupled ? 1.0 - rule.lr * rule.weight_decay : 1.0),
                static_cast<T>(rule.beta1),
                static_cast<T>(1.0 - rule.beta1),
                static_cast<T>(rule.beta2),
                static_cast<T>(1.0 - rule.beta2),
                static_cast<T>(rule.eps)};
    }

    Coordinate update(T grad, T param, T& m, T& v) const {
        const T g = sign * grad + lambda2 * param;
        const T m_i = b1 * m + one_minus_b1 * g;
        const T v_i = b2 * v + one_minus_b2 * g * g;
        m = m_i;
        v = v_i;
        return {g, m_i, v_i};
    }
};

}  // namespace descend
