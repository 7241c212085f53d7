// Shared by the tests of the solver loop and of fit: the tutorial's regression,
// y = 4 + 3x + noise in [-0.5, 0.5), x in [0, 2), one feature, from a fixed seed, and a run of
// the solver loop on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <descend/objectives/least_squares.hpp>
#include <descend/random.hpp>
#include <descend/solver.hpp>
#include <descend/view.hpp>

/// m rows of the tutorial's data and the least-squares objective over them (not copyable: the
/// objective points into X and y).
struct TutorialRegression {
    std::vector<double> X, y;
    descend::LeastSquares<double> objective;
    TutorialRegression(std::size_t m, std::uint64_t seed) {
        descend::Random random(seed);
        for (std::size_t i = 0; i < m; ++i) {
            X.push_back(2.0 * random.uniform());
            y.push_back(4.0 + 3.0 * X.back() + random.uniform() - 0.5);
        }
        objective.X = descend::MatrixView<const double>{X.data(), m, 1};
        objective.y = y.data();
    }
    TutorialRegression(const TutorialRegression&) = delete;
    TutorialRegression& operator=(const TutorialRegression&) = delete;
};

/// theta (intercept and slope, from zero), the rule's state arrays (zeroed) and the loop's
/// carried state (its generator seeded with `seed`), ready to run on the tutorial's regression.
struct TutorialRun {
    std::vector<double> theta = std::vector<double>(2, 0.0);
    std::vector<std::vector<double>> slots;
    std::vector<double*> state;
    descend::SolverState solver;
    std::vector<double> history;
    descend::Optimizer optimizer;
    explicit TutorialRun(const descend::Optimizer& rule, std::uint64_t seed = 0) : optimizer(rule) {
        slots.assign(descend::state_slots(rule), std::vector<double>(2, 0.0));
        for (auto& slot : slots) state.push_back(slot.data());
        solver.random.reseed(seed);
    }
    /// Up to `epochs` more epochs of descend::run_epochs on `p`.
    descend::Status run(const TutorialRegression& p, descend::Schedule schedule,
                        const descend::SolverOptions& options, std::size_t epochs) {
        return descend::run_epochs(p.objective, theta.data(), state.data(), optimizer,
                                   schedule, options, solver, epochs, history);
    }
};
