"""Optimizers in the style of ``torch.optim``, updating lists of NumPy arrays in place.

>>> import numpy as np, descend
>>> w = np.array([1.0, -2.0]); b = np.zeros(1)
>>> opt = descend.optim.Adam([w, b], lr=0.1)
>>> for _ in range(100):
...     opt.step([2 * w, 2 * (b - 1)])     # gradients of |w|^2 + |b - 1|^2
>>> bool(np.abs(w).max() < 0.1), bool(abs(b[0] - 1) < 0.1)
(True, True)

Each class has torch's hyperparameter names and defaults (``Adam(params, lr=1e-3,
betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False, ...)``) and
follows the algorithm box of its torch documentation (see ``descend.kernels`` for the
formulas). ``opt.step(grads)`` takes one gradient per parameter, in the order of the
parameters across ``param_groups`` (None leaves a parameter, its state and its step count
untouched), checks every array, then runs one fused C++ loop per array with the GIL
released (a step of a few thousand elements in all keeps it: releasing and taking it back
would cost more than another thread could gain in that time). The parameters must be
float32 or float64 C-contiguous writeable NumPy arrays; each gradient must have its
parameter's dtype and shape. A refused step changes nothing. The full
checks of the parameters, their state and the hyperparameters run at the first step and again
after any change (to a group, ``n_threads``, ``on_nonfinite``, ``stopped``); the steps in
between check, in one C++ call, only what can change from call to call (each array still as
it was, each gradient's dtype, shape, layout and memory), and a group with a ``schedule``
takes the full path every step. Either way the same arrays are refused with the same errors.
``opt.step`` itself is that one call: an instance attribute (bound again in a copy or an
unpickled optimizer) standing for the method, unless a subclass defines its own ``step``.

Parameter groups work as in torch: pass a list of dicts, each with ``"params"`` and any
hyperparameters that differ from the defaults; ``opt.param_groups[k]["lr"] = 0.01`` (or any
other hyperparameter) takes effect at the next step. Unlike torch, a group holds exactly
``"params"``, the hyperparameters and ``"schedule"``: a key added (a typo would be ignored) or
deleted is refused at the next step, naming it. The list ``param_groups`` itself cannot be
changed (a group replaced, appended or removed would not be seen by ``step()``: TypeError);
``add_param_group`` adds a group. Keyword arguments beyond torch's:

``schedule``
    A learning-rate schedule (any object callable as ``schedule(t) -> lr``, such as those of
    ``descend.schedules``), per group: before every step, the group's ``lr`` is set to
    ``schedule(t)``, with ``t`` the number of steps the group has taken (0 for the first).
``on_nonfinite``
    What a step whose gradients hold NaN or infinity does (checked before any array is
    touched; None, the default, checks nothing, as torch): ``"raise"`` raises
    FloatingPointError; ``"skip"`` skips that step (no array, count or lr changes; it is
    counted in ``opt.nonfinite_steps``); ``"stop"`` skips it and every later step, keeping
    the last finite parameters (``opt.stopped`` becomes True; set it back to False to go on).
``check_finite``
    True is ``on_nonfinite="raise"`` (kept for compatibility); ``opt.check_finite`` reads
    ``opt.on_nonfinite == "raise"``.
``n_threads``
    None (the default) or an int >= 1: the threads each array's update runs on, each on a
    block of consecutive elements. The rules are elementwise, so the results are the same
    bits for any ``n_threads``. None uses every processor on arrays of at least
    ``descend.show_config()["parallel_min_elements"]`` elements, one thread below (where
    waking the worker threads costs more than it saves).

The attributes ``opt.on_nonfinite``, ``opt.check_finite``, ``opt.stopped`` and
``opt.n_threads`` may be changed between steps; a value the constructor would refuse (a
misspelled ``on_nonfinite``, a ``stopped`` that is not True or False, ``n_threads=0``) is
refused when assigned, naming the attribute, and the optimizer is left as it was.

``state_dict()`` returns a plain dict of NumPy arrays (copies) and numbers: ``{"state": {i:
{"step": n, "exp_avg": array, ...}}, "param_groups": [{hyperparameters..., "params": [i,
...], "step": t}], "optimizer": "Adam", "format_version": 1}``, keyed by the parameter's
position; a group's ``"step"`` is the position of its schedule, and a schedule with a
``state_dict()`` method (such as a plateau rule) adds its own as ``"schedule_state"``.
``load_state_dict()`` checks all of it (layout, class, version, hyperparameters, step counts,
state arrays' names, shapes and values) before restoring it, so the optimizer continues
bit-identically; a dict that went through JSON is accepted, and every ``state_dict()`` loads
back (NaN and infinity in the state included). Every group and every state entry
must have its ``"step"``, a parameter's at most its group's; a parameter with no entry at all
has not stepped (torch's meaning). SGD's ``"momentum_buffer"`` is torch's too: None in the
entry of a parameter that has stepped until its first step with momentum (which starts the
buffer at the gradient), then kept, also while momentum is 0. A pickle holds the
parameters, their groups and the ``state_dict()``, and is loaded through the constructor and
``load_state_dict()``: every check above applies, and a damaged pickle is refused, never half
loaded.

Step counts are at most 2**53 (``descend._checks.MAX_STEP``); a step beyond is refused
rather than wrapped. A refused or interrupted step (an exception, Ctrl-C) changes nothing:
arrays, step counts and the groups' ``lr`` stay as they were.

Threads: one optimizer takes one step at a time. ``step()`` called while another thread is
inside ``step()`` of the same optimizer raises ``descend.exceptions.ConcurrentStepError``
(nothing changes) instead of losing updates; use one optimizer per thread, or a lock.

An optimizer may be created without parameters (``Adam(lr=0.01)``, or ``Adam(None,
lr=0.01)``): it then only holds hyperparameters (``defaults``), for the estimators, e.g.
``descend.LinearRegression(optimizer=descend.optim.Adam(betas=(0.8, 0.99)))``; parameters
can be added later with ``add_param_group``.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from types import MethodType
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._checks import MAX_STEP, as_array, check_flag, check_int, check_real, core_rule
from .exceptions import ConcurrentStepError

__all__ = [
    "OPTIMIZER_NAMES",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
]

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# keys of a param group that are not hyperparameters of the update rule
_GROUP_ONLY = ("params", "schedule")
# The version of the layout of state_dict(); load_state_dict() refuses other versions.
_STATE_FORMAT = 1
# What a step does with a gradient holding NaN or infinity (None: no check, as torch).
_ON_NONFINITE = (None, "raise", "skip", "stop")


def _checked_on_nonfinite(value: object) -> str | None:
    if value is None or (isinstance(value, str) and value in _ON_NONFINITE):
        return value
    raise ValueError(f"on_nonfinite must be one of {_ON_NONFINITE}, got {value!r}")


# The optimizer's attributes its prepared step (_core.StepPlan) depends on besides the groups,
# each with the check an assigned value passes: setting one makes the next step prepare it again.
_SETTING_CHECKS: dict[str, Callable[[Any], Any]] = {
    "on_nonfinite": _checked_on_nonfinite,
    "check_finite": lambda value: check_flag("check_finite", value),
    "stopped": lambda value: check_flag("stopped", value),
    "n_threads": lambda value: None if value is None else check_int("n_threads", value, 1),
}
_PLAN_INPUTS = frozenset(_SETTING_CHECKS)
# State arrays that hold sums or averages of squares (or maxima of magnitudes): never negative.
_NONNEGATIVE_STATE = frozenset({"exp_avg_sq", "max_exp_avg_sq", "sum", "square_avg", "exp_inf"})


def _params_list(params: object, name: str) -> list[Any]:
    """A group's "params" as a list: an array, or an iterable of them (checked later)."""
    if isinstance(params, np.ndarray):
        return [params]
    if isinstance(params, (str, bytes, Mapping)) or not isinstance(params, Iterable):
        raise TypeError(
            f"{name}: expected an array or a list of arrays, got {type(params).__name__}"
        )
    return list(params)


def _check_param(param: object, name: str) -> np.ndarray:
    if not isinstance(param, np.ndarray):
        raise TypeError(f"{name}: expected a numpy.ndarray, got {type(param).__name__}")
    if isinstance(param, np.ma.MaskedArray):
        raise TypeError(
            f"{name}: expected a numpy.ndarray, got a numpy.ma.MaskedArray (its mask would be "
            "ignored)"
        )
    if param.dtype not in _FLOAT_DTYPES:
        order = ""
        if param.dtype.kind == "f" and not param.dtype.isnative:
            order = (
                " (the other byte order than this machine's; convert it once with "
                "a.astype(a.dtype.newbyteorder('=')))"
            )
        raise TypeError(f"{name}: expected dtype float32 or float64, got {param.dtype}{order}")
    if not param.flags.c_contiguous:
        raise ValueError(
            f"{name}: expected a C-contiguous array, got a non-contiguous view "
            "(an optimizer updates its parameters in place, so it cannot work on a copy)"
        )
    if not param.flags.writeable:
        raise ValueError(f"{name}: expected a writeable array, got a read-only one")
    return param


def _betas(value: object, owner: str = "") -> tuple[float, float]:
    if isinstance(value, str) or not (isinstance(value, Sequence) and len(value) == 2):
        raise TypeError(f"{owner}betas: expected a pair (beta1, beta2), got {value!r}")
    return (
        check_real(f"{owner}betas[0]", value[0], finite=False),
        check_real(f"{owner}betas[1]", value[1], finite=False),
    )


def _schedule_ok(schedule: object) -> bool:
    return schedule is None or callable(schedule)


def _check_schedule(schedule: object, name: str = "schedule") -> None:
    if not _schedule_ok(schedule):
        raise TypeError(
            f"{name}: expected None or a callable t -> lr (such as a descend.schedules "
            f"object), got {type(schedule).__name__} {schedule!r}"
        )


# torch's single keywords for pairs of a rule's fields: betas = (beta1, beta2)
_PAIRS: dict[str, tuple[str, str]] = {"betas": ("beta1", "beta2")}
_PAIRED = {first: name for name, (first, _) in _PAIRS.items()}
_SECOND = frozenset(second for _, second in _PAIRS.values())
# The first of a rule's fields that torch's constructors take by keyword only.
_KEYWORD_FROM = "maximize"
# The constructor's keywords that are not the rule's, with their defaults and types.
_OPTIONS: tuple[tuple[str, object, str], ...] = (
    ("schedule", None, "Callable[[int], float] | None"),
    ("check_finite", False, "bool"),
    ("on_nonfinite", None, "str | None"),
    ("n_threads", None, "int | None"),
)


def _constructor(cls: type[Optimizer]) -> Callable[..., None]:
    """The ``__init__`` of an optimizer class, with the signature its rule's table gives:
    ``(params=None, <hyperparameters with defaults>, *, maximize=..., schedule=None,
    check_finite=False, on_nonfinite=None)``."""
    rule = cls._rule_class()
    parameter = inspect.Parameter
    parameters = [
        parameter("self", parameter.POSITIONAL_OR_KEYWORD),
        parameter(
            "params",
            parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation="Iterable[np.ndarray] | Iterable[dict[str, Any]] | None",
        ),
    ]
    keyword_only = False
    for name in cls._hyperparameters:
        keyword_only = keyword_only or name == _KEYWORD_FROM
        kind = parameter.KEYWORD_ONLY if keyword_only else parameter.POSITIONAL_OR_KEYWORD
        if name in _PAIRS:
            default: object = tuple(getattr(rule, field) for field in _PAIRS[name])
            annotation = "tuple[float, float]"
        else:
            default = getattr(rule, name)
            annotation = type(default).__name__
        parameters.append(parameter(name, kind, default=default, annotation=annotation))
    parameters += [
        parameter(name, parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, default, annotation in _OPTIONS
    ]
    signature = inspect.Signature(parameters, return_annotation="None")

    def __init__(self: Optimizer, *args: Any, **kwargs: Any) -> None:
        values = signature.bind(self, *args, **kwargs)
        values.apply_defaults()
        arguments = dict(values.arguments)
        del arguments["self"]
        params = arguments.pop("params")
        options = {name: arguments.pop(name) for name, _, _ in _OPTIONS}
        Optimizer.__init__(self, params, arguments, **options)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    return __init__


class _ParamGroup(dict[str, Any]):
    """A parameter group: a dict that counts the changes made to it, so that a step can tell
    with one comparison whether its C++ rule is still up to date, and with one more whether
    any group of its optimizer changed (``changes``, a counter the optimizer's groups share).
    (A value changed in place is not seen: assign a new value instead. The one exception,
    as torch's users expect: a parameter appended to or removed from "params" in place is
    adopted at the next step, with a fresh state; an element of it replaced in place keeps
    the state of the array it replaced.)"""

    __slots__ = ("version", "changes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = 0
        self.changes = [0]

    def __reduce__(self) -> tuple[Any, ...]:
        return _ParamGroup, (dict(self),)

    def _changed(self) -> None:
        self.version += 1
        self.changes[0] += 1

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other: Any) -> _ParamGroup:  # type: ignore[override,misc]  # dict: Self
        super().__ior__(other)
        self._changed()
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._changed()
        return super().setdefault(key, default)

    def pop(self, *args: Any) -> Any:
        self._changed()
        return super().pop(*args)

    def popitem(self) -> tuple[Any, Any]:
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self._changed()


class _GroupList(list[_ParamGroup]):
    """``param_groups``: the groups themselves are changed in place (``opt.param_groups[0]["lr"]
    = 0.01``); the list refuses to have groups replaced, added or removed behind the
    optimizer's back (the step would not see it): ``add_param_group`` adds one."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "param_groups cannot be changed as a list: change a group's entries in place "
            '(opt.param_groups[0]["lr"] = 0.01), add a group with add_param_group(), or make '
            "a new optimizer"
        )

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


class _GroupRecord:
    """What the optimizer keeps for one parameter group.

    ``arrays[i]`` maps state names to the state arrays of parameter i, ``steps[i]`` counts its
    updates; the group has taken ``optimizer._count - offset`` steps. The rest is a cache for
    the C++ call, rebuilt when the group's hyperparameters or parameter list change.
    """

    __slots__ = (
        "arrays",
        "steps",
        "offset",
        "index",
        "params",
        "snapshot",
        "n",
        "values",
        "version",
        "rule",
        "pending",
    )

    def __init__(self, index: int, offset: int) -> None:
        self.arrays: list[dict[str, np.ndarray]] = []
        self.steps = np.zeros(0, dtype=np.int64)
        self.offset = offset
        self.index = index  # of the group in param_groups
        self._forget()

    def _forget(self) -> None:
        self.params: Any = None  # the group's "params" list, as last seen
        self.snapshot: tuple[Any, ...] = ()  # its arrays then, in the order of `arrays`
        self.n = -1
        self.values: tuple[Any, ...] | None = None  # the group's hyperparameters, as last seen
        self.version = -1  # the group's version then
        self.rule: Any = None
        # (i, name, array): a lazy state array (Optimizer._lazy_state) the rule uses that
        # parameter i's state does not hold yet, handed to the kernel until its first step
        self.pending: list[tuple[int, str, np.ndarray]] = []


class Optimizer:
    """Base class of the optimizers: parameter groups, state, ``step``, ``state_dict``.

    A subclass names its compiled rule (``_rule_class``, e.g. ``descend._core.Adam``); the
    rest comes from the rule's field table: the hyperparameters (the rule's fields, in its
    order, with torch's ``betas`` for ``beta1`` and ``beta2``), their defaults (the C++
    initializers), the constructor (keyword-only from ``maximize`` on, as torch; its
    ``__signature__`` shows the real keywords), and the kernel (``<name>_step_groups``).
    """

    #: the compiled rule (descend._core.Adam, ...): validation and the update itself
    _rule_class: type
    #: the rule's step over parameter groups (descend._core.adam_step_groups, ...)
    _kernel: Callable[..., None]
    #: hyperparameter keys of a group, lr first
    _hyperparameters: tuple[str, ...]
    #: a group's hyperparameters as a tuple, in the order of _hyperparameters
    _getter: Callable[[dict[str, Any]], tuple[Any, ...]]
    #: State arrays that torch creates on the first step that uses them, from that step's
    #: gradient (SGD's momentum buffer), rather than on the parameter's first step. One the
    #: rule comes to use after its parameter has stepped is not part of the parameter's state
    #: (None in state_dict) until that first step, which the kernel is made to take as its
    #: step 1 (so only a rule whose step count serves nothing else may name one); one the rule
    #: stops using is kept, as torch keeps it, unless its parameter has not stepped.
    _lazy_state: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        rule = cls._rule_class
        fields: tuple[str, ...] = rule._fields  # type: ignore[attr-defined]
        cls._hyperparameters = tuple(
            _PAIRED.get(name, name) for name in fields if name not in _SECOND
        )
        cls._getter = itemgetter(*cls._hyperparameters)
        kernel = getattr(_core, f"{rule.__name__.lower()}_step_groups")
        cls._kernel = staticmethod(kernel)
        if "__init__" not in cls.__dict__:
            cls.__init__ = _constructor(cls)  # type: ignore[method-assign]

    def __init__(
        self,
        params: Iterable[np.ndarray] | Iterable[dict[str, Any]] | None,
        defaults: dict[str, Any],
        *,
        schedule: Callable[[int], float] | None = None,
        check_finite: bool = False,
        on_nonfinite: str | None = None,
        n_threads: int | None = None,
    ) -> None:
        # The step's fast path: the prepared C++ step (also the guard against two steps at
        # once), valid while the count of changes (to the groups, to _PLAN_INPUTS) is the one
        # it was prepared at.
        self._changes = [0]
        self._planned = -1
        self._plan = _core.StepPlan()
        self._plan_step = self._plan.step  # bound once: the fast path's only call
        self._bind_step()
        _check_schedule(schedule)
        self.n_threads = n_threads
        self.on_nonfinite = on_nonfinite
        self.defaults: dict[str, Any] = dict(defaults, schedule=schedule)
        if check_flag("check_finite", check_finite):
            if on_nonfinite not in (None, "raise"):
                raise ValueError(
                    "check_finite=True means on_nonfinite='raise', got "
                    f"on_nonfinite={on_nonfinite!r}"
                )
            self.on_nonfinite = "raise"
        self.nonfinite_steps = 0  # steps not taken for a NaN or infinite gradient
        self.stopped = False  # on_nonfinite="stop" met a non-finite gradient
        self._core_rule(self.defaults)  # refuse impossible hyperparameters now
        self._param_groups = _GroupList()
        self._records: list[_GroupRecord] = []
        self._pairs: list[tuple[_ParamGroup, _GroupRecord]] = []  # (group, record)
        self._groups: list[tuple[Any, ...] | None] = []  # what the C++ kernel takes, one per group
        # calls of step(): incremented by the C++ kernel together with the updates, so that
        # an interrupted step (Ctrl-C) leaves it consistent with the per-parameter counts
        self._counter = np.zeros(1, dtype=np.int64)
        self._calls = self._counter.data  # a memoryview: _calls[0], an int, reads it 5x faster
        self._step_kernel = self._kernel
        if params is None:
            return
        if isinstance(params, np.ndarray):
            raise TypeError(
                "params must be a list of arrays or of dicts (parameter groups), got a "
                "numpy.ndarray; wrap it in a list: [w]"
            )
        if isinstance(params, (str, bytes, Mapping)) or not isinstance(params, Iterable):
            raise TypeError(
                "params: expected a list of numpy arrays or of dicts (parameter groups), got "
                f"{type(params).__name__}"
            )
        items: list[Any] = list(params)
        if not items:
            raise ValueError(
                "params is an empty list; pass None for an optimizer without parameters"
            )
        if not (
            all(isinstance(p, dict) for p in items) or not any(isinstance(p, dict) for p in items)
        ):
            raise TypeError("params: expected a list of arrays or a list of dicts, got a mix")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PLAN_INPUTS:
            value = _SETTING_CHECKS[name](value)  # refused before anything changes
        object.__setattr__(self, name, value)
        if name in _PLAN_INPUTS:
            self._changes[0] += 1

    @property
    def check_finite(self) -> bool:
        """``on_nonfinite == "raise"`` (kept for compatibility): setting True sets
        ``on_nonfinite`` to "raise", setting False sets "raise" back to None."""
        return self.on_nonfinite == "raise"

    @check_finite.setter
    def check_finite(self, flag: bool) -> None:
        if flag:
            self.on_nonfinite = "raise"
        elif self.on_nonfinite == "raise":
            self.on_nonfinite = None

    @property
    def param_groups(self) -> list[_ParamGroup]:
        """The parameter groups, as torch's: dicts of "params" and hyperparameters, changed in
        place; the list itself cannot be changed (``add_param_group`` adds a group)."""
        return self._param_groups

    @param_groups.setter
    def param_groups(self, value: object) -> None:
        self._param_groups._refuse()

    @property
    def _count(self) -> int:
        """Calls of step() so far."""
        return self._calls[0]

    # ------------------------------------------------------------------ hyperparameters
    @classmethod
    def _core_rule(cls, group: dict[str, Any], owner: str = "") -> Any:
        """The group's compiled rule; TypeError/ValueError (names prefixed by `owner`) for an
        impossible hyperparameter."""
        values = {key: group[key] for key in cls._hyperparameters if key != "betas"}
        if "betas" in cls._hyperparameters:
            values["beta1"], values["beta2"] = _betas(group["betas"], owner)
        return core_rule(cls._rule_class, owner, **values)

    def _initial_state(self, name: str, param: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        """A new state array of `param`: zeros, unless the rule starts elsewhere."""
        return np.zeros_like(param)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={self.defaults[k]!r}" for k in self._hyperparameters)
        sizes = [len(group["params"]) for group in self.param_groups]
        where = f", params: {sizes} in {len(sizes)} group(s)" if sizes else ""
        return f"{type(self).__name__}({hyper}{where})"

    # ------------------------------------------------------------------ parameters
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group: a dict with "params" (an array or a list of arrays) and optional
        hyperparameters (missing ones are taken from ``defaults``)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError('param_group must have a "params" entry')
        group = _ParamGroup(param_group)
        group.changes = self._changes
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_group(group, "param_group")
        group["params"] = _params_list(group["params"], 'param_group["params"]')
        self._core_rule(group, f"param_groups[{len(self.param_groups)}]: ")
        record = _GroupRecord(len(self.param_groups), self._count)
        list.append(self._param_groups, group)
        self._records.append(record)
        self._pairs.append((group, record))
        self._groups.append(None)
        try:
            self._refresh(len(self.param_groups) - 1)
        except Exception:
            list.pop(self._param_groups)
            self._records.pop()
            self._pairs.pop()
            self._groups.pop()
            raise

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        """A group's keys (exactly "params" and those of ``defaults``) and its schedule."""
        allowed = {*self.defaults, "params"}
        unknown = sorted(map(str, set(group) - allowed))
        if unknown:
            raise ValueError(
                f"{where}: unknown keys {unknown}; expected 'params' and any of "
                f"{sorted(self.defaults)}"
            )
        missing = sorted(allowed - set(group))
        if missing:
            raise ValueError(f"{where}: the entries {missing} are missing")
        _check_schedule(group["schedule"], f'{where}["schedule"]')

    def _adopt_params(self, k: int) -> None:
        """Make group k's record follow its "params" list: check the arrays, keep the state
        of arrays already there, start the new ones."""
        group, record = self.param_groups[k], self._records[k]
        params = group["params"]
        if not isinstance(params, list):
            params = group["params"] = _params_list(params, f'param_groups[{k}]["params"]')
        offset = sum(len(g["params"]) for g in self.param_groups[:k])
        for i, param in enumerate(params):
            _check_param(param, f"params[{offset + i}]")
        everything = [
            p for j, g in enumerate(self.param_groups) for p in (params if j == k else g["params"])
        ]
        pair = _core.first_overlap(everything)
        if pair is not None:
            raise ValueError(
                f"params[{pair[0]}] and params[{pair[1]}]: expected separate arrays, got two "
                "that share memory (the same array twice, or overlapping views); each step "
                "would update that memory twice"
            )
        old = {id(p): i for i, p in enumerate(record.snapshot)}
        arrays, steps = [], np.zeros(len(params), dtype=np.int64)
        for i, param in enumerate(params):
            j = old.get(id(param))
            if j is not None and all(
                a.shape == param.shape and a.dtype == param.dtype for a in record.arrays[j].values()
            ):
                arrays.append(record.arrays[j])
                steps[i] = record.steps[j]
            else:
                arrays.append({})
        record.arrays, record.steps = arrays, steps
        record.params, record.snapshot, record.n = params, tuple(params), len(params)

    def _refresh(self, k: int) -> None:
        """Bring group k's C++ rule, state list and step counts up to date with the group
        dict (after a change of hyperparameters or of its "params" list)."""
        self._changes[0] += 1  # the prepared step is out of date
        group, record = self.param_groups[k], self._records[k]
        try:
            values = self._getter(group)
            schedule = group["schedule"]
        except KeyError:
            self._check_group(group, f"param_groups[{k}]")  # names the missing entry
            raise
        # (the full check only when a key may have been added, or the schedule changed)
        if len(group) != len(self.defaults) + 1 or not _schedule_ok(schedule):
            self._check_group(group, f"param_groups[{k}]")
        same_params = group["params"] is record.params and len(record.params) == record.n
        if same_params and record.values is not None and values[1:] == record.values[1:]:
            # only the learning rate changed
            record.rule.lr = check_real(f"param_groups[{k}]: lr", group["lr"], finite=False)
            record.values, record.version = values, group.version
            return
        rule = self._core_rule(group, f"param_groups[{k}]: ")
        if not same_params:
            self._adopt_params(k)
        names = rule.state_names
        unused = self._lazy_state.difference(names)
        flat = []
        record.pending = []
        for i, (param, arrays) in enumerate(zip(record.params, record.arrays, strict=True)):
            stepped = record.steps[i] > 0
            for name in names:
                array = arrays.get(name)
                if array is None:
                    array = self._initial_state(name, param, group)
                    if stepped and name in self._lazy_state:
                        record.pending.append((i, name, array))
                    else:
                        arrays[name] = array
                flat.append(array)
            if not stepped:
                for name in unused:
                    arrays.pop(name, None)
        record.rule, record.values, record.version = rule, values, group.version
        self._groups[k] = (record.params, flat, record.steps, rule)

    # ------------------------------------------------------------------ stepping
    def step(self, grads: Sequence[np.ndarray | None]) -> None:
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list or tuple of ndarray or None
            One gradient per parameter, in the order of the parameters across
            ``param_groups``; each of its parameter's dtype and shape and C-contiguous. None
            skips a parameter (its state and step count stay as they are).

        Raises
        ------
        TypeError, ValueError
            A wrong dtype, shape, layout, a read-only array or an impossible hyperparameter.
        FloatingPointError
            With ``on_nonfinite="raise"`` (or ``check_finite=True``), a gradient holding NaN
            or infinity. In every case no array is changed.
        ConcurrentStepError
            Another thread is inside ``step()`` of this optimizer.
        """
        # The fast path, the per-call overhead of every step: one C++ call (StepPlan.step),
        # which checks the gradients and steps, or changes nothing and sends the call to
        # _full_step (a change since the step was prepared, a schedule, a gradient it does not
        # take, a refusal to name, a non-finite gradient, another step under way). The
        # instance's `step` attribute (_bind_step) does the same without this Python frame.
        if self._plan_step(grads):
            return
        self._full_step(grads)

    def _bind_step(self) -> None:
        """Set the instance's ``step`` to the same step as one C call (StepPlan.bind: the
        prepared step, else ``_full_step``), unless a subclass has its own ``step``. Bound
        methods of this optimizer: bound again in an unpickled (or copied) one."""
        if type(self).step is Optimizer.step:
            vars(self)["step"] = self._plan.bind(MethodType(Optimizer.step, self), self._full_step)

    def _full_step(self, grads: Sequence[np.ndarray | None]) -> None:
        """step() beyond its fast path: the checks that name what is wrong, the schedules and
        the non-finite gradients, then the fast path prepared again."""
        plan = self._plan
        if not plan.enter():
            raise ConcurrentStepError(
                f"{type(self).__name__}.step() was called while another thread is inside "
                "step() of the same optimizer; steps of one optimizer must not overlap (use a "
                "lock, or one optimizer per thread)"
            )
        try:
            if self.stopped:
                return
            try:
                self._step(grads)
            except FloatingPointError:
                if self.on_nonfinite in (None, "raise"):
                    raise
                self.nonfinite_steps += 1
                self.stopped = self.on_nonfinite == "stop"
            if self._planned != self._changes[0]:
                self._prepare()
        finally:
            plan.leave()

    def _prepare(self) -> None:
        """Prepare the fast path of step() for the groups and settings as they are now; none
        while a group has a schedule (a Python call per step) or the optimizer is stopped."""
        self._planned = self._changes[0]
        plan = self._plan
        if (
            self.stopped
            or any(group["schedule"] is not None for group in self._param_groups)
            or any(record.pending for record in self._records)  # _start_lazy_state's steps
        ):
            plan.clear()
            return
        offsets = [record.offset for record in self._records]
        check_finite = self.on_nonfinite is not None
        try:
            plan.build(
                self._groups, self._counter, offsets, check_finite, self.n_threads, self._changes
            )
        except (TypeError, ValueError):
            # Something only the full step takes (a parameter left out with None may be
            # read-only) or refuses (naming it): every step takes the full path.
            plan.clear()

    def _step(self, grads: Sequence[np.ndarray | None]) -> None:
        calls = self._calls
        count = calls[0]
        changed = []  # (group, record, lr before): restored if the step is refused
        try:
            for group, record in self._pairs:
                # (a parameter appended to or removed from "params" in place: adopted, as
                # state_dict() adopts it)
                if group.version != record.version or len(record.params) != record.n:
                    self._refresh(record.index)
                t = count - record.offset
                if t >= MAX_STEP:
                    raise ValueError(
                        f"param_groups[{record.index}]: {t} steps taken, the most a group "
                        "counts (2**53); a step beyond is refused rather than wrapped"
                    )
                schedule = group["schedule"]
                if schedule is not None:
                    lr = check_real(
                        f"param_groups[{record.index}]: schedule({t})", schedule(t), 0.0
                    )
                    if lr != group["lr"]:
                        changed.append((group, record, group["lr"]))
                        # not a change the rule must be rebuilt for
                        dict.__setitem__(group, "lr", lr)
                        record.rule.lr = lr
            # (one entry per parameter waiting for a lazy state array: its count before)
            waiting = {
                (record.index, i): (record, i, int(record.steps[i]))
                for record in self._records
                for i, _, _ in record.pending
            }
            try:
                for record, i, _ in waiting.values():
                    record.steps[i] = 0  # the kernel's step 1 starts the lazy state arrays
                self._step_kernel(
                    self._groups,
                    grads,
                    self._counter,
                    self.on_nonfinite is not None,
                    self.n_threads,
                )
            finally:
                if waiting:
                    self._start_lazy_state(waiting.values())
        except BaseException:
            if calls[0] == count:  # the step did not happen: nothing may have changed
                for group, record, lr in changed:
                    dict.__setitem__(group, "lr", lr)
                    record.rule.lr = lr
            raise

    def _start_lazy_state(self, counts: Iterable[tuple[_GroupRecord, int, int]]) -> None:
        """After a step, taken or not, with the step count of each parameter waiting for a
        lazy state array set to 0 (`counts`: record, parameter index, count before): a
        parameter the step updated (its count now 1) takes the arrays the kernel started into
        its state, and its count goes on from where it was; the others get theirs back."""
        started = False
        for record, i, count in counts:
            if record.steps[i] == 1:
                started = True
                record.steps[i] = count + 1
                record.arrays[i].update(
                    (name, array) for j, name, array in record.pending if j == i
                )
            else:
                record.steps[i] = count
        if started:
            for record in self._records:
                record.pending = [
                    (i, name, array)
                    for i, name, array in record.pending
                    if name not in record.arrays[i]
                ]
            self._changes[0] += 1  # the step can be prepared again once nothing waits

    # ------------------------------------------------------------------ saving and loading
    def state_dict(self) -> dict[str, Any]:
        """The whole state, as a plain dict of NumPy arrays (copies) and numbers."""
        state: dict[int, dict[str, Any]] = {}
        groups = []
        index = 0
        for k, group in enumerate(self.param_groups):
            record = self._records[k]
            seen = record.params
            if group.get("params") is not seen or seen is None or len(seen) != record.n:
                self._refresh(k)
            saved = {key: value for key, value in group.items() if key not in _GROUP_ONLY}
            saved["params"] = list(range(index, index + record.n))
            saved["step"] = self._count - record.offset
            schedule = group.get("schedule")
            if schedule is not None and hasattr(schedule, "state_dict"):
                saved["schedule_state"] = schedule.state_dict()
            groups.append(saved)
            for i, arrays in enumerate(record.arrays):
                entry: dict[str, Any] = {"step": int(record.steps[i])}
                entry.update((name, array.copy()) for name, array in arrays.items())
                if entry["step"]:  # a lazy array not started yet: None
                    entry.update((name, None) for name in sorted(self._lazy_state - set(arrays)))
                state[index + i] = entry
            index += record.n
        return {
            "state": state,
            "param_groups": groups,
            "optimizer": type(self).__name__,
            "format_version": _STATE_FORMAT,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``: hyperparameters, step counts, schedule positions and
        state arrays (copied, and cast to each parameter's dtype).

        Everything is checked before anything changes: the layout (keys, the optimizer class
        and format version that wrote it), the hyperparameters, step counts (ints in
        [0, 2**53], required in every group and every state entry; a parameter without an
        entry has not stepped, one that has stepped has every state array), and each state
        array's name, shape, dtype (real numbers) and values (second moments >= 0; NaN and
        infinity load as saved, since the optimizer's own state can hold them, but a finite
        value that overflows the parameter's dtype is refused). A dict that went through JSON
        (string keys, lists for arrays and tuples) is accepted. Anything else raises TypeError
        or ValueError and leaves the optimizer as it was.
        """
        prepared = self._prepared_state(state_dict)
        # The schedules' own states go first: they are the only part that can still refuse.
        loaded: list[tuple[Any, Any]] = []
        try:
            for k, (_, _, _, _, schedule_state) in enumerate(prepared):
                schedule = self.param_groups[k]["schedule"]
                if schedule_state is not None and hasattr(schedule, "load_state_dict"):
                    before = schedule.state_dict()
                    schedule.load_state_dict(schedule_state)
                    loaded.append((schedule, before))
        except BaseException:
            for schedule, before in loaded:
                schedule.load_state_dict(before)
            raise
        count = self._count
        for k, (hyper, t, arrays, steps, _) in enumerate(prepared):
            group, record = self.param_groups[k], self._records[k]
            group.update(hyper)
            record.arrays, record.steps, record.offset = arrays, steps, count - t
            params = group["params"]
            record.params, record.snapshot, record.n = params, tuple(params), len(params)
            record.values = None  # rebuild the C++ state list from the new arrays
            self._refresh(k)

    def _prepared_state(self, state_dict: object) -> list[tuple[Any, ...]]:
        """load_state_dict's checks: per group (hyperparameters, step, state arrays, step
        counts, schedule state), all converted, nothing changed."""
        name = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict: expected a dict, got {type(state_dict).__name__}")
        keys = set(state_dict)
        expected = {"state", "param_groups"}
        optional = {"optimizer", "format_version"}
        if not expected <= keys or not keys <= expected | optional:
            raise ValueError(
                f"state_dict: expected the keys {sorted(expected)} (and {sorted(optional)}), "
                f"got {sorted(map(str, keys))}"
            )
        writer = state_dict.get("optimizer", name)
        if writer != name:
            raise ValueError(f"state_dict: written by {writer!r}, cannot be loaded into {name}")
        version = state_dict.get("format_version", _STATE_FORMAT)
        if version != _STATE_FORMAT or isinstance(version, bool):
            raise ValueError(
                f"state_dict: format_version {version!r} is not one this version of descend "
                f"reads ({_STATE_FORMAT})"
            )
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if isinstance(saved_groups, (str, bytes)) or not isinstance(saved_groups, Sequence):
            raise TypeError(
                f"state_dict['param_groups']: expected a list, got {type(saved_groups).__name__}"
            )
        if not isinstance(saved_state, Mapping):
            raise TypeError(
                f"state_dict['state']: expected a dict, got {type(saved_state).__name__}"
            )
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state_dict has {len(saved_groups)} parameter groups, this optimizer "
                f"has {len(self.param_groups)}"
            )
        state = {}
        for key, entry in saved_state.items():
            index = key
            if isinstance(key, str) and key.isdigit() and str(int(key)) == key:
                index = int(key)  # JSON turns int keys into strings
            if not isinstance(index, numbers.Integral) or isinstance(index, bool):
                raise ValueError(f"state_dict['state']: keys are parameter indices, got {key!r}")
            if int(index) in state:
                raise ValueError(f"state_dict['state']: index {key!r} appears twice")
            if not isinstance(entry, Mapping):
                raise TypeError(
                    f"state_dict['state'][{key!r}]: expected a dict, got {type(entry).__name__}"
                )
            state[int(index)] = entry
        allowed = {*self._hyperparameters, "params", "step", "schedule_state"}
        used: set[int] = set()
        prepared = []
        for k, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            where = f"state_dict['param_groups'][{k}]"
            if not isinstance(saved, Mapping):
                raise TypeError(f"{where}: expected a dict, got {type(saved).__name__}")
            unknown = sorted(map(str, set(saved) - allowed))
            if unknown:
                raise ValueError(
                    f"{where}: unknown keys {unknown} (not hyperparameters of {name}; a state "
                    "of another optimizer?)"
                )
            if "params" not in saved:
                raise ValueError(f"{where}: the 'params' entry is missing")
            params = group["params"]
            indices = saved["params"]
            if isinstance(indices, (str, bytes)) or not isinstance(indices, Sequence):
                raise TypeError(f"{where}['params']: expected a list of parameter indices")
            if len(indices) != len(params):
                raise ValueError(
                    f"param_groups[{k}] has {len(params)} parameters, the state_dict's has "
                    f"{len(indices)}"
                )
            hyper = {
                key: value
                for key, value in saved.items()
                if key not in ("params", "step", "schedule_state")
            }
            if "betas" in hyper and isinstance(hyper["betas"], list):
                hyper["betas"] = tuple(hyper["betas"])  # JSON turns tuples into lists
            rule = self._core_rule({**group, **hyper}, f"{where}: ")
            if "step" not in saved:
                raise ValueError(f"{where}: the 'step' count is missing")
            t = check_int(f"{where}['step']", saved["step"], 0, MAX_STEP)
            arrays, steps = [], np.zeros(len(params), dtype=np.int64)
            for i, (param, key) in enumerate(zip(params, indices, strict=True)):
                key = check_int(f"{where}['params'][{i}]", key, 0)
                if key in used:
                    raise ValueError(f"{where}['params']: index {key} appears twice")
                used.add(key)
                # No entry at all: the parameter has not stepped (torch's meaning). An entry
                # says how far it got.
                entry = state.get(key, {"step": 0})
                at = f"state_dict['state'][{key}]"
                if "step" not in entry:
                    raise ValueError(
                        f"{at}: the 'step' count is missing (a parameter that has not stepped "
                        "has no entry at all)"
                    )
                steps[i] = check_int(f"{at}['step']", entry["step"], 0, MAX_STEP)
                if steps[i] > t:
                    raise ValueError(
                        f"{at}['step']: a parameter takes at most its group's steps "
                        f"({where}['step'] = {t}), got {steps[i]}"
                    )
                names = set(entry) - {"step"}
                used_names = set(rule.state_names)
                # No state arrays: zeros, which only a parameter that has not stepped has. A
                # lazy array is None until started, and may be kept while the rule does not
                # use it.
                if (names or steps[i] > 0) and not (
                    used_names <= names <= used_names | self._lazy_state
                ):
                    lazy = sorted(self._lazy_state)
                    raise ValueError(
                        f"{at}: expected the state arrays {sorted(used_names)} of {name} with "
                        "these hyperparameters"
                        + (f" (None for one of {lazy} not started yet)" if lazy else "")
                        + f", got {sorted(map(str, names))}"
                    )
                own = {}
                order = (*rule.state_names, *sorted(self._lazy_state - used_names))
                for state_name in [state_name for state_name in order if state_name in names]:
                    label = f"{at}[{state_name!r}]"
                    value = entry[state_name]
                    if value is None and state_name in self._lazy_state:
                        continue  # not started yet
                    if isinstance(value, np.ma.MaskedArray):
                        raise TypeError(
                            f"{label}: expected an array, got a numpy.ma.MaskedArray (its mask "
                            "would be ignored)"
                        )
                    try:
                        value = as_array(value)
                    except ValueError as error:
                        raise ValueError(f"{label}: {error}") from None
                    if value.dtype.kind not in "biuf":
                        raise TypeError(f"{label}: expected real numbers, got dtype {value.dtype}")
                    if value.shape != param.shape:
                        raise ValueError(
                            f"{label} has shape {value.shape}, its parameter {param.shape}"
                        )
                    with np.errstate(over="ignore"):  # refused below, naming the array
                        copy = np.array(value, dtype=param.dtype, order="C", copy=True)
                    # NaN and infinity load as saved: the optimizer's own state can hold them
                    # (a NaN gradient stepped with on_nonfinite=None, a float32 exp_avg_sq
                    # overflowed by a finite gradient). A finite value that the parameter's
                    # dtype turns into infinity would not be what was saved.
                    overflowed = np.isinf(copy) & np.isfinite(value)
                    if overflowed.any():
                        raise ValueError(
                            f"{label}: expected values that {param.dtype} can hold, got "
                            f"{float(value[overflowed][0])!r}, which becomes infinity"
                        )
                    if state_name in _NONNEGATIVE_STATE and (copy < 0).any():
                        raise ValueError(f"{label}: expected values >= 0, got negative ones")
                    own[state_name] = copy
                arrays.append(own)
            schedule_state = saved.get("schedule_state")
            if schedule_state is not None and not hasattr(group["schedule"], "load_state_dict"):
                raise ValueError(
                    f"{where}['schedule_state']: this group's schedule ({group['schedule']!r}) "
                    "keeps no state to load it into (saved with another schedule?)"
                )
            prepared.append((hyper, t, arrays, steps, schedule_state))
        extra = sorted(set(state) - used)
        if extra:
            raise ValueError(
                f"state_dict['state']: indices {extra} belong to no parameter of param_groups"
            )
        return prepared

    # ------------------------------------------------------------------ pickling
    # A pickle holds the parameters, their groups and the state_dict; loading rebuilds the
    # optimizer through the constructor and load_state_dict, so that a pickle gets every
    # check a state_dict gets (and a damaged one is refused, never half loaded).
    def __getstate__(self) -> dict[str, Any]:
        return {
            "format_version": _STATE_FORMAT,
            "defaults": dict(self.defaults),
            "param_groups": [dict(group) for group in self.param_groups],
            "state_dict": self.state_dict(),
            "options": (self.check_finite, self.on_nonfinite, self.n_threads),
            "nonfinite": (self.nonfinite_steps, self.stopped),
        }

    def __setstate__(self, saved: object) -> None:
        name = type(self).__name__
        keys = {"format_version", "defaults", "param_groups", "state_dict", "options", "nonfinite"}
        if not isinstance(saved, dict) or set(saved) != keys:
            raise ValueError(f"a pickled {name}: not one written by this version of descend")
        if saved["format_version"] != _STATE_FORMAT:
            raise ValueError(
                f"a pickled {name}: format_version {saved['format_version']!r} is not one this "
                f"version of descend reads ({_STATE_FORMAT})"
            )
        defaults, groups = saved["defaults"], saved["param_groups"]
        if not isinstance(defaults, dict) or set(defaults) != {*self._hyperparameters, "schedule"}:
            raise ValueError(f"a pickled {name}: its defaults are not {name}'s hyperparameters")
        if not isinstance(groups, list):
            raise TypeError(f"a pickled {name}: param_groups is not a list")
        check_finite, on_nonfinite, n_threads = saved["options"]
        nonfinite_steps, stopped = saved["nonfinite"]
        hyper = {key: value for key, value in defaults.items() if key != "schedule"}
        rebuilt = Optimizer.__new__(type(self))
        Optimizer.__init__(
            rebuilt,
            groups or None,
            hyper,
            schedule=defaults["schedule"],
            check_finite=check_finite,
            on_nonfinite=on_nonfinite,
            n_threads=n_threads,
        )
        rebuilt.load_state_dict(saved["state_dict"])
        rebuilt.nonfinite_steps = check_int("nonfinite_steps", nonfinite_steps, 0)
        rebuilt.stopped = check_flag("stopped", stopped)
        self.__dict__.update(rebuilt.__dict__)
        self._bind_step()


if TYPE_CHECKING:
    # The constructors __init_subclass__ makes from the rules' tables, written out for type
    # checkers (by scripts/generate_stubs.py; tests/test_typing.py checks them): each class
    # below derives from its signature's class there, and from Optimizer at run time.
    from ._signatures import _SGD, _Adagrad, _Adam, _Adamax, _AdamW, _Lion, _NAdam, _RAdam, _RMSprop
else:
    _SGD = _Adagrad = _Adam = _Adamax = _AdamW = _Lion = _NAdam = _RAdam = _RMSprop = Optimizer


class SGD(_SGD):
    """Stochastic gradient descent with momentum, as ``torch.optim.SGD``::

        g = (-grad if maximize else grad) + weight_decay * w
        b = g  (first step),  b = momentum * b + (1 - dampening) * g  (later)
        w -= lr * (g + momentum * b if nesterov else b)        (w -= lr * g if momentum == 0)

    State: "momentum_buffer" (when momentum != 0). As torch's, the buffer starts at ``g`` on
    the parameter's first step with momentum, also when momentum is turned on after some
    steps (None in ``state_dict()`` until that step), and is kept while momentum is 0.

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> opt.step([2 * w]); w
    array([0.8])
    """

    _rule_class = _core.SGD
    _lazy_state = frozenset({"momentum_buffer"})


class Adagrad(_Adagrad):
    """Adagrad, as ``torch.optim.Adagrad``::

        g = (-grad if maximize else grad) + weight_decay * w
        sum += g**2                                  (sum starts at initial_accumulator_value)
        w -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)

    State: "sum".

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.Adagrad([w], lr=0.5)
    >>> opt.step([2 * w]); w
    array([0.5])
    """

    _rule_class = _core.Adagrad

    def _initial_state(self, name: str, param: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        return np.full_like(param, group["initial_accumulator_value"])


class RMSprop(_RMSprop):
    """RMSprop, as ``torch.optim.RMSprop``::

        g = (-grad if maximize else grad) + weight_decay * w
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        grad_avg = alpha * grad_avg + (1 - alpha) * g                   (centered)
        d = sqrt(square_avg - grad_avg**2) + eps  (centered)  or  sqrt(square_avg) + eps
        b = momentum * b + g / d;  w -= lr * b     (momentum > 0; else w -= lr * g / d)

    State: "square_avg", "momentum_buffer" (momentum > 0), "grad_avg" (centered).

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.RMSprop([w], lr=0.01)
    >>> opt.step([2 * w]); np.round(w, 4)
    array([0.9])
    """

    _rule_class = _core.RMSprop


class Adam(_Adam):
    """Adam, as ``torch.optim.Adam``::

        g = (-grad if maximize else grad) + weight_decay * w     (L2; not if decoupled)
        w *= 1 - lr * weight_decay                                (decoupled_weight_decay)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
        v_max = maximum(v_max, v)                                 (amsgrad: v -> v_max below)
        w -= lr / (1 - beta1**t) * m / (sqrt(v / (1 - beta2**t)) + eps)

    State: "exp_avg" (m), "exp_avg_sq" (v), "max_exp_avg_sq" (amsgrad).

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.Adam([w], lr=0.1)
    >>> opt.step([2 * w]); np.round(w, 6)
    array([0.9])
    """

    _rule_class = _core.Adam


class AdamW(_AdamW):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay::

        g = -grad if maximize else grad
        w *= 1 - lr * weight_decay
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
        v_max = maximum(v_max, v)                                 (amsgrad: v -> v_max below)
        w -= lr / (1 - beta1**t) * m / (sqrt(v / (1 - beta2**t)) + eps)

    State: "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (amsgrad).

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.AdamW([w], lr=0.1)
    >>> opt.step([2 * w]); np.round(w, 6)
    array([0.899])
    """

    _rule_class = _core.AdamW


class NAdam(_NAdam):
    """NAdam, as ``torch.optim.NAdam``::

        mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay)),  P_t = mu_1 * ... * mu_t
        g = (-grad if maximize else grad) + weight_decay * w     (L2; not if decoupled)
        w *= 1 - lr * weight_decay                                (decoupled_weight_decay)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
        w -= lr * ((1 - mu_t) / (1 - P_t) * g + mu_{t+1} / (1 - P_{t+1}) * m)
                / (sqrt(v / (1 - beta2**t)) + eps)

    State: "exp_avg", "exp_avg_sq". torch also keeps ``mu_product`` (``P_t``); descend
    recomputes it from the step count, which assumes ``betas[0]`` and ``momentum_decay``
    stay the same from step to step.

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.NAdam([w], lr=0.1)
    >>> opt.step([2 * w]); np.round(w, 4)
    array([0.8944])
    """

    _rule_class = _core.NAdam


class RAdam(_RAdam):
    """RAdam, as ``torch.optim.RAdam``::

        g = (-grad if maximize else grad) + weight_decay * w     (L2; not if decoupled)
        w *= 1 - lr * weight_decay                                (decoupled_weight_decay)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            w -= lr * r * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)
        else:
            w -= lr / (1 - beta1**t) * m

    State: "exp_avg", "exp_avg_sq".

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.RAdam([w], lr=0.1)
    >>> opt.step([2 * w]); w
    array([0.8])
    """

    _rule_class = _core.RAdam


class Adamax(_Adamax):
    """Adamax, as ``torch.optim.Adamax``::

        g = (-grad if maximize else grad) + weight_decay * w
        m = beta1 * m + (1 - beta1) * g;  u = maximum(beta2 * u, abs(g) + eps)
        w -= lr / (1 - beta1**t) * m / u

    State: "exp_avg" (m), "exp_inf" (u).

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0]); opt = descend.optim.Adamax([w], lr=0.1)
    >>> opt.step([2 * w]); np.round(w, 6)
    array([0.9])
    """

    _rule_class = _core.Adamax


class Lion(_Lion):
    """Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), with the
    names and defaults of lion-pytorch (torch.optim has no Lion)::

        g = -grad if maximize else grad
        c = beta1 * m + (1 - beta1) * g
        w = (1 - lr * weight_decay) * w - lr * sign(c)
        m = beta2 * m + (1 - beta2) * g

    Every coordinate moves by ``lr`` (plus the decay): take ``lr`` 3 to 10 times smaller
    than Adam's, and ``weight_decay`` as many times larger.

    State: "exp_avg" (m).

    Examples
    --------
    >>> import numpy as np, descend
    >>> w = np.array([1.0, -2.0]); opt = descend.optim.Lion([w], lr=0.1)
    >>> opt.step([2 * w]); w
    array([ 0.9, -1.9])
    """

    _rule_class = _core.Lion


# The update rules by name, the one table of them: the estimators' `optimizer` names and
# (with "gd") minimize()'s methods; each a class and its hyperparameters beyond the defaults.
_NAMED: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {
    "sgd": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (Adagrad, {}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
    "adamw": (AdamW, {}),
    "nadam": (NAdam, {}),
    "radam": (RAdam, {}),
    "adamax": (Adamax, {}),
    "lion": (Lion, {}),
}
#: The names the estimators accept for ``optimizer``.
OPTIMIZER_NAMES: tuple[str, ...] = tuple(_NAMED)


def _estimator_optimizer(optimizer: object) -> tuple[type[Optimizer], dict[str, Any]]:
    """The class and constructor hyperparameters (``defaults``) of an estimator's
    `optimizer`: a name from OPTIMIZER_NAMES ("momentum" is SGD with momentum 0.9,
    "nesterov" adds Nesterov momentum; the others are the classes' defaults) or an Optimizer
    instance, whose lr, schedule, parameters and state are ignored and left as they are."""
    if isinstance(optimizer, Optimizer):
        return type(optimizer), optimizer.defaults
    if isinstance(optimizer, str) and optimizer in _NAMED:
        return _named_optimizer(optimizer)
    raise ValueError(
        f"optimizer must be one of {', '.join(map(repr, OPTIMIZER_NAMES))} or a "
        f"descend.optim optimizer (e.g. descend.optim.Adam(betas=(0.8, 0.99))), got {optimizer!r}"
    )


@functools.cache
def _named_optimizer(name: str) -> tuple[type[Optimizer], dict[str, Any]]:
    cls, hyperparameters = _NAMED[name]
    return cls, cls(None, **hyperparameters).defaults


def _estimator_rule(optimizer: object, lr: float) -> Any:
    """The C++ rule an estimator runs for `optimizer` (see _estimator_optimizer), with step
    size `lr` (the estimator's schedule or learning_rate always sets the step size)."""
    cls, defaults = _estimator_optimizer(optimizer)
    return cls._core_rule({**defaults, "lr": lr})


def _estimator_rule_key(optimizer: object) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The update rule an estimator's optimizer state belongs to, as a value to compare: the
    class of `optimizer` (see _estimator_optimizer) and its hyperparameters but lr, which
    the estimator sets ("momentum" and SGD(None, momentum=0.9) give the same key)."""
    if isinstance(optimizer, str) and optimizer in _NAMED:
        return _named_rule_key(optimizer)
    cls, defaults = _estimator_optimizer(optimizer)
    return cls.__name__, tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name in cls._hyperparameters
        if name != "lr"
        for value in (defaults[name],)
    )


@functools.cache
def _named_rule_key(name: str) -> tuple[str, tuple[tuple[str, Any], ...]]:
    return _estimator_rule_key(_NAMED[name][0](None, **_NAMED[name][1]))
