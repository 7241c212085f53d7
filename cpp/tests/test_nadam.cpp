// NAdam against torch.optim.NAdam's algorithm box, three steps from theta_0 = (1, -2) with
// g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2) (steps.hpp). The expected thetas are the
// box's arithmetic written out per coordinate in long double, mu_product accumulated as torch
// keeps it in its state (expected_nadam below).
#include <descend/optimizers/nadam.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "steps.hpp"

// The box, one coordinate at a time, m = v = 0 and mu_product = 1 at the start:
//   g = (maximize ? -g : g) + lambda theta (L2)   or   theta = (1 - gamma lambda) theta (decoupled)
//   mu_t = beta1 (1 - 0.96^(t psi) / 2),  mu_{t+1} likewise,  mu_product = mu_product mu_t
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  d = sqrt(v / (1 - beta2^t)) + eps
//   theta -= gamma (1 - mu_t) / (1 - mu_product) g / d
//   theta -= gamma mu_{t+1} / (1 - mu_product mu_{t+1}) m / d
static Trajectory expected_nadam(const descend::NAdam& rule) {
    struct Box {
        long double m, v, mu_product;
    };
    const long double b1 = rule.beta1, b2 = rule.beta2, psi = rule.momentum_decay;
    return expected_trajectory(
        rule, Box{0.0L, 0.0L, 1.0L}, [&](long double& theta, long double g, std::size_t t, Box& s) {
            if (rule.decoupled_weight_decay) theta *= 1.0L - rule.lr * rule.weight_decay;
            else g += rule.weight_decay * theta;
            const long double mu = b1 * (1.0L - 0.5L * std::pow(0.96L, t * psi));
            const long double mu_next = b1 * (1.0L - 0.5L * std::pow(0.96L, (t + 1) * psi));
            s.mu_product *= mu;
            s.m = b1 * s.m + (1.0L - b1) * g;
            s.v = b2 * s.v + (1.0L - b2) * g * g;
            const long double d =
                std::sqrt(s.v / (1.0L - std::pow(b2, static_cast<long double>(t)))) + rule.eps;
            theta -= rule.lr * (1.0L - mu) / (1.0L - s.mu_product) * g / d;
            theta -= rule.lr * mu_next / (1.0L - s.mu_product * mu_next) * s.m / d;
        });
}

TEST_CASE(nadam_first_step_by_hand) {
    // Step 1: mu_1 = 0.9 (1 - 0.96^0.004 / 2), mu_2 = 0.9 (1 - 0.96^0.008 / 2), m = 0.1 g,
    // d = |g| + eps: theta -= 0.1 ((1 - mu_1) / (1 - mu_1) g + mu_2 / (1 - mu_1 mu_2) 0.1 g) / d.
    const double mu1 = 0.9 * (1.0 - 0.5 * std::pow(0.96, 0.004));
    const double mu2 = 0.9 * (1.0 - 0.5 * std::pow(0.96, 0.008));
    const Trajectory expected = expected_nadam(with_lr<descend::NAdam>(0.1));
    CHECK_CLOSE(expected[0][0], 1.0 - 0.1 * (0.5 + mu2 / (1.0 - mu1 * mu2) * 0.05) / (0.5 + 1e-8),
                1e-15);
    check_three_steps(with_lr<descend::NAdam>(0.1), expected);
}

TEST_CASE(nadam_l2_and_decoupled_weight_decay) {
    descend::NAdam nadam = with_lr<descend::NAdam>(0.1);
    nadam.weight_decay = 0.1;
    check_three_steps(nadam, expected_nadam(nadam));
    nadam.decoupled_weight_decay = true;
    const Trajectory decoupled = expected_nadam(nadam);
    check_three_steps(nadam, decoupled);
    // Decoupled step 1: theta = 0.99 first, the gradient itself unchanged.
    const double mu1 = 0.9 * (1.0 - 0.5 * std::pow(0.96, 0.004));
    const double mu2 = 0.9 * (1.0 - 0.5 * std::pow(0.96, 0.008));
    CHECK_CLOSE(decoupled[0][0], 0.99 - 0.1 * (0.5 + mu2 / (1.0 - mu1 * mu2) * 0.05) / (0.5 + 1e-8),
                1e-15);
}

TEST_CASE(nadam_maximize_and_momentum_decay) {
    descend::NAdam nadam = with_lr<descend::NAdam>(0.1);
    nadam.maximize = true;
    nadam.momentum_decay = 0.5;
    check_three_steps(nadam, expected_nadam(nadam));
}

TEST_CASE(nadam_mu_product_matches_the_running_product) {
    // The early stop of mu_product changes nothing that reaches a step: 1 - product and
    // 1 - product mu_{t+1} agree with every factor multiplied in (to the rounding of
    // 0.96^(t psi) as a running power instead of a pow), exactly once the product is tiny.
    for (const double beta1 : {0.9, 0.99}) {
        descend::NAdam nadam;
        nadam.beta1 = beta1;
        double product = 1.0;
        for (std::int64_t t = 1; t <= 3000; ++t) {
            product *= nadam.mu(t);
            const double stopped = nadam.mu_product(t);
            if (t <= 20) CHECK_CLOSE(stopped, product, 1e-14);
            CHECK_CLOSE(1.0 - stopped, 1.0 - product, 1e-15);
            CHECK_CLOSE(1.0 - stopped * nadam.mu(t + 1), 1.0 - product * nadam.mu(t + 1), 1e-15);
            if (product < 0x1p-54) CHECK(1.0 - stopped == 1.0);
        }
    }
}

TEST_CASE(nadam_mu_product_is_bounded_work_for_any_step_count) {
    // beta1 near 1 with a large momentum_decay: every factor is beta1 (0.96^psi underflows), so
    // the product is beta1^t; it used to take one loop turn per step (hours at t = 2^53).
    descend::NAdam nadam;
    nadam.beta1 = 1.0 - 0x1p-52;
    nadam.momentum_decay = 1e6;
    const std::int64_t t = std::int64_t{1} << 53;
    CHECK_CLOSE(nadam.mu_product(t), std::pow(nadam.beta1, static_cast<double>(t)), 1e-15);
    // A decay that reaches 2^-53 after a few hundred factors: the closed form takes over from
    // the running product and agrees with multiplying every factor in (to the rounding of
    // 3000 multiplications, a few 1e-13 relative).
    nadam.beta1 = 0.999;
    nadam.momentum_decay = 1.0;
    double product = 1.0;
    for (std::int64_t s = 1; s <= 3000; ++s) {
        product *= nadam.mu(s);
        CHECK_CLOSE(nadam.mu_product(s), product, 1e-12);
    }
}

TEST_CASE(nadam_validate_names_the_impossible_hyperparameter) {
    descend::NAdam nadam;
    nadam.validate();
    nadam.momentum_decay = -1.0;
    check_refused(nadam, "momentum_decay");
}
