// e^x for x <= 0, inline: the e^-|z| of the log-loss (logistic.hpp), which sits on the
// critical path of a one-row SGD step (z -> e -> slope -> update -> next z). A call to the
// library's exp there costs the call and the spills of the live vector registers around it:
// inline, a 100-column float64 step with X in level 2 takes 6-13% less time
// (benchmarks/cpp/fused_epoch.cpp; at 200,000 rows, where reading X dominates, no change).
#pragma once

#include <cstdint>
#include <cstring>

namespace descend {

/// e^x for x <= 0 (and NaN), within 0.8 ulp of the exact value, normal or subnormal, with or
/// without FMA contraction: against long double expl on 5.5e7 x (random in [-746, 0], [-2, 0]
/// and [-746, -700], tiny ones, and around the multiples of ln2 / 2), max 0.72 ulp over normal
/// results (0.69 with FMA) and 0.79 over subnormal ones; glibc's exp: 0.51. x < -746 (-inf
/// included) gives +0, as exp does; NaN gives NaN.
//   x = k ln2 + r,  k = round(x / ln2),  |r| <= ln2 / 2      (r = x - k ln2_hi - k ln2_lo:
//       ln2_hi has 32 significant bits, so k ln2_hi and x - k ln2_hi are exact)
//   e^x = 2^k e^r,  e^r = 1 + r + r^2 q(r),  q(r) = sum_{j=2}^{13} r^(j-2) / j!
//       (Taylor: the rest is below r^14 / 14! < 4.2e-18, 0.04 ulp)
//   q in Estrin's form (four levels of products, no chain of twelve)
//   1 + r = hi + lo exactly (lo also holds the rounding error of r), e^r = hi + (lo + r^2 q)
//   2^k from k's bits; for k < -1021 (x < -708) the product is taken as
//   (e^r 2^(k + 64)) 2^-64, so a subnormal result is rounded once
inline double exp_nonpositive(double x) {
    constexpr double inv_ln2 = 0x1.71547652b82fep0, ln2_hi = 0x1.62e42fee00000p-1,
                     ln2_lo = 0x1.a39ef35793c76p-33;
    constexpr double shifter = 0x1.8p52;  // x / ln2 + 1.5 * 2^52 rounds x / ln2 to an integer
    constexpr double c2 = 1.0 / 2, c3 = 1.0 / 6, c4 = 1.0 / 24, c5 = 1.0 / 120, c6 = 1.0 / 720,
                     c7 = 1.0 / 5040, c8 = 1.0 / 40320, c9 = 1.0 / 362880, c10 = 1.0 / 3628800,
                     c11 = 1.0 / 39916800, c12 = 1.0 / 479001600, c13 = 1.0 / 6227020800;
    const double shifted = x * inv_ln2 + shifter;
    const double k = shifted - shifter;
    const double r_hi = x - k * ln2_hi;
    const double r = r_hi - k * ln2_lo;
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const double q = ((c2 + c3 * r) + r2 * (c4 + c5 * r)) +
                     r4 * ((c6 + c7 * r) + r2 * (c8 + c9 * r)) +
                     r8 * ((c10 + c11 * r) + r2 * (c12 + c13 * r));
    // hi + lo after q: GCC then schedules q's chain first (in the other order, 4% slower steps)
    const double r_error = (r_hi - r) - k * ln2_lo;  // r_hi - k ln2_lo - r
    const double hi = 1.0 + r;
    const double lo = ((1.0 - hi) + r) + r_error * hi;
    const double e_r = hi + (lo + r2 * q);
    // 2^(k + offset): k + offset + 1023, k's low bits in shifted, shifted into the exponent
    std::uint64_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    auto power_of_two = [bits](std::uint64_t offset) {
        const std::uint64_t power = (bits + 1023 + offset) << 52;
        double value;
        std::memcpy(&value, &power, sizeof value);
        return value;
    };
    if (!(x < -708.0)) return e_r * power_of_two(0);
    if (x < -746.0) return 0.0;
    return e_r * power_of_two(64) * 0x1p-64;
}

}  // namespace descend
