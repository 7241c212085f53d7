// How fast can minimize() take Adam steps on 2-D Rosenbrock? The floor under the C++ path of
// descend.minimize (issue 11, the `descend bench` row "minimize, 10,000 Adam steps"), measured
// as ns per step over 10,000 steps from (-1.5, 2) with lr = 1e-3:
//   minimize_steps      descend's loop (minimize.hpp): every check and record of a step
//   bare, pow           the same arithmetic with nothing else: x, m, v in registers, bias
//                       factors from std::pow at each step (torch's formula)
//   bare, running       as above, beta^t as minimize.hpp keeps it (bias_powers.hpp)
//   bare, table         the bias factors read from a table made beforehand: only the chain
//                       from x_k to x_{k+1} (gradient, moments, sqrt, divide) is left
// Each bare loop also stores f of every iterate (as minimize's history does).
//
// Build and run (from the repository root):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -Icpp/include benchmarks/cpp/minimize_floor.cpp -o /tmp/minimize_floor
//   /tmp/minimize_floor [repeats]
// Prints ns per step (median over repeats, thread CPU time) and the final x of each loop.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "descend/minimize.hpp"
#include "descend/objectives/landscapes.hpp"

#include "timing.hpp"

namespace {

constexpr int steps = 10000;
constexpr double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;

using bench::median;
using bench::thread_seconds;

// f and its gradient, as descend::Rosenbrock computes them for dim = 2.
inline double rosenbrock(double x0, double x1, double& g0, double& g1) {
    const double d = x1 - x0 * x0, e = 1.0 - x0;
    g0 = 0.0 - 400.0 * x0 * d - 2.0 * e;
    g1 = 200.0 * d;
    return 100.0 * d * d + e * e;
}

// The Adam step of one coordinate (optimizers/adam.hpp without weight decay or maximize).
inline double adam(double x, double g, double& m, double& v, double step_size, double inv_bias2) {
    m = beta1 * m + (1.0 - beta1) * g;
    v = beta2 * v + (1.0 - beta2) * g * g;
    return x - step_size * m / (std::sqrt(v) * inv_bias2 + eps);
}

// The bare loop; Bias(t, step_size, inv_bias2) gives the factors of step t.
template <class Bias>
double bare(double* history, double* out, Bias bias) {
    double x0 = -1.5, x1 = 2.0, m0 = 0, m1 = 0, v0 = 0, v1 = 0, g0, g1;
    history[0] = rosenbrock(x0, x1, g0, g1);
    for (int t = 1; t <= steps; ++t) {
        double step_size, inv_bias2;
        bias(t, step_size, inv_bias2);
        x0 = adam(x0, g0, m0, v0, step_size, inv_bias2);
        x1 = adam(x1, g1, m1, v1, step_size, inv_bias2);
        history[t] = rosenbrock(x0, x1, g0, g1);
    }
    out[0] = x0;
    out[1] = x1;
    return history[steps];
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 21;
    std::vector<double> history(steps + 1), table_step(steps + 1), table_inv(steps + 1);
    for (int t = 1; t <= steps; ++t) {
        table_step[static_cast<std::size_t>(t)] = lr / (1.0 - std::pow(beta1, t));
        table_inv[static_cast<std::size_t>(t)] = 1.0 / std::sqrt(1.0 - std::pow(beta2, t));
    }
    struct Row {
        const char* name;
        std::function<void(double*)> run;
    };
    descend::BiasPowers powers;
    const Row rows[] = {
        {"minimize_steps",
         [](double* out) {
             descend::Adam rule;
             rule.lr = lr;
             descend::MinimizeOptions options;
             options.max_iter = steps;
             options.gtol = 0.0;
             options.tol = 0.0;
             out[0] = -1.5;
             out[1] = 2.0;
             descend::Minimizer run(rule, descend::Constant{lr}, options, 2);
             descend::minimize_steps(descend::Rosenbrock{2}, out, run, steps);
         }},
        {"bare, pow",
         [&](double* out) {
             bare(history.data(), out, [](int t, double& s, double& inv) {
                 s = lr / (1.0 - std::pow(beta1, t));
                 inv = 1.0 / std::sqrt(1.0 - std::pow(beta2, t));
             });
         }},
        {"bare, running",
         [&](double* out) {
             powers = descend::BiasPowers(beta1, beta2);
             bare(history.data(), out, [&](int, double& s, double& inv) {
                 powers.advance();
                 s = lr / (1.0 - powers.beta1_t.value());
                 inv = 1.0 / std::sqrt(1.0 - powers.beta2_t.value());
             });
         }},
        {"bare, table",
         [&](double* out) {
             bare(history.data(), out, [&](int t, double& s, double& inv) {
                 s = table_step[static_cast<std::size_t>(t)];
                 inv = table_inv[static_cast<std::size_t>(t)];
             });
         }},
    };
    std::printf("%-16s %10s   x after %d steps\n", "loop", "ns/step", steps);
    for (const Row& row : rows) {
        double x[2];
        std::vector<double> times;
        for (int r = 0; r < repeats; ++r) {
            const double started = thread_seconds();
            row.run(x);
            times.push_back(thread_seconds() - started);
        }
        std::printf("%-16s %10.2f   (%.17g, %.17g)\n", row.name, 1e9 * median(times) / steps,
                    x[0], x[1]);
    }
    return 0;
}
