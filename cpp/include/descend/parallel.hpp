// Threads for the one-pass kernels, with std::thread only (no OpenMP runtime to ship): the
// work [0, count) is cut into a fixed partition of contiguous blocks, and the blocks' results
// are combined by the caller in block order. A result then depends on the number of blocks
// only, never on which thread ran which block: bit-identical for a given n_threads.
// The blocks run on a process-wide pool of worker threads (ThreadPool below), started on first
// use and asleep between calls, so a call costs a wake-up, not a thread start.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define DESCEND_HAS_FORK 1
#else
#define DESCEND_HAS_FORK 0
#endif

namespace descend {

/// Below this many stored entries of X read by one pass, `n_threads = 0` (automatic) runs on
/// one thread. Measured with the pool (benchmarks/bench_threads.py --rounds 21, 2 cores, load
/// 1.2, 2026-12-01): the least-squares pass on 2 threads against 1, by entries of X,
///   float64: 200k 1.01x, 400k 0.95x, 800k 1.13x, 1.6M 1.10x, 3.2M 1.37x
///   float32: 200k 0.94x, 400k 1.17x, 800k 0.99x, 1.6M 1.27x, 3.2M 1.53x
/// (with a thread started per call it was 0.53x at 200k and paid only from 1.6M).
inline constexpr std::size_t parallel_min_entries = 1'600'000;

/// Below this many elements of a parameter array, an update rule's step with `n_threads = 0`
/// (automatic) runs on one thread. Measured as above, Adam's step on 2 threads against 1:
///   float32: 160k 0.96x, 320k 1.20x, 640k 1.80x;  float64: 80k 1.05x, 160k 1.54x, 320k 1.42x
inline constexpr std::size_t parallel_min_elements = 200'000;

/// How long a worker of the pool keeps polling for the next job before it sleeps.
inline constexpr std::chrono::microseconds pool_spin{100};

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

/// A pool of worker threads that run the blocks of one job at a time. A job is `blocks`
/// calls task(context, b), b = 0 .. blocks-1; the caller and the workers take block numbers
/// from a shared counter until none is left, so which thread runs a block varies, but every
/// block runs exactly once. The caller runs blocks too and returns when all are done: a worker
/// that wakes late (or not at all, on a busy machine) leaves its blocks to the others, and a
/// job never waits for a thread to start.
/// Workers are started on demand (at most `max_workers`) and sleep on a condition variable
/// between jobs. One job at a time: try_run refuses (returns false) while another runs,
/// and the caller then runs its blocks itself (a second Python thread, or a block that starts
/// a job of its own). The destructor stops and joins the workers.
class ThreadPool {
public:
    using Task = void (*)(void* context, std::size_t block);

    explicit ThreadPool(std::size_t max_workers) : max_workers_(max_workers) {}
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    ~ThreadPool() { stop(); }

    /// Stops the workers after the blocks they run, and joins them; later jobs are refused.
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            posted_.store(~std::uint64_t{0}, std::memory_order_release);  // ends the spins
        }
        wake_.notify_all();
        for (std::thread& worker : workers_)
            if (worker.joinable()) worker.join();
        workers_.clear();
    }

    /// Runs task(context, b) for every b in [0, blocks) on this thread and on up to
    /// min(threads, blocks) - 1 workers, and returns true when all are done; false, having run
    /// nothing, if the pool is running another job or stopped (or blocks does not fit the
    /// counter).
    bool try_run(std::size_t blocks, std::size_t threads, Task task, void* context) {
        if (blocks > block_mask) return false;
        bool idle = false;
        if (!busy_.compare_exchange_strong(idle, true, std::memory_order_acquire)) return false;
        std::uint64_t job = 0;
        std::size_t helpers = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) {
                busy_.store(false, std::memory_order_release);
                return false;
            }
            helpers = start_workers(std::min({blocks, threads, max_workers_ + 1}) - 1);
            seats_ = helpers;
            job = ++job_;
            task_ = task;
            context_ = context;
            blocks_ = blocks;
            done_.store(0, std::memory_order_relaxed);
            next_.store(tag(job), std::memory_order_release);
            posted_.store(job, std::memory_order_release);
        }
        for (std::size_t k = 0; k < helpers; ++k) wake_.notify_one();
        const bool finished_last = take_blocks(job, blocks, task, context);
        if (!finished_last) wait_done(blocks);
        busy_.store(false, std::memory_order_release);
        return true;
    }

    /// Workers started so far.
    std::size_t workers() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return workers_.size();
    }

private:
    // next_ holds the job number in its high 32 bits and the next block to take in its low
    // 32: a worker that read job j takes a block only while next_ still belongs to job j.
    static constexpr std::uint64_t block_mask = 0xffffffffu;
    static std::uint64_t tag(std::uint64_t job) { return (job & block_mask) << 32; }

    /// Starts workers until there are `wanted` (fewer if the system refuses a thread);
    /// returns how many there are. Called with mutex_ held.
    std::size_t start_workers(std::size_t wanted) {
        while (workers_.size() < wanted) {
            try {
                workers_.emplace_back([this] { work(); });
            } catch (...) {
                break;  // out of threads: the ones there are (or the caller alone) do the job
            }
        }
        return std::min(wanted, workers_.size());
    }

    /// Takes and runs blocks of job `job` until none is left; returns true if the block this
    /// thread ran last was the job's last to finish.
    bool take_blocks(std::uint64_t job, std::size_t blocks, Task task, void* context) {
        std::uint64_t next = next_.load(std::memory_order_acquire);
        bool last = false;
        while ((next & ~block_mask) == tag(job) && (next & block_mask) < blocks) {
            if (!next_.compare_exchange_weak(next, next + 1, std::memory_order_acq_rel,
                                             std::memory_order_acquire))
                continue;
            task(context, static_cast<std::size_t>(next & block_mask));
            last = done_.fetch_add(1, std::memory_order_acq_rel) + 1 == blocks;
            next = next_.load(std::memory_order_acquire);
        }
        return last;
    }

    /// Waits until every block of the current job is done: a short spin (the other blocks
    /// are usually about to finish), then asleep.
    void wait_done(std::size_t blocks) {
        for (int spin = 0; spin < 2000; ++spin)
            if (done_.load(std::memory_order_acquire) == blocks) return;
        std::unique_lock<std::mutex> lock(mutex_);
        finished_.wait(lock, [&] { return done_.load(std::memory_order_acquire) == blocks; });
    }

    /// A worker: waits for a job (spinning for pool_spin first, then asleep), takes its
    /// blocks, and waits for the next.
    void work() {
        std::uint64_t seen = 0;
        for (;;) {
            const auto give_up = std::chrono::steady_clock::now() + pool_spin;
            while (posted_.load(std::memory_order_acquire) == seen &&
                   std::chrono::steady_clock::now() < give_up)
                std::this_thread::yield();
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || job_ != seen; });
            if (stopping_) return;
            seen = job_;
            if (seats_ == 0) continue;  // the job has all the threads it may use
            --seats_;
            const std::size_t blocks = blocks_;
            const Task task = task_;
            void* const context = context_;
            lock.unlock();
            if (take_blocks(seen, blocks, task, context)) {
                lock.lock();
                finished_.notify_all();
            }
        }
    }

    const std::size_t max_workers_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;      // workers wait here for a job (or the stop)
    std::condition_variable finished_;  // the caller waits here for the job's last block
    std::vector<std::thread> workers_;
    std::atomic<bool> busy_{false};
    bool stopping_ = false;
    // The current job (written under mutex_ by its caller):
    std::uint64_t job_ = 0;
    Task task_ = nullptr;
    void* context_ = nullptr;
    std::size_t blocks_ = 0;
    std::size_t seats_ = 0;  // workers that may still join the job
    std::atomic<std::uint64_t> posted_{0};  // job_, also read by spinning workers
    std::atomic<std::uint64_t> next_{0};
    std::atomic<std::size_t> done_{0};
};

namespace detail {

/// The process's pool. A child process made by fork() has none of its parent's threads: a
/// handler registered with pthread_atfork drops the parent's pool in the child (its memory
/// left alone, its mutex possibly held by a thread that does not exist there), and the child
/// starts a pool of its own on first use. At exit the current pool's workers are stopped and
/// joined; the pool object itself stays (a caller still running at exit finds it stopped and
/// runs its blocks alone).
class PoolSlot {
public:
    ThreadPool* get() {
        ThreadPool* pool = pool_.load(std::memory_order_acquire);
        if (pool != nullptr) return pool;
        auto* fresh = new ThreadPool(available_threads() - 1);
        if (pool_.compare_exchange_strong(pool, fresh, std::memory_order_acq_rel)) return fresh;
        delete fresh;  // another thread installed one first
        return pool;
    }

    ~PoolSlot() {
        if (ThreadPool* pool = pool_.load(std::memory_order_acquire)) pool->stop();
    }

    void forget() { pool_.store(nullptr, std::memory_order_release); }

private:
    std::atomic<ThreadPool*> pool_{nullptr};
};

inline PoolSlot& pool_slot() {
    static PoolSlot slot;
#if DESCEND_HAS_FORK
    static const int registered = pthread_atfork(nullptr, nullptr, [] { pool_slot().forget(); });
    (void)registered;
#endif
    return slot;
}

}  // namespace detail

/// The process-wide pool for_each_block runs on (started on first use, with one worker fewer
/// than available_threads()).
inline ThreadPool& thread_pool() { return *detail::pool_slot().get(); }

/// Calls f(b, begin, end) for each block b of the partition of [0, count) into `blocks`
/// ranges (block_range), on the calling thread and the pool's workers (at most `threads` at
/// once, 0 meaning `blocks`, and never more than available_threads()), and returns when all
/// are done. Threads take the blocks in turn, so a thread slowed down by the machine's other
/// work runs fewer of them. Blocks are independent: f
/// writes only to block b's own output. When the pool is busy with another caller's job (or
/// f itself calls for_each_block), the calling thread runs every block itself, in order: same
/// partition, same result. An exception thrown by f is rethrown after every block ran (the
/// one of the lowest block).
template <class F>
void for_each_block(std::size_t count, std::size_t blocks, F&& f, std::size_t threads = 0) {
    if (blocks == 0) return;
    std::vector<std::exception_ptr> errors(blocks);
    struct Job {
        std::size_t count, blocks;
        F& f;
        std::vector<std::exception_ptr>& errors;
        static void run(void* context, std::size_t b) {
            Job& self = *static_cast<Job*>(context);
            try {
                const BlockRange r = block_range(self.count, self.blocks, b);
                self.f(b, r.begin, r.end);
            } catch (...) {
                self.errors[b] = std::current_exception();
            }
        }
    } job{count, blocks, f, errors};
    const std::size_t most = threads == 0 ? blocks : threads;
    if (blocks == 1 || most == 1 || !thread_pool().try_run(blocks, most, &Job::run, &job))
        for (std::size_t b = 0; b < blocks; ++b) Job::run(&job, b);
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

/// Calls f(begin, end) for consecutive chunks of [0, count), `chunk` items each (the last one
/// shorter), on `threads` blocks of for_each_block, each taking the next chunk from a shared
/// counter until none is left. A thread that starts late, or is preempted on a busy machine,
/// simply takes fewer chunks, so the call is never much slower than one thread. Which thread
/// runs which chunk varies from call to call: only for work whose result does not depend on
/// it (an elementwise update, each chunk writing its own elements).
template <class F>
void for_each_chunk(std::size_t count, std::size_t chunk, std::size_t threads, F&& f) {
    std::atomic<std::size_t> next{0};
    for_each_block(threads, threads, [&](std::size_t, std::size_t, std::size_t) {
        for (std::size_t begin = next.fetch_add(chunk); begin < count; begin = next.fetch_add(chunk))
            f(begin, std::min(begin + chunk, count));
    });
}

}  // namespace descend
