// A user-defined objective fitted by descend::fit: Poisson regression (poisson.hpp) with Adam.
// Checks the gradient against central differences first, then fits in one call and continues
// the same run for more epochs. Exits non-zero if the gradient or the fit misses.
#include <descend/descend.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "poisson.hpp"

int main() {
    const std::size_t m = 2000, n = 2;
    const double truth[] = {0.5, 0.8, -0.4};  // b, w1, w2
    descend::Random random(7);
    std::vector<double> X(m * n), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        X[i * n] = 2.0 * random.uniform() - 1.0;
        X[i * n + 1] = 2.0 * random.uniform() - 1.0;
        y[i] = poisson_draw(random,
                            std::exp(truth[0] + truth[1] * X[i * n] + truth[2] * X[i * n + 1]));
    }
    const PoissonRegression objective{descend::MatrixView<const double>{X.data(), m, n}, y.data()};

    // 1. The gradient against central differences at some theta.
    const std::vector<double> point = {0.1, -0.2, 0.3};
    std::vector<double> grad(3), scratch(3);
    objective.loss_and_gradient(nullptr, m, point.data(), grad.data());
    double worst = 0.0;
    for (std::size_t j = 0; j < 3; ++j) {
        std::vector<double> plus = point, minus = point;
        plus[j] += 1e-6;
        minus[j] -= 1e-6;
        const double numeric =
            (objective.loss_and_gradient(nullptr, m, plus.data(), scratch.data()) -
             objective.loss_and_gradient(nullptr, m, minus.data(), scratch.data())) / 2e-6;
        worst = std::max(worst, std::fabs(numeric - grad[j]));
    }
    std::printf("gradient vs finite differences: max difference %.2e\n", worst);

    // 2. The fit: mini-batch Adam at lr 0.01 for 40 epochs, then 20 more of the same run.
    descend::SolverOptions options;
    options.batch_size = 50;
    options.max_iter = 40;
    options.tol = -1.0;  // no loss-change test: run every epoch asked for
    std::vector<double> theta;  // empty: fit starts from zeros
    descend::FitResult<double> result =
        descend::fit(objective, theta, descend::Adam{}, descend::Constant{0.01}, options);
    std::printf("epoch %3zu  loss %.5f  theta = (%.3f, %.3f, %.3f)\n", result.epochs(),
                result.losses.back(), theta[0], theta[1], theta[2]);
    descend::fit(objective, theta, result, 20);  // Adam's m and v carry over
    std::printf("epoch %3zu  loss %.5f  theta = (%.3f, %.3f, %.3f)\n", result.epochs(),
                result.losses.back(), theta[0], theta[1], theta[2]);
    std::printf("true theta    = (%.3f, %.3f, %.3f)\n", truth[0], truth[1], truth[2]);

    bool ok = worst < 1e-6 && result.status() == descend::Status::max_iter &&
              result.epochs() == 60 && result.losses.size() == 60;
    for (std::size_t j = 0; j < 3; ++j) ok &= std::fabs(theta[j] - truth[j]) < 0.1;
    return ok ? 0 : 1;
}
