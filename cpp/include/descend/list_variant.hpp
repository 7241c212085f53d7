// std::variant<A, B, ...> from an X-macro list (DESCEND_RULES, DESCEND_SCHEDULES) whose
// entries each expand to ", Type": written after a leading void, which is dropped here.
#pragma once

#include <variant>

namespace descend::detail {

template <class Void, class... T>
struct variant_after_void {
    using type = std::variant<T...>;
};

}  // namespace descend::detail
