// Convex bowls: landscapes with a single minimum, where first-order methods differ only in
// speed. The sphere is the easy case, the ill-conditioned quadratic the hard one (gradient
// descent must take steps below 2 / kappa and then crawls along the flat axis), Booth a tilted
// 2-D quadratic. Every landscape computes its value and gradient in one function, in double
// whatever T is; the gradient is written as T.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "landscape.hpp"

namespace descend {

/// f(x) = sum_i x_i^2: minimum 0 at x = 0.
struct Sphere : SeparableSum<Sphere, 1> {
    /// f_i = x_i^2, g_i = 2 x_i
    double term(double xi, double& gi) const {
        gi = 2.0 * xi;
        return xi * xi;
    }
};

/// f(x) = 1/2 sum_i c_i x_i^2 with curvatures c_i spaced evenly from 1 to kappa: a quadratic
/// whose Hessian diag(c) has condition number kappa. Minimum 0 at x = 0.
struct IllConditionedQuadratic {
    std::size_t dim = 2;       ///< number of variables
    double condition = 100.0;  ///< kappa = c_max / c_min

    /// Throws std::invalid_argument unless dim >= 1 and 1 <= condition < infinity.
    void validate() const {
        if (dim < 1) throw std::invalid_argument("dim must be >= 1");
        if (!(condition >= 1.0 && std::isfinite(condition)))
            throw std::invalid_argument("condition must be a finite number >= 1");
    }
    /// Number of variables.
    std::size_t dimension() const { return dim; }

    /// c_i = 1 + (kappa - 1) i / (dim - 1), so c_0 = 1 and c_{dim-1} = kappa (c_0 = 1 if dim = 1).
    double curvature(std::size_t i) const {
        return dim > 1 ? 1.0 + (condition - 1.0) * static_cast<double>(i) /
                                   static_cast<double>(dim - 1)
                       : 1.0;
    }

    /// f(x); writes grad f(x) into grad (dim values).
    //   f   = 1/2 sum_i c_i x_i^2
    //   g_i = c_i x_i
    template <class T>
    double value_and_gradient(const T* x, T* grad) const {
        double f = 0.0;
        for (std::size_t i = 0; i < dim; ++i) {
            const double xi = static_cast<double>(x[i]);
            const double gi = curvature(i) * xi;
            f += 0.5 * gi * xi;
            grad[i] = static_cast<T>(gi);
        }
        return f;
    }
};

/// Booth's function, a tilted 2-D quadratic: minimum 0 at (1, 3).
struct Booth : FixedDimension<Booth, 2> {
    /// f(x, y); writes (df/dx, df/dy) into g.
    //   f  = (x + 2y - 7)^2 + (2x + y - 5)^2
    //   fx = 2 (x + 2y - 7) + 4 (2x + y - 5)
    //   fy = 4 (x + 2y - 7) + 2 (2x + y - 5)
    static double at(const double* v, double* g) {
        const double a = v[0] + 2.0 * v[1] - 7.0, b = 2.0 * v[0] + v[1] - 5.0;
        g[0] = 2.0 * a + 4.0 * b;
        g[1] = 4.0 * a + 2.0 * b;
        return a * a + b * b;
    }
};

}  // namespace descend
