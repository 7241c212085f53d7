// Penalties (objectives/penalties.hpp): the strengths of each kind, alpha R(w) and its l2
// gradient without the intercepts, the l1 proximal map (exact zeros, intercepts untouched), and
// a Penalized objective's loss and gradient (central differences of its own loss).
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/softmax.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "linear_data.hpp"

static descend::Penalty penalty(descend::PenaltyKind kind, double alpha, double l1_ratio = 0.15) {
    descend::Penalty p;
    p.kind = kind;
    p.alpha = alpha;
    p.l1_ratio = l1_ratio;
    return p;
}

TEST_CASE(strengths_of_each_kind) {
    using descend::PenaltyKind;
    CHECK(penalty(PenaltyKind::none, 0.5).l1_strength() == 0.0);
    CHECK(penalty(PenaltyKind::none, 0.5).l2_strength() == 0.0);
    CHECK(penalty(PenaltyKind::l1, 0.5).l1_strength() == 0.5);
    CHECK(penalty(PenaltyKind::l1, 0.5).l2_strength() == 0.0);
    CHECK(penalty(PenaltyKind::l2, 0.5).l2_strength() == 0.5);
    CHECK(penalty(PenaltyKind::l2, 0.5).l1_strength() == 0.0);
    CHECK(penalty(PenaltyKind::elasticnet, 0.5, 0.25).l1_strength() == 0.125);
    CHECK(penalty(PenaltyKind::elasticnet, 0.5, 0.25).l2_strength() == 0.375);
}

TEST_CASE(value_and_l2_gradient_skip_the_intercepts) {
    // theta = (intercept 10, w = (3, -4)): |w|_1 = 7, |w|^2 = 25.
    const double theta[3] = {10.0, 3.0, -4.0};
    const auto elasticnet = penalty(descend::PenaltyKind::elasticnet, 0.5, 0.25);
    // 0.125 * 7 + 0.375 / 2 * 25 = 0.875 + 4.6875
    CHECK_CLOSE(descend::penalty_value(elasticnet, theta, 3, 1), 5.5625, 1e-15);
    double grad[3] = {1.0, 1.0, 1.0};
    descend::add_penalty_gradient(elasticnet, theta, 3, 1, grad);
    CHECK(grad[0] == 1.0);
    CHECK_CLOSE(grad[1], 1.0 + 0.375 * 3.0, 1e-15);
    CHECK_CLOSE(grad[2], 1.0 - 0.375 * 4.0, 1e-15);
    CHECK(descend::penalty_value(penalty(descend::PenaltyKind::none, 0.5), theta, 3, 1) == 0.0);
}

TEST_CASE(l1_proximal_step_gives_exact_zeros_and_leaves_intercepts) {
    // t = lr * alpha = 0.5 * 0.2 = 0.1: shrink by 0.1, zero within 0.1 of 0.
    float theta[6] = {0.05f, -0.02f, 0.3f, -0.3f, 0.08f, -0.1f};
    descend::proximal_step(penalty(descend::PenaltyKind::l1, 0.2), theta, 6, 2, 0.5);
    CHECK(theta[0] == 0.05f);   // intercepts (the first two) untouched,
    CHECK(theta[1] == -0.02f);  // even inside the threshold
    CHECK_CLOSE(theta[2], 0.2, 1e-7);
    CHECK_CLOSE(theta[3], -0.2, 1e-7);
    CHECK(theta[4] == 0.0f && !std::signbit(theta[4]));  // exact +0
    CHECK(theta[5] == 0.0f && !std::signbit(theta[5]));  // |w| == t: zero too
    // an l2 penalty has no proximal part
    double w[2] = {0.0, 0.05};
    descend::proximal_step(penalty(descend::PenaltyKind::l2, 0.2), w, 2, 1, 0.5);
    CHECK(w[1] == 0.05);
}

TEST_CASE(penalized_objective_adds_alpha_r_and_its_gradient) {
    const LinearData d(9, 4, 2, 31);
    std::vector<double> labels;
    for (const std::int64_t c : d.label) labels.push_back(static_cast<double>(c));
    const auto logistic = linear_objective<descend::Logistic>(d, d.dense(), labels.data());
    const descend::Penalized<descend::Logistic<double>> penalized{
        logistic, penalty(descend::PenaltyKind::l2, 0.3)};
    const std::vector<double> theta = {2.0, 0.5, -1.0, 0.25, 1.5};
    std::vector<double> plain_grad(5), grad(5);
    const double plain = logistic.loss_and_gradient(nullptr, d.m, theta.data(), plain_grad.data());
    const double loss = penalized.loss_and_gradient(nullptr, d.m, theta.data(), grad.data());
    // alpha R = 0.3 / 2 (0.25 + 1 + 0.0625 + 2.25), the intercept 2 left out
    CHECK_CLOSE(loss, plain + 0.15 * 3.5625, 1e-15);
    CHECK(grad[0] == plain_grad[0]);
    for (std::size_t j = 1; j < 5; ++j) CHECK_CLOSE(grad[j], plain_grad[j] + 0.3 * theta[j], 1e-15);
    check_gradient_by_differences(penalized, theta, {}, 1e-8);
}

TEST_CASE(apply_proximal_step_acts_only_on_penalized_objectives_and_skips_softmax_intercepts) {
    const LinearData d(5, 2, 3, 32);
    auto softmax = linear_objective<descend::Softmax>(d, d.dense(), d.label.data());
    softmax.n_classes = 3;
    std::vector<double> theta(9, 0.05);  // row 0 (3 intercepts) and two rows of coefficients
    descend::apply_proximal_step(softmax, theta.data(), 1.0);
    for (const double v : theta) CHECK(v == 0.05);
    const descend::Penalized<descend::Softmax<double>> penalized{
        softmax, penalty(descend::PenaltyKind::elasticnet, 0.2, 0.5)};  // t = 1 * 0.1
    descend::apply_proximal_step(penalized, theta.data(), 1.0);
    for (std::size_t p = 0; p < 3; ++p) CHECK(theta[p] == 0.05);
    for (std::size_t p = 3; p < 9; ++p) CHECK(theta[p] == 0.0);
}

TEST_CASE(penalty_validate_names_the_impossible_hyperparameter) {
    penalty(descend::PenaltyKind::elasticnet, 1e-4).validate();
    try {
        penalty(descend::PenaltyKind::elasticnet, 1e-4, 1.5).validate();
        CHECK(false);
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("l1_ratio") == 0);
    }
    CHECK_THROWS(penalty(descend::PenaltyKind::l1, -1.0).validate(), std::invalid_argument);
}
