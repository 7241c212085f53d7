// ns per one-row step of fused_sgd.hpp's epochs as the fit loop runs them (issue 9, item 7):
// a RandomPermutation per epoch, its rows filled 4096 at a time, each chunk one call of
// descend::fused_sgd_epoch with ScheduleStepSize(InvScaling), l2 penalty. For the squared
// error and the log-loss, dense float64 and float32 X (200,000 x 100 by default, allocated as
// NumPy allocates it: malloc, 16 bytes past a 64-byte boundary, madvised for huge pages), a
// 1%-dense CSR X of the same shape (int32 indices; about one stored entry per row, so each
// step is mostly per-step overhead and scattered reads), and the tutorial's narrow one
// (100 x 1, rows drawn with replacement, InverseTime(5, 50), 1000 epochs of one call each):
// the per-call and per-step overheads with almost no data to read.
//
// Build and run (from the repository root; -I another include tree to compare two versions):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -fopenmp-simd -DDESCEND_OPENMP_SIMD
//     -Icpp/include benchmarks/cpp/fused_epoch.cpp -o /tmp/fused_epoch
//   /tmp/fused_epoch [repeats [rows [case [epochs]]]]
// (defaults 5, 200000, every case, 2: the wide X's rows, the cases whose name contains `case`,
// the wide cases' epochs; 400 rows over 500 epochs time the steps with X, 320 KB, in a 512 KB
// level 2). Prints ns per row (median over repeats, thread CPU time) for each case.
#include <sys/mman.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "descend/fused_sgd.hpp"
#include "descend/objectives/csr.hpp"
#include "descend/objectives/least_squares.hpp"
#include "descend/objectives/logistic.hpp"
#include "descend/permutation.hpp"
#include "descend/random.hpp"

#include "timing.hpp"

namespace {

using bench::thread_seconds;

/// A 2 MiB-aligned block of `bytes` bytes starting 16 bytes in, madvised for huge pages.
struct Block {
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    void* base = nullptr;
    std::size_t size = 0;
    char* data = nullptr;
    explicit Block(std::size_t bytes) {
        size = bytes + 3 * huge_page;
        base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) std::abort();
        auto start = (reinterpret_cast<std::uintptr_t>(base) + huge_page - 1) & ~(huge_page - 1);
        madvise(reinterpret_cast<void*>(start), bytes + huge_page, MADV_HUGEPAGE);
        data = reinterpret_cast<char*>(start + 16);
    }
    ~Block() { munmap(base, size); }
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
};

/// One problem: X (rows x cols of T), targets and 0/1 labels.
template <class T>
struct Problem {
    using value_type = T;
    std::size_t rows, cols;
    Block block;
    T* X;
    std::vector<T> y, label;
    Problem(std::size_t m, std::size_t n)
        : rows(m), cols(n), block(m * n * sizeof(T)), X(reinterpret_cast<T*>(block.data)), y(m), label(m) {
        std::mt19937_64 random(0);
        std::normal_distribution<double> normal;
        std::vector<double> w(n);
        for (double& v : w) v = normal(random);
        for (std::size_t i = 0; i < m; ++i) {
            double z = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                const double x = normal(random);
                X[i * n + j] = static_cast<T>(x);
                z += x * w[j];
            }
            y[i] = static_cast<T>(z + 0.5 * normal(random));
            label[i] = z + 0.5 * normal(random) > 0 ? T(1) : T(0);
        }
    }
};

/// A 1%-dense CSR problem as benchmarks/bench_sgd.py makes one (m x n, each entry stored with
/// probability `density`, standard normal values, int32 indices), with targets and labels.
template <class T>
struct CsrProblem {
    using value_type = T;
    std::size_t rows, cols;
    std::vector<T> data;
    std::vector<std::int32_t> indices, indptr;
    std::vector<T> y, label;
    CsrProblem(std::size_t m, std::size_t n, double density) : rows(m), cols(n), indptr(1, 0), y(m), label(m) {
        std::mt19937_64 random(0);
        std::normal_distribution<double> normal;
        std::uniform_real_distribution<double> uniform;
        std::vector<double> w(n);
        for (double& v : w) v = normal(random);
        for (std::size_t i = 0; i < m; ++i) {
            double z = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                if (uniform(random) >= density) continue;
                const double x = normal(random);
                data.push_back(static_cast<T>(x));
                indices.push_back(static_cast<std::int32_t>(j));
                z += x * w[j];
            }
            indptr.push_back(static_cast<std::int32_t>(data.size()));
            y[i] = static_cast<T>(z + 0.5 * normal(random));
            label[i] = z + 0.5 * normal(random) > 0 ? T(1) : T(0);
        }
    }
    descend::CsrView<T, std::int32_t> view() const {
        return {data.data(), indices.data(), indptr.data(), rows, cols};
    }
};

template <class T>
descend::MatrixView<const T> matrix(const Problem<T>& p) { return {p.X, p.rows, p.cols}; }
template <class T>
descend::CsrView<T, std::int32_t> matrix(const CsrProblem<T>& p) { return p.view(); }

/// `epochs` shuffled epochs as solver.hpp runs them on the fused path; returns the loss sum.
template <class PointLoss, class P>
__attribute__((flatten)) double fit(const P& p, const PointLoss& point, bool labels,
                                    std::size_t epochs, double alpha, const descend::Schedule& schedule,
                                    bool replacement = false) {
    using T = typename P::value_type;
    descend::Penalty penalty;
    penalty.kind = descend::PenaltyKind::l2;
    penalty.alpha = alpha;
    const descend::FusedSgdData<T> data{labels ? p.label.data() : p.y.data(), nullptr, 1.0, true,
                                        penalty};
    const auto X = matrix(p);
    std::vector<T> theta(p.cols + 1, T(0));
    const std::size_t chunk = std::min<std::size_t>(p.rows, std::max<std::size_t>(4096, p.cols + 1));
    std::vector<std::size_t> rows(chunk);
    descend::Random random(0);
    std::int64_t step = 0;
    double total = 0.0;
    for (std::size_t e = 0; e < epochs; ++e) {
        const descend::RandomPermutation order(p.rows, random);
        const descend::ScheduleStepSize step_size(schedule);
        for (std::size_t begin = 0; begin < p.rows; begin += chunk) {
            const std::size_t count = std::min(chunk, p.rows - begin);
            if (replacement)
                for (std::size_t k = 0; k < count; ++k) rows[k] = static_cast<std::size_t>(random.below(p.rows));
            else
                order.fill(begin, count, rows.data());
            total += descend::fused_sgd_epoch(X, data, point, rows.data(), count, step_size, step,
                                              theta.data());
        }
    }
    return total;
}

struct Case {
    std::string name;
    std::function<void()> make;  // makes the problem (outside the timing)
    std::size_t steps;
    std::function<double()> run;
    std::vector<double> ns;
};

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 5;
    const std::size_t m = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200000;
    const std::string only = argc > 3 ? argv[3] : "";
    // each problem made on first use (a filtered run makes only the ones it times)
    std::unique_ptr<Problem<double>> wide64_, narrow_;
    std::unique_ptr<Problem<float>> wide32_;
    std::unique_ptr<CsrProblem<double>> csr64_;
    std::unique_ptr<CsrProblem<float>> csr32_;
    auto csr64 = [&]() -> const CsrProblem<double>& {
        if (!csr64_) csr64_ = std::make_unique<CsrProblem<double>>(m, 100, 0.01);
        return *csr64_;
    };
    auto csr32 = [&]() -> const CsrProblem<float>& {
        if (!csr32_) csr32_ = std::make_unique<CsrProblem<float>>(m, 100, 0.01);
        return *csr32_;
    };
    auto wide64 = [&]() -> const Problem<double>& {
        if (!wide64_) wide64_ = std::make_unique<Problem<double>>(m, 100);
        return *wide64_;
    };
    auto wide32 = [&]() -> const Problem<float>& {
        if (!wide32_) wide32_ = std::make_unique<Problem<float>>(m, 100);
        return *wide32_;
    };
    auto narrow = [&]() -> const Problem<double>& {
        if (!narrow_) narrow_ = std::make_unique<Problem<double>>(100, 1);
        return *narrow_;
    };
    std::vector<Case> cases;
    const std::size_t wide_epochs = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 2,
                      narrow_epochs = 1000;
    cases.push_back({"f64 squared 100 cols", [&] { wide64(); }, m * wide_epochs,
                     [&] { return fit(wide64(), descend::SquaredError{}, false, wide_epochs, 2e-4, descend::InvScaling{0.005, 0.25}); }, {}});
    cases.push_back({"f64 logistic 100 cols", [&] { wide64(); }, m * wide_epochs,
                     [&] { return fit(wide64(), descend::LogisticPoint{}, true, wide_epochs, 1e-4, descend::InvScaling{0.01, 0.25}); }, {}});
    cases.push_back({"f32 squared 100 cols", [&] { wide32(); }, m * wide_epochs,
                     [&] { return fit(wide32(), descend::SquaredError{}, false, wide_epochs, 2e-4, descend::InvScaling{0.005, 0.25}); }, {}});
    cases.push_back({"f32 logistic 100 cols", [&] { wide32(); }, m * wide_epochs,
                     [&] { return fit(wide32(), descend::LogisticPoint{}, true, wide_epochs, 1e-4, descend::InvScaling{0.01, 0.25}); }, {}});
    cases.push_back({"csr f64 squared 1% of 100 cols", [&] { csr64(); }, m * wide_epochs,
                     [&] { return fit(csr64(), descend::SquaredError{}, false, wide_epochs, 2e-4, descend::InvScaling{0.005, 0.25}); }, {}});
    cases.push_back({"csr f64 logistic 1% of 100 cols", [&] { csr64(); }, m * wide_epochs,
                     [&] { return fit(csr64(), descend::LogisticPoint{}, true, wide_epochs, 1e-4, descend::InvScaling{0.01, 0.25}); }, {}});
    cases.push_back({"csr f32 squared 1% of 100 cols", [&] { csr32(); }, m * wide_epochs,
                     [&] { return fit(csr32(), descend::SquaredError{}, false, wide_epochs, 2e-4, descend::InvScaling{0.005, 0.25}); }, {}});
    cases.push_back({"f64 squared 1 col (tutorial: 100 rows drawn with replacement, InverseTime(5, 50), 1000 epochs)",
                     [&] { narrow(); }, 100 * narrow_epochs, [&] {
                         return fit(narrow(), descend::SquaredError{}, false, narrow_epochs, 0.0,
                                    descend::InverseTime{5.0, 50.0}, true);
                     }, {}});
    double sink = 0.0;
    for (int r = 0; r < repeats; ++r) {
        for (Case& c : cases) {
            if (!only.empty() && c.name.find(only) == std::string::npos) continue;
            c.make();
            const double started = thread_seconds();
            sink += c.run();
            c.ns.push_back(1e9 * (thread_seconds() - started) / static_cast<double>(c.steps));
        }
    }
    for (Case& c : cases) {
        if (c.ns.empty()) continue;
        std::sort(c.ns.begin(), c.ns.end());
        std::printf("%-50s %8.1f ns/row  (min %.1f, max %.1f)\n", c.name.c_str(), c.ns[c.ns.size() / 2],
                    c.ns.front(), c.ns.back());
    }
    std::printf("(loss sums: %g)\n", sink);
    return 0;
}
