// A small portable pseudo-random generator, so that a seed gives the same numbers on every
// platform and standard library (std::*_distribution does not). xoshiro256** seeded through
// splitmix64; bounded integers by Lemire's multiply-and-reject method.
#pragma once

#include <cstddef>
#include <cstdint>

namespace descend {

/// One step of splitmix64: used to expand a 64-bit seed into the generator's state.
inline std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// The high and low 64 bits of a 64 x 64 -> 128-bit product, the same on every platform.
inline std::uint64_t multiply_high(std::uint64_t a, std::uint64_t b, std::uint64_t& low) {
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 uint128;  // __extension__: no -Wpedantic warning
    const uint128 product = static_cast<uint128>(a) * b;
    low = static_cast<std::uint64_t>(product);
    return static_cast<std::uint64_t>(product >> 64);
#else
    const std::uint64_t a_lo = a & 0xFFFFFFFFULL, a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xFFFFFFFFULL, b_hi = b >> 32;
    const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo;
    const std::uint64_t lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFULL) + lo_hi;
    low = (cross << 32) | (lo_lo & 0xFFFFFFFFULL);
    return hi_hi + (hi_lo >> 32) + (cross >> 32);
#endif
}

/// xoshiro256**: 256 bits of state, period 2^256 - 1, fast and statistically strong.
class Random {
public:
    std::uint64_t state[4] = {0, 0, 0, 0};  ///< the full generator state (never all zero)

    /// Seed from a single 64-bit number (splitmix64 expansion, as the xoshiro authors advise).
    explicit Random(std::uint64_t seed = 0) { reseed(seed); }

    /// Restart from `seed`: the same state as a generator constructed with it.
    void reseed(std::uint64_t seed) {
        for (auto& word : state) word = splitmix64(seed);
    }

    /// The next 64 random bits.
    std::uint64_t next() {
        const std::uint64_t result = rotl(state[1] * 5, 7) * 9;
        const std::uint64_t t = state[1] << 17;
        state[2] ^= state[0];
        state[3] ^= state[1];
        state[1] ^= state[2];
        state[0] ^= state[3];
        state[2] ^= t;
        state[3] = rotl(state[3], 45);
        return result;
    }

    /// A uniform integer in [0, n), n > 0, without modulo bias (Lemire 2019).
    std::uint64_t below(std::uint64_t n) {
        std::uint64_t low;
        std::uint64_t high = multiply_high(next(), n, low);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) high = multiply_high(next(), n, low);
        }
        return high;
    }

    /// A uniform double in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Fisher-Yates shuffle of `count` elements in place.
    template <class Index>
    void shuffle(Index* data, std::size_t count) {
        for (std::size_t i = count; i > 1; --i) {
            const std::size_t j = static_cast<std::size_t>(below(i));
            const Index tmp = data[i - 1];
            data[i - 1] = data[j];
            data[j] = tmp;
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
};

}  // namespace descend
