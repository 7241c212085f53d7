// Any update rule, chosen at run time: dispatch happens once per step, never per element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>

#include "adagrad.hpp"
#include "adam.hpp"
#include "adamax.hpp"
#include "adamw.hpp"
#include "finite.hpp"
#include "lion.hpp"
#include "nadam.hpp"
#include "radam.hpp"
#include "rmsprop.hpp"
#include "sgd.hpp"

namespace descend {

/// The largest step count t an update rule is given: 2^53, beyond which t is no longer exact
/// as the double the rules raise betas to (beta^t). Callers refuse larger counts instead of
/// letting t + 1 wrap around (at a billion steps a second, 2^53 steps take 285 years).
inline constexpr std::int64_t max_step = std::int64_t{1} << 53;

/// One of the update rules; each alternative holds its hyperparameters.
using Optimizer = std::variant<SGD, Adam, Adagrad, RMSprop, AdamW, NAdam, RAdam, Adamax, Lion>;

/// Number of state arrays (each the size of the parameter) the rule needs.
inline std::size_t state_slots(const Optimizer& optimizer) {
    return std::visit([](const auto& rule) { return rule.state_slots(); }, optimizer);
}

/// One step of `optimizer` with learning rate `lr` (overriding the rule's own lr).
template <class T>
void optimizer_step(const Optimizer& optimizer, double lr, T* param, const T* grad,
                    T* const* state, std::size_t n, std::int64_t step) {
    std::visit(
        [&](const auto& rule) {
            auto scheduled = rule;
            scheduled.lr = lr;
            scheduled.step(param, grad, state, n, step);
        },
        optimizer);
}

}  // namespace descend
