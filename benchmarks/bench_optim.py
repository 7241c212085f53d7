"""One optimizer step on one parameter array: descend beside plain NumPy and torch.optim.

For N parameters (default 1e3, 1e5, 1e7), float32 and float64, and each update rule (torch's
defaults; "momentum" is SGD with momentum 0.9), times

- descend:   ``descend.optim.<Rule>([w]).step([g])``, the whole Python call;
- numpy:     the same rule written plainly in NumPy (with its temporaries);
- torch:     ``torch.optim.<Rule>`` with foreach=True and, where torch has it on the CPU,
             fused=True (when PyTorch is installed), on one thread;
- a += b:    an in-place add over arrays of the same size: the memory floor of an in-place
             update (read two arrays, write one).

and prints ns per element, GB/s (each array read once and written once: a rule with k state
arrays moves (3 + 2k) * itemsize bytes per element, e.g. 28 bytes for float32 Adam), and
the ratios. Each number is the median of several runs; at N = 1e3 the per-call time is
printed in microseconds. Everything runs on one thread.

    python benchmarks/bench_optim.py                   # everything (a few minutes)
    python benchmarks/bench_optim.py --sizes 1e3 --dtypes float32 --rules adam
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

import numpy as np

import descend

try:
    import torch
except ImportError:  # torch is optional
    torch = None

RULES: dict[str, tuple[type, dict, int]] = {
    # name: (descend class, hyperparameters beyond the defaults, number of state arrays)
    "sgd": (descend.optim.SGD, {}, 0),
    "momentum": (descend.optim.SGD, {"momentum": 0.9}, 1),
    "adagrad": (descend.optim.Adagrad, {}, 1),
    "rmsprop": (descend.optim.RMSprop, {}, 1),
    "adam": (descend.optim.Adam, {}, 2),
    "adamw": (descend.optim.AdamW, {}, 2),
    "nadam": (descend.optim.NAdam, {}, 2),
    "radam": (descend.optim.RAdam, {}, 2),
    "adamax": (descend.optim.Adamax, {}, 2),
}


# ---------------------------------------------------------------- NumPy, written plainly
# Each updates p and its state in place from g at step t, with torch's default
# hyperparameters, as one would write it in NumPy (temporaries and all).


def numpy_sgd(p, g, s, t, lr=1e-3):
    p -= lr * g


def numpy_momentum(p, g, s, t, lr=1e-3, mu=0.9):
    (b,) = s
    if t == 1:
        b[...] = g
    else:
        b *= mu
        b += g
    p -= lr * b


def numpy_adagrad(p, g, s, t, lr=1e-2, eps=1e-10):
    (total,) = s
    total += g * g
    p -= lr * g / (np.sqrt(total) + eps)


def numpy_rmsprop(p, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8):
    (v,) = s
    v *= alpha
    v += (1 - alpha) * g * g
    p -= lr * g / (np.sqrt(v) + eps)


def numpy_adam(p, g, s, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
    m, v = s
    if weight_decay:
        p *= 1 - lr * weight_decay
    m *= b1
    m += (1 - b1) * g
    v *= b2
    v += (1 - b2) * g * g
    p -= lr / (1 - b1**t) * m / (np.sqrt(v / (1 - b2**t)) + eps)


def numpy_adamw(p, g, s, t):
    numpy_adam(p, g, s, t, weight_decay=1e-2)


def numpy_nadam(p, g, s, t, lr=2e-3, b1=0.9, b2=0.999, eps=1e-8, psi=4e-3):
    m, v = s
    mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    product = np.prod([b1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in range(1, min(t, 60) + 1)])
    m *= b1
    m += (1 - b1) * g
    v *= b2
    v += (1 - b2) * g * g
    d = np.sqrt(v / (1 - b2**t)) + eps
    p -= lr * ((1 - mu) / (1 - product) * g + mu_next / (1 - product * mu_next) * m) / d


def numpy_radam(p, g, s, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m, v = s
    m *= b1
    m += (1 - b1) * g
    v *= b2
    v += (1 - b2) * g * g
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
    if rho > 5:
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        p -= lr * r * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    else:
        p -= lr / (1 - b1**t) * m


def numpy_adamax(p, g, s, t, lr=2e-3, b1=0.9, b2=0.999, eps=1e-8):
    m, u = s
    m *= b1
    m += (1 - b1) * g
    np.maximum(b2 * u, np.abs(g) + eps, out=u)
    p -= lr / (1 - b1**t) * m / u


NUMPY = {name: globals()[f"numpy_{name}"] for name in RULES}


# ---------------------------------------------------------------- torch

TORCH_RULES = {
    "sgd": ("SGD", {"lr": 1e-3}),
    "momentum": ("SGD", {"lr": 1e-3, "momentum": 0.9}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "nadam": ("NAdam", {}),
    "radam": ("RAdam", {}),
    "adamax": ("Adamax", {}),
}


def torch_step(name: str, n: int, dtype: str, variant: str) -> Callable[[], None] | None:
    """A torch.optim step over one parameter of n elements, or None if torch lacks it."""
    cls_name, hyper = TORCH_RULES[name]
    param = torch.nn.Parameter(torch.zeros(n, dtype=getattr(torch, dtype)))
    param.grad = torch.randn(n, dtype=getattr(torch, dtype))
    try:
        opt = getattr(torch.optim, cls_name)([param], **hyper, **{variant: True})
        opt.step()
    except (RuntimeError, TypeError, ValueError):
        return None
    return opt.step


# ---------------------------------------------------------------- timing


def cell(seconds: float | None, scale: float) -> str:
    """A table cell: the time scaled to the table's unit, or '-' when not measured."""
    return f"{'-':>9s}" if seconds is None else f"{seconds * scale:9.3f}"


def median_seconds(
    fns: dict[str, Callable[[], None] | None], calls: int, repeats: int
) -> dict[str, float | None]:
    """For each function, the median over `repeats` runs of the time of one call, each run
    timing up to `calls` calls (fewer for a slow function: about 20 ms a run). The runs of
    the functions alternate, so that a change in the load of the machine affects them alike."""
    active = {name: fn for name, fn in fns.items() if fn is not None}
    counts = {}
    for name, fn in active.items():
        fn()
        start = time.perf_counter()
        fn()
        counts[name] = max(1, min(calls, int(0.02 / max(time.perf_counter() - start, 1e-9))))
    times: dict[str, list[float]] = {name: [] for name in active}
    for _ in range(repeats):
        for name, fn in active.items():
            start = time.perf_counter()
            for _ in range(counts[name]):
                fn()
            times[name].append((time.perf_counter() - start) / counts[name])
    return {name: statistics.median(times[name]) if name in times else None for name in fns}


def plan(n: int) -> tuple[int, int]:
    """(calls per run, runs) for arrays of n elements."""
    if n <= 10_000:
        return 2000, 7
    if n <= 1_000_000:
        return 100, 7
    return 3, 5


def descend_step(name: str, n: int, dtype: str) -> Callable[[], None]:
    cls, hyper, _ = RULES[name]
    w = np.zeros(n, dtype=dtype)
    grads = [np.random.default_rng(0).standard_normal(n).astype(dtype)]
    opt = cls([w], **hyper)
    step = opt.step
    return lambda: step(grads)


def numpy_step(name: str, n: int, dtype: str) -> Callable[[], None]:
    _, _, slots = RULES[name]
    p = np.zeros(n, dtype=dtype)
    g = np.random.default_rng(0).standard_normal(n).astype(dtype)
    state = [np.zeros(n, dtype=dtype) for _ in range(slots)]
    rule = NUMPY[name]
    counter = [0]

    def step() -> None:
        counter[0] += 1
        rule(p, g, state, counter[0])

    return step


def add_floor(n: int, dtype: str) -> Callable[[], None]:
    a = np.zeros(n, dtype=dtype)
    b = np.ones(n, dtype=dtype)
    return lambda: np.add(a, b, out=a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1e3,1e5,1e7",
        help="comma-separated numbers of parameters (default 1e3,1e5,1e7)",
    )
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--no-torch", action="store_true", help="skip torch even if installed")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    dtypes = args.dtypes.split(",")
    rules = args.rules.split(",")
    use_torch = torch is not None and not args.no_torch
    if use_torch:
        torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass

    print(
        f"descend {descend.__version__}, NumPy {np.__version__}, "
        f"torch {torch.__version__ if use_torch else 'not used'}; one thread"
    )
    goals: list[str] = []
    for n in sizes:
        calls, repeats = plan(n)
        small = n <= 10_000
        unit = "us/call" if small else "ns/elem"
        for dtype in dtypes:
            itemsize = np.dtype(dtype).itemsize
            print(f"\nN = {n:.0e}, {dtype}")
            print(f"{'':9s} {unit:>9s} {'GB/s':>6s} {'GB/s':>6s} {unit:>9s} {unit:>9s} {unit:>9s}")
            print(
                f"{'rule':9s} {'descend':>9s} {'':>6s} {'a+=b':>6s} {'numpy':>9s} "
                f"{'foreach':>9s} {'fused':>9s}  {'numpy/d':>7s} {'torch/d':>7s} "
                f"{'d/floor':>7s}"
            )
            for name in rules:
                _, _, slots = RULES[name]
                fns = {
                    "floor": add_floor(n, dtype),
                    "descend": descend_step(name, n, dtype),
                    "numpy": numpy_step(name, n, dtype),
                }
                if use_torch:
                    for variant in ("foreach", "fused"):
                        fns[variant] = torch_step(name, n, dtype, variant)
                t = median_seconds(fns, calls, repeats)
                del fns
                gc.collect()
                d = t["descend"]
                gbs = (3 + 2 * slots) * itemsize * n / d / 1e9
                floor_gbs = 3 * itemsize * n / t["floor"] / 1e9
                torch_times = [t[v] for v in ("foreach", "fused") if t.get(v) is not None]
                best_torch = min(torch_times) if torch_times else None
                scale = 1e6 if small else 1e9 / n
                torch_ratio = f"{best_torch / d:7.2f}" if best_torch else f"{'-':>7s}"
                print(
                    f"{name:9s} {cell(d, scale)} {gbs:6.1f} {floor_gbs:6.1f} "
                    f"{cell(t['numpy'], scale)} {cell(t.get('foreach'), scale)} "
                    f"{cell(t.get('fused'), scale)}  {t['numpy'] / d:7.2f} {torch_ratio} "
                    f"{gbs / floor_gbs:7.2f}"
                )
                if n >= 10_000_000 and dtype == "float32":
                    ok_torch = best_torch is None or d <= best_torch
                    ok_floor = gbs >= 0.9 * floor_gbs
                    verdict = "as fast as" if ok_torch else "SLOWER than"
                    goals.append(
                        f"N=1e7 float32 {name}: {verdict} torch's fastest "
                        f"({torch_ratio.strip()}x), {gbs / floor_gbs:.0%} of a += b "
                        f"GB/s -> {'met' if ok_torch and ok_floor else 'NOT met'}"
                    )
                if n == 1000 and dtype == "float32" and name == "adam":
                    goals.append(
                        f"N=1e3 float32 adam: {d * 1e6:.2f} us per opt.step"
                        f" -> {'met' if d < 2e-6 else 'NOT met'} (goal < 2 us)"
                    )
    print(
        "\nGB/s counts each array read once and written once; a+=b is the in-place add "
        "measured alongside each rule.\nratios: numpy/d and torch/d = their time over "
        "descend's (> 1: descend faster); d/floor = descend's GB/s over a += b's"
    )
    if goals:
        print("\nGoals of issue 3:")
        for line in goals:
            print("  " + line)


if __name__ == "__main__":
    main()
