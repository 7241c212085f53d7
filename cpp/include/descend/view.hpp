// Non-owning views over caller memory: a contiguous vector and a row-major matrix.
// A view never allocates, never copies and never outlives the buffer it points to.
#pragma once

#include <cstddef>

namespace descend {

/// A contiguous run of `size` elements starting at `data`.
template <class T>
struct VectorView {
    T* data = nullptr;        ///< first element
    std::size_t size = 0;     ///< number of elements

    /// Element i (unchecked).
    T& operator[](std::size_t i) const { return data[i]; }
    /// Pointer to the first element, for range-for and algorithms.
    T* begin() const { return data; }
    /// Pointer one past the last element.
    T* end() const { return data + size; }
};

/// A dense row-major matrix: element (i, j) lives at data[i * cols + j].
template <class T>
struct MatrixView {
    T* data = nullptr;        ///< element (0, 0)
    std::size_t rows = 0;     ///< number of rows (samples)
    std::size_t cols = 0;     ///< number of columns (features)

    /// Pointer to the first element of row i.
    T* row(std::size_t i) const { return data + i * cols; }
    /// Element (i, j) (unchecked).
    T& operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
};

}  // namespace descend
