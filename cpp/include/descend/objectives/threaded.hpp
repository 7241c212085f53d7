// An objective's loss and gradient over a batch, split across threads (parallel.hpp): each
// block of consecutive batch rows is evaluated by the objective itself on its own thread, and
// the blocks' means are combined in block order, so the result is bit-identical for a given
// number of threads. Works for every objective with the fields X (MatrixView or CsrView), y,
// sample_weight and the method loss_and_gradient (least squares, Huber, logistic, softmax).
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "../parallel.hpp"
#include "../view.hpp"
#include "csr.hpp"

namespace descend {

/// Rows [begin, end) of a dense X as a matrix of their own (no copy).
template <class T>
MatrixView<const T> row_block(const MatrixView<const T>& X, std::size_t begin, std::size_t end) {
    return {X.row(begin), end - begin, X.cols};
}

/// Rows [begin, end) of a CSR X: the same data and indices, indptr advanced (its offsets
/// stay absolute).
template <class T, class Index>
CsrView<T, Index> row_block(const CsrView<T, Index>& X, std::size_t begin, std::size_t end) {
    return {X.data, X.indices, X.indptr + begin, end - begin, X.cols};
}

/// Stored entries per row of X: its columns when dense, the mean over the rows for CSR.
template <class T>
std::size_t entries_per_row(const MatrixView<const T>& X) {
    return X.cols;
}
template <class T, class Index>
std::size_t entries_per_row(const CsrView<T, Index>& X) {
    return X.rows == 0 ? 0 : X.row_end(X.rows - 1) / X.rows;
}

/// The objective on rows [begin, end) of its data: X, y and sample_weight advanced to row
/// `begin`; everything else (mean_weight included) kept, so its batch normalization stays
/// that of the whole data set.
template <class Objective, class = std::void_t<decltype(std::declval<Objective&>().X),
                                               decltype(std::declval<Objective&>().y),
                                               decltype(std::declval<Objective&>().sample_weight)>>
Objective row_block(const Objective& objective, std::size_t begin, std::size_t end) {
    Objective part = objective;
    part.X = row_block(objective.X, begin, end);
    part.y = objective.y + begin;
    if (part.sample_weight != nullptr) part.sample_weight += begin;
    return part;
}

/// Stored entries of X a pass over `count` rows of the objective reads, counted once per
/// parameter column (softmax reads each entry once per class): what resolve_threads weighs.
template <class Objective, class = decltype(std::declval<const Objective&>().X.cols)>
std::size_t pass_entries(const Objective& objective, std::size_t count) {
    const std::size_t per_column = objective.n_params() / (objective.X.cols + 1);
    return count * entries_per_row(objective.X) * per_column;
}

/// True for the objectives threaded_loss_and_gradient can split into row blocks (those with
/// row_block and pass_entries, found also by argument-dependent lookup).
template <class Objective, class = void>
struct splits_by_rows : std::false_type {};
template <class Objective>
struct splits_by_rows<Objective,
                      std::void_t<decltype(row_block(std::declval<const Objective&>(),
                                                     std::size_t{}, std::size_t{})),
                                  decltype(pass_entries(std::declval<const Objective&>(),
                                                        std::size_t{}))>> : std::true_type {};

/// Evaluates an objective on a batch: objective.loss_and_gradient(rows, count, theta, grad).
struct CallLossAndGradient {
    template <class Objective, class T>
    double operator()(const Objective& objective, const std::size_t* rows, std::size_t count,
                      const T* theta, double* grad) const {
        return objective.loss_and_gradient(rows, count, theta, grad);
    }
};

/// Blocks per thread a threaded pass is cut into: the threads take blocks in turn, so when one
/// of them runs slower (its core shared with another process, or with a BLAS thread still
/// spinning after NumPy's last call) the others take over its share instead of waiting for it.
inline constexpr std::size_t blocks_per_thread = 4;

/// objective.loss_and_gradient(rows, count, theta, grad) on `n_threads` threads (0: automatic,
/// see resolve_threads; the entries a pass reads are pass_entries). With one thread this is
/// exactly the objective's own call.
/// With T = n_threads >= 2, the batch is cut into B = min(T * blocks_per_thread, count) blocks
/// of consecutive batch rows (block_range), run by up to T threads; block b's mean loss L_b
/// and gradient g_b come from the objective, and the results are
//   L = sum_b (|b| / count) L_b,   grad = sum_b (|b| / count) g_b     (in block order)
/// which equal the one-thread sums up to rounding (about 1e-15 relative on well-conditioned
/// sums). The calling thread runs block 0. Each block is evaluated by `evaluate(objective,
/// rows, count, theta, grad)`: code compiled for several instruction sets (DESCEND_MULTIVERSION)
/// passes a function that calls its dispatched entry point here, because a thread starts in
/// code compiled for the baseline.
template <class Objective, class T, class Evaluate = CallLossAndGradient>
double threaded_loss_and_gradient(const Objective& objective, const std::size_t* rows,
                                  std::size_t count, const T* theta, double* grad,
                                  std::size_t n_threads, const Evaluate& evaluate = {}) {
    const std::size_t p = objective.n_params();
    const std::size_t threads = resolve_threads(n_threads, pass_entries(objective, count));
    if (threads <= 1 || count <= 1) return evaluate(objective, rows, count, theta, grad);
    const std::size_t blocks =
        threads < count / blocks_per_thread ? threads * blocks_per_thread : count;
    // Each block's gradient on cache lines of its own (8 doubles), so no two threads write
    // to the same line.
    const std::size_t stride = (p + 7) / 8 * 8 + 8;
    std::vector<double> grads(blocks * stride), losses(blocks);
    for_each_block(
        count, blocks,
        [&](std::size_t b, std::size_t begin, std::size_t end) {
            double* g = grads.data() + b * stride;
            losses[b] = rows != nullptr ? evaluate(objective, rows + begin, end - begin, theta, g)
                                        : evaluate(row_block(objective, begin, end), nullptr,
                                                   end - begin, theta, g);
        },
        threads);
    double loss = 0.0;
    std::fill(grad, grad + p, 0.0);
    for (std::size_t b = 0; b < blocks; ++b) {
        const BlockRange r = block_range(count, blocks, b);
        const double share = static_cast<double>(r.end - r.begin) / static_cast<double>(count);
        loss += share * losses[b];
        const double* g = grads.data() + b * stride;
        for (std::size_t j = 0; j < p; ++j) grad[j] += share * g[j];
    }
    return loss;
}

}  // namespace descend
