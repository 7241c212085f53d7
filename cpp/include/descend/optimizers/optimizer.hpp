// Any update rule, chosen at run time: dispatch happens once per step, never per element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>

#include "../list_variant.hpp"
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

/// The rule list: each update rule once, as X(type, name, reference), with the lower-case name
/// of its Python kernels (<name>_step, <name>_step_groups) and the implementation whose
/// hyperparameter names and defaults it follows. The Optimizer variant below and the Python
/// bindings (cpp/bindings/register_optimizers.cpp) are made from it; adding a rule is its
/// header, its #include above and one line here.
#define DESCEND_RULES(X)                       \
    X(SGD, sgd, "torch.optim.SGD")             \
    X(Adam, adam, "torch.optim.Adam")          \
    X(Adagrad, adagrad, "torch.optim.Adagrad") \
    X(RMSprop, rmsprop, "torch.optim.RMSprop") \
    X(AdamW, adamw, "torch.optim.AdamW")       \
    X(NAdam, nadam, "torch.optim.NAdam")       \
    X(RAdam, radam, "torch.optim.RAdam")       \
    X(Adamax, adamax, "torch.optim.Adamax")    \
    X(Lion, lion, "lion-pytorch")

/// One of the update rules of DESCEND_RULES; each alternative holds its hyperparameters.
#define DESCEND_RULE_TYPE(Rule, name, reference) , Rule
using Optimizer = detail::variant_after_void<void DESCEND_RULES(DESCEND_RULE_TYPE)>::type;
#undef DESCEND_RULE_TYPE

/// Number of state arrays (each the size of the parameter) the rule needs.
inline std::size_t state_slots(const Optimizer& optimizer) {
    return std::visit([](const auto& rule) { return rule.state_slots(); }, optimizer);
}

/// One step of `optimizer` with learning rate `lr` (overriding the rule's own lr). Plain SGD,
/// the rule of most fits, is taken inline before the variant's dispatch: that cut a small
/// full-batch epoch (the tutorial's 100 x 1, in a loop like benchmarks/cpp/epoch_overhead.cpp's
/// GD case, under callgrind) from 887 to 828 instructions.
template <class T>
void optimizer_step(const Optimizer& optimizer, double lr, T* param, const T* grad,
                    T* const* state, std::size_t n, std::int64_t step) {
    auto step_with = [&](const auto& rule) {
        auto scheduled = rule;
        scheduled.lr = lr;
        scheduled.step(param, grad, state, n, step);
    };
    if (const SGD* sgd = std::get_if<SGD>(&optimizer)) return step_with(*sgd);
    std::visit(step_with, optimizer);
}

}  // namespace descend
