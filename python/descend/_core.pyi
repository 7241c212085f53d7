"""Type stubs of descend._core, written by scripts/generate_stubs.py (pybind11-stubgen,
docstrings dropped: help() shows the module's own); mypy.stubtest checks them in .ci/run."""

from __future__ import annotations

import collections.abc
import typing

import numpy
import numpy.typing
import typing_extensions

class StepPlan:
    def __init__(self) -> None: ...
    def bind(
        self, step: typing.Any, full_step: typing.Any
    ) -> collections.abc.Callable[..., None]: ...
    def build(
        self,
        groups: typing.Any,
        counter: typing.Any,
        offsets: typing.Any,
        check_finite: bool,
        n_threads: typing.Any,
        changes: typing.Any,
    ) -> None: ...
    def clear(self) -> None: ...
    def enter(self) -> bool: ...
    def leave(self) -> None: ...
    def step(self, grads: typing.Any) -> bool: ...
    @property
    def ready(self) -> bool: ...

class _FieldClass:
    __hash__: typing.ClassVar[None]  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool: ...
    def __getstate__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: tuple[typing.Any, ...]) -> None: ...
    def validate(self) -> None: ...

class _Rule(_FieldClass):
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def maximize(self) -> bool: ...
    @maximize.setter
    def maximize(self, arg0: bool) -> None: ...
    @property
    def state_names(self) -> tuple[typing.Any, ...]: ...
    @property
    def state_slots(self) -> int: ...
    @property
    def weight_decay(self) -> float: ...
    @weight_decay.setter
    def weight_decay(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class SGD(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.001,
        momentum: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        dampening: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        nesterov: bool = False,
        maximize: bool = False,
    ) -> None: ...
    @property
    def dampening(self) -> float: ...
    @dampening.setter
    def dampening(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def momentum(self) -> float: ...
    @momentum.setter
    def momentum(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def nesterov(self) -> bool: ...
    @nesterov.setter
    def nesterov(self, arg0: bool) -> None: ...

class Adam(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.001,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.999,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        amsgrad: bool = False,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None: ...
    @property
    def amsgrad(self) -> bool: ...
    @amsgrad.setter
    def amsgrad(self, arg0: bool) -> None: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def decoupled_weight_decay(self) -> bool: ...
    @decoupled_weight_decay.setter
    def decoupled_weight_decay(self, arg0: bool) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Adagrad(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.01,
        lr_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        initial_accumulator_value: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-10,
        maximize: bool = False,
    ) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def initial_accumulator_value(self) -> float: ...
    @initial_accumulator_value.setter
    def initial_accumulator_value(
        self, arg0: typing.SupportsFloat | typing.SupportsIndex
    ) -> None: ...
    @property
    def lr_decay(self) -> float: ...
    @lr_decay.setter
    def lr_decay(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class RMSprop(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.01,
        alpha: typing.SupportsFloat | typing.SupportsIndex = 0.99,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        momentum: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None: ...
    @property
    def alpha(self) -> float: ...
    @alpha.setter
    def alpha(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def centered(self) -> bool: ...
    @centered.setter
    def centered(self, arg0: bool) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def momentum(self) -> float: ...
    @momentum.setter
    def momentum(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class AdamW(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.001,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.999,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.01,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None: ...
    @property
    def amsgrad(self) -> bool: ...
    @amsgrad.setter
    def amsgrad(self, arg0: bool) -> None: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class NAdam(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.002,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.999,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        momentum_decay: typing.SupportsFloat | typing.SupportsIndex = 0.004,
        decoupled_weight_decay: bool = False,
        maximize: bool = False,
    ) -> None: ...
    def mu_product(self, t: typing.SupportsInt | typing.SupportsIndex) -> float: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def decoupled_weight_decay(self) -> bool: ...
    @decoupled_weight_decay.setter
    def decoupled_weight_decay(self, arg0: bool) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def momentum_decay(self) -> float: ...
    @momentum_decay.setter
    def momentum_decay(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class RAdam(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.001,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.999,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        decoupled_weight_decay: bool = False,
        maximize: bool = False,
    ) -> None: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def decoupled_weight_decay(self) -> bool: ...
    @decoupled_weight_decay.setter
    def decoupled_weight_decay(self, arg0: bool) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Adamax(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.002,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.999,
        eps: typing.SupportsFloat | typing.SupportsIndex = 1e-08,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        maximize: bool = False,
    ) -> None: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def eps(self) -> float: ...
    @eps.setter
    def eps(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Lion(_Rule):
    def __init__(
        self,
        *,
        lr: typing.SupportsFloat | typing.SupportsIndex = 0.0001,
        beta1: typing.SupportsFloat | typing.SupportsIndex = 0.9,
        beta2: typing.SupportsFloat | typing.SupportsIndex = 0.99,
        weight_decay: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        maximize: bool = False,
    ) -> None: ...
    @property
    def beta1(self) -> float: ...
    @beta1.setter
    def beta1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def beta2(self) -> float: ...
    @beta2.setter
    def beta2(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class _Schedule(_FieldClass):
    def __call__(self, t: typing.SupportsInt | typing.SupportsIndex) -> float: ...
    def __copy__(self) -> typing_extensions.Self: ...
    def __deepcopy__(self, memo: typing.Any) -> typing_extensions.Self: ...

class Constant(_Schedule):
    def __init__(self, lr: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class InverseTime(_Schedule):
    def __init__(
        self,
        t0: typing.SupportsFloat | typing.SupportsIndex = 5.0,
        t1: typing.SupportsFloat | typing.SupportsIndex = 50.0,
    ) -> None: ...
    @property
    def t0(self) -> float: ...
    @t0.setter
    def t0(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def t1(self) -> float: ...
    @t1.setter
    def t1(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class InvScaling(_Schedule):
    def __init__(
        self,
        eta0: typing.SupportsFloat | typing.SupportsIndex = 0.01,
        power_t: typing.SupportsFloat | typing.SupportsIndex = 0.25,
    ) -> None: ...
    @property
    def eta0(self) -> float: ...
    @eta0.setter
    def eta0(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def power_t(self) -> float: ...
    @power_t.setter
    def power_t(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class StepDecay(_Schedule):
    def __init__(
        self,
        lr: typing.SupportsFloat | typing.SupportsIndex,
        step_size: typing.SupportsInt | typing.SupportsIndex,
        gamma: typing.SupportsFloat | typing.SupportsIndex = 0.1,
    ) -> None: ...
    @property
    def gamma(self) -> float: ...
    @gamma.setter
    def gamma(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def step_size(self) -> int: ...
    @step_size.setter
    def step_size(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...

class Exponential(_Schedule):
    def __init__(
        self,
        lr: typing.SupportsFloat | typing.SupportsIndex,
        gamma: typing.SupportsFloat | typing.SupportsIndex,
    ) -> None: ...
    @property
    def gamma(self) -> float: ...
    @gamma.setter
    def gamma(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Cosine(_Schedule):
    def __init__(
        self,
        lr: typing.SupportsFloat | typing.SupportsIndex,
        T_max: typing.SupportsInt | typing.SupportsIndex,
        eta_min: typing.SupportsFloat | typing.SupportsIndex = 0.0,
    ) -> None: ...
    @property
    def T_max(self) -> int: ...
    @T_max.setter
    def T_max(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def eta_min(self) -> float: ...
    @eta_min.setter
    def eta_min(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class LinearWarmup(_Schedule):
    def __init__(
        self, schedule: typing.Any, warmup_steps: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    def epoch_end(self, loss: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def schedule(self) -> _Schedule: ...
    @property
    def warmup_steps(self) -> int: ...
    @warmup_steps.setter
    def warmup_steps(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...

class ReduceOnPlateau(_Schedule):
    def __init__(
        self,
        schedule: typing.Any,
        *,
        factor: typing.SupportsFloat | typing.SupportsIndex = 0.1,
        patience: typing.SupportsInt | typing.SupportsIndex = 10,
        threshold: typing.SupportsFloat | typing.SupportsIndex = 0.0001,
        cooldown: typing.SupportsInt | typing.SupportsIndex = 0,
        min_lr: typing.SupportsFloat | typing.SupportsIndex = 0.0,
    ) -> None: ...
    def epoch_end(self, loss: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def best(self) -> float: ...
    @best.setter
    def best(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def cooldown(self) -> int: ...
    @cooldown.setter
    def cooldown(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def cooldown_counter(self) -> int: ...
    @cooldown_counter.setter
    def cooldown_counter(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def factor(self) -> float: ...
    @factor.setter
    def factor(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def min_lr(self) -> float: ...
    @min_lr.setter
    def min_lr(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def num_bad_epochs(self) -> int: ...
    @num_bad_epochs.setter
    def num_bad_epochs(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def patience(self) -> int: ...
    @patience.setter
    def patience(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def scale(self) -> float: ...
    @scale.setter
    def scale(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def schedule(self) -> _Schedule: ...
    @property
    def threshold(self) -> float: ...
    @threshold.setter
    def threshold(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class SolverOptions:
    def __init__(
        self,
        *,
        batch_size: typing.SupportsInt | typing.SupportsIndex = 0,
        sampling: str = "shuffle",
        max_iter: typing.SupportsInt | typing.SupportsIndex = 1000,
        tol: typing.SupportsFloat | typing.SupportsIndex = 1e-06,
        n_iter_no_change: typing.SupportsInt | typing.SupportsIndex = 1,
        slice_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        average: typing.SupportsInt | typing.SupportsIndex = 0,
        early_stopping: bool = False,
        on_nonfinite: str = "stop",
        lbfgs: bool = False,
    ) -> None: ...
    def steps_per_epoch(self, rows: typing.SupportsInt | typing.SupportsIndex) -> int: ...
    @property
    def average(self) -> int: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def early_stopping(self) -> bool: ...
    @property
    def lbfgs(self) -> bool: ...
    @property
    def max_iter(self) -> int: ...
    @property
    def n_iter_no_change(self) -> int: ...
    @property
    def on_nonfinite(self) -> str: ...
    @property
    def sampling(self) -> str: ...
    @property
    def slice_seconds(self) -> float: ...
    @property
    def tol(self) -> float: ...

class SolverState:
    status: str

    def __getstate__(self) -> tuple[typing.Any, ...]: ...
    def __init__(self, seed: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __setstate__(self, arg0: tuple[typing.Any, ...]) -> None: ...
    def next_below(self, n: typing.SupportsInt | typing.SupportsIndex) -> int: ...
    @property
    def best_average(self) -> list[float]: ...
    @property
    def best_theta(self) -> list[float]: ...
    @property
    def best_validation_loss(self) -> float: ...
    @best_validation_loss.setter
    def best_validation_loss(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def diverged_epoch(self) -> int: ...
    @diverged_epoch.setter
    def diverged_epoch(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def epoch(self) -> int: ...
    @epoch.setter
    def epoch(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def no_change(self) -> int: ...
    @no_change.setter
    def no_change(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def nonfinite_steps(self) -> int: ...
    @nonfinite_steps.setter
    def nonfinite_steps(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def previous_loss(self) -> float: ...
    @previous_loss.setter
    def previous_loss(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def random_state(self) -> tuple[int, int, int, int]: ...
    @random_state.setter
    def random_state(self, arg1: tuple[typing.Any, ...]) -> None: ...
    @property
    def step(self) -> int: ...
    @step.setter
    def step(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...

class Penalty:
    def __init__(
        self,
        kind: str | None,
        *,
        alpha: typing.SupportsFloat | typing.SupportsIndex = 0.0001,
        l1_ratio: typing.SupportsFloat | typing.SupportsIndex = 0.15,
    ) -> None: ...
    def validate(self) -> None: ...
    @property
    def alpha(self) -> float: ...
    @alpha.setter
    def alpha(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def l1_ratio(self) -> float: ...
    @l1_ratio.setter
    def l1_ratio(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def l1_strength(self) -> float: ...
    @property
    def l2_strength(self) -> float: ...

class _Landscape:
    def grad(self, x: typing.Any, out: typing.Any) -> None: ...
    def minimize_steps(
        self, x: typing.Any, run: Minimizer, steps: typing.SupportsInt | typing.SupportsIndex
    ) -> str: ...
    def value(self, x: typing.Any, out: typing.Any) -> None: ...
    def value_and_grad(self, x: typing.Any, value: typing.Any, grad: typing.Any) -> None: ...
    @property
    def dim(self) -> int: ...

class Sphere(_Landscape):
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex = 2) -> None: ...

class IllConditionedQuadratic(_Landscape):
    def __init__(
        self,
        dim: typing.SupportsInt | typing.SupportsIndex = 2,
        condition: typing.SupportsFloat | typing.SupportsIndex = 100.0,
    ) -> None: ...
    @property
    def condition(self) -> float: ...

class Booth(_Landscape):
    def __init__(self) -> None: ...

class Rosenbrock(_Landscape):
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex = 2) -> None: ...

class Beale(_Landscape):
    def __init__(self) -> None: ...

class Saddle(_Landscape):
    def __init__(self) -> None: ...

class MonkeySaddle(_Landscape):
    def __init__(self) -> None: ...

class DoubleWell(_Landscape):
    def __init__(self) -> None: ...

class Himmelblau(_Landscape):
    def __init__(self) -> None: ...

class Rastrigin(_Landscape):
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex = 2) -> None: ...

class Ackley(_Landscape):
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex = 2) -> None: ...

class Minimizer:
    def __init__(
        self,
        optimizer: _Rule,
        schedule: _Schedule,
        n: typing.SupportsInt | typing.SupportsIndex,
        *,
        max_iter: typing.SupportsInt | typing.SupportsIndex = 1000,
        gtol: typing.SupportsFloat | typing.SupportsIndex = 1e-05,
        tol: typing.SupportsFloat | typing.SupportsIndex = 1e-06,
        clip_norm: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        record_path: bool = False,
        on_nonfinite: str = "stop",
    ) -> None: ...
    def observe(
        self, x: typing.Any, f: typing.SupportsFloat | typing.SupportsIndex, g: typing.Any
    ) -> str: ...
    def step(self, x: typing.Any) -> None: ...
    @property
    def evaluations(self) -> int: ...
    @property
    def fun(self) -> float: ...
    @property
    def history(self) -> numpy.typing.NDArray[numpy.float64]: ...
    @property
    def jac(self) -> numpy.typing.NDArray[numpy.float64]: ...
    @property
    def n(self) -> int: ...
    @property
    def nit(self) -> int: ...
    @property
    def nonfinite_steps(self) -> int: ...
    @property
    def path(self) -> numpy.typing.NDArray[numpy.float64]: ...
    @property
    def status(self) -> str: ...
    @property
    def x(self) -> numpy.typing.NDArray[numpy.float64]: ...

def _fused_sgd_epoch(
    X: typing.Any,
    y: typing.Any,
    theta: typing.Any,
    rows: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    schedule: typing.Any,
    penalty: Penalty,
    *,
    loss: str = "squared_error",
    epsilon: typing.SupportsFloat | typing.SupportsIndex = 0.1,
    sample_weight: typing.Any = None,
    fit_intercept: bool = True,
    average: typing.Any = None,
    average_start: typing.SupportsInt | typing.SupportsIndex = 1,
) -> tuple[float, int]: ...
def adagrad_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def adagrad_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def adam_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def adam_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def adamax_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def adamax_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def adamw_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def adamw_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def add_penalty_gradient(penalty: Penalty, theta: typing.Any, grad: typing.Any) -> None: ...
def all_finite(array: typing.Any) -> bool: ...
def build_config() -> dict[str, typing.Any]: ...
def caller_to_scaled(
    theta: typing.Any, out: typing.Any, *, feature_offset: typing.Any, feature_scale: typing.Any
) -> None: ...
def clip_grad_norm(
    grads: typing.Any,
    max_norm: typing.SupportsFloat | typing.SupportsIndex,
    *,
    norm_type: typing.SupportsFloat | typing.SupportsIndex = 2.0,
    error_if_nonfinite: bool = False,
) -> float: ...
def clip_grad_value(
    grads: typing.Any, clip_value: typing.SupportsFloat | typing.SupportsIndex
) -> None: ...
def column_moments(
    X: typing.Any, *, sample_weight: typing.Any = None
) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]: ...
def first_overlap(arrays: typing.Any) -> typing.Any: ...
def fit_linear(
    X: typing.Any,
    y: typing.Any,
    sample_weight: typing.Any,
    theta: typing.Any,
    state: typing.Any,
    average: typing.Any,
    optimizer: typing.Any,
    schedule: typing.Any,
    options: typing.Any,
    solver_state: typing.Any,
    epochs: typing.Any,
    loss: typing.Any,
    *,
    epsilon: typing.Any = 0.1,
    penalty: typing.Any = "none",
    alpha: typing.Any = 0.0001,
    l1_ratio: typing.Any = 0.15,
    fit_intercept: typing.Any = True,
    train_rows: typing.Any = None,
    validation_rows: typing.Any = None,
    feature_offset: typing.Any = None,
    feature_scale: typing.Any = None,
    n_threads: typing.Any = None,
) -> tuple[typing.Any, ...]: ...
def fit_linear_from_sums(
    loss: typing.SupportsFloat | typing.SupportsIndex,
    gradient: typing.Any,
    at: typing.Any,
    theta: typing.Any,
    state: typing.Any,
    average: typing.Any,
    optimizer: _Rule,
    schedule: typing.Any,
    options: SolverOptions,
    solver_state: SolverState,
    *,
    n_samples: typing.SupportsInt | typing.SupportsIndex,
    penalty: str = "none",
    alpha: typing.SupportsFloat | typing.SupportsIndex = 0.0001,
    l1_ratio: typing.SupportsFloat | typing.SupportsIndex = 0.15,
    feature_offset: typing.Any = None,
    feature_scale: typing.Any = None,
) -> list[float]: ...
def fit_linear_remote(
    sums: collections.abc.Callable[..., typing.Any],
    theta: typing.Any,
    state: typing.Any,
    average: typing.Any,
    optimizer: _Rule,
    schedule: typing.Any,
    options: SolverOptions,
    solver_state: SolverState,
    epochs: typing.SupportsInt | typing.SupportsIndex,
    *,
    n_samples: typing.SupportsInt | typing.SupportsIndex,
    penalty: str = "none",
    alpha: typing.SupportsFloat | typing.SupportsIndex = 0.0001,
    l1_ratio: typing.SupportsFloat | typing.SupportsIndex = 0.15,
    feature_offset: typing.Any = None,
    feature_scale: typing.Any = None,
) -> list[float]: ...
def huber_loss_and_gradient(
    X: typing.Any,
    y: numpy.ndarray,
    theta: numpy.ndarray,
    grad: numpy.ndarray,
    *,
    sample_weight: numpy.ndarray | None = None,
    rows: numpy.ndarray | None = None,
    fit_intercept: bool = True,
    epsilon: float = 0.1,
    n_threads: int | None = None,
) -> float: ...
def lion_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def lion_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def logistic_loss_and_gradient(
    X: typing.Any,
    y: numpy.ndarray,
    theta: numpy.ndarray,
    grad: numpy.ndarray,
    *,
    sample_weight: numpy.ndarray | None = None,
    rows: numpy.ndarray | None = None,
    fit_intercept: bool = True,
    n_threads: int | None = None,
) -> float: ...
def loss_curvature(loss: str) -> float: ...
def nadam_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def nadam_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def penalty_value(penalty: Penalty, theta: typing.Any) -> float: ...
def proximal_step(
    penalty: Penalty, theta: typing.Any, lr: typing.SupportsFloat | typing.SupportsIndex
) -> None: ...
def radam_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def radam_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def rmsprop_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def rmsprop_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def scaled_to_caller(
    theta: typing.Any, out: typing.Any, *, feature_offset: typing.Any, feature_scale: typing.Any
) -> None: ...
def sgd_step(
    param: typing.Any,
    grad: typing.Any,
    state: typing.Any,
    step: typing.SupportsInt | typing.SupportsIndex,
    rule: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
    unused: typing.Any = None,
) -> None: ...
def sgd_step_groups(
    groups: typing.Any,
    grads: typing.Any,
    counter: typing.Any,
    check_finite: bool = False,
    n_threads: typing.Any = None,
) -> None: ...
def smoothness(
    X: typing.Any,
    *,
    sample_weight: typing.Any = None,
    feature_offset: typing.Any = None,
    feature_scale: typing.Any = None,
    fit_intercept: bool = True,
    iterations: typing.SupportsInt | typing.SupportsIndex = 16,
) -> tuple[float, float]: ...
def softmax_loss_and_gradient(
    X: typing.Any,
    y: numpy.ndarray,
    theta: numpy.ndarray,
    grad: numpy.ndarray,
    *,
    sample_weight: numpy.ndarray | None = None,
    rows: numpy.ndarray | None = None,
    fit_intercept: bool = True,
    n_threads: int | None = None,
) -> float: ...
def squared_error_loss_and_gradient(
    X: typing.Any,
    y: numpy.ndarray,
    theta: numpy.ndarray,
    grad: numpy.ndarray,
    *,
    sample_weight: numpy.ndarray | None = None,
    rows: numpy.ndarray | None = None,
    fit_intercept: bool = True,
    n_threads: int | None = None,
) -> float: ...

MAX_STEP: int = 9007199254740992
__version__: str = "0.1.0"
