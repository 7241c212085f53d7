// Saddle points: the gradient vanishes, but the point is a minimum along some directions and a
// maximum along others (the tutorial's second limit of gradient descent). Both landscapes are
// unbounded below: a run that escapes the saddle keeps going down.
#pragma once

#include "landscape.hpp"

namespace descend {

/// The saddle x^2 - y^2: stationary at (0, 0), a minimum along x and a maximum along y.
/// Gradient descent started on the x axis (y = 0 exactly) converges to the saddle.
struct Saddle : FixedDimension<Saddle, 2> {
    /// f(x, y); writes (df/dx, df/dy) into g.
    //   f = x^2 - y^2,  fx = 2x,  fy = -2y
    static double at(const double* v, double* g) {
        g[0] = 2.0 * v[0];
        g[1] = -2.0 * v[1];
        return v[0] * v[0] - v[1] * v[1];
    }
};

/// The monkey saddle x^3 - 3 x y^2: stationary at (0, 0) with a zero Hessian there, and three
/// valleys (room for a monkey's two legs and its tail) going down from it.
struct MonkeySaddle : FixedDimension<MonkeySaddle, 2> {
    /// f(x, y); writes (df/dx, df/dy) into g.
    //   f = x^3 - 3 x y^2,  fx = 3 x^2 - 3 y^2,  fy = -6 x y
    static double at(const double* v, double* g) {
        const double x = v[0], y = v[1];
        g[0] = 3.0 * (x * x - y * y);
        g[1] = -6.0 * x * y;
        return x * (x * x - 3.0 * y * y);
    }
};

}  // namespace descend
