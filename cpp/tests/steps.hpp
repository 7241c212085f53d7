// Shared by the update-rule tests: three steps of a rule on a two-parameter theta with fixed
// gradients, theta_0 = (1, -2), g_1 = (0.5, -1), g_2 = (0.25, 0.5), g_3 = (-1, 2), and the
// check of the three thetas against values worked out by hand from the rule's formula.
#pragma once

#include <array>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

/// The rule with its default hyperparameters but lr.
template <class Rule>
Rule with_lr(double lr) {
    Rule rule;
    rule.lr = lr;
    return rule;
}

/// Checks that rule.validate() refuses the rule with std::invalid_argument naming `name` first.
template <class Rule>
void check_refused(const Rule& rule, const std::string& name) {
    try {
        rule.validate();
        CHECK(false);
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find(name) == 0);
    }
}

/// theta after each of three steps.
using Trajectory = std::array<std::array<double, 2>, 3>;

/// The gradients of the three steps.
inline std::array<std::array<double, 2>, 3> default_gradients() {
    return {{{0.5, -1.0}, {0.25, 0.5}, {-1.0, 2.0}}};
}

/// theta after each of `steps` steps of a rule's algorithm box, worked out one coordinate at a
/// time in long double from theta_0 = (1, -2) with `gradients` (repeated after three steps):
/// each coordinate starts with its own copy of `start`, the box's state; step t negates g
/// under rule.maximize, then `box(theta, g, t, state)` does the rest of the step.
template <class Rule, class State, class Box>
std::vector<std::array<double, 2>> expected_steps(const Rule& rule, const State& start, Box box,
                                                  std::size_t steps,
                                                  const std::array<std::array<double, 2>, 3>& gradients =
                                                      default_gradients()) {
    std::vector<std::array<double, 2>> expected(steps);
    for (std::size_t i = 0; i < 2; ++i) {
        long double theta = i == 0 ? 1.0L : -2.0L;
        State state = start;
        for (std::size_t t = 1; t <= steps; ++t) {
            long double g = gradients[(t - 1) % 3][i];
            if (rule.maximize) g = -g;
            box(theta, g, t, state);
            expected[t - 1][i] = static_cast<double>(theta);
        }
    }
    return expected;
}

/// The first three of them.
inline Trajectory first_three(const std::vector<std::array<double, 2>>& steps) {
    return {steps[0], steps[1], steps[2]};
}

/// The same for three steps.
template <class Rule, class State, class Box>
Trajectory expected_trajectory(const Rule& rule, const State& start, Box box,
                               const std::array<std::array<double, 2>, 3>& gradients =
                                   default_gradients()) {
    return first_three(expected_steps(rule, start, box, 3, gradients));
}

/// Runs three steps of `rule` in precision T from theta_0 = (1, -2) and zeroed state.
template <class T, class Rule>
Trajectory three_steps(const Rule& rule,
                       const std::array<std::array<double, 2>, 3>& gradients = default_gradients()) {
    std::array<T, 2> theta = {T(1), T(-2)};
    std::vector<std::array<T, 2>> slots(rule.state_slots(), std::array<T, 2>{T(0), T(0)});
    std::vector<T*> state;
    for (auto& slot : slots) state.push_back(slot.data());
    Trajectory trajectory{};
    for (std::size_t t = 0; t < 3; ++t) {
        const std::array<T, 2> grad = {static_cast<T>(gradients[t][0]),
                                       static_cast<T>(gradients[t][1])};
        rule.step(theta.data(), grad.data(), state.data(), 2, static_cast<std::int64_t>(t + 1));
        trajectory[t] = {static_cast<double>(theta[0]), static_cast<double>(theta[1])};
    }
    return trajectory;
}

/// Checks a rule in float64 (to rounding) and float32 (to float precision) against `expected`.
template <class Rule>
void check_three_steps(const Rule& rule, const Trajectory& expected,
                       const std::array<std::array<double, 2>, 3>& gradients = default_gradients()) {
    const Trajectory in_double = three_steps<double>(rule, gradients);
    const Trajectory in_float = three_steps<float>(rule, gradients);
    for (std::size_t t = 0; t < 3; ++t) {
        for (std::size_t i = 0; i < 2; ++i) {
            const int before = descend_test::failures();
            CHECK_CLOSE(in_double[t][i], expected[t][i], 1e-14);
            CHECK_CLOSE(in_float[t][i], expected[t][i], 1e-6);
            if (descend_test::failures() != before)
                std::printf("    (theta[%zu] after step %zu)\n", i, t + 1);
        }
    }
}

/// Checks the first step of theta[0] in `expected`, a rule's algorithm box, against `by_hand`,
/// the value the test works out from the formula; then `rule` against all of `expected`.
template <class Rule>
void check_box_and_rule(const Rule& rule, const Trajectory& expected, double by_hand) {
    const int before = descend_test::failures();
    CHECK_CLOSE(expected[0][0], by_hand, 1e-15);
    if (descend_test::failures() != before)
        std::printf("    (the box's first step of theta[0] against the value by hand)\n");
    check_three_steps(rule, expected);
}
