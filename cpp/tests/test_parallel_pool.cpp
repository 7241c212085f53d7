// The thread pool under for_each_block: workers start on demand, every block of every job runs
// exactly once, a job started from inside a block or while another caller's job runs is run by
// its caller alone (no deadlock), many callers at once all get their own results, a stopped
// pool refuses jobs, and a child process made by fork() runs threaded work with a pool of its
// own instead of waiting for its parent's threads.
#include <descend/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#if DESCEND_HAS_FORK
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "check.hpp"

namespace {

/// A task counting the runs of each block.
struct CountRuns {
    std::vector<std::atomic<int>> runs;
    explicit CountRuns(std::size_t blocks) : runs(blocks) {}
    static void run(void* context, std::size_t b) { ++static_cast<CountRuns*>(context)->runs[b]; }
    bool each_once() const {
        for (const auto& r : runs)
            if (r.load() != 1) return false;
        return true;
    }
};

TEST_CASE(workers_start_on_demand_and_every_block_runs_once) {
    descend::ThreadPool pool(3);
    CHECK(pool.workers() == 0);
    CountRuns two(2);
    CHECK(pool.try_run(2, 2, &CountRuns::run, &two));
    CHECK(two.each_once());
    CHECK(pool.workers() == 1);
    for (std::size_t blocks = 1; blocks <= 9; ++blocks) {
        for (int repeat = 0; repeat < 50; ++repeat) {
            CountRuns count(blocks);
            CHECK(pool.try_run(blocks, blocks, &CountRuns::run, &count));
            CHECK(count.each_once());
        }
    }
    CHECK(pool.workers() == 3);
}

TEST_CASE(a_pool_without_workers_runs_every_block_on_the_caller) {
    descend::ThreadPool pool(0);
    CountRuns count(5);
    CHECK(pool.try_run(5, 5, &CountRuns::run, &count));
    CHECK(count.each_once());
    CHECK(pool.workers() == 0);
}

/// A block that tries to start a job on the pool running it.
struct Reenter {
    descend::ThreadPool* pool;
    std::atomic<int> refused{0};
    static void run(void* context, std::size_t) {
        auto* self = static_cast<Reenter*>(context);
        CountRuns inner(2);
        if (!self->pool->try_run(2, 2, &CountRuns::run, &inner)) ++self->refused;
    }
};

TEST_CASE(a_job_started_while_one_runs_is_refused_and_a_stopped_pool_refuses_all) {
    descend::ThreadPool pool(1);
    Reenter reenter{&pool};
    CHECK(pool.try_run(2, 2, &Reenter::run, &reenter));
    CHECK(reenter.refused.load() == 2);
    pool.stop();
    CountRuns count(2);
    CHECK(!pool.try_run(2, 2, &CountRuns::run, &count));
    CHECK(count.runs[0].load() == 0);
}

/// A task recording which thread ran each block.
struct RecordThreads {
    std::vector<std::thread::id> ran_on;
    explicit RecordThreads(std::size_t blocks) : ran_on(blocks) {}
    static void run(void* context, std::size_t b) {
        static_cast<RecordThreads*>(context)->ran_on[b] = std::this_thread::get_id();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::size_t distinct() const {
        std::vector<std::thread::id> ids = ran_on;
        std::sort(ids.begin(), ids.end());
        return static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
    }
};

TEST_CASE(a_job_runs_on_at_most_its_thread_count) {
    descend::ThreadPool pool(3);
    RecordThreads warm(4);
    CHECK(pool.try_run(4, 4, &RecordThreads::run, &warm));  // starts all three workers
    CHECK(pool.workers() == 3);
    for (int repeat = 0; repeat < 20; ++repeat) {
        RecordThreads two(8), one(8);
        CHECK(pool.try_run(8, 2, &RecordThreads::run, &two));
        CHECK(two.distinct() <= 2);
        CHECK(pool.try_run(8, 1, &RecordThreads::run, &one));
        CHECK(one.distinct() == 1 && one.ran_on[0] == std::this_thread::get_id());
    }
}

TEST_CASE(nested_blocks_run_on_their_caller) {
    std::atomic<int> inner{0};
    descend::for_each_block(4, 2, [&](std::size_t, std::size_t, std::size_t) {
        descend::for_each_block(6, 3, [&](std::size_t, std::size_t begin, std::size_t end) {
            inner += static_cast<int>(end - begin);
        });
    });
    CHECK(inner.load() == 12);
}

TEST_CASE(callers_on_many_threads_each_get_their_own_blocks) {
    std::atomic<int> wrong{0};
    std::vector<std::thread> callers;
    for (std::size_t c = 0; c < 4; ++c) {
        callers.emplace_back([&wrong, c] {
            for (int repeat = 0; repeat < 200; ++repeat) {
                const std::size_t count = 1000 + c, blocks = 2 + c % 3;
                std::vector<std::size_t> sums(blocks, 0);
                descend::for_each_block(count, blocks,
                                        [&](std::size_t b, std::size_t begin, std::size_t end) {
                                            for (std::size_t i = begin; i < end; ++i) sums[b] += i;
                                        });
                std::size_t total = 0;
                for (std::size_t s : sums) total += s;
                if (total != count * (count - 1) / 2) ++wrong;
            }
        });
    }
    for (std::thread& t : callers) t.join();
    CHECK(wrong.load() == 0);
}

#if DESCEND_HAS_FORK
/// True if the two blocks of a job ran on two threads: block 0 waits (up to 10 s) for block 1
/// to finish, which then can only happen on another thread.
bool two_blocks_on_two_threads() {
    std::atomic<bool> second_done{false};
    std::thread::id ran_on[2];
    descend::for_each_block(2, 2, [&](std::size_t b, std::size_t, std::size_t) {
        ran_on[b] = std::this_thread::get_id();
        if (b == 1) {
            second_done = true;
        } else {
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!second_done && std::chrono::steady_clock::now() < give_up)
                std::this_thread::yield();
        }
    });
    return ran_on[0] != ran_on[1];
}

TEST_CASE(a_forked_child_runs_blocks_on_a_pool_of_its_own) {
    CHECK(two_blocks_on_two_threads());  // the parent's pool has a worker, asleep now
    const pid_t child = fork();
    if (child == 0) {
        alarm(60);  // a hang ends the child with SIGALRM: the check below fails, not the run
        // A fresh pool (the parent's worker does not exist here), whose worker runs blocks.
        const bool fresh = descend::thread_pool().workers() == 0;
        _exit(fresh && two_blocks_on_two_threads() ? 0 : 1);
    }
    CHECK(child > 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
#endif

}  // namespace
