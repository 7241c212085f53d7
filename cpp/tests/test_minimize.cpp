// minimize.hpp: the Minimizer's stopping rules, Adam taking Rosenbrock's function to its
// minimum with the settings of python/descend/minimize.py's table, a clean divergence (x back
// at the last finite iterate), and the two ways of driving a run giving the same numbers.
#include <descend/minimize.hpp>
#include <descend/objectives/landscapes.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "check.hpp"

static descend::Optimizer sgd() { return descend::SGD{}; }

/// Options under which a run takes exactly `max_iter` steps: gtol and tol 0 never stop it.
static descend::MinimizeOptions exactly(std::int64_t max_iter) {
    descend::MinimizeOptions options;
    options.max_iter = max_iter;
    options.gtol = 0.0;
    options.tol = 0.0;
    return options;
}

/// Adam with its defaults but lr.
static descend::Adam adam_at(double lr) {
    descend::Adam adam;
    adam.lr = lr;
    return adam;
}

/// Checks that two runs ended at the same x, bit for bit, with the same history.
static void check_same_run(const double* x, const descend::Minimizer& a, const double* y,
                           const descend::Minimizer& b) {
    CHECK(x[0] == y[0] && x[1] == y[1]);
    CHECK(a.history() == b.history());
}

TEST_CASE(adam_reaches_rosenbrocks_minimum) {
    // minimize.py's table: adam, lr=1e-3, gtol=1e-6, max_iter=100_000, tol=None (0), from
    // (-1.5, 2); 11,614 steps there. gtol = 1e-6 leaves x within 1e-4 of (1, 1).
    descend::MinimizeOptions options;
    options.max_iter = 100000;
    options.gtol = 1e-6;
    options.tol = 0.0;
    double x[2] = {-1.5, 2.0};
    const descend::Minimizer run = descend::minimize(descend::Rosenbrock{2}, x, descend::Adam{},
                                                     descend::Constant{1e-3}, options);
    CHECK(run.status() == descend::MinimizeStatus::gtol);
    CHECK(std::fabs(x[0] - 1.0) < 1e-4);
    CHECK(std::fabs(x[1] - 1.0) < 1e-4);
    CHECK(x[0] == run.x()[0] && x[1] == run.x()[1]);
    CHECK(run.fun() < 1e-8);
    CHECK(std::max(std::fabs(run.gradient()[0]), std::fabs(run.gradient()[1])) < 1e-6);
    CHECK(run.iterations() > 11000 && run.iterations() < 12500);  // 11,614 in the table
    CHECK_EQ(run.evaluations(), run.iterations() + 1);
    CHECK_EQ(run.history().size(), static_cast<std::size_t>(run.iterations() + 1));
    CHECK(run.history().back() == run.fun());
}

TEST_CASE(a_huge_lr_diverges_cleanly_back_at_the_last_finite_iterate) {
    // Gradient descent with lr = 1 from (-1.5, 2): |x| grows like x^3 each step until f or
    // its gradient overflows.
    descend::MinimizeOptions options;
    options.max_iter = 1000;
    options.record_path = true;
    double x[2] = {-1.5, 2.0};
    const descend::Minimizer run =
        descend::minimize(descend::Rosenbrock{2}, x, sgd(), descend::Constant{1.0}, options);
    CHECK(run.status() == descend::MinimizeStatus::diverged);
    CHECK(run.iterations() > 1 && run.iterations() < 20);
    // Every iteration but the last (the one that overflowed) was recorded ...
    CHECK_EQ(run.history().size(), static_cast<std::size_t>(run.iterations()));
    CHECK_EQ(run.path().size(), 2 * run.history().size());
    for (const double f : run.history()) CHECK(std::isfinite(f));
    // ... and x is the last finite iterate, with its f and gradient.
    CHECK(std::isfinite(x[0]) && std::isfinite(x[1]));
    CHECK(x[0] == run.x()[0] && x[1] == run.x()[1]);
    CHECK(x[0] == run.path()[run.path().size() - 2] && x[1] == run.path().back());
    double grad[2];
    CHECK(descend::Rosenbrock{2}.value_and_gradient(x, grad) == run.fun());
    CHECK(grad[0] == run.gradient()[0] && grad[1] == run.gradient()[1]);
    CHECK(run.fun() > 1e10);
    CHECK_THROWS(const_cast<descend::Minimizer&>(run).step(x), std::logic_error);
}

TEST_CASE(observe_and_step_take_the_same_path_as_minimize) {
    descend::MinimizeOptions options;
    options.max_iter = 50;
    options.clip_norm = 5.0;
    const descend::Adam adam = adam_at(0.05);
    double x[2] = {-1.5, 2.0};
    const descend::Minimizer whole =
        descend::minimize(descend::Rosenbrock{2}, x, adam, descend::Constant{0.05}, options);
    CHECK(whole.status() == descend::MinimizeStatus::max_iter);
    CHECK_EQ(whole.iterations(), 50);

    descend::Minimizer sliced(adam, descend::Constant{0.05}, options, 2);
    double y[2] = {-1.5, 2.0}, grad[2];
    double f = descend::Rosenbrock{2}.value_and_gradient(y, grad);
    while (sliced.observe(y, f, grad) == descend::MinimizeStatus::running) {
        sliced.step(y);
        f = descend::Rosenbrock{2}.value_and_gradient(y, grad);
    }
    CHECK(sliced.status() == descend::MinimizeStatus::max_iter);
    check_same_run(x, whole, y, sliced);
}

TEST_CASE(the_callback_sees_every_iteration_and_false_stops_a_run_that_can_continue) {
    const descend::MinimizeOptions options = exactly(50);
    const descend::Adam adam = adam_at(0.05);
    std::vector<std::int64_t> iterations;
    std::vector<double> values, last_x, last_gradient;
    auto watch = [&](const descend::IterationProgress& progress) {
        iterations.push_back(progress.iteration);
        values.push_back(progress.fun);
        last_x.assign(progress.x.begin(), progress.x.end());
        last_gradient.assign(progress.gradient.begin(), progress.gradient.end());
        return progress.iteration < 20;
    };
    double x[2] = {-1.5, 2.0};
    descend::Minimizer run = descend::minimize(descend::Rosenbrock{2}, x, adam,
                                               descend::Constant{0.05}, options, watch);
    CHECK(run.status() == descend::MinimizeStatus::running);  // stopped by the callback
    CHECK_EQ(run.iterations(), 20);
    CHECK_EQ(iterations.size(), 21u);  // the starting point, then every step
    for (std::size_t k = 0; k < iterations.size(); ++k)
        CHECK_EQ(iterations[k], static_cast<std::int64_t>(k));
    CHECK(values == run.history());
    CHECK(last_x == run.x() && last_x[0] == x[0] && last_x[1] == x[1]);
    CHECK(last_gradient == run.gradient());

    // The stopped run continues to the numbers of one uninterrupted run.
    CHECK(descend::minimize_steps(descend::Rosenbrock{2}, x, run, 100) ==
          descend::MinimizeStatus::max_iter);
    double y[2] = {-1.5, 2.0};
    const descend::Minimizer whole =
        descend::minimize(descend::Rosenbrock{2}, y, adam, descend::Constant{0.05}, options);
    check_same_run(x, run, y, whole);
}

TEST_CASE(a_constant_schedule_takes_the_same_steps_as_the_general_schedule_path) {
    // minimize_steps runs a Constant schedule through a loop with the schedule type known;
    // every other schedule through the Schedule variant. Exponential(lr, gamma = 1) is
    // lr * 1^t = lr exactly, so both must give the same numbers, bit for bit.
    const descend::MinimizeOptions options = exactly(2000);
    const descend::Adam adam = adam_at(1e-2);
    double x[2] = {-1.5, 2.0}, y[2] = {-1.5, 2.0};
    const descend::Minimizer constant =
        descend::minimize(descend::Rosenbrock{2}, x, adam, descend::Constant{1e-2}, options);
    const descend::Minimizer general = descend::minimize(
        descend::Rosenbrock{2}, y, adam, descend::Exponential{1e-2, 1.0}, options);
    CHECK_EQ(constant.iterations(), 2000);
    check_same_run(x, constant, y, general);
    CHECK(constant.gradient() == general.gradient());
    CHECK(std::fabs(x[0] - 1.0) < 0.1 && std::fabs(x[1] - 1.0) < 0.2);  // it did descend
}

TEST_CASE(clip_norm_scales_the_first_step) {
    // Gradient descent, lr 1, on the sphere from (3, 4): g = (6, 8), ||g|| = 10; clipped to
    // 1 / (10 + 1e-6) of itself, so the step is g / (10 + 1e-6).
    descend::MinimizeOptions options;
    options.max_iter = 1;
    options.clip_norm = 1.0;
    double x[2] = {3.0, 4.0};
    descend::minimize(descend::Sphere{2}, x, sgd(), descend::Constant{1.0}, options);
    CHECK_CLOSE(x[0], 3.0 - 6.0 / (10.0 + 1e-6), 1e-15);
    CHECK_CLOSE(x[1], 4.0 - 8.0 / (10.0 + 1e-6), 1e-15);
}

TEST_CASE(stopping_rules_fire_in_their_order) {
    // gtol: the sphere's minimum is reached by gradient descent with lr 0.5 in one step.
    descend::MinimizeOptions options;
    double x[2] = {3.0, 4.0};
    const auto at_minimum = descend::minimize(descend::Sphere{2}, x, sgd(), descend::Constant{0.5}, options);
    CHECK(at_minimum.status() == descend::MinimizeStatus::gtol);
    CHECK_EQ(at_minimum.iterations(), 1);
    CHECK(x[0] == 0.0 && x[1] == 0.0);
    // tol: with lr 0.25 x halves and f quarters each step, 25 -> 6.25: the change 18.75 is
    // below tol * 25 for tol = 0.8.
    options.tol = 0.8;
    double y[2] = {3.0, 4.0};
    const auto small_change = descend::minimize(descend::Sphere{2}, y, sgd(), descend::Constant{0.25}, options);
    CHECK(small_change.status() == descend::MinimizeStatus::tol);
    CHECK_EQ(small_change.iterations(), 1);
    CHECK_CLOSE(small_change.fun(), 25.0 / 4.0, 1e-15);
    // A non-finite start: diverged at once, x left as given.
    double z[2] = {std::numeric_limits<double>::infinity(), 1.0};
    const auto bad_start = descend::minimize(descend::Sphere{2}, z, sgd(), descend::Constant{0.1}, options);
    CHECK(bad_start.status() == descend::MinimizeStatus::diverged);
    CHECK_EQ(bad_start.iterations(), 0);
    CHECK(std::isinf(z[0]));
}

TEST_CASE(minimize_options_validate_names_the_impossible_setting) {
    descend::MinimizeOptions options;
    options.validate();
    options.gtol = -1.0;
    CHECK_THROWS(options.validate(), std::invalid_argument);
    options = descend::MinimizeOptions{};
    options.max_iter = -1;
    CHECK_THROWS(descend::Minimizer(sgd(), descend::Constant{0.1}, options, 2), std::invalid_argument);
    descend::SGD negative;
    negative.lr = -1.0;
    CHECK_THROWS(descend::Minimizer(negative, descend::Constant{0.1}, descend::MinimizeOptions{}, 2),
                 std::invalid_argument);
}
