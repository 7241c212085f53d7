// RMSprop (plain, momentum, centered) against torch.optim.RMSprop's algorithm box, three steps
// from theta_0 = (1, -2) with g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp).
// The expected thetas are the box's arithmetic written out per coordinate in long double.
#include <descend/optimizers/rmsprop.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "steps.hpp"

// The box, one coordinate at a time, every buffer starting at 0:
//   g = (maximize ? -g : g) + lambda theta;  v = alpha v + (1 - alpha) g^2
//   centered: gbar = alpha gbar + (1 - alpha) g,  d = sqrt(v - gbar^2) + eps;  else sqrt(v) + eps
//   momentum: b = mu b + g / d, theta -= gamma b;  else theta -= gamma g / d
static Trajectory expected_rmsprop(const descend::RMSprop& rule) {
    struct Box {
        long double v, gbar, b;
    };
    const long double alpha = rule.alpha;
    return expected_trajectory(rule, Box{0.0L, 0.0L, 0.0L},
                               [&](long double& theta, long double g, std::size_t, Box& s) {
                                   g += rule.weight_decay * theta;
                                   s.v = alpha * s.v + (1.0L - alpha) * g * g;
                                   long double d = std::sqrt(s.v) + rule.eps;
                                   if (rule.centered) {
                                       s.gbar = alpha * s.gbar + (1.0L - alpha) * g;
                                       d = std::sqrt(s.v - s.gbar * s.gbar) + rule.eps;
                                   }
                                   if (rule.momentum > 0.0) {
                                       s.b = rule.momentum * s.b + g / d;
                                       theta -= rule.lr * s.b;
                                   } else {
                                       theta -= rule.lr * g / d;
                                   }
                               });
}

static descend::RMSprop rmsprop_with_lr(double lr) {
    descend::RMSprop rmsprop;
    rmsprop.lr = lr;
    rmsprop.alpha = 0.9;
    return rmsprop;
}

TEST_CASE(rmsprop_first_step_divides_by_the_root_mean_square) {
    // Step 1 by hand: v = 0.1 g^2, so theta -= 0.01 g / (sqrt(0.1) |g| + 1e-8).
    const Trajectory expected = expected_rmsprop(rmsprop_with_lr(0.01));
    CHECK_CLOSE(expected[0][0], 1.0 - 0.01 * 0.5 / (std::sqrt(0.1) * 0.5 + 1e-8), 1e-15);
    // Step 2: v = 0.9 * 0.025 + 0.1 * 0.0625 = 0.02875.
    CHECK_CLOSE(expected[1][0], expected[0][0] - 0.01 * 0.25 / (std::sqrt(0.02875) + 1e-8), 1e-15);
    check_three_steps(rmsprop_with_lr(0.01), expected);
}

TEST_CASE(rmsprop_momentum_accumulates_scaled_steps) {
    descend::RMSprop rmsprop = rmsprop_with_lr(0.01);
    rmsprop.momentum = 0.5;
    CHECK_EQ(rmsprop.state_slots(), 2);
    CHECK(std::string(rmsprop.state_name(1)) == "momentum_buffer");
    const Trajectory expected = expected_rmsprop(rmsprop);
    // Step 2: b = 0.5 * 0.5 / sqrt(0.025) + 0.25 / sqrt(0.02875).
    const double b2 = 0.5 * 0.5 / (std::sqrt(0.025) + 1e-8) + 0.25 / (std::sqrt(0.02875) + 1e-8);
    CHECK_CLOSE(expected[1][0], expected[0][0] - 0.01 * b2, 1e-15);
    check_three_steps(rmsprop, expected);
}

TEST_CASE(rmsprop_centered_divides_by_the_standard_deviation) {
    descend::RMSprop rmsprop = rmsprop_with_lr(0.01);
    rmsprop.centered = true;
    CHECK_EQ(rmsprop.state_slots(), 2);
    CHECK(std::string(rmsprop.state_name(1)) == "grad_avg");
    // Step 1: v - gbar^2 = 0.1 g^2 - 0.01 g^2 = 0.09 g^2, so theta -= 0.01 g / (0.3 |g| + eps).
    check_box_and_rule(rmsprop, expected_rmsprop(rmsprop), 1.0 - 0.01 * 0.5 / (0.3 * 0.5 + 1e-8));
    rmsprop.momentum = 0.5;
    CHECK_EQ(rmsprop.state_slots(), 3);
    CHECK(std::string(rmsprop.state_name(2)) == "grad_avg");
    check_three_steps(rmsprop, expected_rmsprop(rmsprop));
}

TEST_CASE(rmsprop_weight_decay_and_maximize) {
    descend::RMSprop rmsprop = rmsprop_with_lr(0.01);
    rmsprop.weight_decay = 0.1;
    // Step 1: g' = 0.6, theta -= 0.01 * 0.6 / (sqrt(0.1) * 0.6 + eps).
    check_box_and_rule(rmsprop, expected_rmsprop(rmsprop),
                       1.0 - 0.01 * 0.6 / (std::sqrt(0.1) * 0.6 + 1e-8));
    rmsprop.weight_decay = 0.0;
    rmsprop.maximize = true;
    check_box_and_rule(rmsprop, expected_rmsprop(rmsprop),
                       1.0 + 0.01 * 0.5 / (std::sqrt(0.1) * 0.5 + 1e-8));
}

TEST_CASE(rmsprop_validate_names_the_impossible_hyperparameter) {
    descend::RMSprop rmsprop;
    rmsprop.validate();
    rmsprop.alpha = 1.5;
    check_refused(rmsprop, "alpha");
    rmsprop = descend::RMSprop{};
    rmsprop.momentum = -0.5;
    CHECK_THROWS(rmsprop.validate(), std::invalid_argument);
}
