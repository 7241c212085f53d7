"""Where the time of one small optimizer step goes: the `descend bench` row "optim.Adam.step,
1,000 float32" taken apart, beside the np.add it is compared with.

Per call, in microseconds, each the median over rounds in which every candidate runs in turn
(so that a change in the machine's load hits all alike), with its ratio to np.add (median of
the per-round ratios):

- np.add:            ``np.add(a, b, out=a)`` on 1,000 float32, the row's reference;
- opt.step([g]):     the row itself (``descend.optim.<Rule>([w]).step([g])``);
- step(grads):       the same with the list made once and ``opt.step`` looked up once;
- step([None]):      the prepared C++ step with nothing to update: the call, its checks and
                     the GIL released and taken back, no arithmetic;
- len([g]):          a builtin called on a new one-element list: the least a Python call of
                     ``opt.step([g])``'s form can cost;
- GIL release:       the cost of releasing and retaking the GIL once (a ctypes call of labs
                     through CDLL, which releases it, minus the same through PyDLL), where
                     ctypes can load the C library (Linux, macOS).

The arithmetic alone, without Python, is ``benchmarks/cpp/adam_step_floor.cpp``.

    python benchmarks/bench_step_overhead.py                    # Adam, 1,000 float32
    python benchmarks/bench_step_overhead.py --rule SGD --n 1000 --rounds 201
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

import descend


def _loop(run: Callable[[], object], calls: int) -> Callable[[], object]:
    def many() -> None:
        for _ in range(calls):
            run()

    return many


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rule", default="Adam", help="a class of descend.optim (Adam)")
    parser.add_argument("--n", type=int, default=1000, help="elements of the parameter (1000)")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=101, help="rounds (101)")
    parser.add_argument("--calls", type=int, default=2000, help="calls timed per round (2000)")
    args = parser.parse_args(argv)

    rule = getattr(descend.optim, args.rule)
    dtype = np.dtype(args.dtype)
    w, w_idle = np.zeros(args.n, dtype), np.zeros(args.n, dtype)
    g = np.ones(args.n, dtype)
    a, b = np.zeros(args.n, dtype), np.ones(args.n, dtype)
    opt, idle = rule([w], lr=1e-3), rule([w_idle], lr=1e-3)
    opt.step([g])  # the first step prepares the fast path
    idle.step([g])
    step, grads = opt.step, [g]

    candidates: dict[str, Callable[[], object]] = {
        "np.add": lambda: np.add(a, b, out=a),
        "opt.step([g])": lambda: opt.step([g]),
        "step(grads)": lambda: step(grads),
        "step([None])": lambda: idle.step([None]),
        "len([g])": lambda: len([g]),
    }
    if sys.platform != "win32":
        releasing, holding = ctypes.CDLL(None).labs, ctypes.PyDLL(None).labs
        candidates["ctypes, GIL released"] = lambda: releasing(3)
        candidates["ctypes, GIL held"] = lambda: holding(3)

    loops = {name: _loop(run, args.calls) for name, run in candidates.items()}
    for run in loops.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(args.rounds):
        for name, run in loops.items():
            started = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - started) / args.calls * 1e6)

    print(f"{args.rule}, {args.n:,} {dtype.name}: us per call (median of {args.rounds} rounds)")
    for name, values in times.items():
        ratios = [x / y for x, y in zip(values, times["np.add"], strict=True)]
        median, ratio = statistics.median(values), statistics.median(ratios)
        print(f"  {name:22s} {median:7.3f}   x np.add {ratio:.2f}")
    if "ctypes, GIL held" in times:
        released, held = times["ctypes, GIL released"], times["ctypes, GIL held"]
        gil = statistics.median([x - y for x, y in zip(released, held, strict=True)])
        print(f"  {'GIL release + retake':22s} {gil:7.3f}")


if __name__ == "__main__":
    main()
