// Shared by the tests of the linear-model objectives (huber, logistic, softmax): random data
// from a fixed seed, held both dense and as CSR (same matrix, with some zeros left out, one
// row's entries unsorted and one entry split into two at the same column), and the check of an
// objective's gradient against central differences of its own loss.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <descend/objectives/csr.hpp>
#include <descend/random.hpp>
#include <descend/view.hpp>

#include "check.hpp"

/// An m x n matrix in [-1, 1) with about every third entry zero, targets in [-1, 1), labels in
/// [0, classes), weights in [0.5, 1.5), and the same matrix in CSR form.
struct LinearData {
    std::size_t m, n;
    std::vector<double> X, y, weight;
    std::vector<std::int64_t> label;
    std::vector<double> csr_data;
    std::vector<std::int32_t> csr_indices, csr_indptr;

    LinearData(std::size_t rows, std::size_t cols, std::size_t classes, std::uint64_t seed)
        : m(rows), n(cols) {
        descend::Random random(seed);
        auto draw = [&random] { return 2.0 * random.uniform() - 1.0; };
        for (std::size_t k = 0; k < m * n; ++k) X.push_back(k % 3 == 1 ? 0.0 : draw());
        for (std::size_t i = 0; i < m; ++i) y.push_back(draw());
        for (std::size_t i = 0; i < m; ++i) weight.push_back(1.0 + 0.5 * draw());
        for (std::size_t i = 0; i < m; ++i)
            label.push_back(static_cast<std::int64_t>(random.below(classes)));
        csr_indptr.push_back(0);
        for (std::size_t i = 0; i < m; ++i) {
            // row 1 stored back to front; the first stored entry of row 2 split in halves
            for (std::size_t q = 0; q < n; ++q) {
                const std::size_t j = i == 1 ? n - 1 - q : q;
                const double value = X[i * n + j];
                if (value == 0.0) continue;
                if (i == 2 && csr_data.size() == static_cast<std::size_t>(csr_indptr.back())) {
                    csr_data.push_back(0.5 * value);
                    csr_indices.push_back(static_cast<std::int32_t>(j));
                    csr_data.push_back(value - 0.5 * value);
                } else {
                    csr_data.push_back(value);
                }
                csr_indices.push_back(static_cast<std::int32_t>(j));
            }
            csr_indptr.push_back(static_cast<std::int32_t>(csr_data.size()));
        }
    }

    /// The dense view.
    descend::MatrixView<const double> dense() const { return {X.data(), m, n}; }
    /// The CSR view of the same matrix.
    descend::CsrView<double, std::int32_t> csr() const {
        return {csr_data.data(), csr_indices.data(), csr_indptr.data(), m, n};
    }
    /// Mean of the weights over all rows.
    double mean_weight() const {
        double total = 0.0;
        for (const double w : weight) total += w;
        return total / static_cast<double>(m);
    }
};

/// An objective of the family `Objective` (descend::LeastSquares, Huber, Logistic, Softmax) in
/// double over X (d.dense() or d.csr()) with targets y (d.y, or d.label for Softmax), weighted
/// by d.weight when `weighted`; its other fields at their defaults.
template <template <class, class> class Objective, class Matrix, class Target>
Objective<double, Matrix> linear_objective(const LinearData& d, const Matrix& X, const Target* y,
                                           bool weighted = false, bool fit_intercept = true) {
    Objective<double, Matrix> objective;
    objective.X = X;
    objective.y = y;
    objective.sample_weight = weighted ? d.weight.data() : nullptr;
    objective.mean_weight = weighted ? d.mean_weight() : 1.0;
    objective.fit_intercept = fit_intercept;
    return objective;
}

/// Checks objective.loss_and_gradient on a batch against central differences of its own loss:
/// (L(theta + h e_j) - L(theta - h e_j)) / 2h with h = 1e-6.
template <class Objective>
void check_gradient_by_differences(const Objective& objective, std::vector<double> theta,
                                   const std::vector<std::size_t>& rows, double tolerance) {
    const std::size_t p = objective.n_params();
    std::vector<double> grad(p, -7.0), scratch(p);
    const std::size_t* batch = rows.empty() ? nullptr : rows.data();
    const std::size_t count = rows.empty() ? objective.n_samples() : rows.size();
    objective.loss_and_gradient(batch, count, theta.data(), grad.data());
    const double h = 1e-6;
    for (std::size_t j = 0; j < p; ++j) {
        const double saved = theta[j];
        theta[j] = saved + h;
        const double up = objective.loss_and_gradient(batch, count, theta.data(), scratch.data());
        theta[j] = saved - h;
        const double down = objective.loss_and_gradient(batch, count, theta.data(), scratch.data());
        theta[j] = saved;
        const int before = descend_test::failures();
        CHECK_CLOSE(grad[j], (up - down) / (2.0 * h), tolerance);
        if (descend_test::failures() != before) std::printf("    (parameter %zu)\n", j);
    }
}
