// bias_powers.hpp: the running power beta^t against std::pow over 10^6 steps (the drift its
// docstring states), and the Adam family's steps given the powers equal to the steps that
// compute them with pow.
#include <descend/optimizers/adam.hpp>
#include <descend/optimizers/adamax.hpp>
#include <descend/optimizers/bias_powers.hpp>
#include <descend/optimizers/radam.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "check.hpp"

// Distance in units in the last place between two finite non-negative doubles.
static std::int64_t ulps_apart(double a, double b) {
    std::int64_t x = 0, y = 0;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    return x > y ? x - y : y - x;
}

TEST_CASE(running_power_stays_within_one_ulp_of_pow_over_a_million_steps) {
    // The naive running product (p *= beta) drifts to 180 ulp for beta = 0.999 over these steps.
    for (const double beta : {0.9, 0.99, 0.999, 0.9999, 0.5, 0.0}) {
        descend::RunningPower power(beta);
        CHECK(power.value() == 1.0);
        std::int64_t worst = 0, differ = 0;
        for (std::int64_t t = 1; t <= 1000000; ++t) {
            power.advance();
            const double expected = std::pow(beta, static_cast<double>(t));
            if (expected >= 0x1p-600) {
                const std::int64_t apart = ulps_apart(power.value(), expected);
                worst = apart > worst ? apart : worst;
                differ += apart > 0;
            } else {
                CHECK(power.value() == 0.0);  // negligible: set to 0, and 1 - 0 == 1 - expected
                CHECK(1.0 - power.value() == 1.0 - expected);
            }
            // 1 - beta^t: the 1-ulp difference of beta^t, or one rounding of the subtraction.
            CHECK(std::fabs((1.0 - power.value()) - (1.0 - expected)) <= 0x1p-53);
        }
        CHECK(worst <= 1);
        CHECK(differ < 1000);  // equal to pow's on all but a few hundred steps (855 at most)
    }
}

TEST_CASE(adam_family_steps_given_the_powers_equal_the_steps_with_pow) {
    const double grad[2] = {0.5, -3.0};
    const auto same = [&](const auto& rule, std::int64_t t) {
        double a[2] = {1.0, -2.0}, b[2] = {1.0, -2.0};
        double m_a[2] = {0.1, 0.2}, v_a[2] = {0.3, 0.4}, m_b[2] = {0.1, 0.2}, v_b[2] = {0.3, 0.4};
        double* state_a[2] = {m_a, v_a};
        double* state_b[2] = {m_b, v_b};
        const double td = static_cast<double>(t);
        rule.step(a, grad, state_a, 2, t);
        rule.step(b, grad, state_b, 2, t, std::pow(rule.beta1, td), std::pow(rule.beta2, td));
        CHECK(a[0] == b[0] && a[1] == b[1] && m_a[0] == m_b[0] && v_a[1] == v_b[1]);
    };
    for (const std::int64_t t : {1, 2, 7, 1000, 100000}) {
        same(descend::Adam{}, t);
        same(descend::RAdam{}, t);  // t = 1, 2: the plain step; later: the rectified one
        same(descend::Adamax{}, t);
    }
}
