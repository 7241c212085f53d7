// Adamax against torch.optim.Adamax's algorithm box, three steps from theta_0 = (1, -2) with
// g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp). The expected thetas are the
// box's arithmetic written out per coordinate in long double (expected_adamax below).
#include <descend/optimizers/adamax.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "steps.hpp"

// The box, one coordinate at a time, m = u = 0 at the start:
//   g = (maximize ? -g : g) + lambda theta;  m = beta1 m + (1 - beta1) g
//   u = max(beta2 u, |g| + eps);  theta -= gamma / (1 - beta1^t) m / u
static Trajectory expected_adamax(const descend::Adamax& rule) {
    struct Box {
        long double m, u;
    };
    const long double b1 = rule.beta1, b2 = rule.beta2;
    return expected_trajectory(rule, Box{0.0L, 0.0L},
                               [&](long double& theta, long double g, std::size_t t, Box& s) {
                                   g += rule.weight_decay * theta;
                                   s.m = b1 * s.m + (1.0L - b1) * g;
                                   s.u = std::max(b2 * s.u, std::fabs(g) + rule.eps);
                                   theta -= rule.lr / (1.0L - std::pow(b1, static_cast<long double>(t))) *
                                            s.m / s.u;
                               });
}

TEST_CASE(adamax_divides_by_the_decayed_largest_gradient) {
    const Trajectory expected = expected_adamax(with_lr<descend::Adamax>(0.1));
    // Step 1 by hand: m / (1 - 0.9) = g, u = |g| + eps: 1 - 0.1 * 0.5 / (0.5 + 1e-8).
    CHECK_CLOSE(expected[0][0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15);
    // Step 2, first coordinate: u = max(0.999 * 0.50000001, 0.25 + 1e-8) keeps the old maximum;
    // m = 0.9 * 0.05 + 0.1 * 0.25 = 0.07, divided by 1 - 0.81 = 0.19.
    CHECK_CLOSE(expected[1][0], expected[0][0] - 0.1 / 0.19 * 0.07 / (0.999 * (0.5 + 1e-8)), 1e-15);
    check_three_steps(with_lr<descend::Adamax>(0.1), expected);
}

TEST_CASE(adamax_weight_decay_and_maximize) {
    descend::Adamax adamax = with_lr<descend::Adamax>(0.1);
    adamax.weight_decay = 0.1;
    check_box_and_rule(adamax, expected_adamax(adamax), 1.0 - 0.1 * 0.6 / (0.6 + 1e-8));
    adamax.weight_decay = 0.0;
    adamax.maximize = true;
    check_box_and_rule(adamax, expected_adamax(adamax), 1.0 + 0.1 * 0.5 / (0.5 + 1e-8));
}

TEST_CASE(adamax_propagates_a_nan_gradient) {
    const descend::Adamax adamax = with_lr<descend::Adamax>(0.1);
    double theta[2] = {1.0, -2.0};
    const double grad[2] = {std::numeric_limits<double>::quiet_NaN(), 1.0};
    double m[2] = {0.0, 0.0}, u[2] = {0.0, 0.0};
    double* state[2] = {m, u};
    adamax.step(theta, grad, state, 2, 1);
    CHECK(std::isnan(u[0]));
    CHECK(std::isnan(theta[0]));
    CHECK_CLOSE(theta[1], -2.0 - 0.1 * 1.0 / (1.0 + 1e-8), 1e-15);
}

TEST_CASE(adamax_validate_names_the_impossible_hyperparameter) {
    descend::Adamax adamax;
    adamax.validate();
    CHECK(std::string(adamax.state_name(1)) == "exp_inf");
    adamax.eps = 0.0;
    check_refused(adamax, "eps");
}
