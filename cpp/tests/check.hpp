// The checks of descend's C++ tests: a few macros, no framework. A test file defines its cases
// with TEST_CASE(name) { ... } and includes this header once; it provides main(), which runs
// every case, prints each failed check with its file, line and values, and returns non-zero
// if any failed.
#pragma once

#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

namespace descend_test {

/// A registered test case: its name and its body.
struct Case {
    const char* name;  ///< printed in the report
    void (*body)();    ///< runs the checks
};

/// Every case of this test program, in definition order.
inline std::vector<Case>& cases() {
    static std::vector<Case> all;
    return all;
}

/// Number of failed checks so far.
inline int& failures() {
    static int count = 0;
    return count;
}

/// Adds a case to the list at static-initialization time (used by TEST_CASE).
struct Register {
    Register(const char* name, void (*body)()) { cases().push_back({name, body}); }
};

/// Records a failed check.
inline void fail(const char* file, int line, const char* what) {
    ++failures();
    std::printf("%s:%d: FAILED %s\n", file, line, what);
}

/// True when `actual` is within `tolerance` of `expected`, relative to max(1, |expected|).
inline bool close(double actual, double expected, double tolerance) {
    const double scale = std::fabs(expected) > 1.0 ? std::fabs(expected) : 1.0;
    return std::fabs(actual - expected) <= tolerance * scale;
}

}  // namespace descend_test

/// Defines and registers a test case.
#define TEST_CASE(name)                                                            \
    static void name();                                                            \
    static const descend_test::Register name##_registered(#name, &name);           \
    static void name()

/// Checks that a condition holds.
#define CHECK(condition)                                                           \
    do {                                                                           \
        if (!(condition)) descend_test::fail(__FILE__, __LINE__, #condition);      \
    } while (0)

/// Checks a == b for integers or other exactly comparable values printable as long long.
#define CHECK_EQ(a, b)                                                             \
    do {                                                                           \
        const auto descend_a_ = (a);                                               \
        const auto descend_b_ = (b);                                               \
        if (!(descend_a_ == descend_b_)) {                                         \
            descend_test::fail(__FILE__, __LINE__, #a " == " #b);                  \
            std::printf("    %lld != %lld\n", static_cast<long long>(descend_a_),  \
                        static_cast<long long>(descend_b_));                       \
        }                                                                          \
    } while (0)

/// Checks |actual - expected| <= tolerance * max(1, |expected|).
#define CHECK_CLOSE(actual, expected, tolerance)                                   \
    do {                                                                           \
        const double descend_a_ = static_cast<double>(actual);                     \
        const double descend_e_ = static_cast<double>(expected);                   \
        if (!descend_test::close(descend_a_, descend_e_, (tolerance))) {           \
            descend_test::fail(__FILE__, __LINE__, #actual " close to " #expected); \
            std::printf("    %.17g vs %.17g (tolerance %g)\n", descend_a_,         \
                        descend_e_, static_cast<double>(tolerance));               \
        }                                                                          \
    } while (0)

/// Checks that evaluating `expression` throws `exception_type`.
#define CHECK_THROWS(expression, exception_type)                                   \
    do {                                                                           \
        bool descend_thrown_ = false;                                              \
        try {                                                                      \
            (void)(expression);                                                    \
        } catch (const exception_type&) {                                          \
            descend_thrown_ = true;                                                \
        }                                                                          \
        if (!descend_thrown_)                                                      \
            descend_test::fail(__FILE__, __LINE__, #expression " throws " #exception_type); \
    } while (0)

/// Runs every registered case; an exception escaping a case counts as a failure.
int main() {
    for (const descend_test::Case& test : descend_test::cases()) {
        const int before = descend_test::failures();
        try {
            test.body();
        } catch (const std::exception& error) {
            descend_test::fail(__FILE__, __LINE__, test.name);
            std::printf("    unexpected exception: %s\n", error.what());
        }
        std::printf("%s %s\n", descend_test::failures() == before ? "ok    " : "FAILED", test.name);
    }
    std::printf("%zu cases, %d failed checks\n", descend_test::cases().size(),
                descend_test::failures());
    return descend_test::failures() == 0 ? 0 : 1;
}
