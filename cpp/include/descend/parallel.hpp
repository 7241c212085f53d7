// Threads for the one-pass kernels, with std::thread only (no OpenMP runtime to ship): the
// work [0, count) is cut into a fixed partition of contiguous blocks, one per thread, and the
// blocks' results are combined by the caller in block order. A result then depends on the
// number of blocks only, never on which thread ran first: bit-identical for a given n_threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace descend {

/// Below this many stored entries of X read by one pass, `n_threads = 0` (automatic) runs on
/// one thread. Derived from two measurements on a 2-core x86-64: starting and joining a thread
/// costs about 16 us (for_each_block with empty blocks), and one thread reads float64 entries at
/// about 0.41 ns each (least squares, 1e5 to 1e6 entries), so a second thread saves
/// 0.2 ns x entries - 16 us: at 2e5 entries about 1.4x on an idle machine (float32 entries are
/// read twice as fast, so they pay from about twice as many). On a loaded machine a thread may
/// not start promptly at all: benchmarks/bench_gradient.py --threshold measures it.
inline constexpr std::size_t parallel_min_entries = 200'000;

/// Below this many elements of a parameter array, an update rule's step with `n_threads = 0`
/// (automatic) runs on one thread. For now the value of parallel_min_entries; measured by
/// benchmarks/bench_threads.py.
inline constexpr std::size_t parallel_min_elements = 200'000;

/// Number of processors this process may run on (its CPU affinity on Linux, otherwise
/// std::thread::hardware_concurrency()), at least 1.
inline std::size_t available_threads() {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<std::size_t>(n);
    }
#endif
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? n : 1;
}

/// The number of threads a pass over `work` items (stored entries of X, or elements of a
/// parameter array) uses: `requested` when it is at least 1, and for 0 (automatic) all
/// available processors when the pass is large enough to pay for them (`min_work`:
/// parallel_min_entries, or parallel_min_elements for an update rule), else 1.
inline std::size_t resolve_threads(std::size_t requested, std::size_t work,
                                   std::size_t min_work = parallel_min_entries) {
    if (requested > 0) return requested;
    return work >= min_work ? available_threads() : 1;
}

/// Block b of the partition of [0, count) into `blocks` contiguous ranges whose sizes differ
/// by at most one (the first count % blocks ranges hold one more).
struct BlockRange {
    std::size_t begin;  ///< first index of the block
    std::size_t end;    ///< one past its last index
};

inline BlockRange block_range(std::size_t count, std::size_t blocks, std::size_t b) {
    const std::size_t base = count / blocks, extra = count % blocks;
    const std::size_t begin = b * base + (b < extra ? b : extra);
    return {begin, begin + base + (b < extra ? 1 : 0)};
}

/// Calls f(b, begin, end) for each block b of the partition of [0, count) into `blocks`
/// ranges (block_range), block 0 on the calling thread and every other block on a thread of
/// its own, and returns when all are done. Blocks are independent: f writes only to block b's
/// own output. If a thread cannot be started, the calling thread runs that block too (same
/// partition, same result). An exception thrown by f is rethrown after every thread joined
/// (the one of the lowest block).
template <class F>
void for_each_block(std::size_t count, std::size_t blocks, F&& f) {
    if (blocks == 0) return;
    std::vector<std::exception_ptr> errors(blocks);
    auto run = [&](std::size_t b) {
        try {
            const BlockRange r = block_range(count, blocks, b);
            f(b, r.begin, r.end);
        } catch (...) {
            errors[b] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(blocks - 1);
    for (std::size_t b = 1; b < blocks; ++b) {
        try {
            threads.emplace_back(run, b);
        } catch (...) {
            break;  // out of threads: the rest run below on this one
        }
    }
    run(0);
    for (std::size_t b = threads.size() + 1; b < blocks; ++b) run(b);
    for (std::thread& t : threads) t.join();
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

/// Calls f(begin, end) for consecutive chunks of [0, count), `chunk` items each (the last one
/// shorter), on `threads` threads (the calling one among them; for_each_block starts the
/// others), each taking the next chunk from a shared counter until none is left. A thread that
/// starts late, or is preempted on a busy machine, simply takes fewer chunks, so the call is
/// never much slower than one thread. Which thread runs which chunk varies from call to call:
/// only for work whose result does not depend on it (an elementwise update, each chunk
/// writing its own elements).
template <class F>
void for_each_chunk(std::size_t count, std::size_t chunk, std::size_t threads, F&& f) {
    std::atomic<std::size_t> next{0};
    for_each_block(threads, threads, [&](std::size_t, std::size_t, std::size_t) {
        for (std::size_t begin = next.fetch_add(chunk); begin < count; begin = next.fetch_add(chunk))
            f(begin, std::min(begin + chunk, count));
    });
}

}  // namespace descend
