"""Classic test landscapes of optimization, with gradients computed in C++, and ``check_grad``.

Each landscape is a callable object::

    f(x)                  # f at a point x of shape (dim,), a float; or at points (..., dim)
    f.grad(x)             # the gradient, same shape as x
    f.value_and_grad(x)   # both, in one pass
    f.dim, f.minima, f.saddle_points, f.bounds

``x`` may be float64 or float32 (kept as it is; results have its dtype); other real dtypes
are converted to float64. Passing a landscape to :func:`descend.minimize` runs the whole loop
in C++, with no Python call per step.

============================  ==============================================  =================
landscape                     f                                               minima
============================  ==============================================  =================
``sphere``                    Σ x_i²                                          0 at 0
``ill_conditioned``           ½ Σ c_i x_i², c_i evenly from 1 to κ = 100      0 at 0
``booth``                     (x + 2y − 7)² + (2x + y − 5)²                   0 at (1, 3)
``rosenbrock``                Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²            0 at (1, …, 1)
``beale``                     Σ_k (c_k − x + x y^k)², c = (1.5, 2.25, 2.625)  0 at (3, 0.5)
``saddle``                    x² − y²                                         none (saddle at 0)
``monkey_saddle``             x³ − 3xy²                                       none (saddle at 0)
``double_well``               x⁴/4 + x³/3 − x²                                −8/3 at −2 (global),
                                                                              −5/12 at 1 (local)
``himmelblau``                (x² + y − 11)² + (x + y² − 7)²                  0 at four points
``rastrigin``                 10n + Σ x_i² − 10 cos 2πx_i                     0 at 0, many local
``ackley``                    −20 e^{−0.2 √(mean x_i²)} − e^{mean cos 2πx_i}   0 at 0, many local
                              + 20 + e
============================  ==============================================  =================

The classes (``Sphere(dim)``, ``IllConditionedQuadratic(dim, condition)``, ``Rosenbrock(dim)``,
``Rastrigin(dim)``, ``Ackley(dim)``, and the fixed ones) build other instances.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from . import _core
from ._checks import as_array, check_int, check_real

__all__ = [
    "Ackley",
    "Beale",
    "Booth",
    "DoubleWell",
    "Himmelblau",
    "IllConditionedQuadratic",
    "Landscape",
    "Minimum",
    "MonkeySaddle",
    "Rastrigin",
    "Rosenbrock",
    "Saddle",
    "Sphere",
    "ackley",
    "beale",
    "booth",
    "check_grad",
    "double_well",
    "himmelblau",
    "ill_conditioned",
    "monkey_saddle",
    "rastrigin",
    "rosenbrock",
    "saddle",
    "sphere",
]

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


@dataclass(frozen=True)
class Minimum:
    """A known minimum of a landscape: the point ``x``, the value ``fun = f(x)``, and whether
    it is a global minimum."""

    x: tuple[float, ...]
    fun: float
    is_global: bool = True


class _CoreLandscape(Protocol):
    """What a compiled landscape of ``descend._core`` offers (``_core.Rosenbrock``, ...)."""

    @property
    def dim(self) -> int: ...
    def value(self, x: Any, out: Any) -> None: ...
    def grad(self, x: Any, out: Any) -> None: ...
    def value_and_grad(self, x: Any, value: Any, grad: Any) -> None: ...
    def minimize_steps(self, x: Any, run: _core.Minimizer, steps: int) -> str: ...


class Landscape:
    """A test function of ``dim`` variables whose value and gradient are computed in C++.

    Not built directly: use one of the subclasses or ready instances of this module. A
    landscape pickles and copies as the call of its class that built it (its ``repr``).

    Attributes
    ----------
    dim : int
        Number of variables.
    minima : tuple of Minimum
        The known minima (the global ones first), empty for landscapes unbounded below.
    saddle_points : tuple of tuple of float
        Known stationary points that are not minima.
    bounds : tuple of (float, float)
        Suggested plot range for each variable.
    """

    def __init__(
        self,
        core: _CoreLandscape,
        *,
        minima: Sequence[Minimum] = (),
        saddle_points: Sequence[Sequence[float]] = (),
        bounds: Sequence[tuple[float, float]],
    ) -> None:
        self._core = core
        self.minima = tuple(minima)
        self.saddle_points = tuple(tuple(float(v) for v in p) for p in saddle_points)
        self.bounds = tuple((float(lo), float(hi)) for lo, hi in bounds)

    @property
    def dim(self) -> int:
        """Number of variables."""
        return int(self._core.dim)

    def _parameters(self) -> dict[str, object]:
        """The constructor's arguments that rebuild this landscape (repr and pickle)."""
        return {}

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={value!r}" for name, value in self._parameters().items())
        return f"{type(self).__name__}({arguments})"

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        rebuild: Callable[..., Landscape] = type(self)
        return functools.partial(rebuild, **self._parameters()), ()

    def _points(self, x: object) -> np.ndarray:
        _refuse_masked("x", x)
        array = np.asarray(x)
        if array.dtype not in _FLOAT_DTYPES:
            if array.dtype.kind not in "biuf":
                raise TypeError(f"x: expected real numbers, got dtype {array.dtype}")
            array = array.astype(np.float64)
        if array.ndim == 0 and self.dim == 1:
            array = array.reshape(1)
        if array.ndim == 0 or array.shape[-1] != self.dim:
            raise ValueError(
                f"x: expected shape ({self.dim},) or (..., {self.dim}) for this "
                f"{self.dim}-variable landscape, got {array.shape}"
            )
        return np.ascontiguousarray(array)

    def __call__(self, x: object) -> float | np.ndarray:
        """f(x): a float for one point of shape (dim,), an array of shape (...) for points of
        shape (..., dim)."""
        points = self._points(x)
        rows = points.reshape(-1, self.dim)
        values = np.empty(rows.shape[0], dtype=points.dtype)
        self._core.value(rows, values)
        return float(values[0]) if points.ndim == 1 else values.reshape(points.shape[:-1])

    def grad(self, x: object) -> np.ndarray:
        """The gradient of f at x, with the shape and dtype of x."""
        points = self._points(x)
        grads = np.empty_like(points)
        self._core.grad(points.reshape(-1, self.dim), grads.reshape(-1, self.dim))
        return grads

    def value_and_grad(self, x: object) -> tuple[float | np.ndarray, np.ndarray]:
        """``(f(x), grad f(x))`` computed in one pass."""
        points = self._points(x)
        rows = points.reshape(-1, self.dim)
        values = np.empty(rows.shape[0], dtype=points.dtype)
        grads = np.empty_like(points)
        self._core.value_and_grad(rows, values, grads.reshape(-1, self.dim))
        value = float(values[0]) if points.ndim == 1 else values.reshape(points.shape[:-1])
        return value, grads


def _dim(dim: object) -> int:
    """The number of variables of a landscape as an int >= 0 for the binding (which checks
    the landscape's own minimum)."""
    return check_int("dim", dim, 0, 2**31)


def _refuse_masked(name: str, value: object) -> None:
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name}: expected an array-like of numbers, got a numpy.ma.MaskedArray (its mask "
            "would be ignored: pass a.filled(...) or select the unmasked values)"
        )


def _point(x0: object, name: str = "x0", *, finite: bool = False) -> np.ndarray:
    """x0 as a new 1-D C-contiguous float64 array of at least one element (always a copy:
    nothing writes into the caller's x0); `finite` also refuses NaN and infinity."""
    _refuse_masked(name, x0)
    if x0 is None or isinstance(x0, (str, bytes)):
        raise TypeError(f"{name}: expected an array-like of numbers, got {type(x0).__name__}")
    try:
        x = as_array(x0)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(f"{name}: expected an array-like of numbers ({error})") from None
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected real numbers, got dtype {x.dtype}")
    if x.ndim > 1:
        raise ValueError(f"{name} must be 1-D, got shape {x.shape}")
    x = np.array(x, dtype=np.float64, order="C", ndmin=1)
    if x.size == 0:
        raise ValueError(f"{name} must have at least one element")
    if finite and not _core.all_finite(x):
        at = int(np.flatnonzero(~np.isfinite(x))[0])
        raise ValueError(f"{name}: expected finite numbers, got {x[at]} at index {at}")
    return x


def _origin(dim: int) -> tuple[Minimum, ...]:
    return (Minimum((0.0,) * dim, 0.0),)


class _AnyDim(Landscape):
    """A landscape of ``dim`` variables (2 by default) with its minimum 0 at the origin: a
    subclass names its compiled class and the half width of its plot range per variable."""

    _compiled: Callable[[int], _CoreLandscape]
    _half_width: float

    def __init__(self, dim: int = 2) -> None:
        dim = _dim(dim)
        width = self._half_width
        super().__init__(self._compiled(dim), minima=_origin(dim), bounds=[(-width, width)] * dim)

    def _parameters(self) -> dict[str, object]:
        return {"dim": self.dim}


class Sphere(_AnyDim):
    """``f(x) = Σ_i x_i²``; minimum 0 at the origin.

    Examples
    --------
    >>> from descend.functions import Sphere
    >>> Sphere(3)([1.0, 2.0, 3.0])
    14.0
    """

    _compiled = _core.Sphere
    _half_width = 2.0


class IllConditionedQuadratic(Landscape):
    """``f(x) = ½ Σ_i c_i x_i²`` with curvatures ``c_i = 1 + (κ − 1) i / (dim − 1)``, evenly
    spaced from 1 to the condition number κ; minimum 0 at the origin.

    ``condition`` defaults to κ = 100, and to 1 when ``dim`` is 1: a single curvature
    ``c_0 = 1`` has condition number 1, so ``dim=1`` refuses any other ``condition``.

    Gradient descent converges only for ``lr < 2 / κ`` and then needs about ``κ`` steps per
    decade along the flattest axis: the case momentum and adaptive rules are made for.

    Examples
    --------
    >>> from descend.functions import IllConditionedQuadratic
    >>> IllConditionedQuadratic(2, condition=10).grad([1.0, 1.0])
    array([ 1., 10.])
    """

    def __init__(self, dim: int = 2, condition: float | None = None) -> None:
        dim = _dim(dim)
        if condition is None:
            condition = 100.0 if dim > 1 else 1.0
        condition = check_real("condition", condition, finite=False)
        if dim == 1 and condition != 1.0:
            raise ValueError(
                f"condition must be 1 when dim is 1 (one curvature, c_0 = 1), got {condition!r}"
            )
        self._quadratic = _core.IllConditionedQuadratic(dim, condition)
        super().__init__(self._quadratic, minima=_origin(dim), bounds=[(-2.0, 2.0)] * dim)

    @property
    def condition(self) -> float:
        """The condition number κ of the Hessian."""
        return float(self._quadratic.condition)

    def _parameters(self) -> dict[str, object]:
        return {"dim": self.dim, "condition": self.condition}


class Booth(Landscape):
    """``f(x, y) = (x + 2y − 7)² + (2x + y − 5)²``; minimum 0 at (1, 3)."""

    def __init__(self) -> None:
        super().__init__(
            _core.Booth(), minima=[Minimum((1.0, 3.0), 0.0)], bounds=[(-10.0, 10.0)] * 2
        )


class Rosenbrock(Landscape):
    """Rosenbrock's banana valley, ``f(x) = Σ_{i<n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)²``;
    global minimum 0 at (1, …, 1), at the end of a long curved flat valley. (For 4 ≤ n ≤ 7
    there is also a local minimum near (−1, 1, …, 1), not listed in ``minima``.)

    Examples
    --------
    >>> from descend.functions import rosenbrock
    >>> rosenbrock([-1.5, 2.0]), rosenbrock.grad([1.0, 1.0])
    (12.5, array([0., 0.]))
    """

    def __init__(self, dim: int = 2) -> None:
        dim = _dim(dim)
        super().__init__(
            _core.Rosenbrock(dim),
            minima=[Minimum((1.0,) * dim, 0.0)],
            bounds=[(-2.0, 2.0)] + [(-1.0, 3.0)] * (dim - 1),
        )

    def _parameters(self) -> dict[str, object]:
        return {"dim": self.dim}


class Beale(Landscape):
    """``f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²``: flat plateaus
    and steep walls; minimum 0 at (3, 0.5)."""

    def __init__(self) -> None:
        super().__init__(_core.Beale(), minima=[Minimum((3.0, 0.5), 0.0)], bounds=[(-4.5, 4.5)] * 2)


class Saddle(Landscape):
    """``f(x, y) = x² − y²``: a saddle point at the origin (a minimum along x, a maximum along
    y), no minimum. Gradient descent started on the x axis (y = 0 exactly) stops at the
    saddle, where the gradient is zero."""

    def __init__(self) -> None:
        super().__init__(_core.Saddle(), saddle_points=[(0.0, 0.0)], bounds=[(-2.0, 2.0)] * 2)


class MonkeySaddle(Landscape):
    """``f(x, y) = x³ − 3xy²``: a degenerate saddle at the origin (zero gradient and zero
    Hessian) with three valleys going down from it; no minimum."""

    def __init__(self) -> None:
        super().__init__(_core.MonkeySaddle(), saddle_points=[(0.0, 0.0)], bounds=[(-2.0, 2.0)] * 2)


class DoubleWell(Landscape):
    """The tutorial's non-convex curve in one variable, ``f(x) = x⁴/4 + x³/3 − x²``, with
    ``f'(x) = x (x + 2) (x − 1)``: a global minimum f(−2) = −8/3, a local minimum
    f(1) = −5/12, and a local maximum f(0) = 0 between them. Gradient descent started at
    ``x > 0`` ends in the local minimum; started at ``x < 0``, in the global one.

    Examples
    --------
    >>> from descend.functions import double_well
    >>> [m.x for m in double_well.minima]
    [(-2.0,), (1.0,)]
    """

    def __init__(self) -> None:
        super().__init__(
            _core.DoubleWell(),
            minima=[Minimum((-2.0,), -8.0 / 3.0), Minimum((1.0,), -5.0 / 12.0, is_global=False)],
            bounds=[(-3.0, 2.0)],
        )


class Himmelblau(Landscape):
    """``f(x, y) = (x² + y − 11)² + (x + y² − 7)²``: four global minima, all f = 0."""

    def __init__(self) -> None:
        super().__init__(
            _core.Himmelblau(),
            minima=[
                Minimum((3.0, 2.0), 0.0),
                Minimum((-2.805118086952745, 3.131312518250573), 0.0),
                Minimum((-3.779310253377747, -3.2831859912861696), 0.0),
                Minimum((3.5844283403304917, -1.8481265269644036), 0.0),
            ],
            bounds=[(-5.0, 5.0)] * 2,
        )


class Rastrigin(_AnyDim):
    """``f(x) = 10 n + Σ_i (x_i² − 10 cos 2πx_i)``: a bowl covered in ripples with a local
    minimum near every integer point; global minimum 0 at the origin."""

    _compiled = _core.Rastrigin
    _half_width = 5.12


class Ackley(_AnyDim):
    """``f(x) = −20 exp(−0.2 √(Σ x_i² / n)) − exp(Σ cos(2πx_i) / n) + 20 + e``: a nearly flat
    outer region with many local minima and a deep funnel to the global minimum 0 at the
    origin. f has a kink there; its gradient is taken as 0 at the origin."""

    _compiled = _core.Ackley
    _half_width = 5.0


sphere = Sphere()
ill_conditioned = IllConditionedQuadratic()
booth = Booth()
rosenbrock = Rosenbrock()
beale = Beale()
saddle = Saddle()
monkey_saddle = MonkeySaddle()
double_well = DoubleWell()
himmelblau = Himmelblau()
rastrigin = Rastrigin()
ackley = Ackley()


# ---------------------------------------------------------------------- gradient checks


# What to tell a caller whose function returned a pair (f, gradient) where f alone was
# expected: minimize takes such a function with jac=True; check_grad wants them apart.
_MINIMIZE_PAIR_HINT = "a function returning (f, gradient) needs jac=True"
_CHECK_GRAD_PAIR_HINT = (
    "check_grad takes fun returning f alone and the gradient from jac: pass "
    "lambda x: fun(x)[0] and lambda x: fun(x)[1]"
)


def _real_array(
    value: object, name: str, expected: str, pair_hint: str = _MINIMIZE_PAIR_HINT
) -> np.ndarray:
    """What a user's function returned, as float64: TypeError naming the function for a str,
    a complex number, None or anything else that is not real numbers."""
    try:
        array = as_array(value) if not isinstance(value, (str, bytes)) else np.asarray(None)
    except (ValueError, TypeError):  # ragged, such as (f, gradient)
        array = np.asarray(None)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must return {expected}, got {type(value).__name__} {value!r:.80}"
            f"{_pair_hint(value, expected, pair_hint)}"
        )
    return array.astype(np.float64, copy=False)


def _pair_hint(value: object, expected: str, hint: str) -> str:
    """For a function that returned a pair where a number was expected: the hint, in
    parentheses (empty otherwise)."""
    if expected == "a real number" and isinstance(value, tuple) and len(value) == 2:
        return f" ({hint})"
    return ""


def _scalar(value: object, name: str = "fun", pair_hint: str = _MINIMIZE_PAIR_HINT) -> float:
    array = _real_array(value, name, "a real number", pair_hint)
    if array.size != 1:
        raise ValueError(
            f"{name} must return a scalar, got an array of shape {array.shape}"
            f"{_pair_hint(value, 'a real number', pair_hint)}"
        )
    return float(array.reshape(()))


def _vector(value: object, n: int, name: str = "jac") -> np.ndarray:
    array = np.ascontiguousarray(_real_array(value, name, f"an array of {n} real numbers"))
    if array.shape != (n,):
        raise ValueError(f"{name} must return an array of shape ({n},), got shape {array.shape}")
    return array


def _central_difference(
    fun: Callable[..., object],
    x: np.ndarray,
    args: tuple[Any, ...] = (),
    eps: float | None = None,
    pair_hint: str = _MINIMIZE_PAIR_HINT,
) -> np.ndarray:
    """Central finite-difference gradient of the scalar function ``fun(x, *args)`` at x:

        g_i ≈ (f(x + h_i e_i) − f(x − h_i e_i)) / (2 h_i),   h_i = ε^(1/3) max(1, |x_i|)

    (ε the float64 machine epsilon: the step that balances truncation and rounding error),
    or ``h_i = eps`` when given. 2n calls of fun.
    """
    if eps is None:
        steps = np.finfo(np.float64).eps ** (1.0 / 3.0) * np.maximum(1.0, np.abs(x))
    else:
        steps = np.full(x.shape, float(eps))
    grad = np.empty_like(x)
    for i in range(x.size):
        forward, backward = x.copy(), x.copy()
        forward[i] += steps[i]
        backward[i] -= steps[i]
        grad[i] = (
            _scalar(fun(forward, *args), pair_hint=pair_hint)
            - _scalar(fun(backward, *args), pair_hint=pair_hint)
        ) / (forward[i] - backward[i])
    return grad


def check_grad(
    fun: Callable[[np.ndarray], object],
    jac: Callable[[np.ndarray], object],
    x0: object,
    *,
    full_output: bool = False,
    eps: float | None = None,
) -> float | tuple[float, int]:
    """The relative error between a gradient function and central finite differences of fun.

    ::

        error = ‖g − ĝ‖₂ / max(‖g‖₂, ‖ĝ‖₂)      (0 when both are zero)

    where ``g = jac(x0)`` and ``ĝ_i = (f(x0 + h_i e_i) − f(x0 − h_i e_i)) / (2 h_i)`` with
    ``h_i = ε^(1/3) max(1, |x0_i|)`` (ε the float64 machine epsilon). A correct gradient
    gives about 1e-8 or less at a generic point; a wrong one gives an error of order 1.
    (Near a stationary point both gradients are tiny and the ratio measures finite-difference
    noise: check at a random point.) Unlike ``scipy.optimize.check_grad``, which returns the
    absolute ``‖g − ĝ‖₂`` of a forward difference, this is relative and central.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``.
    jac : callable
        ``jac(x) -> array of shape (n,)``, the gradient to check.
    x0 : array-like of shape (n,)
        The point, converted to float64.
    full_output : bool, default=False
        Also return the index of the coordinate where ``|g_i − ĝ_i|`` is largest.
    eps : float, optional
        A fixed finite-difference step instead of the scaled one.

    Returns
    -------
    error : float
    worst : int
        Only with ``full_output=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import check_grad
    >>> from descend.functions import rosenbrock
    >>> check_grad(rosenbrock, rosenbrock.grad, [-1.2, 1.0]) < 1e-8
    True
    >>> check_grad(rosenbrock, lambda x: rosenbrock.grad(x) * [1, 2], [-1.2, 1.0],
    ...            full_output=True)[1]
    1
    """
    x = _point(x0, finite=True)
    if eps is not None:
        eps = check_real("eps", eps, 0.0, low_open=True)
    if not callable(fun) or not callable(jac):
        raise TypeError(
            f"fun and jac must be callable, got {type(fun).__name__} and {type(jac).__name__}"
        )
    exact = _vector(jac(x.copy()), x.size)
    approx = _central_difference(fun, x, eps=eps, pair_hint=_CHECK_GRAD_PAIR_HINT)
    for label, values in (("jac(x0)", exact), ("the finite differences of fun", approx)):
        if not np.isfinite(values).all():
            raise ValueError(
                f"{label} holds NaN or infinity at x0 = {x.tolist()}: the gradients cannot "
                "be compared"
            )
    difference = exact - approx
    scale = max(float(np.linalg.norm(exact)), float(np.linalg.norm(approx)))
    error = float(np.linalg.norm(difference)) / scale if scale > 0 else 0.0
    if full_output:
        return error, int(np.argmax(np.abs(difference)))
    return error
