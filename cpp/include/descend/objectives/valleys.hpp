// Curved valleys: the minimum lies at the end of a long, narrow, bent valley, so the gradient
// points mostly across the valley instead of along it. Momentum and adaptive step sizes pay
// off here. Value and gradient in one function, computed in double whatever T is.
#pragma once

#include <cstddef>

#include "landscape.hpp"

namespace descend {

/// Rosenbrock's function in n >= 2 variables: minimum 0 at (1, ..., 1). (For 4 <= n <= 7
/// there is also a local minimum near (-1, 1, ..., 1).)
struct Rosenbrock : AnyDimension<2> {
    /// f(x); writes grad f(x) into grad (dim values). With d_i = x_{i+1} - x_i^2:
    //   f   = sum_{i=0}^{n-2} 100 d_i^2 + (1 - x_i)^2
    //   g_i = 200 d_{i-1} [i > 0]  -  (400 x_i d_i + 2 (1 - x_i)) [i < n-1]
    template <class T>
    double value_and_gradient(const T* x, T* grad) const {
        double f = 0.0;
        double from_left = 0.0;  // 200 d_{i-1}, the term of g_i from the previous pair
        for (std::size_t i = 0; i + 1 < dim; ++i) {
            const double xi = static_cast<double>(x[i]);
            const double d = static_cast<double>(x[i + 1]) - xi * xi;
            const double e = 1.0 - xi;
            f += 100.0 * d * d + e * e;
            grad[i] = static_cast<T>(from_left - 400.0 * xi * d - 2.0 * e);
            from_left = 200.0 * d;
        }
        grad[dim - 1] = static_cast<T>(from_left);
        return f;
    }
};

/// Beale's function: flat plateaus and steep ridges around one minimum, 0 at (3, 0.5).
struct Beale : FixedDimension<Beale, 2> {
    /// f(x, y); writes (df/dx, df/dy) into g. With t_k = c_k - x + x y^k, c = (1.5, 2.25, 2.625):
    //   f  = t_1^2 + t_2^2 + t_3^2
    //   fx = 2 t_1 (y - 1) + 2 t_2 (y^2 - 1) + 2 t_3 (y^3 - 1)
    //   fy = 2 t_1 x + 4 t_2 x y + 6 t_3 x y^2
    static double at(const double* v, double* g) {
        const double x = v[0], y = v[1], y2 = y * y, y3 = y2 * y;
        const double t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
        g[0] = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0));
        g[1] = 2.0 * x * (t1 + 2.0 * t2 * y + 3.0 * t3 * y2);
        return t1 * t1 + t2 * t2 + t3 * t3;
    }
};

}  // namespace descend
