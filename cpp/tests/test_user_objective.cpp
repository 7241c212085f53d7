// cpp/examples/user_objective's Poisson regression: its loss against the formula in long
// double, its gradient against central differences (all rows and a batch of rows), and
// descend::fit with Adam recovering the parameters that generated the counts.
#include <descend/fit.hpp>
#include <descend/optimizers/adam.hpp>
#include <descend/random.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../examples/user_objective/poisson.hpp"
#include "check.hpp"

namespace {

constexpr std::size_t m = 500, n = 3;
const double truth[] = {0.3, 0.6, -0.5, 0.2};  // b, w

struct Counts {
    std::vector<double> X = std::vector<double>(m * n), y = std::vector<double>(m);
    PoissonRegression objective;
    Counts() {
        descend::Random random(21);
        for (std::size_t i = 0; i < m; ++i) {
            double eta = truth[0];
            for (std::size_t j = 0; j < n; ++j) {
                X[i * n + j] = 2.0 * random.uniform() - 1.0;
                eta += truth[j + 1] * X[i * n + j];
            }
            y[i] = poisson_draw(random, std::exp(eta));
        }
        objective.X = descend::MatrixView<const double>{X.data(), m, n};
        objective.y = y.data();
    }
};

/// (1/|B|) sum_i [exp(eta_i) - y_i eta_i] in long double, written from the formula.
double reference_loss(const Counts& c, const std::vector<std::size_t>& rows,
                      const std::vector<double>& theta) {
    long double sum = 0.0L;
    for (const std::size_t i : rows) {
        long double eta = theta[0];
        for (std::size_t j = 0; j < n; ++j)
            eta += static_cast<long double>(c.X[i * n + j]) * theta[j + 1];
        sum += std::exp(eta) - static_cast<long double>(c.y[i]) * eta;
    }
    return static_cast<double>(sum / static_cast<long double>(rows.size()));
}

}  // namespace

TEST_CASE(the_poisson_loss_and_gradient_match_the_formula_and_finite_differences) {
    const Counts c;
    descend::Random random(4);
    std::vector<std::size_t> all(m), batch;
    for (std::size_t i = 0; i < m; ++i) all[i] = i;
    for (std::size_t k = 0; k < 37; ++k) batch.push_back(random.below(m));
    for (int trial = 0; trial < 5; ++trial) {
        std::vector<double> theta(n + 1);
        for (double& t : theta) t = random.uniform() - 0.5;
        for (const auto* rows : {&all, &batch}) {
            const std::size_t* pointer = rows == &all ? nullptr : rows->data();
            std::vector<double> grad(n + 1), scratch(n + 1);
            const double loss =
                c.objective.loss_and_gradient(pointer, rows->size(), theta.data(), grad.data());
            CHECK_CLOSE(loss, reference_loss(c, *rows, theta), 1e-12);
            for (std::size_t j = 0; j <= n; ++j) {
                const double h = 1e-6;
                std::vector<double> plus = theta, minus = theta;
                plus[j] += h;
                minus[j] -= h;
                const double numeric =
                    (c.objective.loss_and_gradient(pointer, rows->size(), plus.data(),
                                                   scratch.data()) -
                     c.objective.loss_and_gradient(pointer, rows->size(), minus.data(),
                                                   scratch.data())) /
                    (2.0 * h);
                CHECK_CLOSE(grad[j], numeric, 1e-7);
            }
        }
    }
}

TEST_CASE(fit_with_adam_recovers_the_poisson_parameters) {
    const Counts c;
    descend::SolverOptions options;
    options.batch_size = 25;
    options.max_iter = 80;
    options.tol = -1.0;
    std::vector<double> theta;
    const descend::FitResult<double> result =
        descend::fit(c.objective, theta, descend::Adam{}, descend::Constant{0.02}, options);
    CHECK(result.status() == descend::Status::max_iter);
    CHECK(result.losses.back() < result.losses.front());
    // The maximum-likelihood estimate on 500 rows is within about 0.1 of the truth.
    for (std::size_t j = 0; j <= n; ++j) CHECK(std::fabs(theta[j] - truth[j]) < 0.15);
    // ... and the fit ends near it: the full gradient is small there.
    std::vector<double> grad(n + 1);
    c.objective.loss_and_gradient(nullptr, m, theta.data(), grad.data());
    for (const double g : grad) CHECK(std::fabs(g) < 0.05);
}
