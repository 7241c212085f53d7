"""Peak extra memory of a full-batch fit against the size of X (issue 11's goal: X + 5%).

A fresh process makes X (m x n float64, C-contiguous) and y, fits once on 10 rows (imports and
caches), then fits descend.LinearRegression (full batch, 2 iterations) on all of X, measuring
tracemalloc's peak (NumPy's and Python's allocations) and the growth of the process's peak
resident set size (everything, C++ included) over its resident size before the fit. The larger
of the two, as a fraction of X's bytes, is what the fit needs beyond X: a copy of X anywhere
would show as 100%. The same measurement is the memory line of ``descend bench``.

Run: python benchmarks/bench_memory.py [--rows N] [--features N] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics

from descend._bench import _memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [_memory(args.rows, args.features) for _ in range(args.repeats)]
    for r in runs:
        print(
            f"X {r['X_bytes'] / 1e6:.0f} MB: tracemalloc peak "
            f"{r['tracemalloc_peak_bytes'] / 1e6:.2f} MB, peak RSS growth "
            f"{r['rss_growth_bytes'] / 1e6:.2f} MB"
        )
    extra = statistics.median(r["extra_fraction_of_X"] for r in runs)
    verdict = "met" if extra <= 0.05 else "NOT met"
    print(
        f"{args.rows:,} x {args.features} float64: extra memory of a full-batch fit, median of "
        f"{args.repeats}: {100 * extra:.2f}% of X (goal <= 5%: {verdict})"
    )


if __name__ == "__main__":
    main()
