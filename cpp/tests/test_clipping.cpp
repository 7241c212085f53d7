// Gradient clipping (clipping.hpp) on two arrays together, against torch.nn.utils'
// clip_grad_norm_ / clip_grad_value_ semantics worked out by hand: a = (3, -4), b = (0, 12)
// has global 2-norm sqrt(9 + 16 + 144) = 13 and inf-norm 12.
#include <descend/clipping.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "check.hpp"

template <class T>
static void check_global_two_norm(double tolerance) {
    T a[2] = {T(3), T(-4)};
    T b[2] = {T(0), T(12)};
    const descend::VectorView<T> grads[2] = {{a, 2}, {b, 2}};
    const double total = descend::clip_grad_norm(grads, 2, descend::ClipGradNorm{6.5, 2.0});
    CHECK_CLOSE(total, 13.0, 1e-15);
    // coef = 6.5 / (13 + 1e-6), shared by both arrays
    const double coef = 6.5 / (13.0 + 1e-6);
    CHECK_CLOSE(a[0], 3.0 * coef, tolerance);
    CHECK_CLOSE(a[1], -4.0 * coef, tolerance);
    CHECK(b[0] == T(0));
    CHECK_CLOSE(b[1], 12.0 * coef, tolerance);
}

TEST_CASE(global_two_norm_rescales_both_arrays_together) {
    check_global_two_norm<double>(1e-15);
    check_global_two_norm<float>(1e-6);
}

TEST_CASE(global_inf_norm_is_the_largest_magnitude) {
    double a[2] = {3.0, -4.0};
    double b[2] = {0.0, -12.0};
    const descend::VectorView<double> grads[2] = {{a, 2}, {b, 2}};
    const descend::ClipGradNorm clip{3.0, std::numeric_limits<double>::infinity()};
    CHECK_CLOSE(descend::clip_grad_norm(grads, 2, clip), 12.0, 1e-15);
    const double coef = 3.0 / (12.0 + 1e-6);
    CHECK_CLOSE(a[0], 3.0 * coef, 1e-15);
    CHECK_CLOSE(b[1], -12.0 * coef, 1e-15);
}

TEST_CASE(a_norm_within_max_norm_leaves_the_arrays_alone) {
    float a[2] = {3.0f, -4.0f};
    float b[2] = {0.0f, 12.0f};
    const descend::VectorView<float> grads[2] = {{a, 2}, {b, 2}};
    CHECK_CLOSE(descend::clip_grad_norm(grads, 2, descend::ClipGradNorm{13.5, 2.0}), 13.0, 1e-7);
    CHECK(a[0] == 3.0f && a[1] == -4.0f && b[0] == 0.0f && b[1] == 12.0f);
    // The 1-norm is 19: measured, and with max_norm = inf never clipped.
    const descend::ClipGradNorm measure{std::numeric_limits<double>::infinity(), 1.0};
    CHECK_CLOSE(descend::clip_grad_norm(grads, 2, measure), 19.0, 1e-15);
    CHECK(b[1] == 12.0f);
}

TEST_CASE(other_p_norms_sum_powers) {
    // p = 3: (27 + 64 + 1728)^(1/3) = 1819^(1/3)
    double a[2] = {3.0, -4.0};
    double b[2] = {0.0, 12.0};
    const descend::VectorView<double> grads[2] = {{a, 2}, {b, 2}};
    const descend::ClipGradNorm measure{std::numeric_limits<double>::infinity(), 3.0};
    CHECK_CLOSE(descend::clip_grad_norm(grads, 2, measure), std::cbrt(1819.0), 1e-14);
}

TEST_CASE(a_nan_makes_the_norm_nan_and_the_gradients_nan) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const double p : {2.0, std::numeric_limits<double>::infinity()}) {
        double a[2] = {3.0, nan};
        double b[2] = {0.0, 100.0};
        const descend::VectorView<double> grads[2] = {{a, 2}, {b, 2}};
        CHECK(std::isnan(descend::clip_grad_norm(grads, 2, descend::ClipGradNorm{1.0, p})));
        CHECK(std::isnan(a[0]));
        CHECK(std::isnan(b[1]));
    }
}

TEST_CASE(value_clipping_clamps_every_element_of_both_arrays) {
    float a[3] = {3.0f, -4.0f, 0.5f};
    float b[2] = {-0.25f, std::numeric_limits<float>::quiet_NaN()};
    const descend::VectorView<float> grads[2] = {{a, 3}, {b, 2}};
    descend::clip_grad_value(grads, 2, descend::ClipGradValue{1.0});
    CHECK(a[0] == 1.0f);
    CHECK(a[1] == -1.0f);
    CHECK(a[2] == 0.5f);
    CHECK(b[0] == -0.25f);
    CHECK(std::isnan(b[1]));
}

TEST_CASE(clipping_validate_names_the_impossible_parameter) {
    descend::ClipGradNorm{}.validate();
    CHECK_THROWS((descend::ClipGradNorm{-1.0, 2.0}.validate()), std::invalid_argument);
    CHECK_THROWS((descend::ClipGradNorm{1.0, 0.0}.validate()), std::invalid_argument);
    CHECK_THROWS((descend::ClipGradValue{-0.5}.validate()), std::invalid_argument);
}
