// The generator's sequence for a seed is pinned: the same numbers on every platform and
// compiler, and the same as the Python side gets (tests/test_random.py pins the same values).
#include <descend/random.hpp>

#include <cstdint>
#include <vector>

#include "check.hpp"

TEST_CASE(seed_0_expands_through_splitmix64) {
    const descend::Random random(0);
    // 0xE220A8397B1DCDAF is splitmix64's published first output for seed 0.
    CHECK(random.state[0] == 0xE220A8397B1DCDAFULL);
    CHECK(random.state[1] == 0x6E789E6AA1B965F4ULL);
    CHECK(random.state[2] == 0x06C45D188009454FULL);
    CHECK(random.state[3] == 0xF88BB8A8724C81ECULL);
}

TEST_CASE(first_outputs_of_seed_0_and_42_are_pinned) {
    descend::Random zero(0), forty_two(42);
    const std::uint64_t expected_zero[] = {0x99EC5F36CB75F2B4ULL, 0xBF6E1F784956452AULL,
                                           0x1A5F849D4933E6E0ULL, 0x6AA594F1262D2D2CULL};
    const std::uint64_t expected_42[] = {0x15780B2E0C2EC716ULL, 0x6104D9866D113A7EULL,
                                         0xAE17533239E499A1ULL, 0xECB8AD4703B360A1ULL};
    for (int i = 0; i < 4; ++i) {
        CHECK(zero.next() == expected_zero[i]);
        CHECK(forty_two.next() == expected_42[i]);
    }
}

TEST_CASE(below_is_pinned_for_seed_0_and_42) {
    // The numbers Python's _core.SolverState(seed).next_below(n) returns.
    descend::Random zero(0), forty_two(42);
    const std::uint64_t expected_zero[] = {601, 747, 103, 416, 732, 999, 422, 535};
    const std::uint64_t expected_42[] = {83, 378, 680, 924, 991, 769, 719, 850};
    for (int i = 0; i < 8; ++i) {
        CHECK_EQ(zero.below(1000), expected_zero[i]);
        CHECK_EQ(forty_two.below(1000), expected_42[i]);
    }
    descend::Random large(0);
    CHECK(large.below(1000000000000000007ULL) == 601262999417904883ULL);
    CHECK(large.below(1000000000000000007ULL) == 747774092547239887ULL);
}

TEST_CASE(below_is_the_high_word_of_next_times_n) {
    // Lemire: below(n) = floor(next() * n / 2^64) unless the low word falls in the rejected
    // zone, which for n = 1000 has probability 1000 / 2^64: never in these draws.
    descend::Random raw(7), bounded(7);
    for (int i = 0; i < 100; ++i) {
        std::uint64_t low;
        const std::uint64_t high = descend::multiply_high(raw.next(), 1000, low);
        CHECK_EQ(bounded.below(1000), high);
    }
}

TEST_CASE(multiply_high_gives_the_128_bit_product) {
    std::uint64_t low;
    // (2^64 - 1)^2 = 2^128 - 2^65 + 1: high word 2^64 - 2, low word 1
    CHECK(descend::multiply_high(~0ULL, ~0ULL, low) == ~0ULL - 1);
    CHECK_EQ(low, 1);
    // 2^32 * 2^32 = 2^64
    CHECK_EQ(descend::multiply_high(1ULL << 32, 1ULL << 32, low), 1);
    CHECK_EQ(low, 0);
}

TEST_CASE(uniform_uses_the_top_53_bits) {
    descend::Random random(0);
    CHECK(random.uniform() == static_cast<double>(0x99EC5F36CB75F2B4ULL >> 11) * 0x1.0p-53);
    descend::Random again(0);
    CHECK_CLOSE(again.uniform(), 0.60126299941790484, 0.0);
}

TEST_CASE(reseed_restarts_the_sequence) {
    descend::Random random(42);
    const std::uint64_t first = random.next();
    random.next();
    random.reseed(42);
    CHECK(random.next() == first);
}

TEST_CASE(shuffle_is_a_pinned_permutation) {
    // Fisher-Yates from the back (swap item i-1 with item below(i), i = 10 .. 2), worked out
    // with an independent Python implementation of xoshiro256** and Lemire's method.
    descend::Random random(0);
    std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    random.shuffle(items.data(), items.size());
    CHECK(items == (std::vector<int>{7, 8, 3, 1, 5, 4, 2, 0, 9, 6}));
}
