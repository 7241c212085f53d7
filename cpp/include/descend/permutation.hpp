// A random permutation of the rows [0, n) held in O(1) memory, for the solver's shuffled
// epochs: a keyed bijection evaluated index by index instead of an array of n row numbers
// (which, as 64-bit integers, was half the size of a 1%-dense CSR X of 100 columns).
//
// The bijection is a balanced Feistel network on 2h bits, 2^(2h) >= n the smallest such
// power of four: x = (L, R), two h-bit halves; each of the `rounds` rounds maps
//   (L, R) -> (R, L xor F_r(R)),   F_r(R) = the low h bits of mix(R xor key_r)
// (mix: splitmix64's finalizer), a bijection whatever F_r is. Values >= n are walked along
// their cycle (x -> pi(x) until below n), which restricts a bijection of [0, 2^(2h)) to one of
// [0, n): every row appears exactly once as k runs over [0, n). 2^(2h) < 4n, so a walk takes
// fewer than 4 rounds of the network on average. The keys are drawn from the solver's
// generator (Random), so a seed gives the same epochs on every platform.
#pragma once

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
        for (std::uint64_t& key : keys_) key = random.next();
    }

    /// The k-th row of the permutation, k in [0, n).
    std::uint64_t operator()(std::uint64_t k) const {
        std::uint64_t x = k;
        do x = network(x);
        while (x >= n_);
        return x;
    }

    /// Rows first, ..., first + count - 1 of the permutation into out[0 .. count): operator()'s
    /// values, the network of every k in one branch-free loop (which vectorizes), then the
    /// values >= n walked on along their cycle one by one.
    template <class Out>
    void fill(std::uint64_t first, std::size_t count, Out* out) const {
        for (std::size_t k = 0; k < count; ++k) out[k] = static_cast<Out>(network(first + k));
        for (std::size_t k = 0; k < count; ++k) {
            std::uint64_t x = out[k];
            while (x >= n_) x = network(x);
            out[k] = static_cast<Out>(x);
        }
    }

    /// n: the number of rows permuted.
    std::uint64_t size() const { return n_; }

  private:
    std::uint64_t network(std::uint64_t x) const {
        std::uint64_t left = x >> half_bits_, right = x & half_mask_;
        for (const std::uint64_t key : keys_) {
            std::uint64_t z = right ^ key;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            const std::uint64_t next = left ^ ((z ^ (z >> 31)) & half_mask_);
            left = right;
            right = next;
        }
        return (left << half_bits_) | right;
    }

    std::uint64_t n_;
    int half_bits_ = 0;  // h: 2^(2h) >= n
    std::uint64_t half_mask_ = 0;
    std::uint64_t keys_[rounds] = {};
};

}  // namespace descend
