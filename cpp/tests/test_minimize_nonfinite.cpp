// minimize.hpp's on_nonfinite: a step that lands where f is NaN is undone (x back at the last
// finite iterate) and then ends the run (stop), is skipped with the rule's state restored
// (skip), or throws NonFiniteError (raise).
#include <descend/minimize.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "check.hpp"

namespace {

// f(x) = x^2 on |x| <= 2, NaN outside (a function defined on an interval only).
struct Interval {
    std::size_t dimension() const { return 1; }
    double value_and_gradient(const double* x, double* grad) const {
        grad[0] = 2.0 * x[0];
        return std::fabs(x[0]) <= 2.0 ? x[0] * x[0] : std::numeric_limits<double>::quiet_NaN();
    }
};

descend::MinimizeOptions with(descend::OnNonFinite policy, std::int64_t max_iter) {
    descend::MinimizeOptions options;
    options.on_nonfinite = policy;
    options.max_iter = max_iter;
    options.gtol = 0.0;
    options.tol = 0.0;
    options.record_path = true;
    return options;
}

// SGD with momentum 0.9 from x = 1.5 (g = 3) under lr_k = 1.2 * 0.5^k: the first step goes to
// 1.5 - 1.2 * 3 = -2.1, where f is NaN.
descend::SGD momentum() {
    descend::SGD rule;
    rule.momentum = 0.9;
    return rule;
}
const descend::Exponential halving{1.2, 0.5};

}  // namespace

TEST_CASE(stop_ends_the_run_at_the_last_finite_iterate) {
    double x[1] = {1.5};
    const auto run = descend::minimize(Interval{}, x, momentum(), halving,
                                       with(descend::OnNonFinite::stop, 10));
    CHECK(run.status() == descend::MinimizeStatus::diverged);
    CHECK_EQ(run.iterations(), 1);
    CHECK_EQ(run.nonfinite_steps(), 1);
    CHECK(x[0] == 1.5);
    CHECK_EQ(run.history().size(), std::size_t{1});
}

TEST_CASE(skip_undoes_the_step_and_the_rules_state_then_goes_on) {
    // Adam from x = 1.5 (g = 3) under lr_k = 4 * 0.5^k: step 0 goes to about 1.5 - 4 = -2.5,
    // where f is NaN, and is skipped; step 1 (lr 2) is Adam's first step again, of length
    // lr g / (|g| + eps): x = 1.5 - 2 * 3 / (3 + 1e-8). Had m and v kept step 0's g, step 1
    // would be 2 * m_hat / sqrt(v_hat) = 2 * 5.7 / sqrt(17.991) long.
    double x[1] = {1.5};
    const auto run = descend::minimize(Interval{}, x, descend::Adam{}, descend::Exponential{4.0, 0.5},
                                       with(descend::OnNonFinite::skip, 2));
    CHECK(run.status() == descend::MinimizeStatus::max_iter);
    CHECK_EQ(run.iterations(), 2);
    CHECK_EQ(run.nonfinite_steps(), 1);
    CHECK_CLOSE(x[0], 1.5 - 2.0 * 3.0 / (3.0 + 1e-8), 1e-15);
    // One iterate per iteration: the skipped step's is x_0 again.
    CHECK_EQ(run.history().size(), std::size_t{3});
    CHECK(run.history()[0] == 2.25 && run.history()[1] == 2.25);
    CHECK(run.path()[1] == 1.5 && run.path()[2] == x[0]);
}

TEST_CASE(skip_with_a_constant_lr_skips_every_step_until_max_iter) {
    double x[1] = {1.5};
    const auto run = descend::minimize(Interval{}, x, momentum(), descend::Constant{1.2},
                                       with(descend::OnNonFinite::skip, 7));
    CHECK(run.status() == descend::MinimizeStatus::max_iter);
    CHECK_EQ(run.iterations(), 7);
    CHECK_EQ(run.nonfinite_steps(), 7);
    CHECK(x[0] == 1.5);
    CHECK(run.fun() == 2.25);
}

TEST_CASE(raise_throws_with_x_back_at_the_last_finite_iterate) {
    double x[1] = {1.5};
    descend::Minimizer run(momentum(), halving, with(descend::OnNonFinite::raise, 10), 1);
    CHECK_THROWS(descend::minimize_steps(Interval{}, x, run, 10), descend::NonFiniteError);
    CHECK(run.status() == descend::MinimizeStatus::diverged);
    CHECK(x[0] == 1.5);
    CHECK_EQ(run.nonfinite_steps(), 1);
}

TEST_CASE(a_nonfinite_start_has_no_step_to_undo) {
    for (const auto policy : {descend::OnNonFinite::stop, descend::OnNonFinite::skip}) {
        double x[1] = {3.0};
        const auto run = descend::minimize(Interval{}, x, momentum(), halving, with(policy, 10));
        CHECK(run.status() == descend::MinimizeStatus::diverged);
        CHECK_EQ(run.iterations(), 0);
        CHECK_EQ(run.nonfinite_steps(), 0);
        CHECK(x[0] == 3.0);
    }
    double x[1] = {3.0};
    CHECK_THROWS(descend::minimize(Interval{}, x, momentum(), halving,
                                   with(descend::OnNonFinite::raise, 10)),
                 descend::NonFiniteError);
}
