"""The constructors of descend.optim, which it makes at run time from the update
rules' field tables, and the keyword arguments the estimators share, for type
checkers; written by scripts/generate_stubs.py, checked against the run-time
signatures by tests/test_typing.py."""

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypedDict

import numpy as np

from .optim import Optimizer
from .schedules import Schedule

class _SGD(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.001,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _Adagrad(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _RMSprop(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _Adam(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _AdamW(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _NAdam(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.002,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        momentum_decay: float = 0.004,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _RAdam(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _Adamax(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.002,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-08,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _Lion(Optimizer):
    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None = None,
        lr: float = 0.0001,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None: ...

class _SharedParameters(TypedDict, total=False):
    alpha: float
    l1_ratio: float
    optimizer: Any
    learning_rate: str | float
    schedule: Schedule | Literal["cosine"] | None
    batch_size: int | None
    sampling: str
    average: bool | int
    max_iter: int
    tol: float | None
    n_iter_no_change: int
    early_stopping: bool
    validation_fraction: float
    on_nonfinite: str
    fit_intercept: bool
    warm_start: bool
    random_state: int | np.random.Generator | None
    verbose: bool | int | None
    n_threads: int | None
