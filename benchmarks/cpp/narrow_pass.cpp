// ns per full-batch pass of linear_pass.hpp's narrow path (dense X with 1 to 4 columns, the
// tutorial's 100 x 1 least-squares data): one loss-and-gradient sum over the rows, as each GD
// epoch computes it, with and without row numbers and sample weights, and for Huber.
// Each pass is timed twice: compiled for the flags given ("plain") and as the extension
// compiles its hot entry points (multiversion.hpp's target_clones: the x86-64-v3 clone on a
// CPU with AVX2 + FMA, whatever -march says), so that one build without -march shows both the
// baseline x86-64 code and the clone the extension runs.
//
// Build and run (from the repository root):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -fopenmp-simd -DDESCEND_OPENMP_SIMD
//     -Icpp/include benchmarks/cpp/narrow_pass.cpp -o /tmp/narrow_pass
//   (and without -march=x86-64-v3 for the baseline)
//   /tmp/narrow_pass [repeats]
// Prints ns per pass (median over repeats of 10,000 passes, thread CPU time) for each case, and
// its loss and gradient in hexadecimal (plain, then clone: with FMA they may differ), so that
// two include trees (-I) can be compared bit for bit.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include "../../cpp/bindings/multiversion.hpp"
#include "descend/objectives/huber.hpp"
#include "descend/objectives/least_squares.hpp"

#include "timing.hpp"

namespace {

using Matrix = descend::MatrixView<const double>;

using bench::median_seconds;
using bench::thread_seconds;

/// One pass compiled for the command line's flags.
template <class Point>
__attribute__((noinline)) double pass_plain(const Matrix& X, const double* y, const double* s,
                                            const double* theta, const std::size_t* rows,
                                            std::size_t count, const Point& point, double* grad) {
    return descend::linear_loss_sums(X, y, s, theta, true, rows, count, point, grad);
}

/// The same pass compiled as the extension compiles its entry points.
template <class Point>
DESCEND_MULTIVERSION __attribute__((noinline)) double pass_clone(
    const Matrix& X, const double* y, const double* s, const double* theta,
    const std::size_t* rows, std::size_t count, const Point& point, double* grad) {
    return descend::linear_loss_sums(X, y, s, theta, true, rows, count, point, grad);
}

constexpr std::size_t m = 100, passes = 10000;

/// Times one case both ways and prints its result bits.
template <class Point>
void run_case(const char* name, int repeats, std::size_t cols, const std::vector<double>& X,
              const std::vector<double>& y, const double* s, const std::size_t* rows,
              std::size_t count, const Point& point) {
    const Matrix view{X.data(), m, cols};
    // theta = (0.5, 0.25, ...): the 1e-300 * grad added below leaves it unchanged, but is a
    // dependency, so no pass is hoisted out of the loop
    std::vector<double> theta(cols + 1), grad(cols + 1);
    for (std::size_t j = 0; j <= cols; ++j) theta[j] = 0.5 / static_cast<double>(j + 1);
    double sink = 0.0;
    auto time = [&](auto pass) {
        return 1e9 / passes * median_seconds(repeats, [&] {
                   for (std::size_t p = 0; p < passes; ++p) {
                       sink += pass(view, y.data(), s, theta.data(), rows, count, point,
                                    grad.data());
                       theta[0] += 1e-300 * grad[0];
                   }
               });
    };
    const double plain = time(pass_plain<Point>);
    const double clone = time(pass_clone<Point>);
    std::printf("  %-26s %7.1f %7.1f", name, plain, clone);
    for (auto pass : {pass_plain<Point>, pass_clone<Point>}) {
        std::printf("\n    %a", pass(view, y.data(), s, theta.data(), rows, count, point,
                                     grad.data()));
        for (double g : grad) std::printf(" %a", g);
    }
    std::printf("%s\n", sink == 42.0 ? " " : "");
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 21;
    // the tutorial's data (x uniform in [0, 2), y = 4 + 3 x + noise), with up to 4 columns
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> uniform(0.0, 2.0);
    std::normal_distribution<double> normal;
    std::vector<double> X1(m), X2(2 * m), X4(4 * m), y(m), weights(m);
    for (std::size_t i = 0; i < m; ++i) {
        X1[i] = uniform(random);
        y[i] = 4.0 + 3.0 * X1[i] + normal(random);
        weights[i] = 0.5 + uniform(random);
        for (std::size_t j = 0; j < 2; ++j) X2[2 * i + j] = uniform(random);
        for (std::size_t j = 0; j < 4; ++j) X4[4 * i + j] = uniform(random);
    }
    // 99 shuffled rows: a minibatch whose remainder rows go to lanes 0, 1, 2
    std::vector<std::size_t> rows(m);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    std::shuffle(rows.begin(), rows.end(), random);
    const descend::SquaredError squared;
    const descend::HuberPoint huber{1.0};

    std::printf("ns per pass (median of %d x %zu passes): plain, clone\n",
                repeats, passes);
    run_case("100 x 1 (tutorial)", repeats, 1, X1, y, nullptr, nullptr, m, squared);
    run_case("100 x 1, 99 rows given", repeats, 1, X1, y, nullptr, rows.data(), m - 1, squared);
    run_case("100 x 1, sample weights", repeats, 1, X1, y, weights.data(), nullptr, m, squared);
    run_case("100 x 1, Huber", repeats, 1, X1, y, nullptr, nullptr, m, huber);
    run_case("100 x 1, 99 rows, Huber", repeats, 1, X1, y, nullptr, rows.data(), m - 1, huber);
    run_case("100 x 2", repeats, 2, X2, y, nullptr, nullptr, m, squared);
    run_case("100 x 2, 99 rows given", repeats, 2, X2, y, nullptr, rows.data(), m - 1, squared);
    run_case("100 x 2, 99 rows, Huber", repeats, 2, X2, y, nullptr, rows.data(), m - 1, huber);
    run_case("100 x 4", repeats, 4, X4, y, nullptr, nullptr, m, squared);
    run_case("100 x 4, 99 rows given", repeats, 4, X4, y, nullptr, rows.data(), m - 1, squared);
    return 0;
}
