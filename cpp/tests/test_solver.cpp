// The solver loop's rules: stopping (converged, max_iter, diverged with the parameters, state
// and average restored), slicing (many short calls give exactly the numbers of one long call),
// the rows each sampling visits, averaging, and the l1 proximal step.
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/random.hpp>
#include <descend/solver.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "tutorial_data.hpp"

namespace {

constexpr std::size_t m = 20;

/// The tutorial's regression, m rows.
struct Problem : TutorialRegression {
    Problem() : TutorialRegression(m, 11) {}
};

using Run = TutorialRun;

descend::SolverOptions options_with(std::size_t max_iter, double tol) {
    descend::SolverOptions options;
    options.max_iter = max_iter;
    options.tol = tol;
    return options;
}

}  // namespace

TEST_CASE(full_batch_run_converges_when_the_loss_stops_changing) {
    const Problem p;
    Run r{descend::SGD{}};
    descend::SolverOptions options = options_with(100000, 1e-10);
    options.n_iter_no_change = 3;
    const descend::Status status = r.run(p, descend::Constant{0.1}, options, 100000);
    CHECK(status == descend::Status::converged);
    CHECK(r.solver.status == descend::Status::converged);
    CHECK(r.solver.epoch < 100000);
    CHECK_EQ(r.history.size(), r.solver.epoch);
    CHECK_EQ(r.solver.step, static_cast<std::int64_t>(r.solver.epoch));  // one step an epoch
    const std::size_t k = r.history.size();
    for (std::size_t last = k - 3; last < k; ++last)
        CHECK(std::fabs(r.history[last - 1] - r.history[last]) < 1e-10);
    CHECK(std::fabs(r.history[k - 5] - r.history[k - 4]) >= 1e-10);
    CHECK(std::fabs(r.theta[0] - 4.0) < 0.5 && std::fabs(r.theta[1] - 3.0) < 0.5);
}

TEST_CASE(run_stops_at_max_iter_and_stays_there) {
    const Problem p;
    Run r{descend::SGD{}};
    const descend::SolverOptions options = options_with(5, -1.0);  // tol < 0: no convergence
    CHECK(r.run(p, descend::Constant{0.01}, options, 3) == descend::Status::running);
    CHECK_EQ(r.solver.epoch, 3);
    CHECK(r.run(p, descend::Constant{0.01}, options, 100) == descend::Status::max_iter);
    CHECK_EQ(r.solver.epoch, 5);
    CHECK_EQ(r.history.size(), 5);
    const std::vector<double> theta = r.theta;
    CHECK(r.run(p, descend::Constant{0.01}, options, 100) == descend::Status::max_iter);
    CHECK_EQ(r.solver.epoch, 5);
    CHECK_EQ(r.history.size(), 5);
    CHECK(r.theta == theta);
}

TEST_CASE(divergence_restores_theta_of_the_start_of_the_epoch) {
    const Problem p;
    Run r{descend::SGD{}};
    const descend::SolverOptions options = options_with(10000, -1.0);
    std::vector<double> before;
    descend::Status status = descend::Status::running;
    while (status == descend::Status::running) {
        before = r.theta;
        status = r.run(p, descend::Constant{10.0}, options, 1);
    }
    CHECK(status == descend::Status::diverged);
    CHECK(r.solver.epoch < 10000);
    CHECK_EQ(r.solver.diverged_epoch, r.solver.epoch);
    CHECK(r.theta == before);
    CHECK(descend::all_finite(r.theta.data(), r.theta.size()));
    CHECK_EQ(r.history.size(), r.solver.epoch - 1);  // the diverging epoch has no loss
    for (double loss : r.history) CHECK(std::isfinite(loss));
}

TEST_CASE(slices_give_the_numbers_of_one_run) {
    const Problem p;
    for (const descend::Sampling sampling : {descend::Sampling::shuffle, descend::Sampling::replacement}) {
        descend::SolverOptions options = options_with(30, -1.0);
        options.batch_size = 3;  // 7 steps an epoch, the last one of 2 rows when shuffling
        options.sampling = sampling;
        descend::Adam adam;
        adam.amsgrad = true;
        Run whole{adam, 42}, sliced{adam, 42};
        const descend::InverseTime schedule{1.0, 10.0};
        CHECK(whole.run(p, schedule, options, 30) == descend::Status::max_iter);
        for (std::size_t epochs : {1u, 2u, 3u, 4u, 5u, 6u, 9u})
            sliced.run(p, schedule, options, epochs);
        CHECK(sliced.solver.status == descend::Status::max_iter);
        CHECK(sliced.theta == whole.theta);
        CHECK(sliced.slots == whole.slots);
        CHECK(sliced.history == whole.history);
        CHECK_EQ(sliced.solver.step, whole.solver.step);
        CHECK(sliced.solver.random.next() == whole.solver.random.next());
        CHECK_EQ(whole.solver.step, 30 * 7);
    }
}

TEST_CASE(batch_size_of_all_rows_is_the_full_batch) {
    const Problem p;
    Run full{descend::SGD{}}, all_rows{descend::SGD{}};
    descend::SolverOptions options = options_with(20, -1.0);
    full.run(p, descend::Constant{0.05}, options, 20);
    options.batch_size = m;
    all_rows.run(p, descend::Constant{0.05}, options, 20);
    CHECK(full.theta == all_rows.theta);
    CHECK(full.history == all_rows.history);
}

TEST_CASE(stochastic_epoch_loss_is_the_mean_of_the_step_losses) {
    const Problem p;
    descend::SolverOptions options = options_with(1, -1.0);
    options.batch_size = 1;
    options.sampling = descend::Sampling::replacement;
    Run r{descend::SGD{}, 5};
    r.run(p, descend::Constant{0.0}, options, 1);  // lr 0: theta stays 0, so loss_i = y_i^2
    descend::Random replay(5);
    double total = 0.0;
    for (std::size_t s = 0; s < m; ++s) {
        const double y = p.y[replay.below(m)];
        total += y * y;
    }
    CHECK_EQ(r.history.size(), 1);
    CHECK_CLOSE(r.history[0], total / m, 1e-14);
}

namespace {

/// An objective of m rows and one parameter that records every batch it is given: loss 0,
/// gradient 0, so the run's only effect is the sequence of rows it visits.
struct Recorder {
    std::size_t m = 0;
    mutable std::vector<std::vector<std::size_t>> batches;
    std::size_t n_samples() const { return m; }
    std::size_t n_params() const { return 1; }
    std::size_t n_intercepts() const { return 0; }
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double*,
                             double* grad) const {
        std::vector<std::size_t> batch(count);
        for (std::size_t k = 0; k < count; ++k) batch[k] = descend::batch_row(rows, k);
        batches.push_back(batch);
        grad[0] = 0.0;
        return 0.0;
    }
};

/// Runs `epochs` epochs of SGD on a Recorder of m rows, over `train` (empty: all rows).
Recorder record(std::size_t rows, std::size_t batch_size, descend::Sampling sampling,
                std::size_t epochs, const std::vector<std::size_t>& train = {}) {
    Recorder recorder;
    recorder.m = rows;
    descend::SolverOptions options = options_with(epochs, -1.0);
    options.batch_size = batch_size;
    options.sampling = sampling;
    double theta = 0.0;
    descend::SolverState run;
    descend::Schedule schedule = descend::Constant{0.1};
    descend::History history;
    const descend::RowSet set{train.empty() ? nullptr : train.data(), train.size()};
    descend::run_epochs(recorder, set, descend::Validation<Recorder>{},
                        descend::Iterate<double>{&theta, nullptr, nullptr}, descend::SGD{},
                        schedule, options, run, epochs, history);
    return recorder;
}

}  // namespace

TEST_CASE(a_shuffled_epoch_visits_every_row_exactly_once_whatever_the_batch_size) {
    const std::size_t rows = 23;
    for (std::size_t batch_size : {1u, 2u, 4u, 5u, 7u, 22u}) {
        const Recorder r = record(rows, batch_size, descend::Sampling::shuffle, 3);
        const std::size_t steps = (rows + batch_size - 1) / batch_size;
        CHECK_EQ(r.batches.size(), 3 * steps);
        for (std::size_t epoch = 0; epoch < 3; ++epoch) {
            std::vector<int> visits(rows, 0);
            for (std::size_t s = 0; s < steps; ++s) {
                const auto& batch = r.batches[epoch * steps + s];
                CHECK_EQ(batch.size(), s + 1 < steps ? batch_size : rows - s * batch_size);
                for (std::size_t i : batch) ++visits[i];
            }
            for (int v : visits) CHECK_EQ(v, 1);
        }
    }
}

TEST_CASE(replacement_sampling_draws_every_row_including_the_last) {
    const std::size_t rows = 9;
    const Recorder r = record(rows, 2, descend::Sampling::replacement, 40);
    std::vector<int> visits(rows, 0);
    for (const auto& batch : r.batches) {
        CHECK_EQ(batch.size(), 2);
        for (std::size_t i : batch) ++visits[i];
    }
    for (int v : visits) CHECK(v > 0);
    CHECK_EQ(r.batches.size(), 40 * 5);  // ceil(9 / 2) steps an epoch
}

TEST_CASE(training_rows_restrict_every_sampling_to_them) {
    const std::vector<std::size_t> train = {3, 8, 1, 12, 5};
    for (const descend::Sampling sampling : {descend::Sampling::shuffle, descend::Sampling::replacement}) {
        for (std::size_t batch_size : {0u, 2u}) {
            const Recorder r = record(13, batch_size, sampling, 30, train);
            std::vector<int> visits(13, 0);
            for (const auto& batch : r.batches)
                for (std::size_t i : batch) ++visits[i];
            for (std::size_t i = 0; i < 13; ++i) {
                const bool in_train = std::find(train.begin(), train.end(), i) != train.end();
                CHECK(in_train == (visits[i] > 0));
            }
        }
    }
    const Recorder full = record(13, 0, descend::Sampling::shuffle, 1, train);
    CHECK(full.batches.size() == 1 && full.batches[0] == train);  // full batch: in the given order
}

/// Least squares that records the theta of every call: the iterate after each step.
struct IterateRecorder {
    descend::LeastSquares<double> objective;
    mutable std::vector<std::vector<double>> thetas;
    std::size_t n_samples() const { return objective.n_samples(); }
    std::size_t n_params() const { return objective.n_params(); }
    std::size_t n_intercepts() const { return 1; }
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double* theta,
                             double* grad) const {
        thetas.emplace_back(theta, theta + n_params());
        return objective.loss_and_gradient(rows, count, theta, grad);
    }
};

TEST_CASE(the_average_is_the_mean_of_the_iterates_from_step_k_on) {
    const Problem p;
    for (const std::size_t k : {1u, 11u}) {
        descend::SolverOptions options = options_with(6, -1.0);
        options.batch_size = 3;  // 7 steps an epoch
        options.average = k;
        IterateRecorder objective{p.objective, {}};
        std::vector<double> theta(2, 0.0), average(2, -5.0);
        descend::SolverState run;
        descend::Schedule schedule = descend::Constant{0.05};
        descend::History history;
        descend::run_epochs(objective, descend::RowSet{}, {},
                            descend::Iterate<double>{theta.data(), nullptr, average.data()},
                            descend::SGD{}, schedule, options, run, 6, history);
        std::vector<std::vector<double>> iterates(objective.thetas.begin() + 1, objective.thetas.end());
        iterates.push_back(theta);  // iterates[t - 1]: theta after step t
        CHECK_EQ(iterates.size(), 42);
        for (std::size_t j = 0; j < 2; ++j) {
            double sum = 0.0;
            for (std::size_t t = k; t <= 42; ++t) sum += iterates[t - 1][j];
            CHECK_CLOSE(average[j], sum / static_cast<double>(42 - k + 1), 1e-13);
        }
    }
}

TEST_CASE(an_l1_penalty_soft_thresholds_after_each_step_and_leaves_the_intercept) {
    const Problem p;
    descend::Penalized<descend::LeastSquares<double>> lasso{p.objective, {}};
    lasso.penalty.kind = descend::PenaltyKind::l1;
    lasso.penalty.alpha = 100.0;  // far beyond the slope's gradient: the slope stays exactly 0
    std::vector<double> theta(2, 0.0);
    descend::SolverState run;
    descend::Schedule schedule = descend::Constant{0.2};
    std::vector<double> losses;
    descend::run_epochs(lasso, theta.data(), static_cast<double* const*>(nullptr), descend::SGD{},
                        schedule, options_with(200, -1.0), run, 200, losses);
    CHECK(theta[1] == 0.0);
    double mean_y = 0.0;
    for (double v : p.y) mean_y += v / m;
    CHECK_CLOSE(theta[0], mean_y, 1e-6);  // the intercept alone fits the mean
}

TEST_CASE(divergence_restores_state_and_average_with_theta) {
    const Problem p;
    descend::SolverOptions options = options_with(10000, -1.0);
    options.batch_size = 4;
    options.average = 2;
    descend::SGD rule;
    rule.momentum = 0.5;
    auto fit = [&](std::size_t max_iter, std::vector<double>& theta, std::vector<double>& buffer,
                   std::vector<double>& average, descend::SolverState& run) {
        descend::SolverOptions o = options;
        o.max_iter = max_iter;
        double* state[] = {buffer.data()};
        descend::Schedule schedule = descend::Constant{2.0};
        descend::History history;
        descend::Penalized<descend::LeastSquares<double>> objective{p.objective, {}};
        return descend::run_epochs(objective, descend::RowSet{}, {},
                                   descend::Iterate<double>{theta.data(), state, average.data()},
                                   rule, schedule, o, run, 10000, history);
    };
    std::vector<double> theta(2, 0.0), buffer(2, 0.0), average(2, 0.0);
    descend::SolverState run;
    CHECK(fit(10000, theta, buffer, average, run) == descend::Status::diverged);
    const std::size_t k = run.diverged_epoch;
    CHECK(k >= 2);
    std::vector<double> theta2(2, 0.0), buffer2(2, 0.0), average2(2, 0.0);
    descend::SolverState run2;
    CHECK(fit(k - 1, theta2, buffer2, average2, run2) == descend::Status::max_iter);
    CHECK(theta == theta2);
    CHECK(buffer == buffer2);
    CHECK(average == average2);
    CHECK_EQ(run.step, run2.step);
}

TEST_CASE(a_threaded_full_batch_run_is_bit_identical_for_a_given_number_of_threads) {
    const Problem p;
    descend::Adam adam;
    adam.lr = 0.1;
    const descend::SolverOptions one = options_with(50, -1.0);
    Run single{adam};
    single.run(p, descend::Constant{0.1}, one, 50);
    for (const std::size_t threads : {std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
        descend::SolverOptions options = one;
        options.n_threads = threads;
        Run a{adam}, b{adam};
        a.run(p, descend::Constant{0.1}, options, 50);
        b.run(p, descend::Constant{0.1}, options, 50);
        CHECK(a.theta == b.theta && a.history == b.history && a.slots == b.slots);
        // the blocks' sums in block order: equal to the one-thread run up to rounding
        for (std::size_t j = 0; j < 2; ++j)
            CHECK(std::fabs(a.theta[j] - single.theta[j]) <= 1e-12 * (1.0 + std::fabs(single.theta[j])));
    }
    // automatic on this small problem: one thread, exactly the one-thread run
    descend::SolverOptions automatic = one;
    automatic.n_threads = 0;
    Run c{adam};
    c.run(p, descend::Constant{0.1}, automatic, 50);
    CHECK(c.theta == single.theta && c.history == single.history);
}
