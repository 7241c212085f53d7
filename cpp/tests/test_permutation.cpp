// RandomPermutation (permutation.hpp): a bijection of [0, n) for every n, different keys give
// different orders, the same generator state the same order, and rows are spread evenly.
#include <descend/permutation.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.hpp"

namespace {

/// The permutation's order of [0, n) as a list.
std::vector<std::uint64_t> order_of(const descend::RandomPermutation& permutation) {
    std::vector<std::uint64_t> order;
    for (std::uint64_t k = 0; k < permutation.size(); ++k) order.push_back(permutation(k));
    return order;
}

}  // namespace

TEST_CASE(every_row_appears_exactly_once_for_every_n) {
    descend::Random random(7);
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 4ULL, 5ULL, 15ULL, 16ULL, 17ULL, 100ULL, 1000ULL,
                            4097ULL, 65536ULL, 100003ULL}) {
        const descend::RandomPermutation permutation(n, random);
        std::vector<int> seen(n, 0);
        bool in_range = true;
        for (std::uint64_t k = 0; k < n; ++k) {
            const std::uint64_t row = permutation(k);
            in_range &= row < n;
            if (row < n) ++seen[row];
        }
        CHECK(in_range);
        bool once = true;
        for (int count : seen) once &= count == 1;
        CHECK(once);
    }
}

TEST_CASE(the_same_generator_state_gives_the_same_order_and_the_next_another) {
    descend::Random a(3), b(3);
    const descend::RandomPermutation first(1000, a), again(1000, b), next(1000, a);
    CHECK(order_of(first) == order_of(again));
    CHECK(order_of(first) != order_of(next));
}

TEST_CASE(the_order_is_not_the_identity_and_spreads_the_rows) {
    descend::Random random(11);
    const std::uint64_t n = 10000;
    const descend::RandomPermutation permutation(n, random);
    // Fixed points of a random permutation: about 1 on average; the identity has n.
    std::size_t fixed = 0;
    for (std::uint64_t k = 0; k < n; ++k) fixed += permutation(k) == k;
    CHECK(fixed < 10);
    // The first tenth of the epoch draws rows from every tenth of the data set.
    std::vector<int> per_tenth(10, 0);
    for (std::uint64_t k = 0; k < n / 10; ++k) ++per_tenth[permutation(k) * 10 / n];
    bool spread = true;
    for (int count : per_tenth) spread &= count > 50 && count < 150;  // 100 expected
    CHECK(spread);
}

TEST_CASE(fill_gives_the_rows_of_the_permutation_from_any_start) {
    descend::Random random(5);
    for (std::uint64_t n : {1ULL, 3ULL, 17ULL, 4097ULL, 100003ULL}) {
        const descend::RandomPermutation permutation(n, random);
        const std::vector<std::uint64_t> order = order_of(permutation);
        for (const std::uint64_t first : {std::uint64_t{0}, n / 3, n - 1}) {
            const std::size_t count = static_cast<std::size_t>(n - first);
            std::vector<std::size_t> rows(count + 1, 12345);  // one past the end stays
            permutation.fill(first, count, rows.data());
            bool same = rows[count] == 12345;
            for (std::size_t k = 0; k < count; ++k) same &= rows[k] == order[first + k];
            CHECK(same);
        }
    }
}
