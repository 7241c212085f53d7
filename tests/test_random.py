"""The generator's sequence for a seed is the one pinned in cpp/tests/test_random.cpp.

``_core.SolverState(seed)`` seeds the solver's xoshiro256** generator; ``next_below(n)`` draws
from it the way the solver picks rows. The same seed must give the same numbers in C++ and
Python, on every platform, and match xoshiro256** + Lemire's method written plainly below.
"""

import pytest

from descend import _core

_MASK = (1 << 64) - 1


class _ReferenceRandom:
    """xoshiro256** seeded by splitmix64, bounded integers by Lemire's method, from the papers."""

    def __init__(self, seed: int) -> None:
        self.state = []
        x = seed
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & _MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
            self.state.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & _MASK

    def next(self) -> int:
        s = self.state
        result = (self._rotl((s[1] * 5) & _MASK, 7) * 9) & _MASK
        t = (s[1] << 17) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def below(self, n: int) -> int:
        threshold = ((1 << 64) - n) % n
        while True:
            product = self.next() * n
            if product & _MASK >= threshold:
                return product >> 64


def test_seed_0_state_is_splitmix64_published_output():
    # 0xE220A8397B1DCDAF is splitmix64's first output for seed 0.
    assert _core.SolverState(0).random_state == (
        0xE220A8397B1DCDAF,
        0x6E789E6AA1B965F4,
        0x06C45D188009454F,
        0xF88BB8A8724C81EC,
    )


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (0, [601, 747, 103, 416, 732, 999, 422, 535]),
        (42, [83, 378, 680, 924, 991, 769, 719, 850]),
    ],
)
def test_next_below_1000_is_pinned(seed, expected):
    state = _core.SolverState(seed)
    assert [state.next_below(1000) for _ in range(8)] == expected


def test_next_below_large_bound_is_pinned():
    state = _core.SolverState(0)
    n = 10**18 + 7
    assert [state.next_below(n) for _ in range(2)] == [601262999417904883, 747774092547239887]


@pytest.mark.parametrize("seed", [0, 1, 42, 2**63 + 5, 2**64 - 1])
@pytest.mark.parametrize("n", [1, 2, 3, 7, 1000, 2**32 + 1, 2**63 + 1, 2**64 - 1])
def test_next_below_matches_the_reference_implementation(seed, n):
    state, reference = _core.SolverState(seed), _ReferenceRandom(seed)
    assert state.random_state == tuple(reference.state)
    assert [state.next_below(n) for _ in range(20)] == [reference.below(n) for _ in range(20)]


def test_next_below_zero_is_refused():
    with pytest.raises(ValueError, match="n: expected > 0"):
        _core.SolverState(0).next_below(0)
