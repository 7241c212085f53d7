// Threads: the fixed partition covers every index once, every block runs once, an exception
// in a block reaches the caller, and an objective split over threads repeats bit for bit and
// agrees with the one-thread pass, dense and CSR, on all rows and on a batch.
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/softmax.hpp>
#include <descend/objectives/threaded.hpp>
#include <descend/parallel.hpp>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "linear_data.hpp"

namespace {

TEST_CASE(blocks_partition_the_range_into_sizes_differing_by_at_most_one) {
    for (std::size_t count : {1u, 7u, 64u, 1001u}) {
        for (std::size_t blocks = 1; blocks <= 9 && blocks <= count; ++blocks) {
            std::size_t next = 0, smallest = count, largest = 0;
            for (std::size_t b = 0; b < blocks; ++b) {
                const descend::BlockRange r = descend::block_range(count, blocks, b);
                CHECK(r.begin == next);
                next = r.end;
                smallest = std::min(smallest, r.end - r.begin);
                largest = std::max(largest, r.end - r.begin);
            }
            CHECK(next == count);
            CHECK(largest - smallest <= 1);
        }
    }
}

TEST_CASE(every_block_runs_once_and_an_exception_reaches_the_caller) {
    std::vector<std::atomic<int>> runs(5);
    descend::for_each_block(100, 5, [&](std::size_t b, std::size_t, std::size_t) { ++runs[b]; });
    for (const auto& r : runs) CHECK(r.load() == 1);
    bool caught = false;
    try {
        descend::for_each_block(100, 4, [](std::size_t b, std::size_t, std::size_t) {
            if (b == 2) throw std::runtime_error("block 2");
        });
    } catch (const std::runtime_error&) {
        caught = true;
    }
    CHECK(caught);
}

TEST_CASE(automatic_thread_count_is_one_below_the_threshold) {
    CHECK(descend::resolve_threads(0, descend::parallel_min_entries - 1) == 1);
    CHECK(descend::resolve_threads(0, descend::parallel_min_entries) ==
          descend::available_threads());
    CHECK(descend::resolve_threads(3, 1) == 3);
    CHECK(descend::available_threads() >= 1);
}

/// Runs the objective on `threads` threads twice (the two must agree bit for bit) and checks
/// it against the one-thread pass within 1e-12 relative.
template <class Objective>
void check_threads(const Objective& objective, const std::vector<std::size_t>& rows,
                   const std::vector<double>& theta) {
    const std::size_t p = objective.n_params();
    const std::size_t* batch = rows.empty() ? nullptr : rows.data();
    const std::size_t count = rows.empty() ? objective.n_samples() : rows.size();
    std::vector<double> one(p), first(p), again(p);
    const double one_loss = objective.loss_and_gradient(batch, count, theta.data(), one.data());
    for (std::size_t threads : {2u, 3u, 8u}) {
        const double loss = descend::threaded_loss_and_gradient(objective, batch, count,
                                                                theta.data(), first.data(), threads);
        const double repeat = descend::threaded_loss_and_gradient(
            objective, batch, count, theta.data(), again.data(), threads);
        CHECK(loss == repeat);
        CHECK(first == again);
        CHECK_CLOSE(loss, one_loss, 1e-12);
        for (std::size_t j = 0; j < p; ++j) CHECK_CLOSE(first[j], one[j], 1e-12);
    }
}

TEST_CASE(least_squares_on_threads_matches_one_thread_dense_and_csr) {
    const LinearData data(37, 6, 3, 11);
    const double* y = data.y.data();
    const auto dense = linear_objective<descend::LeastSquares>(data, data.dense(), y, true);
    const auto csr = linear_objective<descend::LeastSquares>(data, data.csr(), y, true);
    const std::vector<double> theta = {0.3, -1.0, 0.5, 2.0, -0.25, 0.75, 1.5};
    const std::vector<std::size_t> rows = {5, 0, 36, 12, 12, 7, 30, 2, 19, 25, 1};
    for (const auto& batch : {std::vector<std::size_t>{}, rows}) {
        check_threads(dense, batch, theta);
        check_threads(csr, batch, theta);
    }
}

TEST_CASE(softmax_on_threads_matches_one_thread) {
    const LinearData data(29, 4, 3, 12);
    auto objective = linear_objective<descend::Softmax>(data, data.csr(), data.label.data());
    objective.n_classes = 3;
    std::vector<double> theta(15);
    for (std::size_t k = 0; k < theta.size(); ++k) theta[k] = std::sin(static_cast<double>(k));
    check_threads(objective, {}, theta);
}

}  // namespace
