// How fast can one-row SGD steps visit the rows of a dense float64 X in shuffled order? The
// floor under fused_sgd.hpp's dense path (issue 9, item 7), measured with the step's own work
// (descend's dense_dot, the l2-decayed axpy, the squared error, the InvScaling rates) and
// different ways of asking for the rows ahead of time, against a plain shuffled row sum (no
// step to wait for) and a sequential pass.
//
// X: 200,000 x 100 float64 (800-byte rows: 12.5 cache lines), allocated as NumPy allocates it
// (malloc: 16 bytes past a 64-byte boundary, so half the rows span 14 lines) in memory
// madvised for transparent huge pages, unless the row's label says otherwise.
//
// Build and run (from the repository root):
//   g++ -std=c++17 -O3 -march=x86-64-v3 -fno-math-errno -Icpp/include benchmarks/cpp/row_gather.cpp -o /tmp/row_gather
//   /tmp/row_gather [repeats]
// Prints ns per row (median over repeats x 3 epochs of 200,000 rows, thread CPU time).
#include <sys/mman.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "descend/fused_sgd.hpp"
#include "descend/objectives/least_squares.hpp"

#include "timing.hpp"

namespace {

using descend::fused_sgd_detail::dense_dot;

constexpr std::size_t rows_count = 200000, cols = 100, epochs = 3;
constexpr std::size_t huge_page = std::size_t{2} << 20;

/// A 2 MiB-aligned block of `bytes` bytes (+ `offset`), madvised for huge pages or not.
struct Block {
    void* base = nullptr;
    std::size_t size = 0;
    double* data = nullptr;
    Block(std::size_t bytes, std::size_t offset, bool huge) {
        size = bytes + offset + 2 * huge_page;
        base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) std::abort();
        auto start = (reinterpret_cast<std::uintptr_t>(base) + huge_page - 1) & ~(huge_page - 1);
        madvise(reinterpret_cast<void*>(start), bytes + offset + huge_page,
                huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        data = reinterpret_cast<double*>(start + offset);
    }
    ~Block() { munmap(base, size); }
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
};

using bench::thread_seconds;

// ------------------------------------------------------------------ how rows are requested

enum class Lines {
    none,         // no software prefetch
    stride,       // fused_sgd.hpp until 2026-12: start, start + 64, ... < start + bytes (misses the
                  // last line of a row starting past mid-line)
    cover,        // every line holding a byte of the row
    first1,       // the row's first line only (the hardware prefetchers take the rest)
    first2,       // its first two lines
};

struct Scheme {
    Lines lines = Lines::none;
    int locality = 2;          // __builtin_prefetch locality: 3 = t0 (L1), 2 = t1 (L2), 0 = nta
    std::size_t distance = 8;  // rows ahead
    std::size_t l2_distance = 0;  // > 0: also the row this far ahead into L2 (t1), every line
    bool spread = false;       // the prefetches issued inside the dot product's loop
};

// Every function issuing prefetches is forced inline: GCC judges an out-of-line function that
// only prefetches to have no effect ("const") and deletes the calls to it.
#define ROW_GATHER_INLINE inline __attribute__((always_inline))

template <int Locality>
ROW_GATHER_INLINE void prefetch_lines(const char* first, const char* last) {  // the lines of [first, last]
    // (counted in integers: GCC folded a loop comparing the pointers themselves into one line)
    const auto line = [](const char* p) { return reinterpret_cast<std::uintptr_t>(p) >> 6; };
    const std::uintptr_t lines = line(last) - line(first) + 1;
    const char* start = first - (reinterpret_cast<std::uintptr_t>(first) & 63);
    for (std::uintptr_t q = 0; q < lines; ++q) __builtin_prefetch(start + 64 * q, 0, Locality);
}

template <int Locality>
ROW_GATHER_INLINE void request(const double* row, Lines lines) {
    const char* start = reinterpret_cast<const char*>(row);
    const std::size_t bytes = cols * sizeof(double);
    switch (lines) {
        case Lines::none: break;
        case Lines::stride:
            for (std::size_t offset = 0; offset < bytes; offset += 64)
                __builtin_prefetch(start + offset, 0, Locality);
            break;
        case Lines::cover: prefetch_lines<Locality>(start, start + bytes - 1); break;
        case Lines::first1: __builtin_prefetch(start, 0, Locality); break;
        case Lines::first2: prefetch_lines<Locality>(start, start + 64); break;
    }
}

ROW_GATHER_INLINE void request(const double* row, Lines lines, int locality) {
    switch (locality) {
        case 3: request<3>(row, lines); break;
        case 2: request<2>(row, lines); break;
        case 1: request<1>(row, lines); break;
        default: request<0>(row, lines); break;
    }
}

/// dense_dot's sums in dense_dot's order, with a line of `ahead` requested per 8 products.
template <int Locality>
double dense_dot_spread(const double* x, const double* w, std::size_t n, const double* ahead) {
    constexpr std::size_t lanes = 16;
    const char* line = reinterpret_cast<const char*>(
        reinterpret_cast<std::uintptr_t>(ahead) & ~std::uintptr_t{63});
    const char* last = reinterpret_cast<const char*>(ahead + n) - 1;
    double acc[lanes] = {};
    std::size_t j = 0;
    for (; j + lanes <= n; j += lanes) {
        __builtin_prefetch(line, 0, Locality);
        __builtin_prefetch(line + 64, 0, Locality);
        line += 128;
        for (std::size_t q = 0; q < lanes; ++q) acc[q] += x[j + q] * w[j + q];
    }
    for (; line <= last; line += 64) __builtin_prefetch(line, 0, Locality);
    double tail = 0.0;
    for (; j < n; ++j) tail += x[j] * w[j];
    for (std::size_t q = 0; q < lanes / 2; ++q) acc[q] += acc[q + lanes / 2];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

// ------------------------------------------------------------------ the step loops

struct Data {
    const double* X;
    const double* y;
};

/// fused_sgd.hpp's dense_steps for the squared error under l2 (no weights, no averaging), the
/// rows requested by `scheme`. Returns the loss sum (kept so nothing is optimized away).
template <int Locality, bool Spread>
__attribute__((flatten)) double sgd_steps(const Data& d, const std::size_t* rows, std::size_t count, const Scheme& scheme,
                 const descend::ScheduleStepSize& step_size, std::int64_t& step, double* theta) {
    const double l2 = 2e-4;
    const std::size_t D = scheme.distance;
    std::vector<double> w(theta + 1, theta + 1 + cols);
    double b = theta[0], losses = 0.0;
    // the rates a block of steps at a time, as fused_sgd.hpp takes them
    constexpr std::size_t block = descend::fused_sgd_detail::rate_block;
    double rates[block];
    for (std::size_t k = 0; k < count; ++k) {
        if (k % block == 0) step_size.fill(step, std::min(block, count - k), rates);
        const double* ahead = nullptr;
        if (scheme.lines != Lines::none && k + D < count) {
            ahead = d.X + rows[k + D] * cols;
            __builtin_prefetch(d.y + rows[k + D]);
            const std::size_t D2 = scheme.l2_distance;
            if (D2 > 0 && k + D2 < count) request<2>(d.X + rows[k + D2] * cols, Lines::cover);
            if (!Spread) request<Locality>(ahead, scheme.lines);
        }
        const std::size_t i = rows[k];
        const double* x = d.X + i * cols;
        const double dot = Spread && ahead != nullptr ? dense_dot_spread<Locality>(x, w.data(), cols, ahead)
                                                      : dense_dot(x, w.data(), cols);
        const descend::LossAndSlope p = descend::SquaredError{}(b + dot, d.y[i]);
        losses += p.value;
        const double lr = rates[k % block];
        ++step;
        const double decay = 1.0 - lr * l2, g = lr * p.slope;
        double* wp = w.data();
#pragma GCC ivdep
        for (std::size_t j = 0; j < cols; ++j) wp[j] = decay * wp[j] - g * x[j];
        b -= g;
    }
    theta[0] = b;
    std::copy(w.begin(), w.end(), theta + 1);
    return losses;
}

double sgd_steps(const Data& d, const std::size_t* rows, std::size_t count, const Scheme& s,
                 const descend::ScheduleStepSize& step_size, std::int64_t& step, double* theta) {
    if (s.spread)
        return s.locality == 3 ? sgd_steps<3, true>(d, rows, count, s, step_size, step, theta)
                               : sgd_steps<2, true>(d, rows, count, s, step_size, step, theta);
    switch (s.locality) {
        case 3: return sgd_steps<3, false>(d, rows, count, s, step_size, step, theta);
        case 2: return sgd_steps<2, false>(d, rows, count, s, step_size, step, theta);
        default: return sgd_steps<0, false>(d, rows, count, s, step_size, step, theta);
    }
}

/// (flatten: as DESCEND_MULTIVERSION does, the header's loops inlined into the caller)
/// The same rows summed, each on its own (no step waits for the one before): the gather floor.
__attribute__((flatten)) double row_sums(const Data& d, const std::size_t* rows, std::size_t count, const Scheme& s) {
    static const std::vector<double> ones(cols, 1.0);
    double total = 0.0;
    for (std::size_t k = 0; k < count; ++k) {
        if (s.l2_distance > 0 && k + s.l2_distance < count)
            request<2>(d.X + rows[k + s.l2_distance] * cols, Lines::cover);
        if (s.lines != Lines::none && k + s.distance < count)
            request(d.X + rows[k + s.distance] * cols, s.lines, s.locality);
        total += dense_dot(d.X + rows[k] * cols, ones.data(), cols);
    }
    return total;
}

/// descend::fused_sgd_epoch itself on the same problem (squared error, l2, InvScaling).
__attribute__((flatten)) double descend_epoch(const Data& d, const std::size_t* rows, std::size_t n,
                                              const descend::ScheduleStepSize& step_size) {
    std::vector<double> theta(cols + 1, 0.0);
    std::int64_t step = 0;
    descend::Penalty penalty;
    penalty.kind = descend::PenaltyKind::l2;
    penalty.alpha = 2e-4;
    const descend::FusedSgdData<double> data{d.y, nullptr, 1.0, true, penalty};
    return descend::fused_sgd_epoch(descend::MatrixView<const double>{d.X, rows_count, cols}, data,
                                    descend::SquaredError{}, rows, n, step_size, step, theta.data());
}

// ------------------------------------------------------------------ the table

struct Case {
    std::string name;
    std::function<double(const Data&, const std::size_t*, std::size_t)> run;  // one epoch
    int memory = 0;       // 0: offset 16 + huge pages, 1: offset 0 + huge pages, 2: offset 16, 4 KiB pages
    bool sequential = false;
    std::vector<double> ns;
};

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 5;
    double load[3] = {};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        std::fclose(f);
    }

    // three copies of X: NumPy's layout with huge pages, 64-byte-aligned rows, 4 KiB pages
    const std::size_t bytes = rows_count * cols * sizeof(double);
    Block numpy_like(bytes, 16, true), aligned(bytes, 0, true), small_pages(bytes, 16, false);
    std::mt19937_64 random(0);
    std::normal_distribution<double> normal;
    for (std::size_t e = 0; e < rows_count * cols; ++e) numpy_like.data[e] = normal(random);
    std::copy(numpy_like.data, numpy_like.data + rows_count * cols, aligned.data);
    std::copy(numpy_like.data, numpy_like.data + rows_count * cols, small_pages.data);
    std::vector<double> y(rows_count);
    for (double& v : y) v = normal(random);
    const Data memories[3] = {{numpy_like.data, y.data()}, {aligned.data, y.data()},
                              {small_pages.data, y.data()}};

    std::vector<std::vector<std::size_t>> shuffled(epochs, std::vector<std::size_t>(rows_count));
    for (auto& order : shuffled) {
        for (std::size_t i = 0; i < rows_count; ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), random);
    }
    std::vector<std::size_t> in_order(rows_count);
    for (std::size_t i = 0; i < rows_count; ++i) in_order[i] = i;
    std::vector<std::size_t> few(rows_count);  // eight rows over and over: X from L1, the compute floor
    for (std::size_t i = 0; i < rows_count; ++i) few[i] = shuffled[0][i % 8];

    const descend::Schedule schedule = descend::InvScaling{0.005, 0.25};
    const descend::ScheduleStepSize step_size(schedule);
    std::vector<Case> cases;
    auto sgd = [&](std::string name, Scheme s, int memory = 0, bool sequential = false) {
        cases.push_back({std::move(name),
                         [s, &step_size](const Data& d, const std::size_t* rows, std::size_t n) {
                             std::vector<double> theta(cols + 1, 0.0);
                             std::int64_t step = 0;
                             return sgd_steps(d, rows, n, s, step_size, step, theta.data());
                         },
                         memory, sequential, {}});
    };
    auto sums = [&](std::string name, Scheme s, bool sequential = false) {
        cases.push_back({std::move(name),
                         [s](const Data& d, const std::size_t* rows, std::size_t n) {
                             return row_sums(d, rows, n, s);
                         },
                         0, sequential, {}});
    };
    // descend's own fused_sgd_epoch as it stands (the reference for the copies below)
    cases.push_back({"descend fused_sgd_epoch",
                     [&step_size](const Data& d, const std::size_t* rows, std::size_t n) {
                         return descend_epoch(d, rows, n, step_size);
                     },
                     0, false, {}});
    sgd("sgd, no prefetch", {Lines::none});
    sgd("sgd, sequential rows, no prefetch", {Lines::none}, 0, true);
    sgd("sgd, 8 rows from L1 (compute floor)", {Lines::none}, 3);
    for (std::size_t D : {2, 4, 8, 16, 32}) {
        sgd("sgd t1 stride d" + std::to_string(D), {Lines::stride, 2, D});
        sgd("sgd t1 cover  d" + std::to_string(D), {Lines::cover, 2, D});
    }
    for (std::size_t D : {2, 4, 8, 16}) sgd("sgd t0 cover  d" + std::to_string(D), {Lines::cover, 3, D});
    sgd("sgd nta cover d8", {Lines::cover, 0, 8});
    for (std::size_t D : {4, 8, 16}) {
        sgd("sgd t0 first1 d" + std::to_string(D), {Lines::first1, 3, D});
        sgd("sgd t1 first2 d" + std::to_string(D), {Lines::first2, 2, D});
    }
    for (std::size_t D : {4, 8, 16}) {
        sgd("sgd t0 cover spread in dot d" + std::to_string(D), {Lines::cover, 3, D, 0, true});
        sgd("sgd t1 cover spread in dot d" + std::to_string(D), {Lines::cover, 2, D, 0, true});
    }
    for (auto [D2, D] : {std::pair<std::size_t, std::size_t>{4, 1}, {8, 1}, {8, 2}, {8, 4}, {16, 2},
                         {16, 4}, {16, 8}, {32, 4}, {32, 8}, {32, 16}})
        sgd("sgd t1 d" + std::to_string(D2) + " + t0 d" + std::to_string(D) + ", cover",
            {Lines::cover, 3, D, D2});
    sgd("sgd t1 d16 + t0 d4 spread in dot", {Lines::cover, 3, 4, 16, true});
    sgd("sgd t1 stride d8, 64-byte-aligned rows", {Lines::stride, 2, 8}, 1);
    sgd("sgd t1 d16 + t0 d4, 64-byte-aligned rows", {Lines::cover, 3, 4, 16}, 1);
    sgd("sgd t1 stride d8, 4 KiB pages", {Lines::stride, 2, 8}, 2);
    sgd("sgd t1 d16 + t0 d4, 4 KiB pages", {Lines::cover, 3, 4, 16}, 2);
    sums("row sum, shuffled, no prefetch", {Lines::none});
    sums("row sum, shuffled, t0 cover d8", {Lines::cover, 3, 8});
    sums("row sum, shuffled, t1 cover d16", {Lines::cover, 2, 16});
    sums("row sum, shuffled, t1 d16 + t0 d4", {Lines::cover, 3, 4, 16});
    sums("row sum, sequential", {Lines::none}, true);

    double sink = 0.0;
    for (int r = 0; r < repeats; ++r) {
        for (Case& c : cases) {  // round robin: a neighbour's burst spreads over every case
            for (std::size_t e = 0; e < epochs; ++e) {
                const std::size_t* rows = c.sequential ? in_order.data()
                                          : c.memory == 3 ? few.data()
                                                          : shuffled[e].data();
                const Data& d = memories[c.memory == 3 ? 0 : c.memory];
                const double start = thread_seconds();
                sink += c.run(d, rows, rows_count);
                c.ns.push_back((thread_seconds() - start) * 1e9 / rows_count);
            }
        }
    }
    double after[3] = {};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &after[0], &after[1], &after[2]) != 3) after[0] = -1;
        std::fclose(f);
    }
    std::printf("200,000 x 100 float64, %d repeats x %zu epochs; load average %.2f before, %.2f after\n",
                repeats, epochs, load[0], after[0]);
    std::printf("%-48s %9s %9s %9s\n", "case", "median", "min", "max ns/row");
    for (Case& c : cases) {
        std::sort(c.ns.begin(), c.ns.end());
        std::printf("%-48s %9.1f %9.1f %9.1f\n", c.name.c_str(), c.ns[c.ns.size() / 2], c.ns.front(),
                    c.ns.back());
    }
    std::printf("(checksum %g)\n", sink);
    return 0;
}
