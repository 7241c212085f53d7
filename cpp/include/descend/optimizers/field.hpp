// A hyperparameter of an update rule as its struct declares it, once, in a table beside its
// members (Rule::fields()): the name (the C++ member's and the Python keyword's), the member
// and what it means. Its default is the member's initializer; its bounds are checked by the
// rule's validate(). The Python binding builds the rule's type from the table.
#pragma once

namespace descend {

/// One row of a rule's field table.
template <class Rule, class T>
struct Field {
    using value_type = T;
    const char* name;  ///< the member's name, also the Python keyword and property
    T Rule::*member;   ///< the member
    const char* doc;   ///< what it means, one line
};

/// A Field row; the types are deduced from the member.
template <class Rule, class T>
constexpr Field<Rule, T> field(const char* name, T Rule::*member, const char* doc) {
    return Field<Rule, T>{name, member, doc};
}

}  // namespace descend
