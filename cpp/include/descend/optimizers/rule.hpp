// What every update rule says in the same words, written once. A rule R derives from
// UpdateRule<R> (or BiasCorrectedRule<R>) and declares only what is its own:
// - its hyperparameters, as members whose initializers are the defaults;
// - fields(), their table (field.hpp: name, member, meaning, bounds, each once; rows.hpp holds
//   the rows several rules share); the Python type is made from it;
// - state_names, the names of its state slots in slot order (torch's state keys);
// - step(param, grad, state, n, step), one step over n parameters, where `step` = t counts
//   the steps including this one (1 on the first), with the formula in a comment above it.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>

#include "field.hpp"
#include "rows.hpp"

namespace descend {

template <class Rule>
struct UpdateRule {
    /// Throws std::invalid_argument naming the first impossible hyperparameter.
    void validate() const { check_fields(rule()); }

    /// Number of state arrays this configuration needs (each the size of the parameter): one
    /// per state name, unless the rule needs fewer in some configurations (it then says so).
    std::size_t state_slots() const { return Rule::state_names.size(); }

    /// Name of state slot k.
    const char* state_name(std::size_t k) const { return Rule::state_names[k]; }

  protected:
    const Rule& rule() const { return static_cast<const Rule&>(*this); }
};

/// A rule with the bias corrections 1 - beta1^t and 1 - beta2^t. It declares
/// step(param, grad, state, n, step, beta1_t, beta2_t), given beta1^t and beta2^t (a loop keeps
/// them as running products, bias_powers.hpp), and `using BiasCorrectedRule<R>::step;` for the
/// step below, which takes them from std::pow as torch does.
template <class Rule>
struct BiasCorrectedRule : UpdateRule<Rule> {
    template <class T>
    void step(T* param, const T* grad, T* const* state, std::size_t n, std::int64_t step) const {
        const Rule& r = this->rule();
        const double t = static_cast<double>(step);
        r.step(param, grad, state, n, step, std::pow(r.beta1, t), std::pow(r.beta2, t));
    }
};

}  // namespace descend
