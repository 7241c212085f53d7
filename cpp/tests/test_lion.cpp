// Lion (Chen et al. 2023) three steps from theta_0 = (1, -2) with g_1 = (0.5, -1),
// g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp), worked out by hand; and its validation.
#include <descend/optimizers/lion.hpp>

#include <stdexcept>
#include <string>

#include "steps.hpp"

// c = beta1 m + (1 - beta1) g;  theta = (1 - gamma lambda) theta - gamma sign(c);
// m = beta2 m + (1 - beta2) g. With gamma = 0.1, beta1 = 0.9, beta2 = 0.99, lambda = 0:
//   step 1: c = 0.1 g_1 = (0.05, -0.1)            -> theta = (0.9, -1.9), m = (0.005, -0.01)
//   step 2: c = (0.0045 + 0.025, -0.009 + 0.05)   -> theta = (0.8, -2.0), m = (0.00745, -0.0049)
//   step 3: c = (0.006705 - 0.1, -0.00441 + 0.2)  -> theta = (0.9, -2.1)
TEST_CASE(lion_steps_by_the_sign_of_the_interpolated_momentum) {
    descend::Lion lion;
    lion.lr = 0.1;
    check_three_steps(lion, Trajectory{{{0.9, -1.9}, {0.8, -2.0}, {0.9, -2.1}}});
}

// With maximize the signs flip; decoupled weight decay shrinks theta by 1 - gamma lambda first.
TEST_CASE(lion_maximize_and_weight_decay) {
    descend::Lion lion;
    lion.lr = 0.1;
    lion.weight_decay = 0.5;
    lion.maximize = true;
    const Trajectory steps = three_steps<double>(lion);
    CHECK_CLOSE(steps[0][0], 0.95 * 1.0 + 0.1, 1e-15);
    CHECK_CLOSE(steps[0][1], 0.95 * -2.0 - 0.1, 1e-15);
}

TEST_CASE(lion_refuses_impossible_hyperparameters) {
    for (const char* name : {"lr", "beta1", "beta2", "weight_decay"}) {
        descend::Lion lion;
        if (std::string(name) == "lr") lion.lr = -1.0;
        if (std::string(name) == "beta1") lion.beta1 = 1.5;
        if (std::string(name) == "beta2") lion.beta2 = -0.1;
        if (std::string(name) == "weight_decay") lion.weight_decay = -1.0;
        check_refused(lion, name);
    }
}

