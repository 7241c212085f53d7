// A random permutation of the rows [0, n) held in O(1) memory, for the solver's shuffled
// epochs: a keyed bijection evaluated index by index instead of an array of n row numbers
// (which, as 64-bit integers, was half the size of a 1%-dense CSR X of 100 columns).
//
// The bijection is a balanced Feistel network on 2h bits, 2^(2h) >= n the smallest such
// power of four: x = (L, R), two h-bit halves (h <= 32); each of the `rounds` rounds maps
//   (L, R) -> (R, L xor F_r(R)),   F_r(R) = the low h bits of mix(R xor key_r)
// (mix: a 32-bit integer hash, x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b;
// x ^= x >> 16, on the low 32 bits of R xor key_r), a bijection whatever F_r is. Values >= n
// are walked along their cycle (x -> pi(x) until below n), which restricts a bijection of
// [0, 2^(2h)) to one of [0, n): every row appears exactly once as k runs over [0, n).
// 2^(2h) < 4n, so a walk takes fewer than 4 rounds of the network on average. The keys are
// drawn from the solver's generator (Random), so a seed gives the same epochs on every
// platform. For n <= 2^32 the network runs on 32-bit words (the same values: every half and
// mix fits in 32 bits), eight to an AVX2 vector.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "random.hpp"

namespace descend {

class RandomPermutation {
  public:
    static constexpr int rounds = 4;  ///< Feistel rounds (Luby-Rackoff: 4 give a pseudo-random one)

    /// A permutation of [0, n) (n >= 1) keyed by `rounds` draws of `random`.
    RandomPermutation(std::uint64_t n, Random& random) : n_(n) {
        while ((std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
        half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
        for (std::uint32_t& key : keys_) key = static_cast<std::uint32_t>(random.next());
    }

    /// The k-th row of the permutation, k in [0, n).
    std::uint64_t operator()(std::uint64_t k) const {
        std::uint64_t x = k;
        do x = network(x);
        while (x >= n_);
        return x;
    }

    /// Rows first, ..., first + count - 1 of the permutation into out[0 .. count): operator()'s
    /// values, computed a block at a time: the network of every k in one branch-free loop
    /// (which vectorizes), then the values >= n, gathered, through the network together again
    /// until none is left (about a quarter of the block, then a quarter of those, ...).
    template <class Out>
    void fill(std::uint64_t first, std::size_t count, Out* out) const {
        if (n_ <= (std::uint64_t{1} << 32))
            fill_words<std::uint32_t>(first, count, out);
        else
            fill_words<std::uint64_t>(first, count, out);
    }

    /// n: the number of rows permuted.
    std::uint64_t size() const { return n_; }

  private:
    // Every value is written to its place at once; those >= n are gathered (value and place)
    // and walked on, writing into the other of two buffers, so that no loop reads what it
    // writes (walking them in place, as before, cost each step of benchmarks/cpp/fused_epoch.cpp's
    // csr f64 squared case 2.2 ns more: 27.6 against 25.4 ns).
    template <class Word, class Out>
    void fill_words(std::uint64_t first, std::size_t count, Out* out) const {
        constexpr std::size_t block = 256;
        const std::uint64_t n = n_;  // a local: the stores to out could alias n_
        Word values[block], walk[2][block];
        std::uint32_t walk_at[2][block];  // the places in the block of walk's values
        for (std::size_t start = 0; start < count; start += block) {
            const std::size_t size = std::min(block, count - start);
            Out* place = out + start;
            for (std::size_t k = 0; k < size; ++k) values[k] = network(static_cast<Word>(first + start + k));
            for (std::size_t k = 0; k < size; ++k) place[k] = static_cast<Out>(values[k]);
            std::size_t pending = 0;
            for (std::size_t k = 0; k < size; ++k) {
                walk[0][pending] = values[k];
                walk_at[0][pending] = static_cast<std::uint32_t>(k);
                pending += values[k] >= n;
            }
            for (int side = 0; pending > 0; side ^= 1) {
                Word* const from = walk[side];
                const std::uint32_t* const from_at = walk_at[side];
                for (std::size_t k = 0; k < pending; ++k) from[k] = network(from[k]);
                std::size_t left = 0;
                for (std::size_t k = 0; k < pending; ++k) {
                    place[from_at[k]] = static_cast<Out>(from[k]);
                    walk[side ^ 1][left] = from[k];
                    walk_at[side ^ 1][left] = from_at[k];
                    left += from[k] >= n;
                }
                pending = left;
            }
        }
    }

    template <class Word>
    Word network(Word x) const {
        const Word mask = static_cast<Word>(half_mask_);
        Word left = x >> half_bits_, right = x & mask;
        for (const std::uint32_t key : keys_) {
            std::uint32_t z = static_cast<std::uint32_t>(right) ^ key;
            z = (z ^ (z >> 16)) * 0x7feb352dU;
            z = (z ^ (z >> 15)) * 0x846ca68bU;
            const Word next = left ^ (static_cast<Word>(z ^ (z >> 16)) & mask);
            left = right;
            right = next;
        }
        return static_cast<Word>((left << half_bits_) | right);
    }

    std::uint64_t n_;
    int half_bits_ = 0;  // h: 2^(2h) >= n
    std::uint64_t half_mask_ = 0;
    std::uint32_t keys_[rounds] = {};
};

}  // namespace descend
