// A CSR (compressed sparse row) matrix over caller memory, as scipy.sparse.csr_matrix and
// csr_array store it, and its row operations: the same functions dense_rows.hpp provides for
// dense X, so every objective runs on sparse X without densifying. Sums are taken in double.
#pragma once

#include <cstddef>

#include "../simd.hpp"

namespace descend {

/// A read-only CSR matrix: row i holds the values data[p] at columns indices[p] for p in
/// [indptr[i], indptr[i+1]). Index is std::int32_t or std::int64_t (scipy uses int32 unless
/// the matrix is too big for it). Columns may repeat within a row (their values add up, as in
/// scipy) and need not be sorted. The view trusts its arrays: check them before building one.
template <class T, class Index>
struct CsrView {
    const T* data = nullptr;          ///< the stored values, nnz of them
    const Index* indices = nullptr;   ///< column of each stored value
    const Index* indptr = nullptr;    ///< rows + 1 offsets into data and indices
    std::size_t rows = 0;             ///< number of rows (samples)
    std::size_t cols = 0;             ///< number of columns (features)

    /// First stored entry of row i.
    std::size_t row_begin(std::size_t i) const { return static_cast<std::size_t>(indptr[i]); }
    /// One past the last stored entry of row i.
    std::size_t row_end(std::size_t i) const { return static_cast<std::size_t>(indptr[i + 1]); }
};

/// x_i . w = sum_p data[p] w[indices[p]] over the stored entries of row i.
template <class T, class Index>
double row_dot(const CsrView<T, Index>& X, std::size_t i, const T* w) {
    const std::size_t end = X.row_end(i);
    double d = 0.0;
    DESCEND_SIMD(reduction(+ : d))
    for (std::size_t p = X.row_begin(i); p < end; ++p)
        d += static_cast<double>(X.data[p]) * static_cast<double>(w[X.indices[p]]);
    return d;
}

/// g[indices[p]] += c data[p] over the stored entries of row i. (Not vectorized: a column that
/// repeats within the row would make a vector scatter lose an update.)
template <class T, class Index>
void row_axpy(const CsrView<T, Index>& X, std::size_t i, double c, double* g) {
    const std::size_t end = X.row_end(i);
    for (std::size_t p = X.row_begin(i); p < end; ++p)
        g[X.indices[p]] += c * static_cast<double>(X.data[p]);
}

/// No prefetch for CSR rows: their start is known only after reading indptr.
template <int Locality = 3, class T, class Index>
void prefetch_row(const CsrView<T, Index>&, std::size_t) {}

/// d_q = x_{i_q} . w for four rows (sparse rows gain nothing from sharing a sweep).
template <class T, class Index>
void rows_dot4(const CsrView<T, Index>& X, const std::size_t (&i)[4], const T* w,
               double (&d)[4]) {
    for (int q = 0; q < 4; ++q) d[q] = row_dot(X, i[q], w);
}

/// g += sum_q c_q x_{i_q} for four rows.
template <class T, class Index>
void rows_axpy4(const CsrView<T, Index>& X, const std::size_t (&i)[4], const double (&c)[4],
                double* g) {
    for (int q = 0; q < 4; ++q) row_axpy(X, i[q], c[q], g);
}

}  // namespace descend
