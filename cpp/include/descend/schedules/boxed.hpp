// A value on the heap with the semantics of a plain value, so that a type can hold another
// of its own kind (a schedule wrapping a schedule) without pointers showing.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace descend {

/// Owns one T on the heap; copying a Boxed copies the T (deep copy). A Boxed is never empty,
/// except once moved from: moving takes the other's T without copying it (and cannot throw, so
/// that a std::vector of schedules, or of what holds one, moves its elements as it grows),
/// leaving the other fit only to be assigned to or destroyed, as a moved-from std::unique_ptr.
/// T may still be incomplete where Boxed<T> is declared as a member.
template <class T>
class Boxed {
public:
    /// Holds a value-initialized T.
    Boxed() : held_(std::make_unique<T>()) {}
    /// Holds a T constructed from `value` (anything T can be built from).
    template <class U, class = std::enable_if_t<!std::is_same_v<std::decay_t<U>, Boxed>>>
    Boxed(U&& value) : held_(std::make_unique<T>(std::forward<U>(value))) {}
    /// Copies the held value.
    Boxed(const Boxed& other) : held_(std::make_unique<T>(*other.held_)) {}
    /// Takes the other's value; the other is left empty (see above).
    Boxed(Boxed&& other) noexcept = default;
    /// Assigns the held value (to a moved-from Boxed too, which then holds a copy).
    Boxed& operator=(const Boxed& other) {
        if (this == &other) return *this;
        if (held_ == nullptr)
            held_ = std::make_unique<T>(*other.held_);
        else
            *held_ = *other.held_;
        return *this;
    }
    /// Exchanges the held values: the other keeps this one's (never empty if this one was not).
    Boxed& operator=(Boxed&& other) noexcept {
        held_.swap(other.held_);
        return *this;
    }

    // A named accessor rather than operator*: an operator would look T's namespaces up by
    // argument-dependent lookup, which needs T complete.
    T& get() { return *held_; }              ///< the held value
    const T& get() const { return *held_; }  ///< the held value

private:
    std::unique_ptr<T> held_;
};

}  // namespace descend
