// fit.hpp: one call gives the numbers of run_epochs driven by hand; a continuation gives those
// of one uninterrupted call, schedule state included; the callback sees every epoch and stops
// the run; float stays float; bad input is refused before anything changes.
#include <descend/fit.hpp>
#include <descend/objectives/csr.hpp>
#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/softmax.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "tutorial_data.hpp"

namespace {

constexpr std::size_t m = 40;

/// The tutorial's regression, m rows.
struct Problem : TutorialRegression {
    Problem() : TutorialRegression(m, 5) {}
};

descend::SolverOptions mini_batches(std::size_t max_iter) {
    descend::SolverOptions options;
    options.batch_size = 8;  // 5 steps per epoch
    options.max_iter = max_iter;
    options.tol = -1.0;
    return options;
}

}  // namespace

TEST_CASE(fit_gives_the_numbers_of_run_epochs_with_hand_made_state) {
    const Problem p;
    const descend::SolverOptions options = mini_batches(30);
    std::vector<double> theta;
    const descend::FitResult<double> result =
        descend::fit(p.objective, theta, descend::Adam{}, descend::Constant{0.2}, options);

    const descend::Optimizer adam = descend::Adam{};
    std::vector<double> by_hand(2, 0.0), m_and_v(4, 0.0), losses;
    double* state[] = {m_and_v.data(), m_and_v.data() + 2};
    descend::Schedule schedule = descend::Constant{0.2};
    descend::SolverState run;
    const descend::Status status = descend::run_epochs(p.objective, by_hand.data(), state, adam,
                                                       schedule, options, run, 30, losses);
    CHECK(result.status() == descend::Status::max_iter && status == descend::Status::max_iter);
    CHECK_EQ(result.epochs(), 30u);
    CHECK_EQ(result.steps(), 150);
    CHECK(theta == by_hand);
    CHECK(result.losses == losses);
    CHECK(result.state == m_and_v);  // Adam's m, then v
    CHECK(std::fabs(theta[0] - 4.0) < 0.3 && std::fabs(theta[1] - 3.0) < 0.3);
}

TEST_CASE(a_continued_fit_gives_the_numbers_of_one_call) {
    // ReduceOnPlateau carries state between epochs: it must survive the pause too.
    const Problem p;
    descend::ReduceOnPlateau plateau{descend::Schedule{descend::Constant{0.1}}};
    plateau.patience = 2;
    plateau.threshold = 0.05;
    std::vector<double> whole, parts;
    const descend::FitResult<double> once =
        descend::fit(p.objective, whole, descend::Adam{}, plateau, mini_batches(30));
    descend::FitResult<double> paused =
        descend::fit(p.objective, parts, descend::Adam{}, plateau, mini_batches(10));
    CHECK(paused.status() == descend::Status::max_iter);
    CHECK(descend::fit(p.objective, parts, paused, 5) == descend::Status::max_iter);
    CHECK(descend::fit(p.objective, parts, paused, 15) == descend::Status::max_iter);
    CHECK(parts == whole);
    CHECK(paused.losses == once.losses);
    CHECK_EQ(paused.epochs(), 30u);
    CHECK_EQ(paused.steps(), once.steps());
    CHECK(paused.state == once.state);
    const auto& reduced = std::get<descend::ReduceOnPlateau>(once.schedule);
    CHECK(reduced.scale < 1.0);  // the schedule did act during the run
    CHECK(std::get<descend::ReduceOnPlateau>(paused.schedule).scale == reduced.scale);
}

TEST_CASE(fit_without_a_schedule_takes_the_rules_own_learning_rate) {
    const Problem p;
    descend::SGD sgd;
    sgd.lr = 0.02;
    std::vector<double> a, b;
    const descend::FitResult<double> implicit = descend::fit(p.objective, a, sgd);
    const descend::FitResult<double> explicit_rate =
        descend::fit(p.objective, b, sgd, descend::Constant{0.02});
    CHECK(a == b);
    CHECK(implicit.losses == explicit_rate.losses);
    CHECK(implicit.status() == descend::Status::converged);  // the default tol, 1e-6
}

TEST_CASE(the_callback_sees_every_epoch_and_false_stops_the_run) {
    const Problem p;
    std::vector<std::size_t> epochs;
    std::vector<std::int64_t> steps;
    std::vector<double> losses, last_theta;
    bool validation_is_nan = true;
    auto watch = [&](const descend::EpochProgress<double>& progress) {
        epochs.push_back(progress.epoch);
        steps.push_back(progress.steps);
        losses.push_back(progress.loss);
        last_theta.assign(progress.theta.begin(), progress.theta.end());
        validation_is_nan &= std::isnan(progress.validation_loss);
        return progress.epoch < 7;
    };
    std::vector<double> theta;
    descend::FitResult<double> result = descend::fit(
        p.objective, theta, descend::Adam{}, descend::Constant{0.05}, mini_batches(30), watch);
    CHECK(result.status() == descend::Status::running);  // stopped by the callback
    CHECK_EQ(result.epochs(), 7u);
    CHECK_EQ(epochs.size(), 7u);
    for (std::size_t e = 0; e < epochs.size(); ++e) {
        CHECK_EQ(epochs[e], e + 1);
        CHECK_EQ(steps[e], static_cast<std::int64_t>(5 * (e + 1)));
    }
    CHECK(losses == result.losses);
    CHECK(last_theta == theta);
    CHECK(validation_is_nan);

    // The stopped run continues: with the first 7 epochs, the numbers of one call of 12.
    CHECK(descend::fit(p.objective, theta, result, 5) == descend::Status::max_iter);
    std::vector<double> whole;
    const descend::FitResult<double> once = descend::fit(
        p.objective, whole, descend::Adam{}, descend::Constant{0.05}, mini_batches(12));
    CHECK(theta == whole);
    CHECK(result.losses == once.losses);
}

TEST_CASE(the_callback_sees_the_epoch_in_which_a_stopping_rule_fires) {
    const Problem p;
    std::size_t calls = 0;
    auto count = [&calls](const descend::EpochProgress<double>&) { return ++calls > 0; };
    descend::SolverOptions options;  // full batch, tol 1e-6: converges
    std::vector<double> theta;
    const descend::FitResult<double> result = descend::fit(
        p.objective, theta, descend::SGD{}, descend::Constant{0.1}, options, count);
    CHECK(result.status() == descend::Status::converged);
    CHECK_EQ(calls, result.epochs());
    CHECK(result.epochs() < options.max_iter);
}

TEST_CASE(fit_refuses_bad_input_before_changing_anything) {
    const Problem p;
    std::vector<double> theta = {1.0, 2.0, 3.0};  // three values for two parameters
    CHECK_THROWS(descend::fit(p.objective, theta, descend::Adam{}), std::invalid_argument);
    CHECK(theta == std::vector<double>({1.0, 2.0, 3.0}));
    theta = {NAN, 0.0};
    CHECK_THROWS(descend::fit(p.objective, theta, descend::Adam{}), std::invalid_argument);
    descend::Adam negative;
    negative.lr = -1.0;
    theta = {1.0, 2.0};
    CHECK_THROWS(descend::fit(p.objective, theta, negative), std::invalid_argument);
    CHECK_THROWS(descend::fit(p.objective, theta, descend::Adam{}, descend::Constant{-0.1}),
                 std::invalid_argument);
    descend::SolverOptions never_quiet;
    never_quiet.n_iter_no_change = 0;
    CHECK_THROWS(descend::fit(p.objective, theta, descend::Adam{}, descend::Constant{0.1},
                              never_quiet),
                 std::invalid_argument);
    CHECK(theta == std::vector<double>({1.0, 2.0}));

    // A continuation on an objective of another size.
    descend::FitResult<double> result =
        descend::fit(p.objective, theta, descend::Adam{}, descend::Constant{0.1}, mini_batches(2));
    std::vector<double> X2(2 * m, 1.0);
    descend::LeastSquares<double> wider = p.objective;
    wider.X = descend::MatrixView<const double>{X2.data(), m, 2};
    std::vector<double> theta3(3, 0.0);
    CHECK_THROWS(descend::fit(wider, theta3, result, 1), std::invalid_argument);
    CHECK_EQ(result.epochs(), 2u);
}

TEST_CASE(fit_refuses_an_objective_its_own_checks_refuse_before_changing_anything) {
    const Problem p;
    // Each refused before theta (empty: zeros would be assigned) or the result changes.
    auto refused = [](const auto& objective) {
        std::vector<double> theta;
        CHECK_THROWS(descend::fit(objective, theta, descend::SGD{}, descend::Constant{0.1}),
                     std::invalid_argument);
        CHECK(theta.empty());
    };
    descend::Huber<double> huber;
    huber.X = p.objective.X;
    huber.y = p.objective.y;
    huber.epsilon = -1.0;  // a negative loss, which the fit would drive to -infinity
    refused(huber);
    descend::Penalized<descend::LeastSquares<double>> penalized{
        p.objective, descend::Penalty{descend::PenaltyKind::l2, -5.0, 0.15}};
    refused(penalized);
    penalized.penalty.alpha = 1e-4;
    penalized.objective.y = nullptr;  // the data term's own checks, through Penalized
    refused(penalized);
    descend::LeastSquares<double> no_targets = p.objective;
    no_targets.y = nullptr;
    refused(no_targets);
    descend::LeastSquares<double> no_values = p.objective;
    no_values.X.data = nullptr;
    refused(no_values);
    for (const double mean_weight : {0.0, -1.0, static_cast<double>(NAN)}) {
        descend::LeastSquares<double> weighted = p.objective;
        weighted.mean_weight = mean_weight;
        refused(weighted);
    }
    const std::vector<std::int64_t> labels(m, 0);
    descend::Softmax<double> one_class;
    one_class.X = p.objective.X;
    one_class.y = labels.data();
    one_class.n_classes = 1;
    refused(one_class);
    descend::LeastSquares<double, descend::CsrView<double, std::int32_t>> no_offsets;
    no_offsets.X.rows = m;
    no_offsets.X.cols = 1;
    no_offsets.y = p.objective.y;
    refused(no_offsets);

    // A continuation refuses them too, with the result as it was.
    std::vector<double> theta;
    descend::FitResult<double> result =
        descend::fit(p.objective, theta, descend::SGD{}, descend::Constant{0.1}, mini_batches(2));
    const std::vector<double> before = theta;
    CHECK_THROWS(descend::fit(no_targets, theta, result, 1), std::invalid_argument);
    CHECK(theta == before);
    CHECK_EQ(result.epochs(), 2u);

    // What the checks accept: a fit of Penalized<Huber> with both set.
    huber.epsilon = 0.5;
    const descend::Penalized<descend::Huber<double>> robust{
        huber, descend::Penalty{descend::PenaltyKind::l2, 1e-4, 0.15}};
    std::vector<double> fitted;
    descend::fit(robust, fitted, descend::SGD{}, descend::Constant{0.1});
    CHECK_EQ(fitted.size(), 2u);
}

TEST_CASE(fit_keeps_float_parameters_and_state_in_float) {
    // y = 1 + 2x exactly on four points: full-batch Adam reaches (1, 2).
    const std::vector<float> X = {0.0f, 1.0f, 2.0f, 3.0f}, y = {1.0f, 3.0f, 5.0f, 7.0f};
    descend::LeastSquares<float> objective;
    objective.X = descend::MatrixView<const float>{X.data(), 4, 1};
    objective.y = y.data();
    std::vector<float> theta;
    const descend::FitResult<float> result =
        descend::fit(objective, theta, descend::Adam{}, descend::Constant{0.1});
    CHECK(result.status() == descend::Status::converged);
    CHECK_EQ(result.state.size(), 4u);  // Adam's m and v, float
    CHECK(std::fabs(theta[0] - 1.0f) < 0.01f && std::fabs(theta[1] - 2.0f) < 0.01f);
}
