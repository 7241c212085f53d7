// e^x for x <= 0, inline: the e^-|z| of the log-loss (logistic.hpp), which sits on the
// critical path of a one-row SGD step (z -> e -> slope -> update -> next z). A call to the
// library's exp there costs the call and the spills of the live vector registers around it:
// inline, a 100-column float64 step with X in level 2 takes 6-13% less time. Its chain of
// dependent operations is the step's too: with a table of 2^(j/64) the polynomial after the
// reduction has degree 6, where without it it had degree 13 (benchmarks/cpp/fused_epoch.cpp:
// a log-loss step on 1%-dense CSR rows 27.2 -> 24.7 ns, on 100 dense float64 columns
// 81-83 -> 77-80 ns; the extension's fit loop on the same CSR rows, 5.8 ms an epoch of
// 200,000 rows, did not change).
#pragma once

#include <cstdint>
#include <cstring>

namespace descend {

namespace exp_detail {

/// 2^(j/64) for j = 0 .. 63 as hi + lo: hi the double nearest it, lo the double nearest the
/// rest (together about 106 bits).
inline constexpr double powers_of_2_64ths[64][2] = {
    {0x1.0000000000000p+0, 0x0.0p+0},
    {0x1.02c9a3e778061p+0, -0x1.19083535b085dp-56},
    {0x1.059b0d3158574p+0, 0x1.d73e2a475b465p-55},
    {0x1.0874518759bc8p+0, 0x1.186be4bb284ffp-57},
    {0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54},
    {0x1.0e3ec32d3d1a2p+0, 0x1.03a1727c57b53p-59},
    {0x1.11301d0125b51p+0, -0x1.6c51039449b3ap-54},
    {0x1.1429aaea92de0p+0, -0x1.32fbf9af1369ep-54},
    {0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55},
    {0x1.1a35beb6fcb75p+0, 0x1.e5b4c7b4968e4p-55},
    {0x1.1d4873168b9aap+0, 0x1.e016e00a2643cp-54},
    {0x1.2063b88628cd6p+0, 0x1.dc775814a8495p-55},
    {0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54},
    {0x1.26b4565e27cddp+0, 0x1.2bd339940e9d9p-55},
    {0x1.29e9df51fdee1p+0, 0x1.612e8afad1255p-55},
    {0x1.2d285a6e4030bp+0, 0x1.0024754db41d5p-54},
    {0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55},
    {0x1.33c08b26416ffp+0, 0x1.32721843659a6p-54},
    {0x1.371a7373aa9cbp+0, -0x1.63aeabf42eae2p-54},
    {0x1.3a7db34e59ff7p+0, -0x1.5e436d661f5e3p-56},
    {0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55},
    {0x1.4160a21f72e2ap+0, -0x1.ef3691c309278p-58},
    {0x1.44e086061892dp+0, 0x1.89b7a04ef80d0p-59},
    {0x1.486a2b5c13cd0p+0, 0x1.3c1a3b69062f0p-56},
    {0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56},
    {0x1.4f9b2769d2ca7p+0, -0x1.4b309d25957e3p-54},
    {0x1.5342b569d4f82p+0, -0x1.07abe1db13cadp-55},
    {0x1.56f4736b527dap+0, 0x1.9bb2c011d93adp-54},
    {0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54},
    {0x1.5e76f15ad2148p+0, 0x1.ba6f93080e65ep-54},
    {0x1.6247eb03a5585p+0, -0x1.383c17e40b497p-54},
    {0x1.6623882552225p+0, -0x1.bb60987591c34p-54},
    {0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54},
    {0x1.6dfb23c651a2fp+0, -0x1.bbe3a683c88abp-57},
    {0x1.71f75e8ec5f74p+0, -0x1.16e4786887a99p-55},
    {0x1.75feb564267c9p+0, -0x1.0245957316dd3p-54},
    {0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55},
    {0x1.7e2f336cf4e62p+0, 0x1.05d02ba15797ep-56},
    {0x1.82589994cce13p+0, -0x1.d4c1dd41532d8p-54},
    {0x1.868d99b4492edp+0, -0x1.fc6f89bd4f6bap-54},
    {0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54},
    {0x1.8f1ae99157736p+0, 0x1.5cc13a2e3976cp-55},
    {0x1.93737b0cdc5e5p+0, -0x1.75fc781b57ebcp-57},
    {0x1.97d829fde4e50p+0, -0x1.d185b7c1b85d1p-54},
    {0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56},
    {0x1.a0c667b5de565p+0, -0x1.359495d1cd533p-54},
    {0x1.a5503b23e255dp+0, -0x1.d2f6edb8d41e1p-54},
    {0x1.a9e6b5579fdbfp+0, 0x1.0fac90ef7fd31p-54},
    {0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54},
    {0x1.b33a2b84f15fbp+0, -0x1.2805e3084d708p-57},
    {0x1.b7f76f2fb5e47p+0, -0x1.5584f7e54ac3bp-56},
    {0x1.bcc1e904bc1d2p+0, 0x1.23dd07a2d9e84p-55},
    {0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55},
    {0x1.c67f12e57d14bp+0, 0x1.2884dff483cadp-54},
    {0x1.cb720dcef9069p+0, 0x1.503cbd1e949dbp-56},
    {0x1.d072d4a07897cp+0, -0x1.cbc3743797a9cp-54},
    {0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55},
    {0x1.da9e603db3285p+0, 0x1.c2300696db532p-54},
    {0x1.dfc97337b9b5fp+0, -0x1.1a5cd4f184b5cp-54},
    {0x1.e502ee78b3ff6p+0, 0x1.39e8980a9cc8fp-55},
    {0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54},
    {0x1.efa1bee615a27p+0, 0x1.dc7f486a4b6b0p-54},
    {0x1.f50765b6e4540p+0, 0x1.9d3e12dd8a18bp-54},
    {0x1.fa7c1819e90d8p+0, 0x1.74853f3a5931ep-55},
};

}  // namespace exp_detail

/// e^x for x <= 0 (and NaN), with or without FMA contraction: against long double expl on 6e7
/// random x (in [-746, 0], [-40, 0], [-2, 0], [-746, -700], [-670, -650] and [-0.001, 0]) and
/// on the neighbours of the multiples of ln2 / 128, at most 0.518 ulp from the exact value
/// over normal results and 0.754 over subnormal ones (the polynomial of degree 13 without the
/// table it replaced: 0.69 and 0.78; glibc's exp: 0.51). x < -746 (-inf included) gives +0,
/// as exp does; NaN gives NaN.
//   x = k ln2 / 64 + r,  k = round(64 x / ln2),  |r| <= ln2 / 128 (< 0.0055)
//       (r = (x - k s_hi) - k s_lo with s_hi + s_lo = ln2 / 64, s_hi of 32 significant bits,
//       so that k s_hi and x - k s_hi are exact)
//   e^x = 2^e 2^(j/64) e^r,  k = 64 e + j (0 <= j < 64),  2^(j/64) = t_hi + t_lo from the table
//   e^r = 1 + p,  p = r + r^2/2 + ... + r^6/720  (Taylor: the rest is below r^7 / 7! < 3e-20)
//       in Estrin's form: p = (r + r^2 (1/2 + r/6)) + r^4 ((1/24 + r/120) + r^2/720)
//   e^x = h + (h p + l),  h = 2^e t_hi, l = 2^e t_lo  (exact scalings: one rounding at the end)
//   x < -660, where 2^e t_lo may be subnormal: (t_hi + (t_hi p + t_lo)) 2^(e + 64), then
//   times 2^-64, so that a subnormal result is rounded once
inline double exp_nonpositive(double x) {
    constexpr double inv_step = 0x1.71547652b82fep6;  // 64 / ln2
    constexpr double step_hi = 0x1.62e42fee00000p-7, step_lo = 0x1.a39ef35793c76p-39;
    constexpr double shifter = 0x1.8p52;  // 64 x / ln2 + 1.5 * 2^52 rounds it to an integer
    constexpr double c2 = 1.0 / 2, c3 = 1.0 / 6, c4 = 1.0 / 24, c5 = 1.0 / 120, c6 = 1.0 / 720;
    const double shifted = x * inv_step + shifter;
    const double k = shifted - shifter;
    const double r = (x - k * step_hi) - k * step_lo;
    const double r2 = r * r, r4 = r2 * r2;
    const double p = (r + r2 * (c2 + c3 * r)) + r4 * ((c4 + c5 * r) + r2 * c6);
    // k's low bits in shifted: j = k mod 64 and, shifted into the exponent, 2^(e + offset)
    std::uint64_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    const double* t = exp_detail::powers_of_2_64ths[bits & 63];
    auto power_of_two = [bits](std::uint64_t offset) {
        const std::uint64_t power = ((bits >> 6) + 1023 + offset) << 52;
        double value;
        std::memcpy(&value, &power, sizeof value);
        return value;
    };
    if (!(x < -660.0)) {
        const double scale = power_of_two(0), h = t[0] * scale, l = t[1] * scale;
        return h + (h * p + l);
    }
    if (x < -746.0) return 0.0;
    return (t[0] + (t[0] * p + t[1])) * power_of_two(64) * 0x1p-64;
}

}  // namespace descend
