// The fused one-row SGD path (fused_sgd.hpp) against the generic per-step formula written
// plainly (eager: every coefficient decayed, stepped and soft-thresholded at every step): on
// dense and CSR rows (int32 and int64 indices, an empty row, an unsorted row, a column split
// in two), with repeated row visits, every penalty, sample weights, the intercept on and off,
// averaging, scale folds, float32, and the stop at the first non-finite loss.
#include <descend/fused_sgd.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <vector>

#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/random.hpp>

#include "check.hpp"

namespace {

/// An m x n matrix with about a third of the entries zero, row 3 all zeros, targets, 0/1
/// labels and weights; its CSR form stores row 1 back to front and splits the first entry of
/// row 2 into two halves at the same column.
struct Data {
    std::size_t m, n;
    std::vector<double> X, y, label, weight;

    /// With `entries` (one count per row), row i holds entries[i] nonzeros instead (at columns
    /// i, i + 2, i + 4, ... mod n), row 3 still all zeros.
    Data(std::size_t rows, std::size_t cols, std::uint64_t seed,
         const std::vector<std::size_t>& entries = {})
        : m(rows), n(cols) {
        descend::Random random(seed);
        auto draw = [&random] { return 2.0 * random.uniform() - 1.0; };
        for (std::size_t k = 0; k < m * n; ++k) {
            const std::size_t i = k / n, j = k % n;
            const bool zero = entries.empty() ? k % 3 == 1
                                              : (j + n - i % n) % n % 2 == 1 ||
                                                    (j + n - i % n) % n / 2 >= entries[i];
            X.push_back(zero || i == 3 ? 0.0 : 2.0 * draw());
        }
        for (std::size_t i = 0; i < m; ++i) y.push_back(3.0 * draw());
        for (std::size_t i = 0; i < m; ++i) label.push_back(random.uniform() < 0.5 ? 0.0 : 1.0);
        for (std::size_t i = 0; i < m; ++i) weight.push_back(1.0 + 0.8 * draw());
    }

    double mean_weight() const {
        double total = 0.0;
        for (const double w : weight) total += w;
        return total / static_cast<double>(m);
    }
};

/// The CSR arrays of a Data matrix, in value type T and index type Index.
template <class T, class Index>
struct Csr {
    std::vector<T> data;
    std::vector<Index> indices, indptr{0};

    explicit Csr(const Data& d) {
        for (std::size_t i = 0; i < d.m; ++i) {
            const bool split = i == 2;
            for (std::size_t q = 0; q < d.n; ++q) {
                const std::size_t j = i == 1 ? d.n - 1 - q : q;
                const double value = d.X[i * d.n + j];
                if (value == 0.0) continue;
                if (split && data.size() == static_cast<std::size_t>(indptr.back())) {
                    data.push_back(static_cast<T>(0.5 * value));
                    indices.push_back(static_cast<Index>(j));
                    data.push_back(static_cast<T>(value - 0.5 * value));
                } else {
                    data.push_back(static_cast<T>(value));
                }
                indices.push_back(static_cast<Index>(j));
            }
            indptr.push_back(static_cast<Index>(data.size()));
        }
    }
    descend::CsrView<T, Index> view(const Data& d) const {
        return {data.data(), indices.data(), indptr.data(), d.m, d.n};
    }
};

/// eta0 / (t + 1)^0.25, scikit-learn's invscaling with t counted from 0.
struct InvScaling {
    double eta0;
    double operator()(std::int64_t t) const {
        return eta0 / std::pow(static_cast<double>(t) + 1.0, 0.25);
    }
};

/// Which loss a case uses.
enum class Loss { squared, huber, logistic };

/// One configuration of a fused run.
struct Setup {
    Loss loss = Loss::squared;
    descend::Penalty penalty;
    bool weighted = false;
    bool fit_intercept = true;
    bool average = false;
    std::int64_t average_start = 20;
    double eta0 = 0.05;
};

/// The point loss of a setup at (z, y).
descend::LossAndSlope point_of(Loss loss, double z, double y) {
    switch (loss) {
        case Loss::squared: return descend::SquaredError{}(z, y);
        case Loss::huber: return descend::HuberPoint{0.3}(z, y);
        default: return descend::LogisticPoint{}(z, y);
    }
}

/// The generic per-step formula, eagerly, in double on the dense matrix:
//   z = b + x_i . w;  c = s_i / mean(s) l'(z, y_i);  lr = eta(t), t += 1
//   theta = theta - lr (c (1, x_i) + lambda_2 (0, w));  w_j = soft(w_j, lr lambda_1)
//   averaging: N = t - start + 1 >= 1:  mean = mean + (theta - mean) / N
/// Returns the sum of s_i l / mean(s); stops after the first non-finite step loss.
double reference(const Data& d, const Setup& setup, const std::vector<std::size_t>& rows,
                 std::int64_t& t, std::vector<double>& theta, std::vector<double>& mean) {
    const std::size_t n = d.n;
    const std::vector<double>& targets = setup.loss == Loss::logistic ? d.label : d.y;
    const double mean_weight = setup.weighted ? d.mean_weight() : 1.0;
    const double l1 = setup.penalty.l1_strength(), l2 = setup.penalty.l2_strength();
    const InvScaling eta{setup.eta0};
    double total = 0.0;
    for (const std::size_t i : rows) {
        double z = setup.fit_intercept ? theta[0] : 0.0;
        for (std::size_t j = 0; j < n; ++j) z += d.X[i * n + j] * theta[j + 1];
        const descend::LossAndSlope p = point_of(setup.loss, z, targets[i]);
        const double s = setup.weighted ? d.weight[i] : 1.0;
        const double c = s / mean_weight * p.slope;
        const double step_loss = s / mean_weight * p.value;
        total += step_loss;
        const double lr = eta(t);
        ++t;
        if (setup.fit_intercept) theta[0] -= lr * c;
        for (std::size_t j = 0; j < n; ++j) {
            double w = theta[j + 1] - lr * (c * d.X[i * n + j] + l2 * theta[j + 1]);
            const double threshold = lr * l1;
            if (w > threshold) w -= threshold;
            else if (w < -threshold) w += threshold;
            else w = 0.0;
            theta[j + 1] = w;
        }
        const std::int64_t N = t - setup.average_start + 1;
        if (setup.average && N >= 1)
            for (std::size_t j = 0; j <= n; ++j) mean[j] = N == 1 ? theta[j] : mean[j] + (theta[j] - mean[j]) / static_cast<double>(N);
        if (!std::isfinite(step_loss)) break;
    }
    return total;
}

/// fused_sgd_epoch on matrix X (value type T) with the setup's loss.
template <class T, class Matrix>
double fused(const Matrix& X, const Data& d, const std::vector<T>& targets,
             const std::vector<T>& weights, const Setup& setup, const std::size_t* rows,
             std::size_t count, std::int64_t& t, std::vector<T>& theta, std::vector<T>& mean) {
    descend::FusedSgdData<T> data;
    data.y = targets.data();
    data.sample_weight = setup.weighted ? weights.data() : nullptr;
    data.mean_weight = setup.weighted ? d.mean_weight() : 1.0;
    data.fit_intercept = setup.fit_intercept;
    data.penalty = setup.penalty;
    descend::FusedSgdAverage<T> average;
    if (setup.average) average = {mean.data(), setup.average_start};
    const InvScaling eta{setup.eta0};
    switch (setup.loss) {
        case Loss::squared:
            return descend::fused_sgd_epoch(X, data, descend::SquaredError{}, rows, count, eta, t, theta.data(), average);
        case Loss::huber:
            return descend::fused_sgd_epoch(X, data, descend::HuberPoint{0.3}, rows, count, eta, t, theta.data(), average);
        default:
            return descend::fused_sgd_epoch(X, data, descend::LogisticPoint{}, rows, count, eta, t, theta.data(), average);
    }
}

template <class T>
std::vector<T> cast(const std::vector<double>& values) {
    return std::vector<T>(values.begin(), values.end());
}

/// 3m rows drawn with replacement (rows repeat, some are never visited), row 3 (empty) twice.
std::vector<std::size_t> visits(const Data& d, std::uint64_t seed) {
    descend::Random random(seed);
    std::vector<std::size_t> rows;
    for (std::size_t k = 0; k < 3 * d.m; ++k) rows.push_back(static_cast<std::size_t>(random.below(d.m)));
    rows[4] = 3, rows[20] = 3;
    return rows;
}

/// Runs the setup on the dense matrix and on CSR with int32 and int64 indices, in T, and
/// compares theta, the average, the returned loss and the step counter with the reference.
template <class T>
void check_setup(const Data& d, const Setup& setup, const std::vector<std::size_t>& rows,
                 double tolerance) {
    const std::vector<double> start_theta = {0.2, -0.5, 0.3, 0.0, 1.0, -0.1, 0.05, 0.4};
    std::vector<double> theta(start_theta.begin(), start_theta.begin() + static_cast<long>(d.n + 1));
    // before the start of averaging the average's content is ignored; after it, it counts
    const std::int64_t t_start = 7;
    std::vector<double> mean(d.n + 1, std::numeric_limits<double>::quiet_NaN());
    if (t_start >= setup.average_start)
        for (std::size_t j = 0; j <= d.n; ++j) mean[j] = 0.3 + 0.1 * static_cast<double>(j);
    const std::vector<double> start_mean = mean;
    std::int64_t t_ref = t_start;
    const double loss_ref = reference(d, setup, rows, t_ref, theta, mean);

    const std::vector<T> X = cast<T>(d.X), targets = cast<T>(setup.loss == Loss::logistic ? d.label : d.y),
                         weights = cast<T>(d.weight);
    const Csr<T, std::int32_t> csr32(d);
    const Csr<T, std::int64_t> csr64(d);
    for (int kind = 0; kind < 3; ++kind) {
        if (kind > 0 && !descend::fused_sgd_supported(true, setup.penalty, setup.average)) continue;
        std::vector<T> theta_f(theta.size()), mean_f = cast<T>(start_mean);
        for (std::size_t j = 0; j <= d.n; ++j) theta_f[j] = static_cast<T>(start_theta[j]);
        std::int64_t t = t_start;
        double loss = 0.0;
        if (kind == 0)
            loss = fused(descend::MatrixView<const T>{X.data(), d.m, d.n}, d, targets, weights, setup, rows.data(), rows.size(), t, theta_f, mean_f);
        else if (kind == 1)
            loss = fused(csr32.view(d), d, targets, weights, setup, rows.data(), rows.size(), t, theta_f, mean_f);
        else
            loss = fused(csr64.view(d), d, targets, weights, setup, rows.data(), rows.size(), t, theta_f, mean_f);
        const int before = descend_test::failures();
        CHECK_EQ(t, t_ref);
        CHECK_CLOSE(loss, loss_ref, tolerance);
        for (std::size_t j = 0; j <= d.n; ++j) CHECK_CLOSE(theta_f[j], theta[j], tolerance);
        if (setup.average)
            for (std::size_t j = 0; j <= d.n; ++j) CHECK_CLOSE(mean_f[j], mean[j], tolerance);
        if (descend_test::failures() != before)
            std::printf("    (matrix %s, loss %d, penalty %d, weighted %d, intercept %d, average %d)\n",
                        kind == 0 ? "dense" : kind == 1 ? "csr32" : "csr64", static_cast<int>(setup.loss),
                        static_cast<int>(setup.penalty.kind), setup.weighted, setup.fit_intercept,
                        setup.average);
    }
}

/// Every loss x penalty x weights x intercept x averaging, on d (by default Data(19, 7, 3)).
template <class T>
void check_all_setups(double tolerance, const Data& d = Data(19, 7, 3)) {
    const std::vector<std::size_t> rows = visits(d, 4);
    for (const Loss loss : {Loss::squared, Loss::huber, Loss::logistic})
        for (const descend::PenaltyKind kind : {descend::PenaltyKind::none, descend::PenaltyKind::l2,
                                                descend::PenaltyKind::l1, descend::PenaltyKind::elasticnet})
            for (const bool weighted : {false, true})
                for (const bool intercept : {true, false})
                    for (const std::int64_t average_start : {0, 5, 20}) {
                        const bool average = average_start > 0;
                        Setup setup;
                        setup.average_start = average_start;
                        setup.loss = loss;
                        setup.penalty = {kind, 0.05, 0.4};
                        setup.weighted = weighted;
                        setup.fit_intercept = intercept;
                        setup.average = average;
                        check_setup<T>(d, setup, rows, tolerance);
                    }
}

}  // namespace

TEST_CASE(fused_steps_equal_the_eager_formula_in_double) { check_all_setups<double>(1e-12); }

// Dense X of 1 to 4 columns takes dense_steps compiled for its column count.
TEST_CASE(fused_steps_on_one_to_four_columns_equal_the_eager_formula) {
    for (std::size_t n = 1; n <= 4; ++n) {
        const Data d(19, n, 10 + n);
        check_all_setups<double>(1e-12, d);
        check_all_setups<float>(1e-5, d);
    }
}

// Rows of at most two stored entries take fused_sgd.hpp's branch-free path: rows of 0 to 4
// entries (the first and the last row empty, so an unused entry's load is clamped to the
// matrix's last stored entry), row 1 stored back to front, row 2's one entry split in two at
// the same column (a repeated column within a short row).
TEST_CASE(short_sparse_rows_equal_the_eager_formula) {
    const std::vector<std::size_t> entries = {0, 2, 1, 0, 1, 3, 2, 0, 1, 2, 4, 1, 0, 2, 1, 3, 2, 1, 0};
    const Data d(19, 7, 5, entries);
    for (std::size_t i = 0; i < d.m; ++i) {  // the pattern asked for (row 3 aside)
        std::size_t stored = 0;
        for (std::size_t j = 0; j < d.n; ++j) stored += d.X[i * d.n + j] != 0.0;
        CHECK_EQ(stored, i == 3 ? 0 : entries[i]);
    }
    check_all_setups<double>(1e-12, d);
    check_all_setups<float>(1e-5, d);
}

TEST_CASE(fused_steps_in_float_stay_within_1e_5_of_the_double_formula) {
    check_all_setups<float>(1e-5);
}

TEST_CASE(l1_steps_give_exact_zeros_where_the_eager_formula_does) {
    const Data d(19, 7, 5);
    const std::vector<std::size_t> rows = visits(d, 6);
    Setup setup;
    setup.penalty = {descend::PenaltyKind::l1, 2.0, 0.15};
    setup.eta0 = 0.02;
    std::vector<double> theta = {0.2, -0.5, 0.3, 0.0, 1.0, -0.1, 0.05, 0.4}, mean(8);
    std::int64_t t = 0;
    reference(d, setup, rows, t, theta, mean);
    const Csr<double, std::int32_t> csr(d);
    std::vector<double> theta_f = {0.2, -0.5, 0.3, 0.0, 1.0, -0.1, 0.05, 0.4}, mean_f(8);
    t = 0;
    fused(csr.view(d), d, d.y, d.weight, setup, rows.data(), rows.size(), t, theta_f, mean_f);
    std::size_t zeros = 0;
    for (std::size_t j = 1; j <= d.n; ++j) {
        zeros += theta[j] == 0.0;
        CHECK_EQ(theta_f[j] == 0.0, theta[j] == 0.0);
    }
    CHECK(zeros >= 2);
}

TEST_CASE(scale_folds_and_a_negative_decay_keep_the_eager_values) {
    // lr lambda_2 = 0.4 per step: the scale a falls below 1e-9 within 50 steps and is folded;
    // lr lambda_2 = 1.5: the decay factor is negative and applied directly
    const Data d(19, 7, 7);
    const std::vector<std::size_t> rows = visits(d, 8);
    for (const double eta0 : {0.4, 1.5})
        for (const bool average : {false, true})
            for (const descend::PenaltyKind kind : {descend::PenaltyKind::l2, descend::PenaltyKind::elasticnet}) {
                Setup setup;
                setup.penalty = {kind, 1.0, 0.01};
                setup.eta0 = eta0;
                setup.average = average;
                setup.loss = Loss::logistic;
                check_setup<double>(d, setup, rows, 1e-12);
            }
}

TEST_CASE(consecutive_calls_equal_one_call) {
    // partial_fit: the step counter and the average carry over from call to call
    const Data d(19, 7, 9);
    const std::vector<std::size_t> rows = visits(d, 10);
    const Csr<double, std::int64_t> csr(d);
    for (const descend::PenaltyKind kind : {descend::PenaltyKind::l2, descend::PenaltyKind::l1}) {
        Setup setup;
        setup.penalty = {kind, 0.05, 0.15};
        setup.average = kind == descend::PenaltyKind::l2;
        setup.average_start = 30;
        std::vector<double> theta_one(8, 0.1), mean_one(8), theta_two(8, 0.1), mean_two(8);
        std::int64_t t_one = 0, t_two = 0;
        const double loss_one = fused(csr.view(d), d, d.y, d.weight, setup, rows.data(), rows.size(), t_one, theta_one, mean_one);
        double loss_two = 0.0;
        for (std::size_t begin = 0; begin < rows.size(); begin += 20) {
            const std::size_t count = std::min<std::size_t>(20, rows.size() - begin);
            loss_two += fused(csr.view(d), d, d.y, d.weight, setup, rows.data() + begin, count, t_two, theta_two, mean_two);
        }
        CHECK_EQ(t_one, t_two);
        CHECK_CLOSE(loss_two, loss_one, 1e-12);
        for (std::size_t j = 0; j < 8; ++j) CHECK_CLOSE(theta_two[j], theta_one[j], 1e-12);
        if (setup.average)
            for (std::size_t j = 0; j < 8; ++j) CHECK_CLOSE(mean_two[j], mean_one[j], 1e-12);
    }
}

TEST_CASE(null_rows_mean_every_row_in_order) {
    const Data d(19, 7, 11);
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < d.m; ++i) all.push_back(i);
    Setup setup;
    setup.penalty = {descend::PenaltyKind::elasticnet, 0.05, 0.5};
    const descend::MatrixView<const double> X{d.X.data(), d.m, d.n};
    std::vector<double> theta_null(8, 0.0), theta_rows(8, 0.0), mean(8);
    std::int64_t t_null = 0, t_rows = 0;
    fused(X, d, d.y, d.weight, setup, nullptr, d.m, t_null, theta_null, mean);
    fused(X, d, d.y, d.weight, setup, all.data(), d.m, t_rows, theta_rows, mean);
    CHECK_EQ(t_null, static_cast<std::int64_t>(d.m));
    for (std::size_t j = 0; j < 8; ++j) CHECK_EQ(theta_null[j] == theta_rows[j], true);
}

TEST_CASE(a_non_finite_step_loss_is_the_last_step) {
    // steps so large that the residuals (squared error) or the margins (log-loss: inf, then
    // NaN) overflow within a few steps
    const Data d(19, 7, 13);
    const std::vector<std::size_t> rows = visits(d, 14);
    for (const Loss loss : {Loss::squared, Loss::logistic}) {
        Setup setup;
        setup.loss = loss;
        setup.eta0 = loss == Loss::squared ? 1e30 : 1e308;
        const std::vector<double>& targets = loss == Loss::squared ? d.y : d.label;
        std::vector<double> theta(8, 0.1), mean(8);
        std::int64_t t_ref = 0;
        const double loss_ref = reference(d, setup, rows, t_ref, theta, mean);
        CHECK(!std::isfinite(loss_ref));
        CHECK(t_ref < static_cast<std::int64_t>(rows.size()));
        for (int kind = 0; kind < 2; ++kind) {
            std::vector<double> theta_f(8, 0.1);
            std::int64_t t = 0;
            const Csr<double, std::int32_t> csr(d);
            const double fused_loss = kind == 0 ? fused(descend::MatrixView<const double>{d.X.data(), d.m, d.n}, d, targets, d.weight, setup, rows.data(), rows.size(), t, theta_f, mean)
                                                : fused(csr.view(d), d, targets, d.weight, setup, rows.data(), rows.size(), t, theta_f, mean);
            CHECK(!std::isfinite(fused_loss));
            CHECK_EQ(t, t_ref);
        }
    }
}

TEST_CASE(log_loss_sum_over_many_steps_equals_the_sum_of_the_step_losses) {
    // unweighted log-loss steps sum their logs as the log of a product, 512 factors at a time:
    // 2,000 steps cross three such blocks; weighted ones take log1p per step
    const Data d(40, 7, 17);
    descend::Random random(18);
    std::vector<std::size_t> rows;
    for (int k = 0; k < 2000; ++k) rows.push_back(static_cast<std::size_t>(random.below(d.m)));
    for (const bool weighted : {false, true}) {
        Setup setup;
        setup.loss = Loss::logistic;
        setup.weighted = weighted;
        setup.eta0 = 0.5;
        std::vector<double> theta(8, 0.0), mean(8);
        std::int64_t t_ref = 0;
        const double loss_ref = reference(d, setup, rows, t_ref, theta, mean);
        const Csr<double, std::int32_t> csr(d);
        for (int kind = 0; kind < 2; ++kind) {
            std::vector<double> theta_f(8, 0.0);
            std::int64_t t = 0;
            const double loss = kind == 0 ? fused(descend::MatrixView<const double>{d.X.data(), d.m, d.n}, d, d.label, d.weight, setup, rows.data(), rows.size(), t, theta_f, mean)
                                          : fused(csr.view(d), d, d.label, d.weight, setup, rows.data(), rows.size(), t, theta_f, mean);
            CHECK_CLOSE(loss, loss_ref, 1e-13);
            CHECK_EQ(t, t_ref);
            for (std::size_t j = 0; j < 8; ++j) CHECK_CLOSE(theta_f[j], theta[j], 1e-12);
        }
    }
}

TEST_CASE(averaging_with_l1_on_csr_is_refused_before_any_write) {
    const Data d(19, 7, 15);
    const Csr<double, std::int32_t> csr(d);
    Setup setup;
    setup.penalty = {descend::PenaltyKind::elasticnet, 0.05, 0.15};
    setup.average = true;
    std::vector<double> theta(8, 0.25), mean(8, 0.5);
    std::int64_t t = 3;
    CHECK(!descend::fused_sgd_supported(true, setup.penalty, true));
    CHECK(descend::fused_sgd_supported(false, setup.penalty, true));
    CHECK(descend::fused_sgd_supported(true, setup.penalty, false));
    CHECK_THROWS(fused(csr.view(d), d, d.y, d.weight, setup, nullptr, d.m, t, theta, mean), std::invalid_argument);
    CHECK_EQ(t, 3);
    for (std::size_t j = 0; j < 8; ++j) CHECK(theta[j] == 0.25 && mean[j] == 0.5);
}

TEST_CASE(schedule_step_size_equals_the_schedule_to_a_few_ulps) {
    // InvScaling with power_t <= 1 takes the series path from t = 4096 on; others call through
    for (const double power_t : {0.0, 0.25, 0.5, 1.0, 1.5}) {
        const descend::Schedule schedule = descend::InvScaling{0.01, power_t};
        const descend::ScheduleStepSize step_size(schedule);
        for (const std::int64_t start : {std::int64_t{0}, std::int64_t{4000}, std::int64_t{123456789}, std::int64_t{1} << 40})
            for (std::int64_t t = start; t < start + 300; ++t) {
                const double expected = descend::learning_rate(schedule, t);
                CHECK(std::fabs(step_size(t) - expected) <= 4e-16 * expected);
            }
        // the value depends on t alone: out of order, it is the same number
        CHECK(step_size(100000) == descend::ScheduleStepSize(schedule)(100000));
    }
    const descend::Schedule constant = descend::Constant{0.3};
    CHECK(descend::ScheduleStepSize(constant)(99999) == 0.3);
}

TEST_CASE(schedule_step_size_of_inverse_time_is_its_formula_bit_for_bit) {
    // fill takes t + q as double(t) + double(q), exact below 2^53: the same bits as
    // t0 / (t + t1), for blocks that start anywhere (large t included)
    const descend::Schedule schedule = descend::InverseTime{5.0, 50.0};
    const descend::ScheduleStepSize step_size(schedule);
    for (const std::int64_t start : {std::int64_t{0}, std::int64_t{77}, std::int64_t{123456789}, std::int64_t{1} << 40, (std::int64_t{1} << 52) - 100}) {
        std::vector<double> rates(200, -1.0);
        step_size.fill(start, rates.size(), rates.data());
        for (std::size_t q = 0; q < rates.size(); ++q) {
            const std::int64_t t = start + static_cast<std::int64_t>(q);
            CHECK(rates[q] == 5.0 / (static_cast<double>(t) + 50.0));
            CHECK(rates[q] == descend::learning_rate(schedule, t));
        }
    }
}

TEST_CASE(schedule_step_size_fill_gives_each_step_its_own_rate_whatever_the_block) {
    // the fused loop fills rate_block rates at a time from wherever the call starts: a block
    // that crosses t = 4096 (where InvScaling's series begins) or a multiple of 64 (its anchors)
    // gives every step the rate it has alone
    const std::vector<descend::Schedule> schedules = {
        descend::InvScaling{0.01, 0.25}, descend::InvScaling{0.01, 1.5}, descend::InverseTime{5.0, 50.0},
        descend::Constant{0.3}, descend::StepDecay{0.1, 1000, 0.5}};
    for (const descend::Schedule& schedule : schedules) {
        const descend::ScheduleStepSize step_size(schedule);
        for (const std::int64_t start : {std::int64_t{0}, std::int64_t{4000}, std::int64_t{4090}, std::int64_t{123456789}})
            for (const std::size_t count : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{200}}) {
                std::vector<double> rates(count, -1.0);
                step_size.fill(start, count, rates.data());
                for (std::size_t q = 0; q < count; ++q)
                    CHECK(rates[q] == step_size(start + static_cast<std::int64_t>(q)));
            }
    }
}
