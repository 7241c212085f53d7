// RandomPermutation::fill (permutation.hpp) on both word widths: for n <= 2^32 it runs the
// network on 32-bit words, above on 64-bit words; either way it gives operator()'s rows, at
// the start and at the end of [0, n), for n on both sides of 2^32.
#include <descend/permutation.hpp>

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "check.hpp"

TEST_CASE(fill_gives_the_rows_of_operator_on_either_side_of_two_to_the_32) {
    descend::Random random(9);
    const std::uint64_t two_to_32 = std::uint64_t{1} << 32;
    for (const std::uint64_t n : {two_to_32 - 1, two_to_32, two_to_32 + 1, (std::uint64_t{1} << 40) + 3}) {
        const descend::RandomPermutation permutation(n, random);
        const std::size_t count = 3000;
        for (const std::uint64_t first : {std::uint64_t{0}, n - count}) {
            std::vector<std::uint64_t> rows(count);
            permutation.fill(first, count, rows.data());
            bool same = true, in_range = true;
            for (std::size_t k = 0; k < count; ++k) {
                same &= rows[k] == permutation(first + k);
                in_range &= rows[k] < n;
            }
            CHECK(same);
            CHECK(in_range);
            CHECK(std::set<std::uint64_t>(rows.begin(), rows.end()).size() == count);
        }
    }
}
