// RAdam against torch.optim.RAdam's algorithm box: three steps from theta_0 = (1, -2) with
// g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp), all in the un-adapted phase
// (rho_t <= t, so rho_t > 5 needs t >= 6), and eight steps with beta2 = 0.9 across the switch
// at t = 6. The expected thetas are the box's arithmetic per coordinate in long double.
#include <descend/optimizers/radam.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "steps.hpp"

// The box, one coordinate at a time, m = v = 0 at the start, for `steps` steps cycling through
// the three default gradients:
//   g = (maximize ? -g : g) + lambda theta (L2)   or   theta = (1 - gamma lambda) theta (decoupled)
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  m_hat = m / (1 - beta1^t)
//   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rho_t > 5: l = sqrt(1 - beta2^t) / (sqrt(v) + eps),
//              r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),
//              theta -= gamma m_hat r l
//   otherwise: theta -= gamma m_hat
static std::vector<std::array<double, 2>> expected_radam(const descend::RAdam& rule,
                                                         std::size_t steps) {
    struct Box {
        long double m, v;
    };
    const long double b1 = rule.beta1, b2 = rule.beta2;
    const long double rho_inf = 2.0L / (1.0L - b2) - 1.0L;
    return expected_steps(
        rule, Box{0.0L, 0.0L},
        [&](long double& theta, long double g, std::size_t t, Box& s) {
            if (rule.decoupled_weight_decay) theta *= 1.0L - rule.lr * rule.weight_decay;
            else g += rule.weight_decay * theta;
            s.m = b1 * s.m + (1.0L - b1) * g;
            s.v = b2 * s.v + (1.0L - b2) * g * g;
            const long double b2t = std::pow(b2, static_cast<long double>(t));
            const long double m_hat = s.m / (1.0L - std::pow(b1, static_cast<long double>(t)));
            const long double rho = rho_inf - 2.0L * t * b2t / (1.0L - b2t);
            if (rho > 5.0L) {
                const long double l = std::sqrt(1.0L - b2t) / (std::sqrt(s.v) + rule.eps);
                const long double r = std::sqrt((rho - 4.0L) * (rho - 2.0L) * rho_inf /
                                                ((rho_inf - 4.0L) * (rho_inf - 2.0L) * rho));
                theta -= rule.lr * m_hat * r * l;
            } else {
                theta -= rule.lr * m_hat;
            }
        },
        steps);
}

TEST_CASE(radam_starts_as_sgd_with_momentum) {
    // rho_1 = 1: theta -= 0.1 m_hat = 0.1 g, so (0.95, -1.9); then m_hat = (0.07, -0.04) / 0.19.
    const Trajectory expected = first_three(expected_radam(with_lr<descend::RAdam>(0.1), 3));
    CHECK_CLOSE(expected[0][0], 0.95, 1e-15);
    CHECK_CLOSE(expected[0][1], -1.9, 1e-15);
    CHECK_CLOSE(expected[1][0], 0.95 - 0.1 * 0.07 / 0.19, 1e-15);
    CHECK_CLOSE(expected[1][1], -1.9 + 0.1 * 0.04 / 0.19, 1e-15);
    check_three_steps(with_lr<descend::RAdam>(0.1), expected);
}

TEST_CASE(radam_weight_decay_and_maximize) {
    descend::RAdam radam = with_lr<descend::RAdam>(0.1);
    radam.weight_decay = 0.1;
    check_three_steps(radam, first_three(expected_radam(radam, 3)));
    radam.decoupled_weight_decay = true;
    check_box_and_rule(radam, first_three(expected_radam(radam, 3)), 0.99 - 0.05);
    radam = with_lr<descend::RAdam>(0.1);
    radam.maximize = true;
    check_three_steps(radam, {{{1.05, -2.1}, {1.05 + 0.1 * 0.07 / 0.19, -2.1 - 0.1 * 0.04 / 0.19},
                               first_three(expected_radam(radam, 3))[2]}});
}

template <class T>
static void check_eight_steps(const descend::RAdam& rule, double tolerance) {
    const auto gradients = default_gradients();
    const auto expected = expected_radam(rule, 8);
    T theta[2] = {T(1), T(-2)};
    T m[2] = {T(0), T(0)}, v[2] = {T(0), T(0)};
    T* state[2] = {m, v};
    for (std::size_t t = 1; t <= 8; ++t) {
        const T grad[2] = {static_cast<T>(gradients[(t - 1) % 3][0]),
                           static_cast<T>(gradients[(t - 1) % 3][1])};
        rule.step(theta, grad, state, 2, static_cast<std::int64_t>(t));
        CHECK_CLOSE(theta[0], expected[t - 1][0], tolerance);
        CHECK_CLOSE(theta[1], expected[t - 1][1], tolerance);
    }
}

TEST_CASE(radam_rectifies_once_the_variance_is_tractable) {
    // beta2 = 0.9: rho_inf = 19, rho_5 = 19 - 10 * 0.9^5 / (1 - 0.9^5) = 4.58..., rho_6 = 5.39...
    descend::RAdam radam = with_lr<descend::RAdam>(0.1);
    radam.beta2 = 0.9;
    const double b5 = std::pow(0.9, 5), b6 = std::pow(0.9, 6);
    CHECK(19.0 - 10.0 * b5 / (1.0 - b5) < 5.0);
    CHECK(19.0 - 12.0 * b6 / (1.0 - b6) > 5.0);
    check_eight_steps<double>(radam, 1e-14);
    check_eight_steps<float>(radam, 1e-6);
    // The adaptive phase changes the path: step 6 differs from plain momentum's.
    const auto expected = expected_radam(radam, 8);
    CHECK(std::fabs(expected[5][0] - expected[4][0]) > 0.0);
}

TEST_CASE(radam_validate_names_the_impossible_hyperparameter) {
    descend::RAdam radam;
    radam.validate();
    radam.beta1 = -0.1;
    check_refused(radam, "beta1");
}
