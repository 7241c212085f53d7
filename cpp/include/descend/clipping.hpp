// Gradient clipping, with the semantics of torch.nn.utils.clip_grad_norm_ and clip_grad_value_:
// rescale several gradient arrays together so that their global p-norm is at most max_norm,
// or clamp every element into [-clip_value, clip_value]. In place, float32 or float64.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

#include "simd.hpp"
#include "view.hpp"

namespace descend {

/// The p-norm of several arrays taken together, as if they were one concatenated vector:
/// add() each array, then read total(). Accumulates in double.
class GlobalNorm {
public:
    /// p > 0, or infinity for the max-norm.
    explicit GlobalNorm(double norm_type) : p_(norm_type) {}

    /// Adds the n elements of x to the norm.
    template <class T>
    void add(const T* x, std::size_t n) {
        if (std::isinf(p_)) {
            // largest = max_i |x_i|; any NaN makes the norm NaN
            double largest = accumulated_;
            int nan = 0;
            DESCEND_SIMD(reduction(max : largest) reduction(| : nan))
            for (std::size_t i = 0; i < n; ++i) {
                const double a = std::fabs(static_cast<double>(x[i]));
                largest = a > largest ? a : largest;
                nan |= a != a;
            }
            accumulated_ = largest;
            nan_ |= nan != 0;
        } else if (p_ == 2.0) {
            // sum_i x_i^2
            double sum = 0.0;
            DESCEND_SIMD(reduction(+ : sum))
            for (std::size_t i = 0; i < n; ++i) {
                const double v = static_cast<double>(x[i]);
                sum += v * v;
            }
            accumulated_ += sum;
        } else if (p_ == 1.0) {
            // sum_i |x_i|
            double sum = 0.0;
            DESCEND_SIMD(reduction(+ : sum))
            for (std::size_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(x[i]));
            accumulated_ += sum;
        } else {
            // sum_i |x_i|^p
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) sum += std::pow(std::fabs(static_cast<double>(x[i])), p_);
            accumulated_ += sum;
        }
    }

    /// (sum_i |x_i|^p)^(1/p) over everything added, or max_i |x_i| for p = inf (0 if empty).
    double total() const {
        if (std::isinf(p_)) return nan_ ? std::numeric_limits<double>::quiet_NaN() : accumulated_;
        if (p_ == 2.0) return std::sqrt(accumulated_);
        if (p_ == 1.0) return accumulated_;
        return std::pow(accumulated_, 1.0 / p_);
    }

private:
    double p_;                   // the order of the norm
    double accumulated_ = 0.0;   // sum of |x_i|^p so far, or the largest |x_i| for p = inf
    bool nan_ = false;           // a NaN was seen (p = inf only; sums carry NaN themselves)
};

/// x_i = factor * x_i for i < n (factor rounded to T once).
template <class T>
void scale_in_place(T* x, std::size_t n, double factor) {
    const T f = static_cast<T>(factor);
    for (std::size_t i = 0; i < n; ++i) x[i] *= f;
}

/// Hyperparameters of clipping by global norm (torch.nn.utils.clip_grad_norm_).
struct ClipGradNorm {
    double max_norm = 1.0;   ///< largest norm let through unchanged; inf measures without clipping
    double norm_type = 2.0;  ///< p of the p-norm, > 0, or inf

    /// Throws std::invalid_argument naming the first impossible parameter.
    void validate() const {
        if (!(max_norm >= 0.0)) throw std::invalid_argument("max_norm must be >= 0");
        if (!(norm_type > 0.0)) throw std::invalid_argument("norm_type must be > 0 or inf");
    }
    /// The factor the gradients are multiplied by, given their total norm:
    //   coef = max_norm / (total_norm + 1e-6), applied unless coef >= 1 (so a NaN norm gives
    //   NaN gradients, and an infinite one a factor 0: finite entries become 0, infinite ones
    //   NaN (inf * 0), exactly as torch with error_if_nonfinite=False)
    double factor(double total_norm) const {
        const double coef = max_norm / (total_norm + 1e-6);
        return coef >= 1.0 ? 1.0 : coef;
    }
};

/// Rescales the `count` arrays together so that their global norm is at most clip.max_norm;
/// returns their total norm before clipping.
template <class T>
double clip_grad_norm(const VectorView<T>* grads, std::size_t count, const ClipGradNorm& clip) {
    GlobalNorm norm(clip.norm_type);
    for (std::size_t k = 0; k < count; ++k) norm.add(grads[k].data, grads[k].size);
    const double total = norm.total();
    const double factor = clip.factor(total);
    if (factor != 1.0)
        for (std::size_t k = 0; k < count; ++k) scale_in_place(grads[k].data, grads[k].size, factor);
    return total;
}

/// Clipping every element into [-clip_value, clip_value] (torch.nn.utils.clip_grad_value_).
struct ClipGradValue {
    double clip_value = 1.0;  ///< the bound, >= 0 (inf leaves the values as they are)

    /// Throws std::invalid_argument unless clip_value >= 0.
    void validate() const {
        if (!(clip_value >= 0.0)) throw std::invalid_argument("clip_value must be >= 0");
    }
    /// Clamps the n elements of x in place; NaN stays NaN.
    //   x_i = min(max(x_i, -c), c)
    template <class T>
    void apply(T* x, std::size_t n) const {
        const T high = static_cast<T>(clip_value);
        const T low = -high;
        for (std::size_t i = 0; i < n; ++i) x[i] = std::min(std::max(x[i], low), high);
    }
};

/// Clamps every element of the `count` arrays into [-clip.clip_value, clip.clip_value].
template <class T>
void clip_grad_value(const VectorView<T>* grads, std::size_t count, const ClipGradValue& clip) {
    for (std::size_t k = 0; k < count; ++k) clip.apply(grads[k].data, grads[k].size);
}

}  // namespace descend
