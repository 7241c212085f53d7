// A field of an update rule or a schedule as its struct declares it, once, in a table beside
// its members (Owner::fields()): the name (the C++ member's and the Python keyword's), the
// member, what it means, and how Python passes it. Its default is the member's initializer;
// its bounds are checked by the struct's validate(). The Python bindings build the type
// (constructor, properties, repr, equality, pickling) from the table.
#pragma once

namespace descend {

/// How a field is passed to the Python constructor.
enum class FieldKind {
    option,    ///< a keyword with the member's default (positional too, for schedules)
    required,  ///< a parameter without default
    keyword,   ///< a keyword-only parameter with the member's default
    state,     ///< not a parameter: state the object changes itself (copied, compared, pickled)
};

/// One row of a field table.
template <class Owner, class T, FieldKind Kind = FieldKind::option>
struct Field {
    using value_type = T;
    static constexpr FieldKind kind = Kind;
    const char* name;  ///< the member's name, also the Python keyword and property
    T Owner::*member;  ///< the member
    const char* doc;   ///< what it means, one line
};

/// A field with the member's default; the types are deduced from the member.
template <class Owner, class T>
constexpr Field<Owner, T> field(const char* name, T Owner::*member, const char* doc) {
    return {name, member, doc};
}

/// A field the Python constructor requires.
template <class Owner, class T>
constexpr Field<Owner, T, FieldKind::required> required_field(const char* name, T Owner::*member,
                                                              const char* doc) {
    return {name, member, doc};
}

/// A keyword-only field with the member's default.
template <class Owner, class T>
constexpr Field<Owner, T, FieldKind::keyword> keyword_field(const char* name, T Owner::*member,
                                                            const char* doc) {
    return {name, member, doc};
}

/// A state field: set by the object itself, not by its constructor.
template <class Owner, class T>
constexpr Field<Owner, T, FieldKind::state> state_field(const char* name, T Owner::*member,
                                                        const char* doc) {
    return {name, member, doc};
}

}  // namespace descend
