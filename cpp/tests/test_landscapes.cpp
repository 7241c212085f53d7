// The test landscapes (objectives/landscapes.hpp): every gradient against central finite
// differences at a few points, in float64, and each known minimum where the gradient vanishes.
#include <descend/objectives/landscapes.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "check.hpp"

// grad_i f(x) against (f(x + h e_i) - f(x - h e_i)) / 2h, h = 1e-6 max(1, |x_i|): the error is
// about h^2 f''' + eps f / h, so 1e-6 relative to max(1, |g_i|) is ample.
template <class Landscape>
static void check_gradient(const Landscape& landscape, std::vector<double> x, const char* name) {
    const std::size_t n = landscape.dimension();
    std::vector<double> grad(n), scratch(n);
    landscape.value_and_gradient(x.data(), grad.data());
    for (std::size_t i = 0; i < n; ++i) {
        const double xi = x[i];
        const double h = 1e-6 * std::max(1.0, std::fabs(xi));
        x[i] = xi + h;
        const double up = landscape.value_and_gradient(x.data(), scratch.data());
        x[i] = xi - h;
        const double down = landscape.value_and_gradient(x.data(), scratch.data());
        x[i] = xi;
        const int before = descend_test::failures();
        CHECK_CLOSE(grad[i], (up - down) / (2.0 * h), 1e-6);
        if (descend_test::failures() != before) std::printf("    (%s, coordinate %zu)\n", name, i);
    }
}

// f at x is `value` and grad f vanishes there (to `tolerance`).
template <class Landscape>
static void check_stationary(const Landscape& landscape, const std::vector<double>& x,
                             double value, double tolerance) {
    std::vector<double> grad(landscape.dimension());
    CHECK_CLOSE(landscape.value_and_gradient(x.data(), grad.data()), value, tolerance);
    for (const double g : grad) CHECK(std::fabs(g) <= tolerance);
}

TEST_CASE(bowl_gradients_match_central_differences) {
    check_gradient(descend::Sphere{3}, {0.5, -1.25, 2.0}, "Sphere");
    check_gradient(descend::IllConditionedQuadratic{4, 50.0}, {1.0, -0.5, 0.25, 3.0}, "IllConditionedQuadratic");
    check_gradient(descend::IllConditionedQuadratic{1, 50.0}, {2.0}, "IllConditionedQuadratic(1)");
    check_gradient(descend::Booth{}, {0.3, -2.0}, "Booth");
    check_gradient(descend::Booth{}, {4.0, 1.5}, "Booth");
}

TEST_CASE(valley_gradients_match_central_differences) {
    check_gradient(descend::Rosenbrock{2}, {-1.5, 2.0}, "Rosenbrock");
    check_gradient(descend::Rosenbrock{2}, {0.9, 0.7}, "Rosenbrock");
    check_gradient(descend::Rosenbrock{5}, {-1.0, 0.5, 1.5, 0.25, -0.75}, "Rosenbrock(5)");
    check_gradient(descend::Beale{}, {1.0, 1.5}, "Beale");
    check_gradient(descend::Beale{}, {-2.0, 0.3}, "Beale");
}

TEST_CASE(multimodal_gradients_match_central_differences) {
    check_gradient(descend::DoubleWell{}, {0.3}, "DoubleWell");
    check_gradient(descend::DoubleWell{}, {-2.5}, "DoubleWell");
    check_gradient(descend::Himmelblau{}, {0.5, -1.0}, "Himmelblau");
    check_gradient(descend::Himmelblau{}, {-3.0, 3.5}, "Himmelblau");
    check_gradient(descend::Rastrigin{3}, {0.3, -1.7, 2.2}, "Rastrigin");
    check_gradient(descend::Ackley{2}, {0.5, -1.5}, "Ackley");
    check_gradient(descend::Ackley{3}, {2.0, 0.1, -0.4}, "Ackley(3)");
}

TEST_CASE(saddle_gradients_match_central_differences) {
    check_gradient(descend::Saddle{}, {0.5, -1.5}, "Saddle");
    check_gradient(descend::MonkeySaddle{}, {0.7, 1.1}, "MonkeySaddle");
    check_gradient(descend::MonkeySaddle{}, {-1.2, 0.4}, "MonkeySaddle");
}

TEST_CASE(documented_minima_are_stationary) {
    check_stationary(descend::Sphere{3}, {0.0, 0.0, 0.0}, 0.0, 0.0);
    check_stationary(descend::Booth{}, {1.0, 3.0}, 0.0, 0.0);
    check_stationary(descend::Rosenbrock{4}, {1.0, 1.0, 1.0, 1.0}, 0.0, 0.0);
    check_stationary(descend::Beale{}, {3.0, 0.5}, 0.0, 0.0);
    check_stationary(descend::DoubleWell{}, {-2.0}, -8.0 / 3.0, 1e-15);
    check_stationary(descend::DoubleWell{}, {1.0}, -5.0 / 12.0, 1e-15);
    check_stationary(descend::Himmelblau{}, {3.0, 2.0}, 0.0, 0.0);
    check_stationary(descend::Himmelblau{}, {-2.805118, 3.131312}, 0.0, 1e-4);
    check_stationary(descend::Rastrigin{2}, {0.0, 0.0}, 0.0, 0.0);
    check_stationary(descend::Ackley{2}, {0.0, 0.0}, 0.0, 1e-15);
    check_stationary(descend::Saddle{}, {0.0, 0.0}, 0.0, 0.0);
}

TEST_CASE(float32_gradients_are_the_float64_ones_rounded) {
    const descend::Rosenbrock rosenbrock{3};
    const double x[3] = {-1.25, 0.5, 2.0};
    const float xf[3] = {-1.25f, 0.5f, 2.0f};
    double grad[3];
    float gradf[3];
    const double f = rosenbrock.value_and_gradient(x, grad);
    CHECK(rosenbrock.value_and_gradient(xf, gradf) == f);
    for (int i = 0; i < 3; ++i) CHECK(gradf[i] == static_cast<float>(grad[i]));
}
