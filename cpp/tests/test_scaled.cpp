// Feature scaling as a change of coordinates (objectives/scaled.hpp) and what "auto" measures
// (objectives/smoothness.hpp): the maps are inverse to each other, the scaled objective at
// theta' is the caller's objective at the mapped theta, its gradient matches central
// differences (dense and CSR, linear and softmax, with penalties), the l1 proximal step
// thresholds feature j by lr lambda_1 / sigma_j, and the moments and smoothness match plain
// loops written from the formulas.
#include <descend/fit.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/smoothness.hpp>
#include <descend/objectives/softmax.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "linear_data.hpp"

// Offsets and scales far from 0 and 1, as raw features would need.
static std::vector<double> offsets(std::size_t n) {
    std::vector<double> mu;
    for (std::size_t j = 0; j < n; ++j) mu.push_back(3.0 * std::cos(2.1 * static_cast<double>(j)));
    return mu;
}
static std::vector<double> scales(std::size_t n) {
    std::vector<double> sigma;
    for (std::size_t j = 0; j < n; ++j) sigma.push_back(std::pow(10.0, static_cast<double>(j % 3) - 1.0));
    return sigma;
}
static std::vector<double> theta_for(std::size_t p) {
    std::vector<double> theta;
    for (std::size_t q = 0; q < p; ++q) theta.push_back(0.9 * std::sin(1.3 * static_cast<double>(q) + 0.4));
    return theta;
}

TEST_CASE(scaled_to_caller_and_back_is_the_identity_in_place_or_not) {
    const std::size_t n = 5;
    const std::vector<double> mu = offsets(n), sigma = scales(n);
    for (const std::size_t K : {std::size_t{1}, std::size_t{3}}) {
        for (const bool centered : {false, true}) {
            const descend::FeatureScaling scaling{centered ? mu.data() : nullptr, sigma.data()};
            const std::vector<double> internal = theta_for((n + 1) * K);
            std::vector<double> caller((n + 1) * K), back((n + 1) * K);
            descend::scaled_to_caller(scaling, n, K, internal.data(), caller.data());
            descend::caller_to_scaled(scaling, n, K, caller.data(), back.data());
            for (std::size_t q = 0; q < back.size(); ++q) CHECK_CLOSE(back[q], internal[q], 1e-14);
            std::vector<double> in_place = internal;
            descend::scaled_to_caller(scaling, n, K, in_place.data(), in_place.data());
            for (std::size_t q = 0; q < caller.size(); ++q) CHECK(in_place[q] == caller[q]);
            descend::caller_to_scaled(scaling, n, K, in_place.data(), in_place.data());
            for (std::size_t q = 0; q < back.size(); ++q) CHECK(in_place[q] == back[q]);
            // the formula: w_jk = theta'_jk / sigma_j, b_k = b'_k - sum_j mu_j w_jk
            for (std::size_t k = 0; k < K; ++k) {
                double b = internal[k];
                for (std::size_t j = 0; j < n; ++j) {
                    const double w = internal[(j + 1) * K + k] / sigma[j];
                    CHECK_CLOSE(caller[(j + 1) * K + k], w, 1e-15);
                    if (centered) b -= mu[j] * w;
                }
                CHECK_CLOSE(caller[k], b, 1e-14);
            }
        }
    }
}

template <class Objective>
static void check_scaled(const Objective& objective, const std::vector<double>& mu,
                         const std::vector<double>& sigma, bool centered) {
    descend::Scaled<Objective> scaled{objective, {centered ? mu.data() : nullptr, sigma.data()}};
    CHECK_EQ(scaled.n_params(), objective.n_params());
    CHECK_EQ(scaled.n_intercepts(), objective.n_intercepts());
    const std::vector<double> internal = theta_for(scaled.n_params());
    std::vector<double> caller(scaled.n_params()), g(scaled.n_params()), g_caller(scaled.n_params());
    descend::scaled_to_caller(scaled.scaling, scaled.n_features(), scaled.n_intercepts(),
                              internal.data(), caller.data());
    // the value at theta' is the caller's objective at the mapped theta
    const double at_internal = scaled.loss_and_gradient(nullptr, scaled.n_samples(), internal.data(), g.data());
    const double at_caller = objective.loss_and_gradient(nullptr, objective.n_samples(), caller.data(), g_caller.data());
    CHECK_CLOSE(at_internal, at_caller, 1e-14);
    check_gradient_by_differences(scaled, internal, {}, 1e-7);
    check_gradient_by_differences(scaled, internal, {4, 0, 4, 9}, 1e-7);
}

TEST_CASE(scaled_gradient_matches_central_differences_dense_and_csr) {
    const LinearData d(11, 4, 3, 31);
    const std::vector<double> mu = offsets(4), sigma = scales(4);
    for (const bool centered : {false, true}) {
        descend::LeastSquares<double> dense_ls{d.dense(), d.y.data(), d.weight.data(), true, d.mean_weight()};
        check_scaled(dense_ls, mu, sigma, centered);
        descend::LeastSquares<double, descend::CsrView<double, std::int32_t>> sparse_ls{
            d.csr(), d.y.data(), d.weight.data(), true, d.mean_weight()};
        check_scaled(sparse_ls, mu, sigma, centered);
        std::vector<double> labels;
        for (const auto k : d.label) labels.push_back(k == 0 ? 0.0 : 1.0);
        descend::Logistic<double, descend::CsrView<double, std::int32_t>> logistic{
            d.csr(), labels.data(), nullptr, true, 1.0};
        check_scaled(logistic, mu, sigma, centered);
        descend::Softmax<double> softmax{d.dense(), d.label.data(), d.weight.data(), true, d.mean_weight(), 3};
        check_scaled(softmax, mu, sigma, centered);
        descend::Softmax<double, descend::CsrView<double, std::int32_t>> sparse_softmax{
            d.csr(), d.label.data(), nullptr, true, 1.0, 3};
        check_scaled(sparse_softmax, mu, sigma, centered);
        // the smooth (l2) part is in the gradient; the l1 part is the proximal step's
        const descend::Penalty l2{descend::PenaltyKind::l2, 0.3, 0.4};
        check_scaled(descend::Penalized<decltype(dense_ls)>{dense_ls, l2}, mu, sigma, centered);
        check_scaled(descend::Penalized<decltype(softmax)>{softmax, l2}, mu, sigma, centered);
    }
}

TEST_CASE(scaled_penalty_value_is_the_callers_penalty) {
    const LinearData d(6, 3, 2, 32);
    const std::vector<double> mu = offsets(3), sigma = scales(3);
    descend::LeastSquares<double> ls{d.dense(), d.y.data(), nullptr, true, 1.0};
    descend::Penalized<decltype(ls)> penalized{ls, {descend::PenaltyKind::elasticnet, 0.2, 0.5}};
    const descend::Scaled<decltype(penalized)> scaled{penalized, {mu.data(), sigma.data()}};
    const std::vector<double> internal = theta_for(4);
    double expected = 0.0;
    for (std::size_t j = 0; j < 3; ++j) {
        const double w = internal[j + 1] / sigma[j];
        expected += 0.2 * (0.5 * std::fabs(w) + 0.5 * 0.5 * w * w);
    }
    CHECK_CLOSE(scaled.penalty_value(internal.data()), expected, 1e-14);
}

TEST_CASE(scaled_runs_the_checks_of_the_objective_it_wraps_and_fit_refuses_what_they_refuse) {
    const LinearData d(6, 3, 2, 33);
    const std::vector<double> mu = offsets(3), sigma = scales(3);
    descend::LeastSquares<double> ls{d.dense(), d.y.data(), nullptr, true, 1.0};
    descend::Penalized<decltype(ls)> penalized{ls, {descend::PenaltyKind::l2, 0.1, 0.15}};
    using Internal = descend::Scaled<decltype(penalized)>;
    descend::validate_objective(Internal{penalized, {mu.data(), sigma.data()}});  // all fine
    std::vector<double> theta;
    (void)descend::fit(Internal{penalized, {mu.data(), sigma.data()}}, theta, descend::SGD{});
    CHECK_EQ(theta.size(), 4);

    penalized.penalty.alpha = -1.0;  // an impossible hyperparameter of the wrapped objective
    const Internal negative_alpha{penalized, {mu.data(), sigma.data()}};
    CHECK_THROWS(descend::validate_objective(negative_alpha), std::invalid_argument);
    theta.clear();
    CHECK_THROWS(descend::fit(negative_alpha, theta, descend::SGD{}), std::invalid_argument);
    CHECK(theta.empty());  // refused before anything changed

    ls.y = nullptr;  // no targets: refused, not read
    const descend::Scaled<decltype(ls)> no_targets{ls, {mu.data(), sigma.data()}};
    CHECK_THROWS(descend::validate_objective(no_targets), std::invalid_argument);
    CHECK_THROWS(descend::fit(no_targets, theta, descend::SGD{}), std::invalid_argument);
    CHECK(theta.empty());
}

TEST_CASE(scaled_proximal_step_thresholds_feature_j_by_lr_lambda1_over_sigma_j) {
    const LinearData d(5, 3, 3, 33);
    const std::vector<double> mu = offsets(3), sigma = {0.1, 1.0, 10.0};
    descend::Softmax<double> softmax{d.dense(), d.label.data(), nullptr, true, 1.0, 3};
    descend::Penalized<decltype(softmax)> penalized{softmax, {descend::PenaltyKind::l1, 0.5, 0.15}};
    const descend::Scaled<decltype(penalized)> scaled{penalized, {mu.data(), sigma.data()}};
    const std::vector<double> before = {1.0, -2.0, 3.0,              // intercepts: untouched
                                        0.2, -0.2, 0.05,             // t = 0.1 * 0.5 / 0.1 = 0.5
                                        0.2, -0.01, 0.06,            // t = 0.05
                                        0.0049, -0.006, 0.003};      // t = 0.005
    std::vector<double> theta = before;
    descend::apply_proximal_step(scaled, theta.data(), 0.1);
    const std::vector<double> expected = {1.0, -2.0, 3.0, 0.0, 0.0, 0.0,
                                          0.15, 0.0, 0.01, 0.0, -0.001, 0.0};
    for (std::size_t q = 0; q < theta.size(); ++q) CHECK_CLOSE(theta[q], expected[q], 1e-15);
    // without a penalty the hook does nothing
    const descend::Scaled<decltype(softmax)> plain{softmax, {mu.data(), sigma.data()}};
    std::vector<double> untouched = before;
    descend::apply_proximal_step(plain, untouched.data(), 0.1);
    for (std::size_t q = 0; q < 12; ++q) CHECK(untouched[q] == before[q]);
}

TEST_CASE(column_moments_match_weighted_two_pass_formulas_dense_and_csr) {
    const LinearData d(13, 4, 2, 34);
    std::vector<double> shifted = d.X;  // a column with |mean| >> spread tests stability
    for (std::size_t i = 0; i < d.m; ++i) shifted[i * 4 + 2] = 1e6 + 1e-3 * d.X[i * 4 + 2];
    for (const bool weighted : {false, true}) {
        const double* s = weighted ? d.weight.data() : nullptr;
        std::vector<double> mean(4), std(4), csr_mean(4), csr_std(4);
        descend::column_moments(descend::MatrixView<const double>{shifted.data(), d.m, 4}, s,
                                mean.data(), std.data());
        descend::column_moments(d.csr(), s, csr_mean.data(), csr_std.data());
        for (std::size_t j = 0; j < 4; ++j) {
            for (const bool sparse : {false, true}) {
                const std::vector<double>& X = sparse ? d.X : shifted;
                double total = 0.0, sum = 0.0;
                for (std::size_t i = 0; i < d.m; ++i) {
                    total += s ? s[i] : 1.0;
                    sum += (s ? s[i] : 1.0) * X[i * 4 + j];
                }
                const double mu = sum / total;
                double m2 = 0.0;
                for (std::size_t i = 0; i < d.m; ++i)
                    m2 += (s ? s[i] : 1.0) * (X[i * 4 + j] - mu) * (X[i * 4 + j] - mu);
                CHECK_CLOSE(sparse ? csr_mean[j] : mean[j], mu, 1e-14);
                CHECK_CLOSE(sparse ? csr_std[j] : std[j], std::sqrt(m2 / total), 1e-9);
            }
        }
    }
}

TEST_CASE(smoothness_is_the_top_eigenvalue_and_the_largest_row_norm) {
    const LinearData d(9, 3, 2, 35);
    const std::vector<double> mu = offsets(3), sigma = scales(3);
    for (const bool centered : {false, true}) {
        for (const bool intercept : {false, true}) {
            const descend::FeatureScaling scaling{centered ? mu.data() : nullptr, sigma.data()};
            const std::size_t p = intercept ? 4 : 3, first = intercept ? 1 : 0;
            // H = sum_i s_i x~_i x~_i^T / sum s, written plainly
            std::vector<double> H(p * p, 0.0);
            double total = 0.0, max_norm2 = 0.0;
            for (std::size_t i = 0; i < d.m; ++i) {
                std::vector<double> x(p, 1.0);
                for (std::size_t j = 0; j < 3; ++j)
                    x[first + j] = (d.X[i * 3 + j] - (centered ? mu[j] : 0.0)) / sigma[j];
                double norm2 = 0.0;
                for (std::size_t a = 0; a < p; ++a) {
                    norm2 += x[a] * x[a];
                    for (std::size_t b = 0; b < p; ++b) H[a * p + b] += d.weight[i] * x[a] * x[b];
                }
                total += d.weight[i];
                max_norm2 = std::max(max_norm2, d.weight[i] / d.mean_weight() * norm2);
            }
            // the top eigenvalue by many power iterations on the explicit matrix
            std::vector<double> v(p, 1.0), hv(p);
            double lambda = 0.0;
            for (int it = 0; it < 2000; ++it) {
                double norm = 0.0;
                for (std::size_t a = 0; a < p; ++a) {
                    hv[a] = 0.0;
                    for (std::size_t b = 0; b < p; ++b) hv[a] += H[a * p + b] / total * v[b];
                    norm += hv[a] * hv[a];
                }
                norm = std::sqrt(norm);
                double vv = 0.0, vhv = 0.0;
                for (std::size_t a = 0; a < p; ++a) vv += v[a] * v[a], vhv += v[a] * hv[a];
                lambda = vhv / vv;
                for (std::size_t a = 0; a < p; ++a) v[a] = hv[a] / norm;
            }
            for (const bool sparse : {false, true}) {
                const descend::Smoothness got =
                    sparse ? descend::smoothness_estimate(d.csr(), d.weight.data(), scaling, intercept, 200)
                           : descend::smoothness_estimate(d.dense(), d.weight.data(), scaling, intercept, 200);
                CHECK_CLOSE(got.lambda_max, lambda, 1e-10);
                CHECK_CLOSE(got.max_row_norm2, max_norm2, 1e-12);
                const descend::Smoothness quick =
                    descend::smoothness_estimate(d.dense(), d.weight.data(), scaling, intercept);
                CHECK(quick.lambda_max <= lambda * (1.0 + 1e-12));
                CHECK(quick.lambda_max >= 0.5 * lambda);
            }
        }
    }
}
