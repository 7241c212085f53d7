// AdamW against torch.optim.AdamW's algorithm box, three steps from theta_0 = (1, -2) with
// g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp). The expected thetas are the
// box's arithmetic written out per coordinate in long double (expected_adamw below).
#include <descend/optimizers/adam.hpp>
#include <descend/optimizers/adamw.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "steps.hpp"

// The box, one coordinate at a time, m = v = vmax = 0 at the start:
//   g = maximize ? -g : g;  theta = theta - gamma lambda theta
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  vmax = max(vmax, v)
//   theta -= gamma (m / (1 - beta1^t)) / (sqrt((amsgrad ? vmax : v) / (1 - beta2^t)) + eps)
static Trajectory expected_adamw(const descend::AdamW& rule,
                                 const std::array<std::array<double, 2>, 3>& gradients =
                                     default_gradients()) {
    struct Box {
        long double m, v, vmax;
    };
    const long double b1 = rule.beta1, b2 = rule.beta2;
    return expected_trajectory(
        rule, Box{0.0L, 0.0L, 0.0L},
        [&](long double& theta, long double g, std::size_t t, Box& s) {
            theta -= rule.lr * rule.weight_decay * theta;
            s.m = b1 * s.m + (1.0L - b1) * g;
            s.v = b2 * s.v + (1.0L - b2) * g * g;
            s.vmax = std::max(s.vmax, s.v);
            const long double second = rule.amsgrad ? s.vmax : s.v;
            const long double m_hat = s.m / (1.0L - std::pow(b1, static_cast<long double>(t)));
            const long double v_hat = second / (1.0L - std::pow(b2, static_cast<long double>(t)));
            theta -= rule.lr * m_hat / (std::sqrt(v_hat) + rule.eps);
        },
        gradients);
}

TEST_CASE(adamw_first_step_shrinks_then_moves_lr_against_the_gradient) {
    // Step 1 by hand (default lambda 0.01): theta = 1 - 0.1 * 0.01 * 1 = 0.999, then
    // m_hat = g, v_hat = g^2: 0.999 - 0.1 * 0.5 / (0.5 + 1e-8).
    const Trajectory expected = expected_adamw(with_lr<descend::AdamW>(0.1));
    CHECK_CLOSE(expected[0][0], 0.999 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15);
    CHECK_CLOSE(expected[0][1], -1.998 + 0.1 * 1.0 / (1.0 + 1e-8), 1e-15);
    check_three_steps(with_lr<descend::AdamW>(0.1), expected);
}

TEST_CASE(adamw_is_adam_with_decoupled_weight_decay) {
    descend::AdamW adamw = with_lr<descend::AdamW>(0.1);
    adamw.weight_decay = 0.5;
    const Trajectory expected = expected_adamw(adamw);
    check_three_steps(adamw, expected);
    check_three_steps(adamw.as_adam(), expected);
    CHECK(adamw.as_adam().decoupled_weight_decay);
}

TEST_CASE(adamw_amsgrad_and_maximize) {
    // A large first gradient, then small ones, with beta2 = 0.5: the running maximum matters.
    const std::array<std::array<double, 2>, 3> gradients = {{{2.0, -2.0}, {0.1, 0.1}, {0.1, -0.1}}};
    descend::AdamW adamw = with_lr<descend::AdamW>(0.1);
    adamw.beta2 = 0.5;
    adamw.amsgrad = true;
    CHECK_EQ(adamw.state_slots(), 3);
    CHECK(std::string(adamw.state_name(2)) == "max_exp_avg_sq");
    check_three_steps(adamw, expected_adamw(adamw, gradients), gradients);
    adamw.amsgrad = false;
    adamw.maximize = true;
    CHECK_EQ(adamw.state_slots(), 2);
    check_box_and_rule(adamw, expected_adamw(adamw), 0.999 + 0.1 * 0.5 / (0.5 + 1e-8));
}

TEST_CASE(adamw_validate_names_the_impossible_hyperparameter) {
    descend::AdamW adamw;
    adamw.validate();
    adamw.beta2 = 1.0;
    check_refused(adamw, "beta2");
}
