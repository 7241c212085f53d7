// beta1^t and beta2^t for t = 1, 2, 3, ... without std::pow: the Adam family's bias
// corrections 1 - beta^t in a loop that takes every step in order (minimize.hpp). The
// single-step kernels (descend.optim, the fit loops) keep torch's pow.
#pragma once

namespace descend {

/// beta^t, t = 0, 1, 2, ..., one multiplication by beta per step in double-double arithmetic:
/// the power is kept as hi + lo with |lo| <= ulp(hi) / 2, and each step adds the exact product
/// hi * beta (Dekker's two-product, exact without FMA: the split halves multiply exactly)
/// plus lo * beta. The relative error of hi + lo grows by about 2^-104 per step, so value() is
/// beta^t correctly rounded to double unless beta^t lies within that error of a rounding
/// boundary. Measured against std::pow (glibc 2.35) over t = 1 ... 10^6: at most 1 ulp apart,
/// and different at all on 1, 34, 468, 855 of the 10^6 steps for beta = 0.9, 0.99, 0.999,
/// 0.9999 (pow itself is not always correctly rounded); 1 - beta^t at most 2^-53 apart
/// (cpp/tests/test_bias_powers.cpp checks these bounds). A plain running product p *= beta
/// drifts to 25, 75, 182, 471 ulp over the same steps. The cost: about 20 flops in one
/// dependency chain, instead of a pow. Below 2^-600 the power is set to 0 (it would soon be
/// subnormal, and slow): 1 - beta^t is then exactly 1, as with pow.
class RunningPower {
public:
    explicit RunningPower(double beta = 0.0) : beta_(beta) {
        const double c = splitter * beta;  // Veltkamp's split: beta = beta_hi + beta_lo exactly
        beta_hi_ = c - (c - beta);
        beta_lo_ = beta - beta_hi_;
    }

    /// beta^t rounded to double (1 at t = 0).
    double value() const { return hi_; }

    /// t -> t + 1:  (hi + lo) * beta, renormalized.
    void advance() {
        const double c = splitter * hi_;
        const double a_hi = c - (c - hi_), a_lo = hi_ - a_hi;
        const double p = hi_ * beta_;
        const double error =
            ((a_hi * beta_hi_ - p) + a_hi * beta_lo_ + a_lo * beta_hi_) + a_lo * beta_lo_;
        const double tail = error + lo_ * beta_;
        hi_ = p + tail;
        lo_ = tail - (hi_ - p);
        if (hi_ < negligible) hi_ = lo_ = 0.0;
    }

private:
    static constexpr double splitter = 134217729.0;  // 2^27 + 1
    static constexpr double negligible = 0x1p-600;
    double beta_, beta_hi_ = 0.0, beta_lo_ = 0.0;
    double hi_ = 1.0, lo_ = 0.0;
};

/// beta1^t and beta2^t of the step t being taken, for the rules with bias corrections (Adam,
/// AdamW, RAdam, Adamax): construct at t = 0, advance() before each step.
struct BiasPowers {
    RunningPower beta1_t, beta2_t;

    BiasPowers() = default;
    BiasPowers(double beta1, double beta2) : beta1_t(beta1), beta2_t(beta2) {}

    void advance() {
        beta1_t.advance();
        beta2_t.advance();
    }
};

}  // namespace descend
