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
#include <vector>

#include "../view.hpp"
#include "batch.hpp"
#include "csr.hpp"
#include "dense_rows.hpp"

namespace descend {

/// The softmax objective over a data set: the weighted mean negative log-likelihood
//   l_i = logsumexp(z_i) - z_{i,y_i} = (m_i - z_{i,y_i}) + log sum_k e^(z_ik - m_i),
//         m_i = max_k z_ik                        (no term overflows, every term >= 0)
//   L(theta) = sum_i s_i l_i / sum_i s_i
//   dL/db_k  = sum_i s_i (p_ik - [k = y_i]) / sum_i s_i,  p_ik = e^(z_ik - m_i) / sum_c e^(z_ic - m_i)
//   dL/dW_jk = sum_i s_i (p_ik - [k = y_i]) x_ij / sum_i s_i
/// with the batch normalization of least_squares.hpp (sums over a batch B divided by
/// |B| * mean(s)). Labels are class indices 0 .. K-1.
template <class T, class Matrix = MatrixView<const T>>
struct Softmax {
    Matrix X;                            ///< features, one row per sample (dense or CSR)
    const std::int64_t* y = nullptr;     ///< class index of each row, in [0, n_classes)
    const T* sample_weight = nullptr;    ///< per-sample weights, or null for all ones
    bool fit_intercept = true;           ///< false: row 0 of theta is held at its value (zero)
    double mean_weight = 1.0;            ///< mean of the sample weights over the whole set
    std::size_t n_classes = 2;           ///< K, the number of columns of theta

    std::size_t n_samples() const { return X.rows; }
    std::size_t n_params() const { return (X.cols + 1) * n_classes; }
    /// Row 0 of theta, the K intercepts, is never penalized.
    std::size_t n_intercepts() const { return n_classes; }

    /// Mean loss over the batch, and its gradient written to `grad` (n_params() doubles, the
    /// layout of theta).
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const T* theta,
                             double* grad) const {
        const std::size_t K = n_classes;
        std::fill(grad, grad + n_params(), 0.0);
        // per-row scratch: the logits, then s_i (p_ik - [k = y_i]); on the stack up to 64 classes
        constexpr std::size_t stack_classes = 64;
        double stack[stack_classes];
        std::vector<double> heap(K > stack_classes ? K : 0);
        double* z = K > stack_classes ? heap.data() : stack;
        const T* W = theta + K;
        double* G = grad + K;
        double loss = 0.0;
        for (std::size_t r = 0; r < count; ++r) {
            const std::size_t i = batch_row(rows, r);
            const std::size_t label = static_cast<std::size_t>(y[i]);
            for (std::size_t k = 0; k < K; ++k) z[k] = fit_intercept ? static_cast<double>(theta[k]) : 0.0;
            row_dot_columns(X, i, W, K, z);
            double m = z[0];
            for (std::size_t k = 1; k < K; ++k) m = std::max(m, z[k]);
            const double z_label = z[label];
            double sum = 0.0;
            for (std::size_t k = 0; k < K; ++k) {
                z[k] = std::exp(z[k] - m);
                sum += z[k];
            }
            const double s = row_weight(sample_weight, i);
            loss += s * ((m - z_label) + std::log(sum));
            const double s_over_sum = s / sum;
            for (std::size_t k = 0; k < K; ++k) z[k] *= s_over_sum;
            z[label] -= s;
            if (fit_intercept)
                for (std::size_t k = 0; k < K; ++k) grad[k] += z[k];
            row_outer_axpy(X, i, z, K, G);
        }
        const double scale = 1.0 / (static_cast<double>(count) * mean_weight);
        for (std::size_t j = 0; j < n_params(); ++j) grad[j] *= scale;
        return loss * scale;
    }
};

}  // namespace descend
