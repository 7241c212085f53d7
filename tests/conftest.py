"""Shared fixtures."""

import signal

import numpy as np
import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The Ctrl-C tests need SIGINT delivered as a terminal delivers it. A shell that starts a
    command in the background without job control (`cmd &` in a script, nohup) starts it with
    SIGINT ignored, which Python, descend's Progress and the CLI's children then keep, as
    they should: the tests would wait for an interrupt that never comes. Python's own handler
    is put back (a child process gets SIGINT's default action from it)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


def with_intercept(X: np.ndarray) -> np.ndarray:
    """[1, X]: the design matrix of a model with an intercept."""
    return np.c_[np.ones(len(X)), X]


# Every optimizer class, from descend.optim's table of rule names (a new rule is tested at
# once), and the hyperparameters that give each class every state array it has.
def _optimizer_classes() -> tuple[type, ...]:
    from descend import optim

    return tuple(dict.fromkeys(cls for cls, _ in optim._NAMED.values()))


OPTIMIZER_CLASSES = _optimizer_classes()


def with_every_state(cls: type) -> dict[str, object]:
    """Hyperparameters of `cls` under which it keeps all of its state arrays."""
    from descend import optim

    return {
        optim.SGD: {"momentum": 0.9, "nesterov": True},
        optim.RMSprop: {"momentum": 0.5, "centered": True},
        optim.Adam: {"amsgrad": True},
        optim.AdamW: {"amsgrad": True},
    }.get(cls, {})


def fit_in_slices(X, y, rule, schedule, options, slices, seed) -> tuple[np.ndarray, list[float]]:
    """_core.fit_linear's squared-error fit of [1, X] to y from zeros with `rule` (its state
    from zeros too), run for `slices[0]` epochs, then `slices[1]` more, and so on: the final
    theta and the loss of every epoch."""
    from descend import _core

    theta = np.zeros(X.shape[1] + 1)
    state = np.zeros((rule.state_slots, theta.size))
    run = _core.SolverState(seed)
    losses: list[float] = []
    for epochs in slices:
        arguments = (X, y, None, theta, state, None, rule, schedule, options, run, epochs)
        _, chunk, _ = _core.fit_linear(*arguments, loss="squared_error")
        losses += chunk.tolist()
    return theta, losses
