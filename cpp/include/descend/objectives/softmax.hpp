// Multinomial logistic regression: the softmax cross-entropy of a linear model with K classes
// and its gradient, in one pass over the rows of X (dense or CSR), with a stable log-sum-exp.
//
// Layout: theta is a row-major (cols + 1) x K block. Row 0 holds the K intercepts b_k, row
// j + 1 the K coefficients of feature j, so that theta[(j + 1) * K + k] = W_jk and the logits
// of row i are z_ik = b_k + sum_j x_ij W_jk. The gradient has the same layout.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../view.hpp"
#include "batch.hpp"
#include "csr.hpp"
#include "dense_rows.hpp"
#include "validation.hpp"

namespace descend {

/// Turns the K logits z of one row into s (p - onehot(label)) in place, p = softmax(z), and
/// returns s times the row's loss, with m = max_k z_k so that no exponential overflows:
//   l = logsumexp(z) - z_label = (m - z_label) + log sum_k e^(z_k - m)    (both terms >= 0)
//   p_k = e^(z_k - m) / sum_c e^(z_c - m)
inline double softmax_row(double* z, std::size_t K, std::size_t label, double s) {
    double m = z[0];
    for (std::size_t k = 1; k < K; ++k) m = std::max(m, z[k]);
    const double z_label = z[label];
    double sum = 0.0;
    for (std::size_t k = 0; k < K; ++k) {
        z[k] = std::exp(z[k] - m);
        sum += z[k];
    }
    const double s_over_sum = s / sum;
    for (std::size_t k = 0; k < K; ++k) z[k] *= s_over_sum;
    z[label] -= s;
    return s * ((m - z_label) + std::log(sum));
}

/// The softmax objective over a data set: the weighted mean negative log-likelihood
//   l_i = logsumexp(z_i) - z_{i,y_i}
//   L(theta) = sum_i s_i l_i / sum_i s_i
//   dL/db_k  = sum_i s_i (p_ik - [k = y_i]) / sum_i s_i,   p_i = softmax(z_i)
//   dL/dW_jk = sum_i s_i (p_ik - [k = y_i]) x_ij / sum_i s_i
/// with the batch normalization of least_squares.hpp (sums over a batch B divided by
/// |B| * mean(s)). Labels are class indices 0 .. K-1.
template <class T, class Matrix = MatrixView<const T>>
struct Softmax {
    static constexpr double curvature = 0.5;  ///< bound on the eigenvalues of d2l/dz2 = diag(p) - p p^T
    Matrix X;                            ///< features, one row per sample (dense or CSR)
    const std::int64_t* y = nullptr;     ///< class index of each row, in [0, n_classes)
    const T* sample_weight = nullptr;    ///< per-sample weights, or null for all ones
    bool fit_intercept = true;           ///< false: row 0 of theta is held at its value (zero)
    double mean_weight = 1.0;            ///< mean of the sample weights over the whole set
    std::size_t n_classes = 2;           ///< K, the number of columns of theta

    /// Number of rows of X.
    std::size_t n_samples() const { return X.rows; }
    /// Length of theta: (cols + 1) x K.
    std::size_t n_params() const { return (X.cols + 1) * n_classes; }
    /// Row 0 of theta, the K intercepts, is never penalized.
    std::size_t n_intercepts() const { return n_classes; }

    /// Throws std::invalid_argument unless n_classes >= 2.
    void validate() const {
        if (n_classes < 2)
            throw std::invalid_argument("n_classes must be >= 2, got " +
                                        std::to_string(n_classes));
    }

    /// Throws std::invalid_argument unless X has its values, y is there for X's rows and
    /// mean_weight is a finite number > 0 (validation.hpp; fit() calls it).
    void validate_data() const { validate_linear_data(X, y, mean_weight); }

    /// Mean loss over the batch, and its gradient written to `grad` (n_params() doubles, the
    /// layout of theta). The coefficients are first copied class by class (W^T, K x cols), so
    /// that each logit is a plain row_dot and each gradient update a plain row_axpy over a
    /// contiguous class row: on dense X four rows at a time, as in linear_pass.hpp.
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const std::size_t K = n_classes, n = X.cols;
        std::vector<T> Wt(K * n);            // Wt[k * n + j] = W_jk
        std::vector<double> Gt(K * n, 0.0);  // Gt[k * n + j] accumulates dL/dW_jk
        std::vector<double> z(4 * K);        // logits of up to four rows, then s (p - onehot)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < K; ++k) Wt[k * n + j] = theta[(j + 1) * K + k];
        std::vector<double> b(K, 0.0);
        if (fit_intercept)
            for (std::size_t k = 0; k < K; ++k) b[k] = static_cast<double>(theta[k]);
        std::vector<double> intercept_sum(K, 0.0);
        double loss = 0.0;
        std::size_t r = 0;
        for (; r + 4 <= count; r += 4) {
            const std::size_t i[4] = {batch_row(rows, r), batch_row(rows, r + 1),
                                      batch_row(rows, r + 2), batch_row(rows, r + 3)};
            for (std::size_t k = 0; k < K; ++k) {
                double d[4];
                rows_dot4(X, i, Wt.data() + k * n, d);
                for (std::size_t q = 0; q < 4; ++q) z[q * K + k] = b[k] + d[q];
            }
            for (std::size_t q = 0; q < 4; ++q)
                loss += softmax_row(z.data() + q * K, K, static_cast<std::size_t>(y[i[q]]),
                                    row_weight(sample_weight, i[q]));
            for (std::size_t k = 0; k < K; ++k) {
                const double c[4] = {z[k], z[K + k], z[2 * K + k], z[3 * K + k]};
                intercept_sum[k] += (c[0] + c[1]) + (c[2] + c[3]);
                rows_axpy4(X, i, c, Gt.data() + k * n);
            }
        }
        for (; r < count; ++r) {
            const std::size_t i = batch_row(rows, r);
            for (std::size_t k = 0; k < K; ++k) z[k] = b[k] + row_dot(X, i, Wt.data() + k * n);
            loss += softmax_row(z.data(), K, static_cast<std::size_t>(y[i]),
                                row_weight(sample_weight, i));
            for (std::size_t k = 0; k < K; ++k) {
                intercept_sum[k] += z[k];
                row_axpy(X, i, z[k], Gt.data() + k * n);
            }
        }
        const double scale = 1.0 / (static_cast<double>(count) * mean_weight);
        for (std::size_t k = 0; k < K; ++k) grad[k] = fit_intercept ? intercept_sum[k] * scale : 0.0;
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < K; ++k) grad[(j + 1) * K + k] = Gt[k * n + j] * scale;
        return loss * scale;
    }
};

}  // namespace descend
