"""descend: fast first-order optimization for Python and C++.

Gradients of common losses computed in one pass over the data, and the update rules of
first-order optimization (gradient descent, SGD with schedules, mini-batches, Adam, ...),
running in C++ in place on NumPy arrays.
"""

from . import kernels, optim, schedules
from ._core import __version__
from .exceptions import ConvergenceWarning
from .linear_model import LinearRegression

__all__ = [
    "ConvergenceWarning",
    "LinearRegression",
    "__version__",
    "kernels",
    "optim",
    "schedules",
]
