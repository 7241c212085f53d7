// for_each_chunk: every index of [0, count) is visited exactly once, in chunks of the given
// size (the last one shorter), whatever the number of threads, including more threads than
// chunks and an empty range.
#include <descend/parallel.hpp>

#include <atomic>
#include <cstddef>
#include <vector>

#include "check.hpp"

namespace {

TEST_CASE(every_index_is_visited_once_in_chunks_of_the_given_size) {
    for (std::size_t count : {0u, 1u, 63u, 64u, 1000u, 4099u}) {
        for (std::size_t chunk : {1u, 7u, 64u, 5000u}) {
            for (std::size_t threads : {1u, 2u, 3u, 8u}) {
                std::vector<std::atomic<int>> visits(count);
                std::atomic<bool> chunks_ok{true};
                descend::for_each_chunk(count, chunk, threads, [&](std::size_t begin, std::size_t end) {
                    const bool whole = end - begin == chunk || end == count;
                    if (begin % chunk != 0 || end <= begin || !whole) chunks_ok = false;
                    for (std::size_t i = begin; i < end; ++i) ++visits[i];
                });
                CHECK(chunks_ok.load());
                for (const auto& v : visits) CHECK(v.load() == 1);
            }
        }
    }
}

}  // namespace
