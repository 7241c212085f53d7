// L-BFGS (quasi_newton.hpp) and the solver loop's SolverOptions::lbfgs: the two-loop direction
// against the BFGS update written out as matrices, convergence to the least-squares solution
// of the normal equations and to a stationary point of an ill-conditioned penalized logistic
// regression (where gradient descent is far from it), the loss never rising, slices giving
// the numbers of one call, the stop when no lower loss exists, and the refusals.
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/quasi_newton.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "check.hpp"
#include "linear_data.hpp"
#include "tutorial_data.hpp"

namespace {

descend::SolverOptions lbfgs_options(std::size_t max_iter, double tol) {
    descend::SolverOptions options;
    options.max_iter = max_iter;
    options.tol = tol;
    options.lbfgs = true;
    return options;
}

/// The least-squares solution (intercept, slope) of the tutorial's data, from the normal
/// equations.
std::vector<double> normal_equations(const TutorialRegression& p) {
    const auto m = static_cast<double>(p.X.size());
    double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
    for (std::size_t i = 0; i < p.X.size(); ++i) {
        sx += p.X[i];
        sy += p.y[i];
        sxx += p.X[i] * p.X[i];
        sxy += p.X[i] * p.y[i];
    }
    const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    return {(sy - slope * sx) / m, slope};
}

/// A penalized logistic regression on 60 rows of 6 features whose classes a feature
/// separates but for a few rows (so alpha = 1e-4 leaves it ill-conditioned), and its pieces.
struct SeparableLogistic {
    LinearData data{60, 6, 2, 17};
    std::vector<double> labels;
    descend::Penalized<descend::Logistic<double>> objective;
    SeparableLogistic() {
        for (std::size_t i = 0; i < data.m; ++i) {
            const double x0 = data.X[i * data.n];
            labels.push_back(x0 > 0.1 || (i % 11 == 0) ? 1.0 : 0.0);
            data.X[i * data.n + 1] *= 30.0;  // a badly scaled feature
        }
        objective.objective = linear_objective<descend::Logistic>(data, data.dense(), labels.data());
        objective.penalty.kind = descend::PenaltyKind::l2;
        objective.penalty.alpha = 1e-4;
    }
    SeparableLogistic(const SeparableLogistic&) = delete;
    SeparableLogistic& operator=(const SeparableLogistic&) = delete;
};

struct LogisticRun {
    std::vector<double> theta = std::vector<double>(7, 0.0);
    descend::SolverState solver;
    std::vector<double> history;
    descend::Status run(const SeparableLogistic& p, const descend::Optimizer& rule,
                        double lr, const descend::SolverOptions& options, std::size_t epochs) {
        descend::Schedule schedule = descend::Constant{lr};
        std::vector<double> slot(7, 0.0);
        double* state[1] = {slot.data()};
        return descend::run_epochs(p.objective, theta.data(), state, rule, schedule, options,
                                   solver, epochs, history);
    }
};

double gradient_norm(const SeparableLogistic& p, const std::vector<double>& theta) {
    std::vector<double> grad(theta.size());
    p.objective.loss_and_gradient(nullptr, p.data.m, theta.data(), grad.data());
    double total = 0.0;
    for (const double g : grad) total += g * g;
    return std::sqrt(total);
}

}  // namespace

TEST_CASE(two_loop_direction_with_one_pair_is_the_bfgs_update_of_gamma_identity) {
    // H = (I - rho s y^T) gamma I (I - rho y s^T) + rho s s^T, gamma = s.y / y.y, d = -H g
    const std::vector<double> from = {0.5, -1.0, 2.0}, to = {1.0, 0.5, 1.5};
    const std::vector<double> g_from = {1.0, 2.0, -0.5}, g_to = {2.0, 2.5, 0.25};
    descend::CurvaturePairs pairs;
    CHECK(pairs.push(from.data(), to.data(), g_from.data(), g_to.data(), 3));
    double s[3], y[3], sy = 0.0, yy = 0.0;
    for (std::size_t j = 0; j < 3; ++j) {
        s[j] = to[j] - from[j];
        y[j] = g_to[j] - g_from[j];
        sy += s[j] * y[j];
        yy += y[j] * y[j];
    }
    const double rho = 1.0 / sy, gamma = sy / yy;
    double H[3][3];
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            double v = 0.0;  // ((I - rho s y^T)(I - rho y s^T))_ij gamma
            for (std::size_t k = 0; k < 3; ++k)
                v += ((i == k ? 1.0 : 0.0) - rho * s[i] * y[k]) *
                     ((k == j ? 1.0 : 0.0) - rho * y[k] * s[j]);
            H[i][j] = gamma * v + rho * s[i] * s[j];
        }
    const std::vector<double> g = {0.3, -0.7, 1.1};
    std::vector<double> d(3);
    pairs.direction(g.data(), d.data(), 3, 123.0);  // (initial_scale unused: a pair is held)
    for (std::size_t i = 0; i < 3; ++i) {
        double expected = 0.0;
        for (std::size_t j = 0; j < 3; ++j) expected -= H[i][j] * g[j];
        CHECK_CLOSE(d[i], expected, 1e-14);
    }
}

TEST_CASE(pairs_without_positive_curvature_are_not_kept) {
    const std::vector<double> from = {0.0, 0.0}, to = {1.0, 0.0};
    const std::vector<double> g_from = {1.0, 1.0}, g_to = {0.5, 3.0};  // s.y = -0.5
    descend::CurvaturePairs pairs;
    CHECK(!pairs.push(from.data(), to.data(), g_from.data(), g_to.data(), 2));
    CHECK_EQ(pairs.count, std::size_t{0});
    const std::vector<double> g = {2.0, -4.0};
    std::vector<double> d(2);
    pairs.direction(g.data(), d.data(), 2, 0.25);  // no pairs: -initial_scale g
    CHECK(d[0] == -0.5 && d[1] == 1.0);
}

TEST_CASE(lbfgs_fit_reaches_the_least_squares_solution_and_stops_there) {
    const TutorialRegression p(100, 3);
    TutorialRun r{descend::SGD{}};
    // tol < 0: only the stop at a point no step can improve ends the run before max_iter
    const descend::Status status = r.run(p, descend::Constant{0.1}, lbfgs_options(500, -1.0), 500);
    CHECK(status == descend::Status::converged);
    CHECK(r.solver.epoch < 60);
    const std::vector<double> exact = normal_equations(p);
    CHECK_CLOSE(r.theta[0], exact[0], 1e-7);
    CHECK_CLOSE(r.theta[1], exact[1], 1e-7);
    for (std::size_t k = 1; k < r.history.size(); ++k) CHECK(r.history[k] <= r.history[k - 1]);
}

TEST_CASE(lbfgs_solves_an_ill_conditioned_logistic_regression_that_gradient_descent_does_not) {
    const SeparableLogistic p;
    LogisticRun quasi_newton, gradient_descent;
    // the same first step, 1/L for L = the largest row norm^2 / 4 + alpha
    double largest = 0.0;
    for (std::size_t i = 0; i < p.data.m; ++i) {
        double norm2 = 1.0;
        for (std::size_t j = 0; j < p.data.n; ++j)
            norm2 += p.data.X[i * p.data.n + j] * p.data.X[i * p.data.n + j];
        largest = std::fmax(largest, norm2);
    }
    const double lr = 1.0 / (largest / 4.0 + 1e-4);
    CHECK(quasi_newton.run(p, descend::SGD{}, lr, lbfgs_options(300, 1e-12), 300) ==
          descend::Status::converged);
    descend::SolverOptions plain = lbfgs_options(300, 1e-12);
    plain.lbfgs = false;
    gradient_descent.run(p, descend::SGD{}, lr, plain, 300);
    CHECK(gradient_norm(p, quasi_newton.theta) < 1e-6);
    CHECK(gradient_norm(p, gradient_descent.theta) > 1e-3);
    CHECK(quasi_newton.history.back() < gradient_descent.history.back());
    for (std::size_t k = 1; k < quasi_newton.history.size(); ++k)
        CHECK(quasi_newton.history[k] <= quasi_newton.history[k - 1]);
}

TEST_CASE(lbfgs_run_in_slices_gives_the_numbers_of_one_call) {
    const SeparableLogistic p;
    LogisticRun whole, sliced;
    whole.run(p, descend::SGD{}, 0.05, lbfgs_options(40, -1.0), 40);
    while (sliced.solver.epoch < 40 && sliced.solver.status != descend::Status::converged)
        sliced.run(p, descend::SGD{}, 0.05, lbfgs_options(40, -1.0), 3);
    CHECK_EQ(sliced.solver.epoch, whole.solver.epoch);
    CHECK(sliced.history == whole.history);
    CHECK(sliced.theta == whole.theta);
}

TEST_CASE(lbfgs_runs_on_float32_data_and_parameters) {
    const TutorialRegression p(100, 3);
    const std::vector<float> X(p.X.begin(), p.X.end()), y(p.y.begin(), p.y.end());
    descend::LeastSquares<float> objective;
    objective.X = descend::MatrixView<const float>{X.data(), X.size(), 1};
    objective.y = y.data();
    std::vector<float> theta(2, 0.0f);
    descend::SolverState solver;
    std::vector<double> history;
    descend::Schedule schedule = descend::Constant{0.1};
    const descend::Status status =
        descend::run_epochs(objective, theta.data(), static_cast<float* const*>(nullptr),
                            descend::SGD{}, schedule, lbfgs_options(500, -1.0), solver, 500,
                            history);
    CHECK(status == descend::Status::converged);
    const std::vector<double> exact = normal_equations(p);  // (of the float64 data)
    CHECK_CLOSE(theta[0], exact[0], 1e-5);
    CHECK_CLOSE(theta[1], exact[1], 1e-5);
}

TEST_CASE(lbfgs_refuses_mini_batches_averaging_skip_and_an_l1_part) {
    const SeparableLogistic p;
    auto refused = [](const descend::SolverOptions& options,
                        const descend::Penalized<descend::Logistic<double>>& objective) {
        std::vector<double> theta(7, 0.0);
        descend::SolverState solver;
        std::vector<double> history;
        descend::Schedule schedule = descend::Constant{0.1};
        bool threw = false;
        try {
            descend::run_epochs(objective, theta.data(), static_cast<double* const*>(nullptr),
                                descend::SGD{}, schedule, options, solver, 5, history);
        } catch (const std::invalid_argument&) {
            threw = true;
        }
        return threw && solver.epoch == 0 && theta == std::vector<double>(7, 0.0);
    };
    descend::SolverOptions mini_batch = lbfgs_options(5, 1e-6);
    mini_batch.batch_size = 8;
    descend::SolverOptions averaging = lbfgs_options(5, 1e-6);
    averaging.average = 1;
    descend::SolverOptions skip = lbfgs_options(5, 1e-6);
    skip.on_nonfinite = descend::OnNonFinite::skip;
    CHECK(refused(mini_batch, p.objective));
    CHECK(refused(averaging, p.objective));
    CHECK(refused(skip, p.objective));
    descend::Penalized<descend::Logistic<double>> lasso = p.objective;
    lasso.penalty.kind = descend::PenaltyKind::l1;
    CHECK(refused(lbfgs_options(5, 1e-6), lasso));
    lasso.penalty.kind = descend::PenaltyKind::elasticnet;
    lasso.penalty.l1_ratio = 0.0;  // no l1 part after all: accepted
    CHECK(!refused(lbfgs_options(5, 1e-6), lasso));
}

namespace {

/// An objective that counts its loss-and-gradient passes.
struct CountingLogistic {
    const SeparableLogistic* p = nullptr;
    mutable int passes = 0;
    std::size_t n_samples() const { return p->objective.n_samples(); }
    std::size_t n_params() const { return p->objective.n_params(); }
    std::size_t n_intercepts() const { return p->objective.n_intercepts(); }
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double* theta,
                             double* grad) const {
        ++passes;
        return p->objective.loss_and_gradient(rows, count, theta, grad);
    }
};

}  // namespace

TEST_CASE(lbfgs_calls_continuing_from_where_the_last_ended_do_not_recompute_its_loss) {
    const SeparableLogistic p;
    auto run = [&p](std::size_t per_call) {
        CountingLogistic counting{&p};
        std::vector<double> theta(7, 0.0);
        descend::SolverState solver;
        std::vector<double> history;
        descend::Schedule schedule = descend::Constant{0.05};
        while (solver.epoch < 20 && solver.status != descend::Status::converged) {
            descend::run_epochs(counting, theta.data(), static_cast<double* const*>(nullptr),
                                descend::SGD{}, schedule, lbfgs_options(20, -1.0), solver,
                                per_call, history);
        }
        return std::make_pair(counting.passes, history);
    };
    const auto whole = run(20);
    const auto sliced = run(1);
    CHECK_EQ(sliced.first, whole.first);  // no pass again at the start of each call
    CHECK(sliced.second == whole.second);
    // theta moved between calls: the next call evaluates it afresh
    CountingLogistic counting{&p};
    std::vector<double> theta(7, 0.0);
    descend::SolverState solver;
    std::vector<double> history;
    descend::Schedule schedule = descend::Constant{0.05};
    descend::run_epochs(counting, theta.data(), static_cast<double* const*>(nullptr),
                        descend::SGD{}, schedule, lbfgs_options(20, -1.0), solver, 3, history);
    theta[1] += 0.5;
    std::vector<double> expected_grad(7);
    const double expected = p.objective.loss_and_gradient(nullptr, p.data.m, theta.data(),
                                                          expected_grad.data());
    descend::run_epochs(counting, theta.data(), static_cast<double* const*>(nullptr),
                        descend::SGD{}, schedule, lbfgs_options(20, -1.0), solver, 1, history);
    CHECK(history[3] == expected);
}
