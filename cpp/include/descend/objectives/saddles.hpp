// Saddle points: the gradient vanishes, but the point is a minimum along some directions and a
// maximum along others (the tutorial's second limit of gradient descent). Both landscapes are
// unbounded below: a run that escapes the saddle keeps going down.
#pragma once

#include <cstddef>

namespace descend {

/// The saddle x^2 - y^2: stationary at (0, 0), a minimum along x and a maximum along y.
/// Gradient descent started on the x axis (y = 0 exactly) converges to the saddle.
struct Saddle {
    /// Number of variables: 2.
    std::size_t dimension() const { return 2; }

    /// f(x, y); writes (df/dx, df/dy) into grad.
    //   f = x^2 - y^2,  fx = 2x,  fy = -2y
    template <class T>
    double value_and_gradient(const T* v, T* grad) const {
        const double x = static_cast<double>(v[0]), y = static_cast<double>(v[1]);
        grad[0] = static_cast<T>(2.0 * x);
        grad[1] = static_cast<T>(-2.0 * y);
        return x * x - y * y;
    }
};

/// The monkey saddle x^3 - 3 x y^2: stationary at (0, 0) with a zero Hessian there, and three
/// valleys (room for a monkey's two legs and its tail) going down from it.
struct MonkeySaddle {
    /// Number of variables: 2.
    std::size_t dimension() const { return 2; }

    /// f(x, y); writes (df/dx, df/dy) into grad.
    //   f = x^3 - 3 x y^2,  fx = 3 x^2 - 3 y^2,  fy = -6 x y
    template <class T>
    double value_and_gradient(const T* v, T* grad) const {
        const double x = static_cast<double>(v[0]), y = static_cast<double>(v[1]);
        grad[0] = static_cast<T>(3.0 * (x * x - y * y));
        grad[1] = static_cast<T>(-6.0 * x * y);
        return x * (x * x - 3.0 * y * y);
    }
};

}  // namespace descend
