// The rows of the field tables (field.hpp) that several update rules share, each written once:
// rule R's table lists rows::lr<R>() where it would spell the row out.
#pragma once

#include <tuple>

#include "field.hpp"

namespace descend::rows {

template <class R>
constexpr auto lr() {
    return field("lr", &R::lr, "step size gamma", nonnegative_number);
}

template <class R>
constexpr auto eps() {
    return field("eps", &R::eps, "added to the denominator", positive_number);
}

template <class R>
constexpr auto maximize() {
    return field("maximize", &R::maximize, "ascend instead of descend");
}

/// weight_decay as a penalty lambda theta added to the gradient.
template <class R>
constexpr auto l2_weight_decay() {
    return field("weight_decay", &R::weight_decay, "lambda (L2 penalty added to the gradient)",
                 nonnegative_number);
}

/// The rows the Adam family (Adam, AdamW, NAdam, RAdam) starts with: lr, beta1, beta2, eps.
template <class R>
constexpr auto adam_moments() {
    return std::make_tuple(lr<R>(), field("beta1", &R::beta1, "decay of the first moment", below_one),
                           field("beta2", &R::beta2, "decay of the second moment", below_one),
                           eps<R>());
}

/// decoupled_weight_decay of NAdam and RAdam.
template <class R>
constexpr auto decoupled_weight_decay() {
    return field("decoupled_weight_decay", &R::decoupled_weight_decay,
                 "shrink theta by gamma lambda instead of L2");
}

}  // namespace descend::rows
