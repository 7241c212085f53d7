// The solver loop on an objective in internal coordinates (Scaled<Penalized<...>>, scaled.hpp):
// a full-batch fit of the scaled objective, mapped back to the caller's units, reaches the
// optimum that the same fit of the unscaled objective reaches, with the l1 part's per-feature
// proximal step and the l2 part through the chain rule.
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/softmax.hpp>
#include <descend/solver.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "linear_data.hpp"

namespace {

constexpr std::size_t rows = 40, cols = 4;
const double factor[cols] = {1.0, 3.0, 0.5, 2.0}, shift[cols] = {0.0, 1.0, -1.0, 0.5};

/// LinearData's matrix with its columns stretched and moved: a badly conditioned problem.
struct Skewed {
    LinearData data{rows, cols, 3, 21};
    std::vector<double> X, mean, scale;
    Skewed() : X(data.X), mean(cols, 0.0), scale(cols, 0.0) {
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j) X[i * cols + j] = factor[j] * X[i * cols + j] + shift[j];
        for (std::size_t j = 0; j < cols; ++j) {
            for (std::size_t i = 0; i < rows; ++i) mean[j] += X[i * cols + j] / rows;
            for (std::size_t i = 0; i < rows; ++i)
                scale[j] += (X[i * cols + j] - mean[j]) * (X[i * cols + j] - mean[j]) / rows;
            scale[j] = std::sqrt(scale[j]);
        }
    }
    descend::MatrixView<const double> view() const { return {X.data(), rows, cols}; }
};

/// theta after `epochs` full-batch SGD epochs at rate lr from zero.
template <class Objective>
std::vector<double> fit(const Objective& objective, double lr, std::size_t epochs) {
    std::vector<double> theta(objective.n_params(), 0.0);
    descend::SolverOptions options;
    options.max_iter = epochs;
    options.tol = -1.0;  // near the optimum the loss changes by ~|theta step|^2: run them all
    descend::SolverState run;
    descend::Schedule schedule = descend::Constant{lr};
    std::vector<double> losses;
    descend::run_epochs(objective, theta.data(), static_cast<double* const*>(nullptr),
                        descend::SGD{}, schedule, options, run, epochs, losses);
    CHECK(run.status == descend::Status::max_iter);
    return theta;
}

template <class Data>
void check_same_optimum(const Data& data, const Skewed& s, const descend::Penalty& penalty,
                        double lr_plain, double lr_scaled) {
    const descend::Penalized<Data> plain{data, penalty};
    const descend::Scaled<descend::Penalized<Data>> scaled{plain, {s.mean.data(), s.scale.data()}};
    const std::vector<double> expected = fit(plain, lr_plain, 100000);
    std::vector<double> theta = fit(scaled, lr_scaled, 20000);
    descend::scaled_to_caller(scaled.scaling, cols, scaled.n_intercepts(), theta.data(), theta.data());
    // softmax intercepts are defined up to a common constant: compare them centered
    const std::size_t K = scaled.n_intercepts();
    double offset = 0.0;
    for (std::size_t k = 0; k < K; ++k) offset += (theta[k] - expected[k]) / static_cast<double>(K);
    for (std::size_t j = 0; j < theta.size(); ++j)
        CHECK_CLOSE(theta[j] - (j < K ? offset : 0.0), expected[j], 1e-8);
}

}  // namespace

TEST_CASE(a_scaled_least_squares_fit_reaches_the_unscaled_optimum) {
    const Skewed s;
    descend::LeastSquares<double> data;
    data.X = s.view();
    data.y = s.data.y.data();
    data.sample_weight = s.data.weight.data();
    data.mean_weight = s.data.mean_weight();
    check_same_optimum(data, s, {descend::PenaltyKind::elasticnet, 0.1, 0.5}, 0.03, 0.2);
}

TEST_CASE(a_scaled_softmax_fit_reaches_the_unscaled_optimum) {
    const Skewed s;
    descend::Softmax<double> data;
    data.X = s.view();
    data.y = s.data.label.data();
    data.n_classes = 3;
    check_same_optimum(data, s, {descend::PenaltyKind::l1, 0.01, 0.15}, 0.05, 1.0);
}
