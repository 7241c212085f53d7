// A user's program: the umbrella header, the version macro, and a few SGD steps on
// f(x) = (x - 3)^2. Exits non-zero if anything is not as expected.
#include <descend/descend.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>

int main() {
    double x = 0.0, gradient = 0.0;
    descend::SGD sgd;
    sgd.lr = 0.25;                        // each step halves the distance to 3
    double* const* no_state = nullptr;    // plain SGD keeps no state (state_slots() == 0)
    for (std::int64_t t = 1; t <= 60; ++t) {
        gradient = 2.0 * (x - 3.0);
        sgd.step(&x, &gradient, no_state, 1, t);
    }
    std::printf("descend %s: x = %.12f\n", DESCEND_VERSION, x);
    const bool version_ok = std::strcmp(DESCEND_VERSION, DESCEND_EXPECTED_VERSION) == 0;
    if (!version_ok) std::printf("expected version %s\n", DESCEND_EXPECTED_VERSION);
    return version_ok && std::fabs(x - 3.0) < 1e-12 ? 0 : 1;
}
