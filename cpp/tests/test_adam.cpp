// Adam against torch.optim.Adam's algorithm box worked out step by step (the expected values
// were computed with 50-digit decimals from the formula), three steps from theta_0 = (1, -2).
#include <descend/optimizers/adam.hpp>

#include <stdexcept>
#include <string>

#include "steps.hpp"

TEST_CASE(adam_first_step_moves_lr_against_the_sign_of_the_gradient) {
    // Step 1 by hand: m = 0.1 g, v = 0.001 g^2, so m / (1 - 0.9) = g and v / (1 - 0.999) = g^2:
    // theta -= 0.1 g / (|g| + 1e-8), i.e. 1 - 0.1 * 0.5 / 0.50000001 = 0.900000002.
    check_three_steps(with_lr<descend::Adam>(0.1), {{{0.90000000199999997, -1.900000001},
                                          {0.80678204047746171, -1.8733662973709029},
                                          {0.8274177428854107, -1.9190994760260234}}});
}

TEST_CASE(adam_weight_decay_adds_lambda_theta_to_the_gradient) {
    descend::Adam adam = with_lr<descend::Adam>(0.1);
    adam.weight_decay = 0.1;
    check_three_steps(adam, {{{0.9000000016666666, -1.9000000008333333},
                              {0.80500976586131923, -1.8537472646427606},
                              {0.81209826077867664, -1.8863631158639897}}});
}

TEST_CASE(adam_maximize_ascends) {
    descend::Adam adam = with_lr<descend::Adam>(0.1);
    adam.maximize = true;
    check_three_steps(adam, {{{1.0999999980000001, -2.099999999},
                              {1.1932179595225383, -2.1266337026290971},
                              {1.1725822571145892, -2.0809005239739768}}});
}

TEST_CASE(amsgrad_keeps_the_largest_second_moment) {
    // A large first gradient, then small ones: with beta2 = 0.5 the second moment falls
    // (v_1 = 2, v_2 = 1.005), AMSGrad divides by the running maximum instead.
    const std::array<std::array<double, 2>, 3> gradients = {{{2.0, -2.0}, {0.1, 0.1}, {0.1, -0.1}}};
    descend::Adam adam = with_lr<descend::Adam>(0.1);
    adam.beta2 = 0.5;
    CHECK_EQ(adam.state_slots(), 2);
    check_three_steps(adam, {{{0.90000000049999995, -1.9000000005},
                              {0.81361315868813266, -1.8227065104578029},
                              {0.72591402940569416, -1.7437288415459937}}},
                      gradients);
    adam.amsgrad = true;
    CHECK_EQ(adam.state_slots(), 3);
    check_three_steps(adam, {{{0.90000000049999995, -1.9000000005},
                              {0.83876275730542049, -1.84520878290485},
                              {0.79458554474682364, -1.8054248843023566}}},
                      gradients);
}

TEST_CASE(adam_validate_names_the_impossible_hyperparameter) {
    descend::Adam adam;
    adam.validate();
    adam.beta1 = 1.0;
    CHECK_THROWS(adam.validate(), std::invalid_argument);
    adam = descend::Adam{};
    adam.eps = 0.0;
    check_refused(adam, "eps");
}
