// The classic test landscapes of optimization, each a small value type with
//   std::size_t dimension() const;
//   template <class T> double value_and_gradient(const T* x, T* grad) const;
// (f(x) returned, grad f(x) written), and `Landscape`, any one of them chosen at run time.
#pragma once

#include <variant>

#include "bowls.hpp"
#include "multimodal.hpp"
#include "saddles.hpp"
#include "valleys.hpp"

namespace descend {

/// Any one of the test landscapes. Visit it once per call, not once per evaluation.
using Landscape = std::variant<Sphere, IllConditionedQuadratic, Booth, Rosenbrock, Beale,
                               Saddle, MonkeySaddle, DoubleWell, Himmelblau, Rastrigin, Ackley>;

}  // namespace descend
