"""descend: fast first-order optimization for Python and C++.

Gradients of common losses computed in one pass over the data, and the update rules of
first-order optimization (gradient descent, SGD with schedules, mini-batches, Adam, ...),
running in C++ in place on NumPy arrays.
"""

from typing import TYPE_CHECKING, Any

from . import clipping, functions, kernels, optim, schedules
from ._config import show_config
from ._core import __version__
from ._paths import get_cmake_dir, get_include
from .exceptions import ConvergenceWarning
from .functions import check_grad
from .minimize import OptimizeResult, minimize

if TYPE_CHECKING:
    from .linear_model import LinearRegression, LogisticRegression

# The estimators are imported at their first use, not with the package: descend.linear_model
# imports scikit-learn's base classes when scikit-learn is installed, which took about 1 s
# (most of `import descend`, and of every `descend` command). descend.minimize, descend.optim
# and the rest do not need them.
_LAZY = {"LinearRegression": "linear_model", "LogisticRegression": "linear_model"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # (found directly from now on)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ConvergenceWarning",
    "LinearRegression",
    "LogisticRegression",
    "OptimizeResult",
    "__version__",
    "clipping",
    "check_grad",
    "functions",
    "minimize",
    "get_cmake_dir",
    "get_include",
    "kernels",
    "optim",
    "schedules",
    "show_config",
]
