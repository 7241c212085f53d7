// What learning_rate="auto" measures on the data, on dense or CSR X without copying it:
// weighted column moments (for the feature scaling of scaled.hpp), and the smoothness of the
// objective in the scaled coordinates: the largest eigenvalue of the weighted second-moment
// matrix of the scaled, intercept-augmented rows, and the largest weighted row norm.
// All sums are taken in double.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../random.hpp"
#include "../simd.hpp"
#include "../view.hpp"
#include "batch.hpp"
#include "csr.hpp"
#include "dense_rows.hpp"
#include "scaled.hpp"

namespace descend {

/// Weighted Welford accumulators of one column: total weight, mean, sum of squared deviations.
struct RunningMoments {
    double weight = 0.0;  ///< W = sum of the weights seen
    double mean = 0.0;    ///< weighted mean of the values seen
    double m2 = 0.0;      ///< sum_i s_i (x_i - mean)^2

    /// Adds value x with weight s > 0 (West's weighted update, stable when |mean| >> spread):
    //   W += s;  d = x - mean;  mean += (s / W) d;  m2 += s d (x - mean)
    void add(double x, double s) {
        weight += s;
        const double d = x - mean;
        mean += (s / weight) * d;
        m2 += s * d * (x - mean);
    }
};

/// Weighted mean and standard deviation (population: divided by the total weight) of every
/// column of a dense X, in one pass over its rows; rows of weight 0 are skipped:
//   mean_j = sum_i s_i x_ij / sum_i s_i,   std_j = sqrt(sum_i s_i (x_ij - mean_j)^2 / sum_i s_i)
/// `mean` and `std` have X.cols entries and are overwritten. Needs a positive total weight.
template <class T>
void column_moments(const MatrixView<const T>& X, const T* sample_weight, double* mean,
                    double* std) {
    const std::size_t n = X.cols;
    std::vector<double> m2(n, 0.0);
    std::fill(mean, mean + n, 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < X.rows; ++i) {
        const double s = row_weight(sample_weight, i);
        if (!(s > 0.0)) continue;
        total += s;
        const double r = s / total;
        const T* x = X.row(i);
        // the update of RunningMoments::add, for all columns at once
        DESCEND_SIMD()
        for (std::size_t j = 0; j < n; ++j) {
            const double d = static_cast<double>(x[j]) - mean[j];
            mean[j] += r * d;
            m2[j] += s * d * (static_cast<double>(x[j]) - mean[j]);
        }
    }
    for (std::size_t j = 0; j < n; ++j) std[j] = std::sqrt(m2[j] / total);
}

/// The same for CSR X in one pass over its stored entries: each column's nonzero values (the
/// stored entries of a row summed per column, so repeated columns count once, in any order)
/// go through RunningMoments, then the group of implicit zeros (weight W - W_nz, mean 0) is
/// merged in (Chan's pairwise formula):
//   mean = W_nz mean_nz / W,   m2 = m2_nz + W_nz (W - W_nz) mean_nz^2 / W
/// Extra memory O(cols); X is never densified.
template <class T, class Index>
void column_moments(const CsrView<T, Index>& X, const T* sample_weight, double* mean,
                    double* std) {
    const std::size_t n = X.cols, none = static_cast<std::size_t>(-1);
    std::vector<RunningMoments> nonzero(n);
    std::vector<double> value(n, 0.0);
    std::vector<std::size_t> last_row(n, none), touched;
    double total = 0.0;
    for (std::size_t i = 0; i < X.rows; ++i) {
        const double s = row_weight(sample_weight, i);
        if (!(s > 0.0)) continue;
        total += s;
        touched.clear();
        for (std::size_t p = X.row_begin(i); p < X.row_end(i); ++p) {
            const auto j = static_cast<std::size_t>(X.indices[p]);
            if (last_row[j] != i) {
                last_row[j] = i;
                value[j] = 0.0;
                touched.push_back(j);
            }
            value[j] += static_cast<double>(X.data[p]);
        }
        for (const std::size_t j : touched) nonzero[j].add(value[j], s);
    }
    for (std::size_t j = 0; j < n; ++j) {
        const RunningMoments& c = nonzero[j];
        mean[j] = c.weight * c.mean / total;
        const double m2 = c.m2 + c.weight * (total - c.weight) * c.mean * c.mean / total;
        std[j] = std::sqrt(std::max(m2, 0.0) / total);
    }
}

/// What smoothness_estimate measures, in the coordinates of a FeatureScaling.
struct Smoothness {
    double lambda_max = 0.0;      ///< largest eigenvalue of X~^T S X~ / sum(s)
    double max_row_norm2 = 0.0;   ///< max_i (s_i / mean(s)) ||x~_i||^2
};

/// ||x~_i||^2 for a dense row, x~_ij = (x_ij - mu_j) / sigma_j (without the intercept's 1).
template <class T>
double scaled_row_norm2(const MatrixView<const T>& X, std::size_t i,
                        const FeatureScaling& scaling, std::vector<double>&) {
    const T* x = X.row(i);
    double sum = 0.0;
    for (std::size_t j = 0; j < X.cols; ++j) {
        const double v = (static_cast<double>(x[j]) - scaling.mu(j)) / scaling.sigma(j);
        sum += v * v;
    }
    return sum;
}

/// The same for a CSR row: its entries are summed per column into `dense` (X.cols zeros on
/// entry and on return), so repeated columns count once. Without an offset only the stored
/// columns are visited; with one, every column is (a centered row is dense).
template <class T, class Index>
double scaled_row_norm2(const CsrView<T, Index>& X, std::size_t i,
                        const FeatureScaling& scaling, std::vector<double>& dense) {
    row_axpy(X, i, 1.0, dense.data());
    double sum = 0.0;
    if (scaling.offset != nullptr) {
        for (std::size_t j = 0; j < X.cols; ++j) {
            const double v = (dense[j] - scaling.offset[j]) / scaling.sigma(j);
            sum += v * v;
        }
    } else {
        // sum_p x_p dense[c_p] / sigma^2 = sum_c (row value at c)^2 / sigma_c^2
        for (std::size_t p = X.row_begin(i); p < X.row_end(i); ++p) {
            const auto j = static_cast<std::size_t>(X.indices[p]);
            const double sigma = scaling.sigma(j);
            sum += static_cast<double>(X.data[p]) * dense[j] / (sigma * sigma);
        }
    }
    for (std::size_t p = X.row_begin(i); p < X.row_end(i); ++p)
        dense[static_cast<std::size_t>(X.indices[p])] = 0.0;
    return sum;
}

/// Default number of power iterations of smoothness_estimate.
inline constexpr std::size_t smoothness_iterations = 16;

/// The smoothness of a linear model's objective in the scaled coordinates. With
/// x~_i = (1, (x_i - mu) / sigma) (the leading 1 only with an intercept) and weights s_i:
//   H = sum_i s_i x~_i x~_i^T / sum_i s_i,   lambda_max = the largest eigenvalue of H
//   max_row_norm2 = max_i (s_i / mean(s)) ||x~_i||^2
/// The Hessian of a mean loss whose point loss has curvature <= c is <= c H (for softmax
/// c H (x) I), so c lambda_max is its smoothness constant L, and c max_row_norm2 that of the
/// worst single-row step (the batch normalization of least_squares.hpp multiplies row i's
/// gradient by s_i / mean(s)).
///
/// lambda_max comes from `iterations` power iterations v <- H v / ||H v|| from a fixed
/// pseudo-random positive start (deterministic), reporting the last Rayleigh quotient
/// v^T H v, which never exceeds the true value. Each iteration is one pass over X:
//   u_j = v_j / sigma_j,  c = v_0 - sum_j mu_j u_j       (v_0 = 0 without intercept)
//   d_i = x~_i . v = c + x_i . u
//   (H v)_0 = sum_i s_i d_i / W,  (H v)_j = (sum_i s_i d_i x_ij - mu_j sum_i s_i d_i) / (sigma_j W)
/// (the transpose of the map again, as in gradient_to_scaled). u is rounded to T for the
/// row products.
template <class T, class Matrix>
Smoothness smoothness_estimate(const Matrix& X, const T* sample_weight,
                               const FeatureScaling& scaling, bool fit_intercept,
                               std::size_t iterations = smoothness_iterations) {
    const std::size_t n = X.cols, m = X.rows;
    const std::size_t first = fit_intercept ? 1 : 0;  // v[first + j] belongs to feature j
    const double mean_weight = mean_sample_weight(sample_weight, m);
    const double total = mean_weight * static_cast<double>(m);
    Smoothness out;

    std::vector<double> scratch(n, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
        const double s = row_weight(sample_weight, i);
        if (!(s > 0.0)) continue;
        const double norm2 = (fit_intercept ? 1.0 : 0.0) + scaled_row_norm2(X, i, scaling, scratch);
        out.max_row_norm2 = std::max(out.max_row_norm2, s / mean_weight * norm2);
    }

    std::vector<double> v(first + n), hv(first + n);
    Random random(0x5ca1edULL);
    for (double& value : v) value = 0.5 + random.uniform();
    std::vector<T> u(n);
    for (std::size_t it = 0; it < iterations; ++it) {
        double norm = 0.0;
        for (const double value : v) norm += value * value;
        norm = std::sqrt(norm);
        if (!(norm > 0.0)) break;  // H v = 0: H is zero on everything reached so far
        for (double& value : v) value /= norm;
        double c = fit_intercept ? v[0] : 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double uj = v[first + j] / scaling.sigma(j);
            u[j] = static_cast<T>(uj);
            c -= scaling.mu(j) * uj;
        }
        std::fill(scratch.begin(), scratch.end(), 0.0);
        double d_sum = 0.0;
        for (std::size_t i = 0; i < m; ++i) {
            const double s = row_weight(sample_weight, i);
            if (!(s > 0.0)) continue;
            const double sd = s * (c + row_dot(X, i, u.data()));
            d_sum += sd;
            row_axpy(X, i, sd, scratch.data());
        }
        if (fit_intercept) hv[0] = d_sum / total;
        for (std::size_t j = 0; j < n; ++j)
            hv[first + j] = (scratch[j] - scaling.mu(j) * d_sum) / (scaling.sigma(j) * total);
        double rayleigh = 0.0;
        for (std::size_t q = 0; q < v.size(); ++q) rayleigh += v[q] * hv[q];
        out.lambda_max = rayleigh;
        v.swap(hv);
    }
    return out;
}

}  // namespace descend
