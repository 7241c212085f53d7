// What run_epochs and fit refuse (std::invalid_argument, before anything changes) instead of
// running something meaningless: no training rows (an integer division by zero ended the
// process), a vector's empty set of rows (it meant all rows), no validation rows (every epoch
// then "diverged"), L-BFGS with a learning rate of 0 (it reported converged without moving),
// a fit of max_iter 0 (status running), and lbfgs's impossible options in fit (theta was
// sized before they were refused).
#include <descend/fit.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "tutorial_data.hpp"

namespace {

constexpr std::size_t m = 20;

/// The tutorial's regression, m rows.
struct Problem : TutorialRegression {
    Problem() : TutorialRegression(m, 11) {}
};

using Objective = descend::LeastSquares<double>;

/// One run of SGD over the training rows `train` (validated on `validation`): theta and the
/// loop's state, which a refused call must leave as they were.
struct Run {
    std::vector<double> theta{0.5, -0.5};
    descend::SolverState solver;
    descend::History history;
    descend::Schedule schedule = descend::Constant{0.1};

    descend::Status run(const Objective& objective, const descend::RowSet& train,
                        const descend::Validation<Objective>& validation,
                        const descend::SolverOptions& options, std::size_t epochs = 3) {
        return descend::run_epochs(objective, train, validation,
                                   descend::Iterate<double>{theta.data(), nullptr, nullptr},
                                   descend::SGD{}, schedule, options, solver, epochs, history);
    }
    /// Nothing changed since the run began (or since the epochs of `epochs_before`).
    void check_untouched(std::size_t epochs_before = 0) const {
        if (epochs_before == 0) CHECK(theta == std::vector<double>({0.5, -0.5}));
        CHECK_EQ(solver.epoch, epochs_before);
        CHECK_EQ(history.losses.size(), epochs_before);
        CHECK(history.validation_losses.empty());
    }
};

descend::SolverOptions batches_of(std::size_t batch_size) {
    descend::SolverOptions options;
    options.batch_size = batch_size;
    options.tol = -1.0;
    return options;
}

}  // namespace

TEST_CASE(no_training_rows_are_refused_whatever_the_batch_size) {
    const Problem p;
    const std::vector<std::size_t> none;
    static const std::size_t somewhere = 0;
    Objective empty = p.objective;
    empty.X.rows = 0;
    for (const std::size_t batch_size : {std::size_t{0}, std::size_t{1}, std::size_t{4}}) {
        Run r;
        CHECK_THROWS(r.run(p.objective, descend::RowSet{none}, {}, batches_of(batch_size)),
                     std::invalid_argument);
        CHECK_THROWS(r.run(p.objective, descend::RowSet{&somewhere, 0}, {}, batches_of(batch_size)),
                     std::invalid_argument);
        CHECK_THROWS(r.run(empty, descend::RowSet{}, {}, batches_of(batch_size)),
                     std::invalid_argument);
        // a null pointer means all rows: with a count, it is a mistake
        CHECK_THROWS(r.run(p.objective, descend::RowSet{nullptr, 5}, {}, batches_of(batch_size)),
                     std::invalid_argument);
        r.check_untouched();
    }
}

TEST_CASE(a_row_set_from_a_vector_is_those_rows_and_null_is_all_rows) {
    const Problem p;
    const std::vector<std::size_t> train{3, 7, 1, 12, 18, 5};
    Run from_vector, from_pointer, all, every_row;
    const descend::SolverOptions options = batches_of(2);
    from_vector.run(p.objective, descend::RowSet{train}, {}, options);
    from_pointer.run(p.objective, descend::RowSet{train.data(), train.size()}, {}, options);
    CHECK(from_vector.theta == from_pointer.theta);
    CHECK(from_vector.history.losses == from_pointer.history.losses);
    std::vector<std::size_t> rows(m);
    for (std::size_t i = 0; i < m; ++i) rows[i] = i;
    all.run(p.objective, descend::RowSet{}, {}, options);
    every_row.run(p.objective, descend::RowSet{rows}, {}, options);
    CHECK(all.theta == every_row.theta);
    CHECK(all.theta != from_vector.theta);
}

TEST_CASE(no_validation_rows_are_refused) {
    const Problem p;
    const std::vector<std::size_t> train{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, none;
    Objective empty = p.objective;
    empty.X.rows = 0;
    for (const descend::Validation<Objective>& validation :
         {descend::Validation<Objective>{&p.objective, descend::RowSet{none}},
          descend::Validation<Objective>{&empty, descend::RowSet{}}}) {
        Run r;
        CHECK_THROWS(r.run(p.objective, descend::RowSet{train}, validation, batches_of(0)),
                     std::invalid_argument);
        r.check_untouched();
    }
    // held-out rows of their own: validated, never diverged
    const std::vector<std::size_t> held_out{10, 11, 12};
    Run r;
    const descend::Status status =
        r.run(p.objective, descend::RowSet{train},
              descend::Validation<Objective>{&p.objective, descend::RowSet{held_out}}, batches_of(0));
    CHECK(status == descend::Status::running);
    CHECK_EQ(r.history.validation_losses.size(), 3u);
    for (const double loss : r.history.validation_losses) CHECK(std::isfinite(loss));
}

TEST_CASE(lbfgs_refuses_a_learning_rate_of_zero) {
    const Problem p;
    descend::SolverOptions options = batches_of(0);
    options.lbfgs = true;
    std::vector<double> theta;
    CHECK_THROWS(descend::fit(p.objective, theta, descend::SGD{}, descend::Constant{0.0}, options),
                 std::invalid_argument);
    CHECK(theta.empty());
    Run r;
    r.schedule = descend::Constant{0.0};
    CHECK_THROWS(r.run(p.objective, descend::RowSet{}, {}, options), std::invalid_argument);
    r.check_untouched();

    // A schedule that reaches 0 (a cosine with eta_min 0 at t = T_max = 2): refused by the
    // epoch of that step, the epochs before kept, theta where the last of them left it.
    const descend::Schedule cosine = descend::Cosine{1.0, 2, 0.0};
    Run two;
    two.schedule = cosine;
    CHECK(two.run(p.objective, descend::RowSet{}, {}, options, 2) == descend::Status::running);
    r.schedule = cosine;
    r.run(p.objective, descend::RowSet{}, {}, options, 1);
    CHECK_THROWS(r.run(p.objective, descend::RowSet{}, {}, options, 5), std::invalid_argument);
    CHECK_EQ(r.solver.epoch, 2u);
    CHECK_EQ(r.solver.step, 2);
    CHECK(r.history.losses == two.history.losses);
    CHECK(r.theta == two.theta);
    CHECK(r.theta != std::vector<double>({0.5, -0.5}));
    // ... and by run_epochs at once when the first step's rate is 0
    CHECK_THROWS(r.run(p.objective, descend::RowSet{}, {}, options, 5), std::invalid_argument);
    CHECK_EQ(r.solver.epoch, 2u);

    // a rate > 0 fits
    std::vector<double> fitted;
    const descend::FitResult<double> result =
        descend::fit(p.objective, fitted, descend::SGD{}, descend::Constant{0.1}, options);
    CHECK(result.status() == descend::Status::converged);
    CHECK(std::fabs(fitted[0] - 4.0) < 0.5 && std::fabs(fitted[1] - 3.0) < 0.5);
}

TEST_CASE(fit_refuses_max_iter_zero) {
    const Problem p;
    descend::SolverOptions options;
    options.max_iter = 0;
    std::vector<double> theta;
    CHECK_THROWS(descend::fit(p.objective, theta, descend::SGD{}, descend::Constant{0.1}, options),
                 std::invalid_argument);
    CHECK(theta.empty());
    options.max_iter = 1;
    const descend::FitResult<double> one =
        descend::fit(p.objective, theta, descend::SGD{}, descend::Constant{0.1}, options);
    CHECK(one.status() == descend::Status::max_iter);
    CHECK_EQ(one.epochs(), 1u);
}

TEST_CASE(fit_refuses_what_lbfgs_cannot_run_before_sizing_theta) {
    const Problem p;
    descend::SolverOptions mini_batches = batches_of(4), averaging = batches_of(0),
                           skipping = batches_of(0);
    averaging.average = 1;
    skipping.on_nonfinite = descend::OnNonFinite::skip;
    for (descend::SolverOptions options : {mini_batches, averaging, skipping}) {
        options.lbfgs = true;
        std::vector<double> theta;
        CHECK_THROWS(descend::fit(p.objective, theta, descend::SGD{}, descend::Constant{0.1},
                                  options),
                     std::invalid_argument);
        CHECK(theta.empty());
    }
    const descend::Penalized<Objective> lasso{p.objective,
                                              descend::Penalty{descend::PenaltyKind::l1, 0.1, 0.15}};
    descend::SolverOptions options = batches_of(0);
    options.lbfgs = true;
    std::vector<double> theta;
    CHECK_THROWS(descend::fit(lasso, theta, descend::SGD{}, descend::Constant{0.1}, options),
                 std::invalid_argument);
    CHECK(theta.empty());
}
