// ns per epoch of the fit loop (solver.hpp's run_epochs through fit.hpp's fit) on the
// tutorial's 100 x 1 least-squares data, where an epoch's arithmetic is a few dozen ns and
// the loop's fixed costs show (issue 11, item 1): full-batch GD (lr 0.1, 1000 epochs) and
// one-row SGD with replacement under InverseTime(5, 50) (1000 epochs of 100 steps), beside the
// bare kernels (one loss_and_gradient of the 100 rows; one fused epoch with its row draws).
//
// Build and run (from the repository root):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -fopenmp-simd -DDESCEND_OPENMP_SIMD
//     -Icpp/include benchmarks/cpp/epoch_overhead.cpp -o /tmp/epoch_overhead
//   /tmp/epoch_overhead [repeats]
// Prints ns per epoch (median over repeats, thread CPU time) for each case, and the fitted
// parameters in hexadecimal, so that two include trees (-I) can be compared bit for bit.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "descend/fit.hpp"
#include "descend/objectives/least_squares.hpp"
#include "descend/objectives/penalties.hpp"

#include "timing.hpp"

namespace {

using bench::median_seconds;
using bench::thread_seconds;

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 21;
    constexpr std::size_t m = 100, epochs = 1000;
    // the tutorial's data: x uniform in [0, 2), y = 4 + 3 x + noise
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> uniform(0.0, 2.0);
    std::normal_distribution<double> normal;
    std::vector<double> X(m), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        X[i] = uniform(random);
        y[i] = 4.0 + 3.0 * X[i] + normal(random);
    }
    using Data = descend::LeastSquares<double, descend::MatrixView<const double>>;
    Data data;
    data.X = descend::MatrixView<const double>{X.data(), m, 1};
    data.y = y.data();
    const descend::Penalized<Data> objective{data, descend::Penalty{}};
    double sink = 0.0;

    std::vector<double> grad(2), theta(2);
    const double gradient = median_seconds(repeats, [&] {
        for (std::size_t e = 0; e < epochs; ++e) {
            sink += data.loss_and_gradient(nullptr, m, theta.data(), grad.data());
            theta[0] += 1e-300 * grad[0];  // (a dependency, so no pass is hoisted out)
        }
    });

    descend::SolverOptions gd_options;
    gd_options.max_iter = epochs;
    gd_options.tol = -1.0;
    std::vector<double> gd_theta, sgd_theta;
    const double gd = median_seconds(repeats, [&] {
        std::vector<double> w;
        const auto result = descend::fit(objective, w, descend::Optimizer{descend::SGD{}},
                                         descend::Schedule{descend::Constant{0.1}}, gd_options);
        sink += w[0] + static_cast<double>(result.losses.size());
        gd_theta = w;
    });

    descend::SolverOptions sgd_options = gd_options;
    sgd_options.batch_size = 1;
    sgd_options.sampling = descend::Sampling::replacement;
    const descend::Schedule inverse_time{descend::InverseTime{5.0, 50.0}};
    const double sgd = median_seconds(repeats, [&] {
        std::vector<double> w;
        const auto result = descend::fit(objective, w, descend::Optimizer{descend::SGD{}},
                                         inverse_time, sgd_options);
        sink += w[0] + static_cast<double>(result.losses.size());
        sgd_theta = w;
    });

    const double fused = median_seconds(repeats, [&] {
        descend::Random draws(0);
        std::vector<std::size_t> rows(m);
        std::vector<double> w(2, 0.0);
        std::int64_t step = 0;
        const descend::ScheduleStepSize step_size(inverse_time);
        for (std::size_t e = 0; e < epochs; ++e) {
            for (std::size_t k = 0; k < m; ++k) rows[k] = static_cast<std::size_t>(draws.below(m));
            sink += descend::fused_sgd_steps(objective, rows.data(), m, step_size, step, w.data(),
                                             static_cast<double*>(nullptr), 0);
        }
    });

    std::printf("ns per epoch (100 x 1 float64, %zu epochs, median of %d)\n", epochs, repeats);
    std::printf("  loss_and_gradient of 100 rows      %8.1f\n", 1e9 * gradient / epochs);
    std::printf("  GD epoch, whole fit                %8.1f\n", 1e9 * gd / epochs);
    std::printf("  fused SGD epoch + row draws        %8.1f\n", 1e9 * fused / epochs);
    std::printf("  SGD epoch (100 steps), whole fit   %8.1f\n", 1e9 * sgd / epochs);
    std::printf("  GD theta  %a %a\n  SGD theta %a %a\n", gd_theta[0], gd_theta[1], sgd_theta[0],
                sgd_theta[1]);
    return sink == 42.0;
}
