"""descend: fast first-order optimization for Python and C++.

Gradients of common losses computed in one pass over the data, and the update rules of
first-order optimization (gradient descent, SGD with schedules, mini-batches, Adam, ...),
running in C++ in place on NumPy arrays.
"""

from . import clipping, functions, kernels, optim, schedules
from ._config import show_config
from ._core import __version__
from ._paths import get_cmake_dir, get_include
from .exceptions import ConvergenceWarning
from .functions import check_grad
from .linear_model import LinearRegression, LogisticRegression
from .minimize import OptimizeResult, minimize

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
