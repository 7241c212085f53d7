// The solver loop's policy for NaN and infinity (SolverOptions::on_nonfinite): raise ends the run
// exactly as stop does, then throws NonFiniteError; skip undoes each failing step, counts it and
// goes on, so a run that can no longer move ends at max_iter with finite parameters.
#include <descend/fit.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "tutorial_data.hpp"

namespace {

/// A run of the loop on the tutorial's regression (20 rows).
struct Run : TutorialRun {
    TutorialRegression problem{20, 11};
    using TutorialRun::TutorialRun;
    /// Up to 300 epochs at the constant rate lr under `policy`, never stopped by tol.
    descend::Status run(double lr, descend::OnNonFinite policy, std::size_t batch_size = 0) {
        descend::SolverOptions options;
        options.max_iter = 300;
        options.tol = -1.0;
        options.batch_size = batch_size;
        options.on_nonfinite = policy;
        return TutorialRun::run(problem, descend::Constant{lr}, options, 300);
    }
};

}  // namespace

TEST_CASE(raise_ends_the_run_as_stop_does_then_throws) {
    for (const std::size_t batch_size : {0u, 1u, 4u}) {
        Run stopped{descend::SGD{}}, raised{descend::SGD{}};
        CHECK(stopped.run(10.0, descend::OnNonFinite::stop, batch_size) ==
              descend::Status::diverged);
        bool thrown = false;
        try {
            raised.run(10.0, descend::OnNonFinite::raise, batch_size);
        } catch (const descend::NonFiniteError& error) {
            thrown = std::string(error.what()).find("epoch " +
                                                    std::to_string(stopped.solver.epoch)) == 0;
        }
        CHECK(thrown);
        CHECK(raised.solver.status == descend::Status::diverged);
        CHECK_EQ(raised.solver.diverged_epoch, stopped.solver.diverged_epoch);
        CHECK(raised.theta == stopped.theta);
        CHECK(raised.history == stopped.history);  // the epochs before the diverging one
        CHECK_EQ(raised.solver.step, stopped.solver.step);
    }
}

TEST_CASE(skip_undoes_failing_steps_until_max_iter_keeping_theta_finite) {
    for (const std::size_t batch_size : {0u, 1u, 4u}) {
        for (const descend::Optimizer& rule : {descend::Optimizer{descend::SGD{}},
                                                descend::Optimizer{descend::Adam{}}}) {
            Run r{rule};
            // lr = 1e306: the first steps already overflow (Adam's steps are about lr each)
            CHECK(r.run(1e306, descend::OnNonFinite::skip, batch_size) ==
                  descend::Status::max_iter);
            CHECK_EQ(r.solver.epoch, 300);
            CHECK(r.solver.nonfinite_steps > 0);
            CHECK(r.solver.nonfinite_steps <= r.solver.step);
            CHECK(descend::all_finite(r.theta.data(), r.theta.size()));
            for (const auto& slot : r.slots) CHECK(descend::all_finite(slot.data(), slot.size()));
            CHECK_EQ(r.history.size(), 300);
            CHECK_EQ(r.solver.diverged_epoch, 0);
        }
    }
}

TEST_CASE(skip_without_a_nonfinite_step_gives_the_numbers_of_stop) {
    for (const std::size_t batch_size : {0u, 4u}) {
        Run stopped{descend::Adam{}}, skipping{descend::Adam{}};
        CHECK(stopped.run(0.01, descend::OnNonFinite::stop, batch_size) ==
              descend::Status::max_iter);
        CHECK(skipping.run(0.01, descend::OnNonFinite::skip, batch_size) ==
              descend::Status::max_iter);
        CHECK(skipping.theta == stopped.theta);
        CHECK(skipping.slots == stopped.slots);
        CHECK(skipping.history == stopped.history);
        CHECK_EQ(skipping.solver.nonfinite_steps, 0);
    }
}

TEST_CASE(fit_keeps_the_losses_of_the_epochs_before_a_nonfinite_error) {
    const TutorialRegression problem{20, 11};
    std::vector<double> theta;
    descend::SolverOptions options;
    options.max_iter = 1;
    options.tol = -1.0;
    options.on_nonfinite = descend::OnNonFinite::raise;
    descend::FitResult<double> result = descend::fit(problem.objective, theta, descend::SGD{},
                                                     descend::Constant{10.0}, options);
    CHECK_EQ(result.losses.size(), 1);
    bool thrown = false;
    try {
        descend::fit(problem.objective, theta, result, 300);
    } catch (const descend::NonFiniteError&) {
        thrown = true;
    }
    CHECK(thrown);
    CHECK(result.status() == descend::Status::diverged);
    CHECK(result.solver.epoch > 2);
    CHECK_EQ(result.losses.size(), result.solver.epoch - 1);  // all but the diverging epoch
    CHECK(descend::all_finite(theta.data(), theta.size()));
}
