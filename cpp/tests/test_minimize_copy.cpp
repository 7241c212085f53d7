// minimize.hpp: a copied or moved Minimizer is a run of its own. Each holds the update rule's
// state in its own arrays (a copy used to point into the original's, so that the two runs
// stepped one state, and a std::vector<Minimizer> that grew read freed memory), so a copy
// stepped on its own gives the numbers of a fresh run taken as far.
#include <descend/minimize.hpp>
#include <descend/objectives/landscapes.hpp>
#include <descend/schedules.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "check.hpp"

namespace {

/// A run of Adam (its state: two arrays) on 2-D Rosenbrock that never stops before max_iter.
descend::Minimizer adam_run(descend::OnNonFinite on_nonfinite = descend::OnNonFinite::stop) {
    descend::MinimizeOptions options;
    options.max_iter = 1000;
    options.gtol = 0.0;
    options.tol = 0.0;
    options.on_nonfinite = on_nonfinite;
    descend::Adam adam;
    adam.lr = 0.01;
    return descend::Minimizer(adam, descend::Constant{0.01}, options, 2);
}

/// f(x) = sum_i (i + 1) x_i^2 over n variables: a function without a fixed size, so that
/// minimize_steps takes its general loop (the run's own arrays, not local copies).
struct Bowl {
    std::size_t n;
    std::size_t dimension() const { return n; }
    double value_and_gradient(const double* x, double* grad) const {
        double f = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double c = static_cast<double>(i + 1);
            f += c * x[i] * x[i];
            grad[i] = 2.0 * c * x[i];
        }
        return f;
    }
};

/// x after `steps` steps of a fresh adam_run from (-1.5, 2) on Rosenbrock.
std::vector<double> fresh_after(std::int64_t steps) {
    descend::Minimizer run = adam_run();
    std::vector<double> x{-1.5, 2.0};
    descend::minimize_steps(descend::Rosenbrock{2}, x.data(), run, steps);
    return x;
}

}  // namespace

static_assert(std::is_nothrow_move_constructible_v<descend::Schedule>,
              "a Schedule (LinearWarmup and ReduceOnPlateau hold one) moves without copying");
static_assert(std::is_nothrow_move_constructible_v<descend::Minimizer>,
              "a std::vector<Minimizer> moves its runs as it grows");

TEST_CASE(a_copy_and_its_original_step_independently) {
    descend::Minimizer original = adam_run();
    std::vector<double> x{-1.5, 2.0};
    descend::minimize_steps(descend::Rosenbrock{2}, x.data(), original, 3);
    descend::Minimizer copy = original;
    std::vector<double> y = x;
    // the original first: with shared state, the copy would then step from its moments
    descend::minimize_steps(descend::Rosenbrock{2}, x.data(), original, 5);
    descend::minimize_steps(descend::Rosenbrock{2}, y.data(), copy, 5);
    const std::vector<double> fresh = fresh_after(8);
    CHECK(x == fresh);
    CHECK(y == fresh);
    CHECK(original.history() == copy.history());
    CHECK_EQ(copy.iterations(), 8);
}

TEST_CASE(a_copy_assigned_over_another_run_steps_on_its_own_state) {
    descend::Minimizer original = adam_run();
    std::vector<double> x{-1.5, 2.0};
    descend::minimize_steps(descend::Rosenbrock{2}, x.data(), original, 3);
    descend::Minimizer assigned = adam_run();
    std::vector<double> y{0.5, 0.5};
    descend::minimize_steps(descend::Rosenbrock{2}, y.data(), assigned, 7);
    assigned = original;
    y = x;
    descend::minimize_steps(descend::Rosenbrock{2}, x.data(), original, 5);
    descend::minimize_steps(descend::Rosenbrock{2}, y.data(), assigned, 5);
    CHECK(x == fresh_after(8));
    CHECK(y == fresh_after(8));
}

TEST_CASE(a_copy_driven_by_observe_and_step_on_the_general_loop_is_independent) {
    // (skip keeps a saved copy of the state too; Bowl runs the loop on the run's arrays)
    const Bowl bowl{3};
    auto drive = [&](descend::Minimizer& run, std::vector<double>& x, int steps) {
        std::vector<double> grad(3);
        for (int k = 0; k < steps; ++k) {
            const double f = bowl.value_and_gradient(x.data(), grad.data());
            run.observe(x.data(), f, grad.data());
            run.step(x.data());
        }
    };
    const descend::MinimizeOptions options = adam_run(descend::OnNonFinite::skip).options();
    descend::Minimizer original = adam_run();
    original = descend::Minimizer(descend::Adam{}, descend::Constant{0.1}, options, 3);  // (moved)
    std::vector<double> x{1.0, -2.0, 0.5};
    drive(original, x, 4);
    descend::Minimizer copy(original);
    std::vector<double> y = x;
    drive(original, x, 6);
    drive(copy, y, 6);
    descend::Minimizer fresh(descend::Adam{}, descend::Constant{0.1}, options, 3);
    std::vector<double> z{1.0, -2.0, 0.5};
    drive(fresh, z, 10);
    CHECK(x == z);
    CHECK(y == z);
    descend::Minimizer moved(std::move(copy));
    drive(moved, y, 3);
    drive(fresh, z, 3);
    CHECK(y == z);
}

TEST_CASE(a_growing_vector_of_runs_keeps_each_run_whole) {
    std::vector<descend::Minimizer> runs;
    std::vector<std::vector<double>> xs;
    for (int k = 0; k < 9; ++k) {  // (several reallocations)
        runs.push_back(adam_run());
        xs.push_back({-1.5, 2.0});
        descend::minimize_steps(descend::Rosenbrock{2}, xs.back().data(), runs.back(), 2);
    }
    for (std::size_t k = 0; k < runs.size(); ++k)
        descend::minimize_steps(descend::Rosenbrock{2}, xs[k].data(), runs[k], 6);
    const std::vector<double> fresh = fresh_after(8);
    for (const std::vector<double>& x : xs) CHECK(x == fresh);
}

TEST_CASE(a_moved_from_boxed_schedule_can_be_assigned_again) {
    descend::ReduceOnPlateau plateau{descend::Schedule{descend::Constant{0.5}}};
    descend::Schedule schedule = plateau;
    descend::Schedule taken = std::move(schedule);
    CHECK(descend::learning_rate(taken, 3) == 0.5);
    schedule = descend::Schedule{descend::LinearWarmup{descend::Schedule{descend::Constant{0.2}}, 2}};
    CHECK(descend::learning_rate(schedule, 0) == 0.1);
    descend::LinearWarmup warmup{descend::Schedule{descend::Constant{0.4}}, 4};
    descend::LinearWarmup other = std::move(warmup);
    warmup = other;  // copy-assigned after the move: holds a copy again
    CHECK(descend::learning_rate(warmup.schedule.get(), 0) == 0.4);
    CHECK(descend::learning_rate(other.schedule.get(), 7) == 0.4);
}
