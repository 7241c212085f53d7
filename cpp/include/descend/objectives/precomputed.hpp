// An objective whose loss and gradient at one theta were computed elsewhere: by the workers of
// a cluster, each over its own row chunks, then reduced to the global weighted means. The
// solver loop runs on it unchanged for one full-batch epoch (one loss_and_gradient call at
// the current iterate), so the update, penalty, schedule, averaging and stopping rules are
// exactly those of a single-machine fit. It refuses to be asked at any other theta.
#pragma once

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace descend {

/// The data term's mean loss and gradient at theta = `at`, computed elsewhere. Non-owning:
/// `at` and `gradient` (n_params() values each) must outlive every use.
template <class T>
struct Precomputed {
    std::size_t rows = 0;          ///< the global number of (training) rows the means are over
    std::size_t params = 0;        ///< length of theta
    std::size_t intercepts = 1;    ///< leading entries of theta never penalized (K)
    const T* at = nullptr;         ///< the theta the loss and gradient were computed at
    double loss = 0.0;             ///< the weighted mean data loss there
    const double* gradient = nullptr;  ///< its gradient there

    /// The global number of rows.
    std::size_t n_samples() const { return rows; }
    /// Length of theta.
    std::size_t n_params() const { return params; }
    /// Leading entries of theta holding the intercepts.
    std::size_t n_intercepts() const { return intercepts; }

    /// The precomputed loss, its gradient copied to `grad`; std::invalid_argument if theta is
    /// not bit for bit the theta they were computed at (or a batch other than all rows).
    double loss_and_gradient(const std::size_t* batch, std::size_t count, const T* theta,
                             double* grad) const {
        if (batch != nullptr || count != rows)
            throw std::invalid_argument("precomputed sums hold the full batch only");
        if (std::memcmp(theta, at, params * sizeof(T)) != 0)
            throw std::invalid_argument(
                "the loss and gradient were computed at another theta than the solver's");
        std::memcpy(grad, gradient, params * sizeof(double));
        return loss;
    }
};

}  // namespace descend
