"""Kernels in place on your own arrays: the one-pass loss and gradient of each objective, and
one step of each update rule.

Loss and gradient (``squared_error_loss_and_gradient``, ``huber_loss_and_gradient``,
``logistic_loss_and_gradient``, ``softmax_loss_and_gradient``): the mean loss of a linear
model's parameters ``theta`` on ``(X, y)`` (dense or CSR ``X``, optional sample weights and a
batch of rows), computed in one pass over the rows of ``X``; the gradient is written into the
caller's ``grad`` and the loss is returned.

Update steps (``sgd_step``, ``adam_step``, ...): for code that keeps its own optimizer state.
Each function takes the parameter, its gradient, the state arrays of the rule (same dtype and
shape as the parameter, C-contiguous, writeable; start them at zero) and ``step``, the number
of this step (1 for the first), and updates the parameter and the state arrays in place in one
fused C++ loop. A state array the rule does not keep with the hyperparameters given (a
``momentum_buffer`` while momentum is 0, ``max_exp_avg_sq`` without amsgrad) may be None; if
it is given it is checked as the others are and left alone. Hyperparameters are keyword-only
with the names and defaults of ``torch.optim``. ``n_threads`` (None or an int >= 1) splits
the update into blocks of consecutive elements run on that many threads, with the GIL
released; the rules are elementwise, so the results are the same bits for any
``n_threads``. None, the default, uses every processor on arrays of at least
``descend.show_config()["parallel_min_elements"]`` elements and one thread below.

Every argument is checked before anything is written: a wrong dtype (float32 and float64 are
supported, the other arrays must match the parameter's or ``X``'s), shape or layout, a
read-only or aliased output array or an impossible hyperparameter raises TypeError/ValueError
and leaves every array untouched. With ``check_finite=True`` a gradient holding NaN or
infinity raises FloatingPointError, again before any write.

Examples
--------
A hand-written training loop, a gradient kernel and an update kernel, equal to
``LinearRegression(optimizer="adam", learning_rate=0.1, max_iter=200, tol=None).fit(X, y)``:

>>> import numpy as np
>>> from descend.kernels import adam_step, squared_error_loss_and_gradient
>>> rng = np.random.default_rng(0)
>>> X = 2 * rng.random((100, 1)); y = 4 + 3 * X[:, 0] + rng.standard_normal(100)
>>> theta = np.zeros(2); grad = np.empty(2); m = np.zeros(2); v = np.zeros(2)
>>> for t in range(1, 201):
...     loss = squared_error_loss_and_gradient(X, y, theta, grad)   # grad written in place
...     adam_step(theta, grad, m, v, t, lr=0.1)                      # theta, m, v in place
>>> np.round(theta, 3)
array([3.784, 3.098])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _core
from ._checks import check_flag, core_rule, step_number

__all__ = [
    "adagrad_step",
    "adam_step",
    "adamax_step",
    "adamw_step",
    "huber_loss_and_gradient",
    "lion_step",
    "logistic_loss_and_gradient",
    "nadam_step",
    "radam_step",
    "rmsprop_step",
    "sgd_step",
    "softmax_loss_and_gradient",
    "squared_error_loss_and_gradient",
]


# ---------------------------------------------------------------------- loss and gradient
def _loss_kernel(core_kernel: Any) -> Callable[..., float]:
    """The compiled loss-and-gradient kernel behind a Python signature: X, y, theta, grad by
    position, its keyword-only parameters by name. A call with more positional arguments or an
    unknown keyword raises Python's own TypeError, not pybind11's list of C++ signatures (with
    every array of the call printed in full). The keywords and their defaults are read from
    the signature line pybind11 writes at the top of the kernel's docstring (the binding is
    their one source); a keyword given is passed on, the others keep the kernel's defaults."""
    name = core_kernel.__name__
    signature, _, doc = core_kernel.__doc__.partition("\n")
    listed = re.fullmatch(
        rf"{name}\(X: \w+, y: \w+, theta: \w+, grad: \w+, \*, (.*)\) -> float", signature
    )
    if listed is None:
        raise ImportError(f"descend._core.{name}: unexpected signature {signature!r}")
    keywords = {}
    for parameter in listed.group(1).split(", "):
        keyword, _, default = parameter.partition(" = ")
        keywords[keyword.partition(":")[0]] = default
    taken = ", ".join(keywords)

    def kernel(X: Any, y: Any, theta: Any, grad: Any, **options: Any) -> float:
        for keyword in options:
            if keyword not in keywords:
                raise TypeError(
                    f"{name}() got an unexpected keyword argument {keyword!r} (it takes {taken})"
                )
        result: float = core_kernel(X, y, theta, grad, **options)
        return result

    kernel.__name__ = kernel.__qualname__ = name
    defaults = ", ".join(f"{keyword}={default}" for keyword, default in keywords.items())
    kernel.__doc__ = f"{name}(X, y, theta, grad, *, {defaults}) -> float\n{doc}"
    return kernel


squared_error_loss_and_gradient = _loss_kernel(_core.squared_error_loss_and_gradient)
huber_loss_and_gradient = _loss_kernel(_core.huber_loss_and_gradient)
logistic_loss_and_gradient = _loss_kernel(_core.logistic_loss_and_gradient)
softmax_loss_and_gradient = _loss_kernel(_core.softmax_loss_and_gradient)


# ---------------------------------------------------------------------- update steps
# The kernels' names of state arrays whose argument is not torch's state key.
_STATE_ARGUMENTS = {"sum": "state_sum"}


# The wrappers' arguments that are neither hyperparameters nor state arrays.
_STEP_ARGUMENTS = frozenset(("param", "grad", "step", "check_finite", "n_threads"))

# Per compiled rule class: its fields, its kernel and the wrapper's state arguments (looked up
# once).
_RULES: dict[type, tuple[tuple[str, ...], Any, tuple[str, ...]]] = {}


def _run(rule_class: type, arguments: dict[str, Any]) -> None:
    """One step of the rule: its compiled object made from the wrapper's `arguments` (its
    hyperparameters are the rule's fields, checked), the state arrays it keeps taken from
    them in its order, then ``descend._core.<rule>_step``, which also checks (and leaves
    alone) the state arrays given that the rule does not keep with these hyperparameters (an
    SGD momentum_buffer while momentum is 0, max_exp_avg_sq without amsgrad)."""
    known = _RULES.get(rule_class)
    if known is None:
        fields = rule_class._fields  # type: ignore[attr-defined]
        known = _RULES[rule_class] = (
            fields,
            getattr(_core, f"{rule_class.__name__.lower()}_step"),
            tuple(name for name in arguments if name not in _STEP_ARGUMENTS and name not in fields),
        )
    fields, kernel, state_arguments = known
    rule = core_rule(rule_class, **{name: arguments[name] for name in fields})
    state = []
    kept = set()
    for name in rule.state_names:
        argument = _STATE_ARGUMENTS.get(name, name)
        array = arguments[argument]
        if array is None:
            raise ValueError(
                f"{argument}: an array is required: {rule!r} keeps the "
                f"state arrays {', '.join(rule.state_names)}"
            )
        state.append(array)
        kept.add(argument)
    unused = {
        name: arguments[name]
        for name in state_arguments
        if name not in kept and arguments[name] is not None
    }
    kernel(
        arguments["param"],
        arguments["grad"],
        state,
        step_number(arguments["step"]),
        rule,
        check_flag("check_finite", arguments["check_finite"]),
        arguments["n_threads"],
        unused or None,
    )


def sgd_step(
    param: np.ndarray,
    grad: np.ndarray,
    momentum_buffer: np.ndarray | None,
    step: int,
    *,
    lr: float = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of SGD (``torch.optim.SGD``) in place::

        g = (-grad if maximize else grad) + weight_decay * param
        b = g                                  if step == 1
        b = momentum * b + (1 - dampening) * g otherwise        (only when momentum != 0)
        param -= lr * (g + momentum * b if nesterov else b)     (or lr * g without momentum)

    ``momentum_buffer`` may be None when ``momentum == 0``; its content is ignored on step 1.
    """
    _run(_core.SGD, locals())


def adagrad_step(
    param: np.ndarray,
    grad: np.ndarray,
    state_sum: np.ndarray,
    step: int,
    *,
    lr: float = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of Adagrad (``torch.optim.Adagrad``) in place::

        g = (-grad if maximize else grad) + weight_decay * param
        state_sum = (initial_accumulator_value if step == 1 else state_sum) + g**2
        param -= lr / (1 + (step - 1) * lr_decay) * g / (sqrt(state_sum) + eps)

    The content of ``state_sum`` (torch's state key "sum") is ignored on step 1.
    """
    _run(_core.Adagrad, locals())


def rmsprop_step(
    param: np.ndarray,
    grad: np.ndarray,
    square_avg: np.ndarray,
    step: int,
    *,
    momentum_buffer: np.ndarray | None = None,
    grad_avg: np.ndarray | None = None,
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of RMSprop (``torch.optim.RMSprop``) in place::

        g = (-grad if maximize else grad) + weight_decay * param
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        grad_avg = alpha * grad_avg + (1 - alpha) * g                   (centered)
        d = sqrt(square_avg - grad_avg**2) + eps  (centered)  or  sqrt(square_avg) + eps
        b = momentum * b + g / d;  param -= lr * b                      (momentum > 0)
        param -= lr * g / d                                             (otherwise)

    ``momentum_buffer`` is required when ``momentum > 0``, ``grad_avg`` when ``centered``.
    RMSprop has no bias correction: ``step`` is only checked.
    """
    _run(_core.RMSprop, locals())


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    *,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
    max_exp_avg_sq: np.ndarray | None = None,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of Adam (``torch.optim.Adam``) in place::

        g = (-grad if maximize else grad) + weight_decay * param   (L2; not if decoupled)
        param *= 1 - lr * weight_decay                              (decoupled only)
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g**2
        v = max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)   (amsgrad; else v = exp_avg_sq)
        param -= lr / (1 - beta1**step) * exp_avg / (sqrt(v / (1 - beta2**step)) + eps)

    ``max_exp_avg_sq`` is required when ``amsgrad``.
    """
    _run(_core.Adam, locals())


def adamw_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    *,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
    maximize: bool = False,
    max_exp_avg_sq: np.ndarray | None = None,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of AdamW (``torch.optim.AdamW``) in place: the step of :func:`adam_step` with
    ``decoupled_weight_decay=True`` (the weight decay shrinks the parameter,
    ``param *= 1 - lr * weight_decay``, instead of being added to the gradient), and AdamW's
    default ``weight_decay=1e-2``.

    ``max_exp_avg_sq`` is required when ``amsgrad``.
    """
    _run(_core.AdamW, locals())


def nadam_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    *,
    lr: float = 2e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of NAdam (``torch.optim.NAdam``) in place::

        mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay)),  P_t = mu_1 * ... * mu_t
        g = (-grad if maximize else grad) + weight_decay * param   (L2; not if decoupled)
        param *= 1 - lr * weight_decay                              (decoupled only)
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g**2
        d = sqrt(exp_avg_sq / (1 - beta2**t)) + eps
        param -= lr * ((1 - mu_t) / (1 - P_t) * g + mu_{t+1} / (1 - P_{t+1}) * exp_avg) / d

    with ``t = step``. torch keeps ``P_t`` (``mu_product``) in its state; here it is
    recomputed from ``step`` (``descend._core.NAdam(...).mu_product(t)``), assuming the same
    ``beta1`` and ``momentum_decay`` in every step.
    """
    _run(_core.NAdam, locals())


def radam_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    *,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of RAdam (``torch.optim.RAdam``) in place::

        g = (-grad if maximize else grad) + weight_decay * param   (L2; not if decoupled)
        param *= 1 - lr * weight_decay                              (decoupled only)
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g**2
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            step_size = lr * r * sqrt(1 - beta2**t) / (1 - beta1**t)
            param -= step_size * exp_avg / (sqrt(exp_avg_sq) + eps)
        else:
            param -= lr / (1 - beta1**t) * exp_avg

    with ``t = step``.
    """
    _run(_core.RAdam, locals())


def adamax_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_inf: np.ndarray,
    step: int,
    *,
    lr: float = 2e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of Adamax (``torch.optim.Adamax``) in place::

        g = (-grad if maximize else grad) + weight_decay * param
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_inf = maximum(beta2 * exp_inf, abs(g) + eps)
        param -= lr / (1 - beta1**step) * exp_avg / exp_inf

    ``exp_inf`` (torch's state key) is the decayed infinity norm of the gradients.
    """
    _run(_core.Adamax, locals())


def lion_step(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    step: int,
    *,
    lr: float = 1e-4,
    beta1: float = 0.9,
    beta2: float = 0.99,
    weight_decay: float = 0.0,
    maximize: bool = False,
    check_finite: bool = False,
    n_threads: int | None = None,
) -> None:
    """One step of Lion (Chen et al. 2023; the names and defaults of lion-pytorch) in place::

        g = -grad if maximize else grad
        c = beta1 * exp_avg + (1 - beta1) * g
        param = (1 - lr * weight_decay) * param - lr * sign(c)
        exp_avg = beta2 * exp_avg + (1 - beta2) * g

    Lion has no bias correction: ``step`` is only checked.
    """
    _run(_core.Lion, locals())
