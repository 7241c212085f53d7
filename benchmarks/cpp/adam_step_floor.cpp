// How fast can one Adam step on 1,000 float32 go, with no Python at all? The floor under the
// `descend bench` row "optim.Adam.step, 1,000 float32" (compared with one np.add of the same
// size), measured as ns per call, each over n elements:
//   rule step           descend::Adam::step as the kernels call it: beta1^t and beta2^t from
//                       std::pow (torch's formula), then the loop of optimizers/adam.hpp
//   loop only           the same loop with the bias powers given: sqrt and divide per element
//   two std::pow        the bias powers alone
//   a += b              what np.add(a, b, out=a) computes, the loop alone
// The loops are compiled as the module's hot entry points are (multiversion.hpp: an AVX2/FMA
// clone and a baseline one, flattened). benchmarks/bench_step_overhead.py measures the rest,
// the Python call and the C++ checks around the loop.
//
// Build and run (from the repository root):
//   g++ -std=gnu++17 -O3 -fno-math-errno -fopenmp-simd -Icpp/include benchmarks/cpp/adam_step_floor.cpp -o /tmp/adam_step_floor
//   /tmp/adam_step_floor [n] [repeats]
// Prints ns per call (median over repeats of 2,000 calls, thread CPU time).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "descend/optimizers/adam.hpp"

#include "timing.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FLOOR_MULTIVERSION __attribute__((noinline, target_clones("arch=x86-64-v3", "default"), flatten))
#else
#define FLOOR_MULTIVERSION __attribute__((noinline))
#endif

namespace {

FLOOR_MULTIVERSION void rule_step(const descend::Adam& rule, float* param, const float* grad,
                                  float* const* state, std::size_t n, std::int64_t t) {
    rule.step(param, grad, state, n, t);
}

FLOOR_MULTIVERSION void loop_only(const descend::Adam& rule, float* param, const float* grad,
                                  float* const* state, std::size_t n, double beta1_t,
                                  double beta2_t) {
    rule.step(param, grad, state, n, 1, beta1_t, beta2_t);
}

FLOOR_MULTIVERSION void add(float* a, const float* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) a[i] += b[i];
}

volatile double sink;

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 201;
    constexpr int calls = 2000;
    std::vector<float> param(n, 0.0f), grad(n, 1.0f), m(n, 0.0f), v(n, 0.0f), a(n, 0.0f),
        b(n, 1.0f);
    float* state[3] = {m.data(), v.data(), nullptr};
    descend::Adam rule;
    std::int64_t t = 0;

    const auto per_call = [&](auto&& run) {
        return 1e9 / calls * bench::median_seconds(repeats, [&] {
                   for (int k = 0; k < calls; ++k) run();
               });
    };
    // (t wraps at 100,000 so the powers stay normal numbers, as in a real run's first steps)
    const double step = per_call([&] {
        t = t % 100000 + 1;
        rule_step(rule, param.data(), grad.data(), state, n, t);
    });
    const double loop =
        per_call([&] { loop_only(rule, param.data(), grad.data(), state, n, 0.9, 0.999); });
    const double powers = per_call([&] {
        t = t % 100000 + 1;
        sink = std::pow(rule.beta1, static_cast<double>(t)) +
               std::pow(rule.beta2, static_cast<double>(t));
    });
    const double plus = per_call([&] { add(a.data(), b.data(), n); });
    std::printf("n = %zu float32, ns per call (median of %d x %d calls)\n", n, repeats, calls);
    std::printf("  rule step      %8.1f\n  loop only      %8.1f\n  two std::pow   %8.1f\n"
                "  a += b         %8.1f\n",
                step, loop, powers, plus);
    return 0;
}
