// The classic test landscapes of optimization, by family. Each is a small value type with
//   std::size_t dimension() const;
//   template <class T> double value_and_gradient(const T* x, T* grad) const;
// returning f(x) and writing grad f(x), computed in double whatever T is (landscape.hpp holds
// what they share).
#pragma once

#include "bowls.hpp"       // Sphere, IllConditionedQuadratic, Booth
#include "multimodal.hpp"  // DoubleWell, Himmelblau, Rastrigin, Ackley
#include "saddles.hpp"     // Saddle, MonkeySaddle
#include "valleys.hpp"     // Rosenbrock, Beale
