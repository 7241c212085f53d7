// ms per one-pass least-squares loss and gradient over a dense X (linear_pass.hpp's
// linear_loss_sums, the pass behind the gradient rows of `descend bench`), float32 or float64,
// against a plain sum of the same X: the read-bandwidth floor of any pass over it. X is
// allocated on 2 MiB pages, as NumPy allocates large arrays (with 4 KiB pages the misses of
// the TLB, not the pass, set the speed). One thread.
//
// Build and run (from the repository root):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -fopenmp-simd -DDESCEND_OPENMP_SIMD
//     -Icpp/include benchmarks/cpp/dense_pass.cpp -o /tmp/dense_pass
//   /tmp/dense_pass [float32|float64] [columns=100] [rows=1000000] [repeats=15]
// Prints the minimum and the median over the repeats (the two timings alternate), and the
// pass's speed as a share of the plain sum's.
#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "descend/objectives/least_squares.hpp"

#include "timing.hpp"

namespace {

/// x[0] + ... + x[n - 1] in 16 independent sums: reads x as fast as the memory allows.
template <class T>
__attribute__((noinline)) T plain_sum(const T* x, std::size_t n) {
    T lanes[16] = {};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (std::size_t q = 0; q < 16; ++q) lanes[q] += x[i + q];
    T sum = 0;
    for (std::size_t q = 0; q < 16; ++q) sum += lanes[q];
    for (; i < n; ++i) sum += x[i];
    return sum;
}

template <class T>
int run(const char* dtype, std::size_t n, std::size_t m, int repeats) {
    constexpr std::size_t huge_page = std::size_t{1} << 21;
    const std::size_t bytes = (m * n * sizeof(T) + huge_page - 1) / huge_page * huge_page;
    T* x = static_cast<T*>(std::aligned_alloc(huge_page, bytes));
    if (x == nullptr) return 1;
    madvise(x, bytes, MADV_HUGEPAGE);
    std::vector<T> y(m), theta(n + 1);
    std::vector<double> grad(n + 1);
    std::mt19937 generator(0);
    std::normal_distribution<T> normal;
    for (std::size_t k = 0; k < m * n; ++k) x[k] = normal(generator);
    for (T& v : y) v = normal(generator);
    for (T& v : theta) v = normal(generator);
    const descend::MatrixView<const T> X{x, m, n};

    volatile double sink = 0.0;
    std::vector<double> sum_seconds, pass_seconds;
    for (int r = 0; r < repeats; ++r) {
        double start = bench::thread_seconds();
        sink = plain_sum(x, m * n);
        sum_seconds.push_back(bench::thread_seconds() - start);
        start = bench::thread_seconds();
        sink = descend::linear_loss_sums(X, y.data(), static_cast<const T*>(nullptr),
                                         theta.data(), true, nullptr, m,
                                         descend::SquaredError{}, grad.data(), 1.0);
        pass_seconds.push_back(bench::thread_seconds() - start);
    }
    const double gigabytes = static_cast<double>(m * n * sizeof(T)) / 1e9;
    auto report = [&](const char* name, std::vector<double> seconds) {
        const double median = bench::median(seconds);
        const double least = *std::min_element(seconds.begin(), seconds.end());
        std::printf("%-10s min %7.2f ms  median %7.2f ms  (%5.1f GB/s at the median)\n", name,
                    least * 1e3, median * 1e3, gigabytes / median);
        return median;
    };
    std::printf("%zu x %zu %s, %d repeats\n", m, n, dtype, repeats);
    const double floor = report("plain sum", sum_seconds);
    const double pass = report("pass", pass_seconds);
    std::printf("the pass reads X at %.0f%% of the plain sum's speed\n", 100.0 * floor / pass);
    std::free(x);
    return sink == 0.123 ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dtype = argc > 1 ? argv[1] : "float32";
    const std::size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
    const std::size_t m = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1000000;
    const int repeats = argc > 4 ? std::atoi(argv[4]) : 15;
    if (dtype == "float32") return run<float>("float32", n, m, repeats);
    if (dtype == "float64") return run<double>("float64", n, m, repeats);
    std::fprintf(stderr, "dtype: float32 or float64, not %s\n", dtype.c_str());
    return 1;
}
