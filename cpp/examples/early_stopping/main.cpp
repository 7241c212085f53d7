// Early stopping on a held-out set, written as a callback of descend::fit. A linear model with
// 30 features is fitted on 40 noisy rows, enough to overfit: after every epoch the callback
// measures the mean squared error on 400 held-out rows, keeps the best parameters, and stops
// the run once 10 epochs in a row brought no improvement. Exits non-zero if it did not stop
// early or the kept parameters are not the best seen.
#include <descend/descend.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

int main() {
    const std::size_t n = 30, m_train = 40, m_held_out = 400, m = m_train + m_held_out;
    descend::Random random(3);
    std::vector<double> w(n), X(m * n), y(m);
    for (double& wj : w) wj = random.uniform() - 0.5;
    for (std::size_t i = 0; i < m; ++i) {
        double z = 1.0;  // intercept
        for (std::size_t j = 0; j < n; ++j) {
            X[i * n + j] = 2.0 * random.uniform() - 1.0;
            z += X[i * n + j] * w[j];
        }
        y[i] = z + 2.0 * (random.uniform() - 0.5);  // noise
    }
    // The first m_train rows train, the rest are held out: two objectives over one array.
    descend::LeastSquares<double> train, held_out;
    train.X = descend::MatrixView<const double>{X.data(), m_train, n};
    train.y = y.data();
    held_out.X = descend::MatrixView<const double>{X.data() + m_train * n, m_held_out, n};
    held_out.y = y.data() + m_train;

    // The callback: called after every epoch with a read-only view of the progress.
    const std::size_t patience = 10;
    double best_loss = std::numeric_limits<double>::infinity();
    std::size_t best_epoch = 0;
    std::vector<double> best_theta, grad(held_out.n_params());
    auto early_stopping = [&](const descend::EpochProgress<double>& progress) {
        const double loss =
            held_out.loss_and_gradient(nullptr, m_held_out, progress.theta.data, grad.data());
        if (loss < best_loss) {
            best_loss = loss;
            best_epoch = progress.epoch;
            best_theta.assign(progress.theta.begin(), progress.theta.end());
        }
        return progress.epoch < best_epoch + patience;  // false: stop the run
    };

    descend::SolverOptions options;
    options.batch_size = 10;
    options.max_iter = 2000;
    options.tol = -1.0;  // no loss-change test: only the callback stops the run early
    std::vector<double> theta;
    const descend::FitResult<double> result = descend::fit(
        train, theta, descend::Adam{}, descend::Constant{0.02}, options, early_stopping);
    std::printf("stopped after %zu epochs (training loss %.4f); best held-out loss %.4f at "
                "epoch %zu\n",
                result.epochs(), result.losses.back(), best_loss, best_epoch);
    theta = best_theta;  // keep the best epoch's parameters
    const double kept = held_out.loss_and_gradient(nullptr, m_held_out, theta.data(), grad.data());
    std::printf("held-out loss of the kept parameters: %.4f\n", kept);

    const bool ok = result.status() == descend::Status::running &&
                    result.epochs() == best_epoch + patience && result.epochs() < 2000 &&
                    kept == best_loss;
    return ok ? 0 : 1;
}
