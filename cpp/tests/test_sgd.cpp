// SGD against values worked out by hand from torch.optim.SGD's algorithm box, three steps from
// theta_0 = (1, -2) with g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) and gamma = 0.1.
#include <descend/optimizers/sgd.hpp>

#include "steps.hpp"

static descend::SGD sgd_with_lr(double lr) {
    descend::SGD sgd;
    sgd.lr = lr;
    return sgd;
}

TEST_CASE(plain_sgd_steps_against_the_gradient) {
    // theta -= 0.1 g: (1 - 0.05, -2 + 0.1), then (-0.025, -0.05), then (+0.1, -0.2)
    check_three_steps(sgd_with_lr(0.1), {{{0.95, -1.9}, {0.925, -1.95}, {1.025, -2.15}}});
}

TEST_CASE(momentum_accumulates_a_buffer) {
    // b_1 = g_1 = (0.5, -1);  b_2 = 0.9 b_1 + g_2 = (0.7, -0.4);
    // b_3 = 0.9 b_2 + g_3 = (-0.37, 1.64); theta -= 0.1 b each step.
    descend::SGD sgd = sgd_with_lr(0.1);
    sgd.momentum = 0.9;
    CHECK_EQ(sgd.state_slots(), 1);
    check_three_steps(sgd, {{{0.95, -1.9}, {0.88, -1.86}, {0.917, -2.024}}});
}

TEST_CASE(dampening_scales_new_gradients_after_the_first_step) {
    // b_1 = g_1;  b_2 = 0.9 b_1 + 0.5 g_2 = (0.575, -0.65);  b_3 = 0.9 b_2 + 0.5 g_3 = (0.0175, 0.415)
    descend::SGD sgd = sgd_with_lr(0.1);
    sgd.momentum = 0.9;
    sgd.dampening = 0.5;
    check_three_steps(sgd, {{{0.95, -1.9}, {0.8925, -1.835}, {0.89075, -1.8765}}});
}

TEST_CASE(nesterov_looks_ahead_along_the_buffer) {
    // step = g + 0.9 b: (0.95, -1.9), then (0.25 + 0.63, 0.5 - 0.36) = (0.88, 0.14),
    // then (-1 - 0.333, 2 + 1.476) = (-1.333, 3.476); theta -= 0.1 step.
    descend::SGD sgd = sgd_with_lr(0.1);
    sgd.momentum = 0.9;
    sgd.nesterov = true;
    check_three_steps(sgd, {{{0.905, -1.81}, {0.817, -1.824}, {0.9503, -2.1716}}});
}

TEST_CASE(weight_decay_adds_lambda_theta_to_the_gradient) {
    // g' = g + 0.1 theta: (0.6, -1.2), then (0.344, 0.312), then (-0.90944, 1.80888)
    descend::SGD sgd = sgd_with_lr(0.1);
    sgd.weight_decay = 0.1;
    check_three_steps(sgd, {{{0.94, -1.88}, {0.9056, -1.9112}, {0.996544, -2.092088}}});
}

TEST_CASE(maximize_steps_along_the_gradient) {
    descend::SGD sgd = sgd_with_lr(0.1);
    sgd.maximize = true;
    CHECK_EQ(sgd.state_slots(), 0);
    check_three_steps(sgd, {{{1.05, -2.1}, {1.075, -2.05}, {0.975, -1.85}}});
}

TEST_CASE(validate_names_the_impossible_hyperparameter) {
    descend::SGD sgd;
    sgd.validate();
    sgd.lr = -1.0;
    check_refused(sgd, "lr");
    sgd = descend::SGD{};
    sgd.dampening = 1.5;
    check_refused(sgd, "dampening");
    sgd = descend::SGD{};
    sgd.nesterov = true;  // without momentum
    check_refused(sgd, "nesterov");
}
