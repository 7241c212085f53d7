// What the test landscapes (landscapes.hpp) share, written once: the size of those in any
// number of variables, the loop of those that are a sum over their variables, and the
// conversions of those in a fixed number. Each landscape then holds only its formula.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace descend {

/// The size of a landscape in any number of variables, at least Min: the base of Sphere,
/// Rosenbrock, Rastrigin and Ackley. An aggregate, so `Sphere{3}` sets dim.
template <std::size_t Min>
struct AnyDimension {
    std::size_t dim = 2;  ///< number of variables

    /// Throws std::invalid_argument unless dim >= Min.
    void validate() const {
        if (dim < Min) throw std::invalid_argument("dim must be >= " + std::to_string(Min));
    }
    /// Number of variables.
    std::size_t dimension() const { return dim; }
};

/// A landscape that is a sum of one term per variable, f(x) = sum_i f_i(x_i), in at least Min
/// variables (Sphere, Rastrigin). Landscape derives from SeparableSum<Landscape, Min> and
/// declares
///   double term(double xi, double& gi) const;   // f_i(x_i), and f_i'(x_i) written to gi
template <class Landscape, std::size_t Min>
struct SeparableSum : AnyDimension<Min> {
    /// f(x); writes grad f(x) into grad (dim values).
    //   f   = sum_i f_i(x_i)
    //   g_i = f_i'(x_i)
    template <class T>
    double value_and_gradient(const T* x, T* grad) const {
        const Landscape& landscape = static_cast<const Landscape&>(*this);
        double f = 0.0;
        for (std::size_t i = 0; i < this->dim; ++i) {
            double gi = 0.0;
            f += landscape.term(static_cast<double>(x[i]), gi);
            grad[i] = static_cast<T>(gi);
        }
        return f;
    }
};

/// A landscape in exactly N variables (DoubleWell, Booth, Beale, Himmelblau, the saddles).
/// Landscape derives from FixedDimension<Landscape, N> and declares
///   static double at(const double* x, double* g);   // f(x), and grad f(x) written to g
/// over N doubles; value_and_gradient converts x to double and the gradient back to T.
template <class Landscape, std::size_t N>
struct FixedDimension {
    /// Number of variables: N.
    std::size_t dimension() const { return N; }

    /// f(x); writes grad f(x) into grad (N values).
    template <class T>
    double value_and_gradient(const T* x, T* grad) const {
        double point[N], g[N];
        for (std::size_t i = 0; i < N; ++i) point[i] = static_cast<double>(x[i]);
        const double f = Landscape::at(point, g);
        for (std::size_t i = 0; i < N; ++i) grad[i] = static_cast<T>(g[i]);
        return f;
    }
};

}  // namespace descend
