// L-BFGS for full-batch fits of a smooth objective: the limited-memory BFGS approximation H of
// the inverse Hessian, kept as the last `memory` curvature pairs
//   s_k = theta_{k+1} - theta_k,   y_k = g_{k+1} - g_k,   rho_k = 1 / (s_k . y_k)
// and applied to a gradient by the two-loop recursion (Nocedal & Wright, Numerical
// Optimization, Algorithm 7.4), with H_0 = gamma I, gamma = s.y / y.y of the newest pair.
// Each iteration steps along d = -H g with a backtracking (Armijo) line search:
//   F(theta + a d) <= F(theta) + c1 a (g . d),   a = 1, 1/2, 1/4, ...
// First-order information only (F and g), but the curvature the pairs collect makes
// ill-conditioned problems (a logistic regression with a small l2 penalty on nearly separable
// classes: condition numbers in the tens of thousands) converge in tens of iterations where
// gradient descent needs thousands.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

namespace descend {

/// The curvature pairs of an L-BFGS run (the newest `memory` of them).
struct CurvaturePairs {
    static constexpr std::size_t memory = 10;  ///< pairs kept (scipy's L-BFGS-B keeps 10)
    std::vector<double> s, y;                  ///< memory blocks of n values each, a ring
    std::array<double, memory> rho{};          ///< 1 / (s_k . y_k)
    std::size_t count = 0;                     ///< pairs held (<= memory)
    std::size_t newest = 0;                    ///< the ring slot of the newest pair

    /// Forget every pair (the next direction is steepest descent).
    void clear() { count = 0; }

    /// Add the pair of a step from `from` to `to`, where the gradients were g_from and g_to (n
    /// values each). A pair whose s . y is not positive (no curvature along s: H would not
    /// stay positive definite) is not kept; returns whether it was.
    template <class T>
    bool push(const T* from, const T* to, const double* g_from, const double* g_to,
              std::size_t n) {
        if (s.size() != memory * n) {
            s.assign(memory * n, 0.0);
            y.assign(memory * n, 0.0);
            count = 0;
        }
        const std::size_t slot = count == 0 ? 0 : (newest + 1) % memory;
        double* s_k = s.data() + slot * n;
        double* y_k = y.data() + slot * n;
        double sy = 0.0, yy = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            s_k[j] = static_cast<double>(to[j]) - static_cast<double>(from[j]);
            y_k[j] = g_to[j] - g_from[j];
            sy += s_k[j] * y_k[j];
            yy += y_k[j] * y_k[j];
        }
        if (!(sy > std::numeric_limits<double>::epsilon() * yy) || !std::isfinite(sy)) return false;
        rho[slot] = 1.0 / sy;
        newest = slot;
        if (count < memory) ++count;
        return true;
    }

    /// d = -H g (n values), H from the pairs held; without pairs, H = initial_scale I.
    //   q = g;  for k newest .. oldest: a_k = rho_k s_k . q,  q -= a_k y_k
    //   r = gamma q;  for k oldest .. newest: b = rho_k y_k . r,  r += (a_k - b) s_k;  d = -r
    void direction(const double* g, double* d, std::size_t n, double initial_scale) const {
        for (std::size_t j = 0; j < n; ++j) d[j] = g[j];
        std::array<double, memory> a{};
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t k = (newest + memory - i) % memory;
            const double* s_k = s.data() + k * n;
            const double* y_k = y.data() + k * n;
            double sq = 0.0;
            for (std::size_t j = 0; j < n; ++j) sq += s_k[j] * d[j];
            a[k] = rho[k] * sq;
            for (std::size_t j = 0; j < n; ++j) d[j] -= a[k] * y_k[j];
        }
        double gamma = initial_scale;
        if (count > 0) {
            const double* y_k = y.data() + newest * n;
            double yy = 0.0;
            for (std::size_t j = 0; j < n; ++j) yy += y_k[j] * y_k[j];
            gamma = 1.0 / (rho[newest] * yy);
        }
        for (std::size_t j = 0; j < n; ++j) d[j] *= gamma;
        for (std::size_t i = count; i-- > 0;) {
            const std::size_t k = (newest + memory - i) % memory;
            const double* s_k = s.data() + k * n;
            const double* y_k = y.data() + k * n;
            double yr = 0.0;
            for (std::size_t j = 0; j < n; ++j) yr += y_k[j] * d[j];
            const double b = rho[k] * yr;
            for (std::size_t j = 0; j < n; ++j) d[j] += (a[k] - b) * s_k[j];
        }
        for (std::size_t j = 0; j < n; ++j) d[j] = -d[j];
    }
};

/// The Armijo constant c1 of the line search (the customary 1e-4).
inline constexpr double armijo_c1 = 1e-4;
/// Halvings of the step before the line search gives up on a direction.
inline constexpr int max_halvings = 60;

/// One L-BFGS iteration from theta (n values of T), where F = f and its gradient is `grad`:
/// the direction from `pairs` (steepest descent scaled by initial_scale without pairs, or when
/// the pairs' direction is not a descent direction), then the backtracking line search, each
/// trial point scored by evaluate(const T* at, double* grad_at) -> F(at) (a NaN or infinity in
/// F or its gradient counts as no decrease). On success theta, grad and f are those of the
/// accepted point, the pair is added, and it returns true. If no step along steepest descent lowers F (a step
/// below the resolution of theta, or 60 halvings), theta is a numerical minimum: it returns
/// false with theta, grad and f as they were and the pairs cleared. trial, direction and
/// trial_grad are scratch space of n values.
template <class T, class Evaluate>
bool lbfgs_iteration(CurvaturePairs& pairs, T* theta, std::vector<double>& grad, double& f,
                     double initial_scale, const Evaluate& evaluate, std::vector<T>& trial,
                     std::vector<double>& direction, std::vector<double>& trial_grad) {
    const std::size_t n = grad.size();
    for (int attempt = 0; attempt < 2; ++attempt) {
        pairs.direction(grad.data(), direction.data(), n, initial_scale);
        double slope = 0.0;  // g . d
        for (std::size_t j = 0; j < n; ++j) slope += grad[j] * direction[j];
        if (!(slope < 0.0)) {
            if (pairs.count == 0) return false;  // g = 0 (or not finite): nothing to descend
            pairs.clear();
            continue;
        }
        double a = 1.0;
        for (int halving = 0; halving <= max_halvings; ++halving, a *= 0.5) {
            bool moved = false;
            for (std::size_t j = 0; j < n; ++j) {
                trial[j] = static_cast<T>(static_cast<double>(theta[j]) + a * direction[j]);
                moved = moved || trial[j] != theta[j];
            }
            if (!moved) break;  // the step is below theta's resolution
            const double trial_f = evaluate(static_cast<const T*>(trial.data()), trial_grad.data());
            bool finite = std::isfinite(trial_f);
            for (std::size_t j = 0; j < n && finite; ++j) finite = std::isfinite(trial_grad[j]);
            if (finite && trial_f <= f + armijo_c1 * a * slope) {
                pairs.push(theta, trial.data(), grad.data(), trial_grad.data(), n);
                std::memcpy(theta, trial.data(), n * sizeof(T));
                grad.swap(trial_grad);
                f = trial_f;
                return true;
            }
        }
        if (pairs.count == 0) return false;
        pairs.clear();  // the pairs led nowhere: try steepest descent once
    }
    return false;
}

}  // namespace descend
