// A user-defined objective driven by descend's solver: Poisson regression, for counts
// y ~ Poisson(exp(b + x . w)). The solver needs only n_samples(), n_params() and
// loss_and_gradient() over a batch of rows; everything else (batches, Adam, stopping rules)
// is descend's. Checks the gradient against finite differences first, then fits by mini-batch
// Adam in slices of 10 epochs, printing progress. Exits non-zero if the fit misses the truth.
#include <descend/descend.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

/// Poisson regression with a log link: the mean negative log-likelihood over a batch B
/// (without the constant log y_i!) and its gradient, with eta_i = b + x_i . w:
//   L(theta)  = (1/|B|) sum_i [exp(eta_i) - y_i eta_i]
//   grad L    = (1/|B|) sum_i (exp(eta_i) - y_i) (1, x_i)
struct PoissonRegression {
    descend::MatrixView<const double> X;  ///< features, one row per sample
    const double* y = nullptr;            ///< observed counts

    std::size_t n_samples() const { return X.rows; }
    std::size_t n_params() const { return X.cols + 1; }

    /// Mean loss over rows[0..count) (all rows in order when rows is null), gradient in grad.
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double* theta,
                             double* grad) const {
        std::fill(grad, grad + n_params(), 0.0);
        double loss = 0.0;
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = rows != nullptr ? rows[k] : k;
            const double* x = X.row(i);
            double eta = theta[0];
            for (std::size_t j = 0; j < X.cols; ++j) eta += x[j] * theta[j + 1];
            const double mean = std::exp(eta);
            loss += mean - y[i] * eta;
            grad[0] += mean - y[i];
            for (std::size_t j = 0; j < X.cols; ++j) grad[j + 1] += (mean - y[i]) * x[j];
        }
        for (std::size_t j = 0; j < n_params(); ++j) grad[j] /= static_cast<double>(count);
        return loss / static_cast<double>(count);
    }
};

/// A Poisson(lambda) draw by Knuth's multiplication method (fine for small lambda).
static double poisson(descend::Random& random, double lambda) {
    const double limit = std::exp(-lambda);
    double product = random.uniform();
    int count = 0;
    while (product > limit) {
        product *= random.uniform();
        ++count;
    }
    return count;
}

int main() {
    const std::size_t m = 2000, n = 2;
    const double truth[] = {0.5, 0.8, -0.4};  // b, w1, w2
    descend::Random random(7);
    std::vector<double> X(m * n), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        X[i * n] = 2.0 * random.uniform() - 1.0;
        X[i * n + 1] = 2.0 * random.uniform() - 1.0;
        y[i] = poisson(random, std::exp(truth[0] + truth[1] * X[i * n] + truth[2] * X[i * n + 1]));
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
        const double numeric = (objective.loss_and_gradient(nullptr, m, plus.data(), scratch.data()) -
                                objective.loss_and_gradient(nullptr, m, minus.data(), scratch.data())) /
                               2e-6;
        worst = std::max(worst, std::fabs(numeric - grad[j]));
    }
    std::printf("gradient vs finite differences: max difference %.2e\n", worst);

    // 2. The fit: mini-batch Adam, 60 epochs run 10 at a time.
    const descend::Optimizer optimizer = descend::Adam{};
    descend::Schedule schedule = descend::Constant{0.01};
    descend::SolverOptions options;
    options.batch_size = 50;
    options.max_iter = 60;
    options.tol = -1.0;
    std::vector<double> theta(3, 0.0);
    std::vector<std::vector<double>> slots(descend::state_slots(optimizer),
                                           std::vector<double>(theta.size(), 0.0));
    std::vector<double*> state;  // Adam's m and v, zero to start
    for (auto& slot : slots) state.push_back(slot.data());
    descend::SolverState run;
    std::vector<double> losses;
    descend::Status status = descend::Status::running;
    while (status == descend::Status::running) {
        status = descend::run_epochs(objective, theta.data(), state.data(), optimizer, schedule,
                                     options, run, 10, losses);
        std::printf("epoch %3zu  loss %.5f  theta = (%.3f, %.3f, %.3f)\n", run.epoch,
                    losses.back(), theta[0], theta[1], theta[2]);
    }
    std::printf("true theta    = (%.3f, %.3f, %.3f)\n", truth[0], truth[1], truth[2]);

    bool ok = worst < 1e-6 && status == descend::Status::max_iter;
    for (std::size_t j = 0; j < 3; ++j) ok &= std::fabs(theta[j] - truth[j]) < 0.1;
    return ok ? 0 : 1;
}
