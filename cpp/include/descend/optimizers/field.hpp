// A field of an update rule or a schedule as its struct declares it, once, in a table beside
// its members (Owner::fields()): the name (the C++ member's and the Python keyword's), the
// member, what it means, its bounds, and how Python passes it. Its default is the member's
// initializer; check_fields() checks the bounds of every row (the struct's validate() calls
// it). The Python bindings build the type (constructor, properties, repr, equality, pickling)
// from the table.
#pragma once

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

namespace descend {

/// The values a number field takes: low <= value (low < value when low_open) and value <= high
/// (value < high when high_open), so never NaN; `says` ends the message "<name> must be ...".
/// The default, Bounds{}, takes anything.
struct Bounds {
    double low = -INFINITY;
    double high = INFINITY;
    bool low_open = false;
    bool high_open = false;
    const char* says = nullptr;

    constexpr bool holds(double value) const {
        return (low_open ? value > low : value >= low) && (high_open ? value < high : value <= high);
    }
};

// The bounds of the update rules' hyperparameters and of the schedules' parameters, worded
// as Python's checks (descend._checks.check_real) word theirs.
inline constexpr Bounds below_one{0.0, 1.0, false, true, "must be in [0, 1)"};
inline constexpr Bounds unit_interval{0.0, 1.0, false, false, "must be in [0, 1]"};
inline constexpr Bounds nonnegative_number{0.0, INFINITY, false, true, "must be a finite number >= 0"};
inline constexpr Bounds positive_number{0.0, INFINITY, true, true, "must be a finite number > 0"};
inline constexpr Bounds decay_factor{0.0, 1.0, true, false, "must be in (0, 1]"};
inline constexpr Bounds reduction_factor{0.0, 1.0, true, true, "must be in (0, 1)"};
inline constexpr Bounds nonnegative_count{0.0, INFINITY, false, false, "must be >= 0"};
inline constexpr Bounds positive_count{1.0, INFINITY, false, false, "must be >= 1"};
inline constexpr Bounds not_nan{-INFINITY, INFINITY, false, false, "must not be NaN"};

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
    Bounds bounds;     ///< the values it takes (numbers only)
};

/// Makes the rows of one kind; the types are deduced from the member.
template <FieldKind Kind>
struct FieldMaker {
    template <class Owner, class T>
    constexpr Field<Owner, T, Kind> operator()(const char* name, T Owner::*member, const char* doc,
                                               Bounds bounds = {}) const {
        return {name, member, doc, bounds};
    }
};

inline constexpr FieldMaker<FieldKind::option> field{};             ///< with the member's default
inline constexpr FieldMaker<FieldKind::required> required_field{};  ///< required by the constructor
inline constexpr FieldMaker<FieldKind::keyword> keyword_field{};    ///< keyword-only, with its default
inline constexpr FieldMaker<FieldKind::state> state_field{};        ///< set by the object itself

/// A number as Python's repr writes it: the shortest digits that read back to the same value
/// ("0.1", "1e-08", "100.0", "nan", "-inf"; an integer type without a point).
template <class T>
std::string number_text(T value) {
    if constexpr (std::is_integral_v<T>) {
        return std::to_string(value);
    } else {
        if (std::isnan(value)) return "nan";
        if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
        char digits[32];
        const auto written = std::to_chars(digits, digits + sizeof digits, value);
        std::string text(digits, written.ptr);
        if (text.find_first_of(".e") == std::string::npos) text += ".0";  // "100" -> "100.0"
        return text;
    }
}

/// Throws std::invalid_argument "<name> must be ..., got <value>" for the first row of Owner's
/// table, in table order, whose number is outside its bounds.
template <class Owner>
void check_fields(const Owner& object) {
    const auto check = [&](const auto& row) {
        using T = typename std::decay_t<decltype(row)>::value_type;
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
            const T value = object.*(row.member);
            if (row.bounds.says != nullptr && !row.bounds.holds(static_cast<double>(value)))
                throw std::invalid_argument(std::string(row.name) + " " + row.bounds.says + ", got " +
                                            number_text(value));
        }
    };
    std::apply([&](const auto&... row) { (check(row), ...); }, Owner::fields());
}

}  // namespace descend
