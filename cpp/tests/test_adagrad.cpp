// Adagrad against torch.optim.Adagrad's algorithm box, three steps from theta_0 = (1, -2) with
// g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp). The expected thetas are the
// box's arithmetic written out per coordinate in long double (expected_adagrad below).
#include <descend/optimizers/adagrad.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "steps.hpp"

// The box, one coordinate at a time:
//   g = (maximize ? -g : g) + lambda theta;  clr = gamma / (1 + (t - 1) eta)
//   sum = sum + g^2 (sum_0 = initial_accumulator_value);  theta -= clr g / (sqrt(sum) + eps)
static Trajectory expected_adagrad(const descend::Adagrad& rule) {
    struct Box {
        long double sum;
    };
    return expected_trajectory(rule, Box{rule.initial_accumulator_value},
                               [&](long double& theta, long double g, std::size_t t, Box& s) {
                                   g += rule.weight_decay * theta;
                                   const long double clr =
                                       rule.lr / (1.0L + static_cast<long double>(t - 1) * rule.lr_decay);
                                   s.sum += g * g;
                                   theta -= clr * g / (std::sqrt(s.sum) + rule.eps);
                               });
}

TEST_CASE(adagrad_first_step_moves_lr_against_the_sign_of_the_gradient) {
    // Step 1 by hand: sum = g^2, so theta -= 0.1 g / (|g| + 1e-10): 1 - 0.1 * 0.5 / 0.5000000001.
    const Trajectory expected = expected_adagrad(with_lr<descend::Adagrad>(0.1));
    CHECK_CLOSE(expected[0][0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-10), 1e-15);
    CHECK_CLOSE(expected[0][1], -2.0 + 0.1 * 1.0 / (1.0 + 1e-10), 1e-15);
    // Step 2: sum = (0.25 + 0.0625, 1 + 0.25), theta -= 0.1 g_2 / sqrt(sum).
    CHECK_CLOSE(expected[1][0], expected[0][0] - 0.1 * 0.25 / (std::sqrt(0.3125) + 1e-10), 1e-15);
    CHECK_CLOSE(expected[1][1], expected[0][1] - 0.1 * 0.5 / (std::sqrt(1.25) + 1e-10), 1e-15);
    check_three_steps(with_lr<descend::Adagrad>(0.1), expected);
}

TEST_CASE(adagrad_lr_decay_and_initial_accumulator) {
    descend::Adagrad adagrad = with_lr<descend::Adagrad>(0.1);
    adagrad.lr_decay = 0.5;
    adagrad.initial_accumulator_value = 0.75;
    // Step 1: the state array starts zeroed but the sum starts at 0.75: 1 - 0.1 * 0.5 / sqrt(1).
    const Trajectory expected = expected_adagrad(adagrad);
    CHECK_CLOSE(expected[0][0], 1.0 - 0.1 * 0.5 / (1.0 + 1e-10), 1e-15);
    // Step 2: gamma_2 = 0.1 / 1.5.
    CHECK_CLOSE(expected[1][0], expected[0][0] - 0.1 / 1.5 * 0.25 / (std::sqrt(1.0625) + 1e-10), 1e-15);
    check_three_steps(adagrad, expected);
}

TEST_CASE(adagrad_weight_decay_adds_lambda_theta_to_the_gradient) {
    descend::Adagrad adagrad = with_lr<descend::Adagrad>(0.1);
    adagrad.weight_decay = 0.1;
    // Step 1: g' = 0.5 + 0.1 = 0.6, still |g'| / g' = 1, so 1 - 0.1 * 0.6 / 0.6.
    check_box_and_rule(adagrad, expected_adagrad(adagrad), 1.0 - 0.1 * 0.6 / (0.6 + 1e-10));
}

TEST_CASE(adagrad_maximize_ascends) {
    descend::Adagrad adagrad = with_lr<descend::Adagrad>(0.1);
    adagrad.maximize = true;
    check_box_and_rule(adagrad, expected_adagrad(adagrad), 1.0 + 0.1 * 0.5 / (0.5 + 1e-10));
}

TEST_CASE(adagrad_validate_names_the_impossible_hyperparameter) {
    descend::Adagrad adagrad;
    adagrad.validate();
    CHECK_EQ(adagrad.state_slots(), 1);
    CHECK(std::string(adagrad.state_name(0)) == "sum");
    adagrad.initial_accumulator_value = -1.0;
    check_refused(adagrad, "initial_accumulator_value");
    adagrad = descend::Adagrad{};
    adagrad.lr_decay = -0.1;
    CHECK_THROWS(adagrad.validate(), std::invalid_argument);
}
