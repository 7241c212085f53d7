// Linear regression on generated data, y = 1.5 + 2 x1 - 3 x2 + 0.5 x3 + noise, fitted in
// float32 three ways: batch gradient descent, mini-batch SGD with a decaying step size, and
// mini-batch Adam. Prints one line per fit; exits non-zero if a fit misses the true
// coefficients.
#include <descend/descend.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

constexpr std::size_t m = 1000, n = 3;
const double truth[n + 1] = {1.5, 2.0, -3.0, 0.5};  // intercept, then w

/// One fit from theta = 0: returns true if every parameter is within 0.05 of the truth.
bool fit(const char* name, const descend::LeastSquares<float>& objective,
         const descend::Optimizer& optimizer, descend::Schedule schedule,
         const descend::SolverOptions& options) {
    std::vector<float> theta(objective.n_params(), 0.0f);
    std::vector<std::vector<float>> slots(descend::state_slots(optimizer),
                                          std::vector<float>(theta.size(), 0.0f));
    std::vector<float*> state;
    for (auto& slot : slots) state.push_back(slot.data());
    descend::SolverState run;
    run.random.reseed(1);
    std::vector<double> losses;
    const descend::Status status =
        descend::run_epochs(objective, theta.data(), state.data(), optimizer, schedule, options,
                            run, options.max_iter, losses);
    const char* why = status == descend::Status::converged  ? "converged"
                      : status == descend::Status::max_iter ? "max_iter"
                                                            : "diverged";
    std::printf("%-26s %5zu epochs %-9s loss %.5f  theta = (%.3f, %.3f, %.3f, %.3f)\n", name,
                run.epoch, why, losses.empty() ? NAN : losses.back(), theta[0], theta[1],
                theta[2], theta[3]);
    bool close = status != descend::Status::diverged;
    for (std::size_t j = 0; j <= n; ++j) close &= std::fabs(theta[j] - truth[j]) < 0.05;
    return close;
}

}  // namespace

int main() {
    // The data: x uniform in [-1, 1)^3, noise uniform in [-0.1, 0.1).
    descend::Random random(2024);
    std::vector<float> X(m * n), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        double target = truth[0];
        for (std::size_t j = 0; j < n; ++j) {
            X[i * n + j] = static_cast<float>(2.0 * random.uniform() - 1.0);
            target += truth[j + 1] * X[i * n + j];
        }
        y[i] = static_cast<float>(target + 0.2 * (random.uniform() - 0.5));
    }
    descend::LeastSquares<float> objective;
    objective.X = descend::MatrixView<const float>{X.data(), m, n};
    objective.y = y.data();

    descend::SolverOptions full_batch;
    full_batch.max_iter = 5000;
    full_batch.tol = 1e-9;

    descend::SolverOptions mini_batch;
    mini_batch.batch_size = 32;
    mini_batch.max_iter = 50;
    mini_batch.tol = -1.0;  // stochastic losses are noisy: run the 50 epochs

    descend::SGD momentum;
    momentum.momentum = 0.9;

    std::printf("descend %s: y = 1.5 + 2 x1 - 3 x2 + 0.5 x3 + noise, %zu rows\n",
                DESCEND_VERSION, m);
    bool ok = true;
    ok &= fit("gradient descent", objective, descend::SGD{}, descend::Constant{0.5}, full_batch);
    ok &= fit("mini-batch SGD, t0/(t+t1)", objective, descend::SGD{},
              descend::InverseTime{50.0, 500.0}, mini_batch);
    ok &= fit("mini-batch SGD, momentum", objective, momentum, descend::Constant{0.01},
              mini_batch);
    ok &= fit("mini-batch Adam", objective, descend::Adam{}, descend::Constant{0.01}, mini_batch);
    return ok ? 0 : 1;
}
