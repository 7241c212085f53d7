// The solver loop's stopping rules (converged, max_iter, diverged with the parameters
// restored) and its slicing: many short calls give exactly the numbers of one long call.
#include <descend/objectives/least_squares.hpp>
#include <descend/random.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "check.hpp"

namespace {

constexpr std::size_t m = 20;

/// y = 4 + 3x + noise in [-0.5, 0.5), x in [0, 2), one feature.
struct Problem {
    std::vector<double> X, y;
    descend::LeastSquares<double> objective;
    Problem() {
        descend::Random random(11);
        for (std::size_t i = 0; i < m; ++i) {
            X.push_back(2.0 * random.uniform());
            y.push_back(4.0 + 3.0 * X.back() + random.uniform() - 0.5);
        }
        objective.X = descend::MatrixView<const double>{X.data(), m, 1};
        objective.y = y.data();
    }
};

/// theta, the optimizer's state arrays and the loop's carried state, ready to run.
struct Run {
    std::vector<double> theta = std::vector<double>(2, 0.0);
    std::vector<std::vector<double>> slots;
    std::vector<double*> state;
    descend::SolverState solver;
    std::vector<double> history;
    descend::Optimizer optimizer;
    explicit Run(const descend::Optimizer& rule, std::uint64_t seed = 0) : optimizer(rule) {
        slots.assign(descend::state_slots(rule), std::vector<double>(2, 0.0));
        for (auto& slot : slots) state.push_back(slot.data());
        solver.random.reseed(seed);
    }
    descend::Status run(const Problem& p, descend::Schedule schedule,
                        const descend::SolverOptions& options, std::size_t epochs) {
        return descend::run_epochs(p.objective, theta.data(), state.data(), optimizer,
                                   schedule, options, solver, epochs, history);
    }
};

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
        for (std::size_t epochs : {1, 2, 3, 4, 5, 6, 9})
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
