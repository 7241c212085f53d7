// Several minima: where a first-order method ends depends on where it starts (the tutorial's
// first limit of gradient descent). Value and gradient in one function, in double whatever T is.
#pragma once

#include <cmath>
#include <cstddef>

#include "landscape.hpp"

namespace descend {

/// The tutorial's picture in one variable, an asymmetric double well:
///   f(x) = x^4 / 4 + x^3 / 3 - x^2,  f'(x) = x^3 + x^2 - 2x = x (x + 2) (x - 1).
/// Global minimum f(-2) = -8/3, local minimum f(1) = -5/12, local maximum f(0) = 0 between
/// them: gradient descent started at x > 0 ends in the local minimum.
struct DoubleWell : FixedDimension<DoubleWell, 1> {
    /// f(x); writes f'(x) into g[0].
    //   f = x^4 / 4 + x^3 / 3 - x^2,  f' = x^3 + x^2 - 2x
    static double at(const double* v, double* g) {
        const double x = v[0], x2 = x * x;
        g[0] = x * (x2 + x - 2.0);
        return x2 * (0.25 * x2 + x / 3.0 - 1.0);
    }
};

/// Himmelblau's function: four global minima, all with f = 0, at (3, 2) and near
/// (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126).
struct Himmelblau : FixedDimension<Himmelblau, 2> {
    /// f(x, y); writes (df/dx, df/dy) into g.
    //   f  = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
    //   fx = 4 x (x^2 + y - 11) + 2 (x + y^2 - 7)
    //   fy = 2 (x^2 + y - 11) + 4 y (x + y^2 - 7)
    static double at(const double* v, double* g) {
        const double x = v[0], y = v[1];
        const double a = x * x + y - 11.0, b = x + y * y - 7.0;
        g[0] = 4.0 * x * a + 2.0 * b;
        g[1] = 2.0 * a + 4.0 * y * b;
        return a * a + b * b;
    }
};

/// Rastrigin's function in n variables: a bowl covered in ripples, a local minimum near every
/// integer point; the global minimum is 0 at x = 0.
struct Rastrigin : SeparableSum<Rastrigin, 1> {
    /// The term of x_i:
    //   f   = 10 n + sum_i (x_i^2 - 10 cos(2 pi x_i)) = sum_i x_i^2 + 10 (1 - cos(2 pi x_i))
    //   g_i = 2 x_i + 20 pi sin(2 pi x_i)
    double term(double xi, double& gi) const {
        constexpr double two_pi = 6.283185307179586;
        gi = 2.0 * xi + 10.0 * two_pi * std::sin(two_pi * xi);
        return xi * xi + 10.0 * (1.0 - std::cos(two_pi * xi));
    }
};

/// Ackley's function in n variables: a nearly flat outer region, many local minima, and a
/// deep funnel to the global minimum 0 at x = 0 (where f has a kink; grad is taken as 0 there).
struct Ackley : AnyDimension<1> {
    /// f(x); writes grad f(x) into grad (dim values). With r = sqrt(sum_i x_i^2 / n) and
    /// c = sum_i cos(2 pi x_i) / n:
    //   f   = -20 exp(-r / 5) - exp(c) + 20 + e  =  20 (1 - exp(-r / 5)) + (e - exp(c))
    //   g_i = 4 exp(-r / 5) x_i / (n r)  +  (2 pi / n) exp(c) sin(2 pi x_i)   (first term 0 at r = 0)
    template <class T>
    double value_and_gradient(const T* x, T* grad) const {
        constexpr double two_pi = 6.283185307179586;
        const double n = static_cast<double>(dim);
        double squares = 0.0, cosines = 0.0;
        for (std::size_t i = 0; i < dim; ++i) {
            const double xi = static_cast<double>(x[i]);
            squares += xi * xi;
            cosines += std::cos(two_pi * xi);
        }
        const double r = std::sqrt(squares / n);
        const double decay = std::exp(-0.2 * r);
        const double ripple = std::exp(cosines / n);
        const double radial = r > 0.0 ? 4.0 * decay / (n * r) : 0.0;
        const double angular = two_pi / n * ripple;
        for (std::size_t i = 0; i < dim; ++i) {
            const double xi = static_cast<double>(x[i]);
            grad[i] = static_cast<T>(radial * xi + angular * std::sin(two_pi * xi));
        }
        return 20.0 * (1.0 - decay) + (std::exp(1.0) - ripple);
    }
};

}  // namespace descend
