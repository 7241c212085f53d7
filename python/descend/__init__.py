"""descend: fast first-order optimization for Python and C++.

Gradients of common losses computed in one pass over the data, and the update rules of
first-order optimization (gradient descent, SGD with schedules, mini-batches, Adam, ...),
running in C++ in place on NumPy arrays.
"""

from typing import TYPE_CHECKING, Any

from . import _core, clipping, functions, kernels, optim, schedules
from ._config import show_config
from ._core import __version__
from ._paths import get_cmake_dir, get_include
from .exceptions import ConvergenceWarning
from .functions import check_grad
from .minimize import OptimizeResult, minimize

if TYPE_CHECKING:
    from .linear_model import LinearRegression, LogisticRegression


def _reduce_at_protocol_2_or_more(self: object, protocol: int) -> Any:
    return object.__reduce_ex__(self, max(protocol, 2))


# Pickling the compiled classes at every protocol. From protocol 2 on, pickle rebuilds an
# object by copyreg.__newobj__ and its __setstate__ (pybind11's py::pickle), or refuses a class
# without one with a TypeError; below 2, Python's fallback would construct the C++ base class
# itself, which pybind11 refuses with a C++ exception that ends the process. So every compiled
# class takes the recipe of protocol 2 whatever the protocol asked for.
for _class in vars(_core).values():
    if isinstance(_class, type):
        _class.__reduce_ex__ = _reduce_at_protocol_2_or_more  # type: ignore[assignment,method-assign]
del _class

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
