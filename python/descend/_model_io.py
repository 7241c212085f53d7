"""A fitted linear model as a JSON file, and back, with validation.

The file is one JSON object::

    {"format": "descend-model", "format_version": 1, "descend_version": "0.1.0",
     "model": "LinearRegression", "configuration": {...get_params()...},
     "feature_names": [...], "target": "price", "classes": null | [...],
     "dtype": "float64" | "float32", "coef": [...], "coef_shape": [...],
     "intercept": float | [...], "sha256": "<hex digest of the other fields>"}

The configuration holds every hyperparameter: numbers, strings, booleans and null as JSON
(NumPy's scalars as Python's), and as a one-key object the others: ``{"dict": [[key, value],
...]}`` (class_weight), ``{"schedule": {"type", "fields", "state"}}`` (a descend.schedules
object, its state included), ``{"generator": state}`` and ``{"random_state": state}`` (a
numpy.random.Generator or RandomState: its bit generator's state). A hyperparameter that is
none of these (a descend.optim object as optimizer) is refused when saving, naming it, as is one
that would load back as anything but what was saved. coef and intercept are written as float64
numbers and read back in ``dtype`` (a float32 model stays float32).

Floats are written with Python's shortest round-trip repr, so a loaded model predicts exactly
what the saved one did. Loading checks everything before building the estimator: the format
and its version, the checksum (a file edited or cut short is refused), the types and shapes of
every field and that the numbers are finite, and every hyperparameter as fit checks it.
Whatever is wrong with a file, the error is a ModelFileError naming the file.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import check_real
from ._validation import seed_from_random_state

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "load_model", "save_model"]

FORMAT = "descend-model"
FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message says why."""


def _estimator_classes() -> dict[str, type]:
    import descend

    names = ("LinearRegression", "LogisticRegression")
    return {name: getattr(descend, name) for name in names if hasattr(descend, name)}


def _digest(document: dict[str, Any]) -> str:
    body = {key: value for key, value in document.items() if key != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_names(feature_names: Any, target: Any, n_features: int) -> tuple[list[str], str | None]:
    """The feature names as a list, checked: distinct strings, one per feature of coef_; the
    target a string or None."""
    if isinstance(feature_names, (str, bytes)) or not hasattr(feature_names, "__iter__"):
        raise TypeError(
            f"feature_names must be a list of column names, got {type(feature_names).__name__}"
        )
    names = list(feature_names)
    for i, feature in enumerate(names):
        if not isinstance(feature, str):
            raise TypeError(
                f"feature_names[{i}] must be a str, got {type(feature).__name__} ({feature!r:.40})"
            )
    if len(names) != n_features:
        raise ValueError(
            f"feature_names has {len(names)} name(s), expected one per feature of the model: "
            f"{n_features}"
        )
    for feature in names:
        if names.count(feature) > 1:
            raise ValueError(f"feature_names names {feature!r} twice; expected distinct names")
    if target is not None and not isinstance(target, str):
        raise TypeError(f"target must be a str or None, got {type(target).__name__}")
    return names, target


# The NumPy bit generators whose state a file may restore (numpy.random's own, by name).
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# The dtypes of the arrays in a bit generator's state.
_STATE_DTYPES = ("uint32", "uint64")


def _scalar_out(key: str, value: Any) -> Any:
    """A hyperparameter's scalar as JSON: NumPy's bools, integers and floats as Python's; a
    ValueError naming ``key`` for anything else, or for a float that float64 would change."""
    if value is None or isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) else value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if number != value:  # (a longdouble that float64 rounds)
            raise ValueError(f"{key}={value!r:.60} is not exactly a float64")
        return number
    raise ValueError(f"{key} is a {type(value).__name__}: {value!r:.60}")


def _state_out(value: Any) -> Any:
    """A schedule's or generator's state as JSON: arrays as {"array", "dtype"}, non-finite
    floats as {"float": "inf"} (JSON has no infinity)."""
    if isinstance(value, dict):
        return {str(k): _state_out(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return {"float": repr(float(value))}
    return _scalar_out("state", value)


def _schedule_out(schedule: Any) -> dict[str, Any]:
    from .schedules import _Schedule

    fields = {
        name: _schedule_out(value) if isinstance(value, _Schedule) else _scalar_out(name, value)
        for name, value in zip(schedule._core._fields, schedule._configuration(), strict=True)
    }
    return {
        "type": type(schedule).__name__,
        "fields": fields,
        "state": _state_out(schedule.state_dict()),
    }


def _hyperparameter_out(key: str, value: Any) -> Any:
    """One hyperparameter as the configuration stores it: a JSON scalar, or a tagged object
    (a dict, a schedule, a NumPy generator); a ValueError naming it if it cannot be stored."""
    from .schedules import _Schedule

    try:
        if isinstance(value, dict):
            return {"dict": [[_scalar_out(key, k), _scalar_out(key, v)] for k, v in value.items()]}
        if isinstance(value, _Schedule):
            return {"schedule": _schedule_out(value)}
        if isinstance(value, np.random.Generator):
            return {"generator": _state_out(value.bit_generator.state)}
        if isinstance(value, np.random.RandomState):
            return {"random_state": _state_out(value.get_state(legacy=False))}
        return _scalar_out(key, value)
    except ValueError as error:
        raise ValueError(
            f"the hyperparameter {key} cannot be stored in a model file: {error}; a model file "
            "keeps numbers, strings, booleans, None, dicts of them, descend.schedules objects "
            "and NumPy generators (give optimizer by name, not as a descend.optim object)"
        ) from None


def _kind(value: Any) -> object:
    """bool, int, float or str for Python's and NumPy's scalars of that kind, else the type."""
    for kind, types in (
        (bool, (bool, np.bool_)),
        (int, (int, np.integer)),
        (float, (float, np.floating)),
        (str, (str,)),
    ):
        if isinstance(value, types):
            return kind
    return type(value)


def _same(a: Any, b: Any) -> bool:
    """Whether a hyperparameter read back is the one saved: equal values of the same kind
    (a generator: the same state)."""
    if isinstance(a, np.random.Generator):
        return isinstance(b, np.random.Generator) and _same(
            a.bit_generator.state, b.bit_generator.state
        )
    if isinstance(a, np.random.RandomState):
        return isinstance(b, np.random.RandomState) and _same(
            a.get_state(legacy=False), b.get_state(legacy=False)
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and list(a) == list(b)
            and all(_same(k, j) and _same(a[k], b[j]) for k, j in zip(a, b, strict=True))
        )
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if _kind(a) != _kind(b):
        return False
    return bool(a == b) or (a != a and b != b)


def model_document(model: Any, feature_names: list[str], target: str | None) -> dict[str, Any]:
    """The JSON object of a fitted estimator (see the module docstring).

    Raises
    ------
    TypeError
        Not a descend estimator, feature names that are not strings, or a target that is
        neither a string nor None.
    ValueError
        An unfitted model, non-finite coefficients, feature names that do not match the
        model's features one to one, or anything else load_model would refuse.
    """
    import descend

    name = type(model).__name__
    if name not in _estimator_classes():
        raise TypeError(f"cannot save a {name}; expected one of {', '.join(_estimator_classes())}")
    try:
        coef = np.asarray(model.coef_)
        intercept = np.asarray(model.intercept_)
    except AttributeError:
        raise ValueError(f"this {name} is not fitted: call fit before saving it") from None
    dtype = coef.dtype
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"this {name}'s coef_ is {dtype}, expected float32 or float64")
    coef, intercept = coef.astype(np.float64), intercept.astype(np.float64)
    if coef.ndim == 0 or coef.shape[-1] == 0:
        raise ValueError(f"this {name} has no coefficients (coef_ shape {coef.shape})")
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise ValueError("the model's coefficients are not finite (did the fit diverge?)")
    feature_names, target = _check_names(feature_names, target, coef.shape[-1])
    parameters = model.get_params(deep=False)
    configuration = {key: _hyperparameter_out(key, value) for key, value in parameters.items()}
    classes = getattr(model, "classes_", None)
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "descend_version": descend.__version__,
        "model": name,
        "configuration": configuration,
        "feature_names": list(feature_names),
        "target": target,
        "classes": None if classes is None else np.asarray(classes).tolist(),
        "dtype": str(dtype),
        "coef": coef.ravel().tolist(),
        "coef_shape": list(coef.shape),
        "intercept": intercept.tolist(),
    }
    try:
        document["sha256"] = _digest(document)
    except ValueError as error:  # (a NaN or infinite parameter in the configuration)
        raise ValueError(f"the model cannot be written as JSON: {error}") from None
    try:  # what load_model would refuse is not written
        loaded = _from_document(document)[0]
    except ModelFileError as error:
        raise ValueError(f"the model would not load back: {error}") from None
    for key, value in parameters.items():  # nor what would load as something else
        if not _same(value, getattr(loaded, key)):
            raise ValueError(
                f"the hyperparameter {key} would load back as {getattr(loaded, key)!r:.60}, "
                f"not as {value!r:.60}"
            )
    return document


def save_model(path: str | Path, model: Any, feature_names: list[str], target: str | None) -> None:
    """Write a fitted estimator to ``path`` as JSON.

    Everything is checked before the file is touched (see model_document), and the file is
    written to a temporary file beside it, then renamed: on an error an existing file at
    ``path`` is left as it was.

    Raises
    ------
    TypeError, ValueError
        As model_document: the model or the names cannot be saved as a file load_model reads.
    OSError
        The file cannot be written.
    """
    path = Path(path)
    text = json.dumps(model_document(model, feature_names, target), indent=1, allow_nan=False)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as file:
            file.write(text + "\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _expect(document: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in document:
        raise ModelFileError(f"the field {key!r} is missing")
    value = document[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ModelFileError(f"the field {key!r} must be {what}, got {value!r:.60}")
    return value


def _finite_array(value: Any, key: str, dtype: str = "float64") -> np.ndarray:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ModelFileError(f"the field {key!r} must hold numbers")
    try:
        array = np.array(values, dtype=np.float64)
    except OverflowError:  # (an integer beyond float64's range)
        raise ModelFileError(f"the field {key!r} holds a number beyond float64's range") from None
    if not np.all(np.isfinite(array)):
        raise ModelFileError(f"the field {key!r} holds a non-finite number")
    if dtype == "float32":
        with np.errstate(over="ignore"):
            narrow = array.astype(np.float32)
        if not np.array_equal(narrow, array):
            raise ModelFileError(f"the field {key!r} holds a number that is not a float32")
        return narrow
    return array


def _check_model_shape(
    name: str,
    shape: list[int],
    classes: list[Any] | None,
    intercept_value: Any,
    intercept: np.ndarray,
) -> None:
    """Refuse a file whose classes, coef_shape and intercept do not describe one model.

    A regressor: no classes, coef of shape (n_features,), one intercept number. A classifier:
    two or more distinct labels (strings, numbers or booleans); coef of shape
    (1, n_features) with one intercept for two classes, (n_classes, n_features) with
    n_classes intercepts for more.
    """
    if name == "LinearRegression":
        if classes is not None:
            raise ModelFileError(f"a LinearRegression has no classes, got {classes!r:.60}")
        if len(shape) != 1:
            raise ModelFileError(f"a LinearRegression's coef_shape has one entry, got {shape}")
        if isinstance(intercept_value, list):
            raise ModelFileError(
                f"a LinearRegression's intercept is one number, got {intercept_value!r:.60}"
            )
        return
    if classes is None or len(classes) < 2:
        raise ModelFileError(f"a {name} needs a list of two or more classes, got {classes!r:.60}")
    kinds = {str if isinstance(label, str) else float for label in classes}
    if (
        not all(isinstance(label, (str, int, float)) for label in classes)
        or len(kinds) != 1
        or np.array(classes).dtype.kind not in "biufU"  # (an integer beyond 64 bits: object)
        or np.unique(np.array(classes)).size != len(classes)
    ):
        raise ModelFileError(
            f"the field 'classes' must hold distinct labels, all strings or all numbers "
            f"(or booleans), "
            f"got {classes!r:.60}"
        )
    rows = 1 if len(classes) == 2 else len(classes)
    if len(shape) != 2 or shape[0] != rows:
        raise ModelFileError(
            f"{len(classes)} classes need coef_shape [{rows}, n_features], got {shape}"
        )
    if not isinstance(intercept_value, list) or intercept.size != rows:
        raise ModelFileError(
            f"{len(classes)} classes need a list of {rows} intercept(s), "
            f"got {intercept_value!r:.60}"
        )


def _state_in(value: Any) -> Any:
    """_state_out's JSON back as the state: arrays of the dtypes a bit generator's state holds,
    non-finite floats."""
    if isinstance(value, dict):
        if set(value) == {"array", "dtype"}:
            if value["dtype"] not in _STATE_DTYPES or not isinstance(value["array"], list):
                raise ValueError(f"an array of {value['dtype']!r:.20}: expected uint32 or uint64")
            return np.array(value["array"], dtype=value["dtype"])
        if set(value) == {"float"}:
            if value["float"] not in ("inf", "-inf", "nan"):
                raise ValueError(f"{value!r:.60} is not a non-finite float")
            return float(value["float"])
        return {key: _state_in(item) for key, item in value.items()}
    if isinstance(value, list):
        raise ValueError(f"a list in a state ({value!r:.40})")
    return value


# Bounds of the positions in a bit generator's state that NumPy does not check: a position
# beyond its buffer reads past it (an MT19937 "pos" beyond 624 crashed the process).
_STATE_BOUNDS = {
    "pos": (0, 624),
    "buffer_pos": (0, 4),
    "has_uint32": (0, 1),
    "has_gauss": (0, 1),
    "uinteger": (0, 2**32 - 1),
    "state": (0, 2**128 - 1),
    "inc": (0, 2**128 - 1),
}


def _check_generator_state(state: Any, template: Any, key: str = "state") -> None:
    """ValueError unless ``state`` has the structure of ``template`` (the state of a fresh
    generator of that kind): the same keys, arrays of the same shape and dtype, numbers of the
    same kind, and positions within their buffers."""
    if isinstance(template, dict):
        if not isinstance(state, dict) or set(state) != set(template):
            raise ValueError(f"{key}: expected the keys {sorted(template)}, got {state!r:.60}")
        for name in template:
            _check_generator_state(state[name], template[name], name)
    elif isinstance(template, np.ndarray):
        if not isinstance(state, np.ndarray) or (state.shape, state.dtype) != (
            template.shape,
            template.dtype,
        ):
            raise ValueError(f"{key}: expected {template.dtype} of shape {template.shape}")
    elif isinstance(template, (bool, str)) or template is None:
        if state != template and not (isinstance(template, bool) and isinstance(state, bool)):
            raise ValueError(f"{key}: expected {template!r}, got {state!r:.40}")
    elif isinstance(template, int):
        low, high = _STATE_BOUNDS.get(key, (-(2**63), 2**64 - 1))
        if not isinstance(state, int) or isinstance(state, bool) or not low <= state <= high:
            raise ValueError(f"{key}: expected an int in [{low}, {high}], got {state!r:.40}")
    elif isinstance(template, float):
        if not isinstance(state, (int, float)) or isinstance(state, bool):
            raise ValueError(f"{key}: expected a number, got {state!r:.40}")


def _schedule_in(body: Any) -> Any:
    from . import schedules

    if not isinstance(body, dict) or set(body) != {"type", "fields", "state"}:
        raise ValueError(f"expected a schedule's type, fields and state, got {body!r:.60}")
    known = {cls.__name__: cls for cls in schedules._SCHEDULES}
    cls = known.get(body["type"]) if isinstance(body["type"], str) else None
    if cls is None or not isinstance(body["fields"], dict):
        raise ValueError(
            f"unknown schedule {body['type']!r:.40}; expected one of {', '.join(known)}"
        )
    fields = {
        name: _schedule_in(value) if isinstance(value, dict) else value
        for name, value in body["fields"].items()
    }
    schedule = cls(**fields)
    schedule.load_state_dict(_state_in(body["state"]))
    return schedule


def _hyperparameter_in(key: str, value: Any) -> Any:
    """A hyperparameter of the configuration, as _hyperparameter_out wrote it."""
    if isinstance(value, list):
        raise ModelFileError(
            f"configuration: {key} is a list ({value!r:.60}); no hyperparameter is"
        )
    if not isinstance(value, dict):
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**64) < value < 2**64:
            raise ModelFileError(
                f"configuration: {key} is an integer beyond 64 bits ({value!r:.40}...)"
            )
        return value
    if len(value) != 1:
        raise ModelFileError(f"configuration: {key} is an object of keys {sorted(value)!r:.60}")
    ((tag, body),) = value.items()
    if tag == "repr":
        raise ModelFileError(
            f"configuration: {key} was recorded as its repr only ({body!r:.60}), which cannot be "
            "restored"
        )
    try:
        if tag == "dict":
            if not isinstance(body, list) or not all(
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(item, (str, int, float, bool, type(None))) for item in pair)
                for pair in body
            ):
                raise ValueError(f"expected a list of [key, value] pairs, got {body!r:.60}")
            result = dict((k, v) for k, v in body)
            if len(result) != len(body):
                raise ValueError("a key is given twice")
            return result
        if tag == "schedule":
            return _schedule_in(body)
        if tag in ("generator", "random_state"):
            if not isinstance(body, dict):
                raise ValueError(f"expected a generator's state, got {body!r:.60}")
            state = _state_in(body)
            if tag == "random_state":
                legacy = np.random.RandomState()
                _check_generator_state(state, legacy.get_state(legacy=False))
                legacy.set_state(state)
                return legacy
            name = state.get("bit_generator")
            if name not in _BIT_GENERATORS:
                raise ValueError(
                    f"unknown bit generator {name!r:.40}; expected one of "
                    f"{', '.join(_BIT_GENERATORS)}"
                )
            bits = getattr(np.random, name)()
            _check_generator_state(state, bits.state)
            bits.state = state
            return np.random.Generator(bits)
    except (
        TypeError,
        ValueError,
        OverflowError,
        KeyError,
        AttributeError,
        RecursionError,
    ) as error:
        raise ModelFileError(f"configuration: {key}: {error}") from None
    raise ModelFileError(
        f"configuration: {key} is an object tagged {tag!r:.40}; expected 'dict', 'schedule', "
        "'generator' or 'random_state'"
    )


def load_model(path: str | Path) -> tuple[Any, list[str], str | None]:
    """Read a model file: (fitted estimator, feature names, target name).

    Raises
    ------
    ModelFileError
        The file is not a descend model file, is of another format version, was changed
        after it was written (checksum), or holds fields of the wrong type or shape.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ModelFileError(f"{path}: cannot read it ({error})") from None
    try:
        document = json.loads(text, parse_constant=lambda name: math.nan)
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"{path}: not valid JSON (truncated or edited?): {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from None
    except ValueError as error:  # (an integer literal of more digits than Python converts)
        raise ModelFileError(f"{path}: not a descend model file: {error}") from None
    except RecursionError:
        raise ModelFileError(
            f"{path}: not a descend model file: JSON nested too deeply to read"
        ) from None
    try:
        return _from_document(document)
    except ModelFileError as error:
        raise ModelFileError(f"{path}: {error}") from None


def _from_document(document: Any) -> tuple[Any, list[str], str | None]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f'not a descend model file (no "format": "{FORMAT}")')
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"format_version {version!r:.40} is not supported; this descend reads version "
            f"{FORMAT_VERSION}"
        )
    try:
        digest = _digest(document)
    except ValueError:
        raise ModelFileError("the file holds NaN or infinity, which descend never writes") from None
    except RecursionError:
        raise ModelFileError("the file holds JSON nested too deeply to check") from None
    if document.get("sha256") != digest:
        raise ModelFileError("checksum mismatch: the file was changed after descend wrote it")
    classes_by_name = _estimator_classes()
    name = _expect(document, "model", str, "a string")
    if name not in classes_by_name:
        raise ModelFileError(
            f"unknown model {name!r}; this descend knows {', '.join(classes_by_name)}"
        )
    features = _expect(document, "feature_names", list, "a list of column names")
    if not features or not all(isinstance(f, str) for f in features):
        raise ModelFileError("the field 'feature_names' must be a non-empty list of strings")
    target = _expect(document, "target", (str, type(None)), "a string or null")
    configuration = _expect(document, "configuration", dict, "an object")
    shape = _expect(document, "coef_shape", list, "a list of ints")
    if (
        not 1 <= len(shape) <= 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n < 2**63 for n in shape)
        or shape[-1] != len(features)
    ):
        raise ModelFileError(
            f"coef_shape {shape!r:.60} does not match the {len(features)} feature names "
            f"(expected [{len(features)}] or [n_outputs, {len(features)}])"
        )
    dtype = _expect(document, "dtype", str, "a string")
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"dtype must be 'float32' or 'float64', got {dtype!r:.40}")
    coef = _finite_array(_expect(document, "coef", list, "a list of numbers"), "coef", dtype)
    if coef.size != math.prod(shape):
        raise ModelFileError(
            f"coef has {coef.size} numbers, coef_shape {shape} needs {math.prod(shape)}"
        )
    intercept_value = _expect(document, "intercept", (int, float, list), "a number or a list")
    intercept = _finite_array(intercept_value, "intercept", dtype)
    classes = _expect(document, "classes", (list, type(None)), "a list or null")
    _check_model_shape(name, shape, classes, intercept_value, intercept)

    options = {key: _hyperparameter_in(key, value) for key, value in configuration.items()}
    try:
        model = classes_by_name[name](**options)
    except TypeError as error:
        raise ModelFileError(f"configuration does not fit {name}: {error}") from None
    try:  # every hyperparameter checked as fit checks it (the error names the first bad one)
        model._settings()
        class_weight = getattr(model, "class_weight", None)
        if isinstance(class_weight, dict):
            for label, weight in class_weight.items():
                check_real(f"class_weight[{label!r}]", weight, 0.0)
        elif class_weight is not None and class_weight != "balanced":
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict {{label: weight}}, "
                f"got {class_weight!r:.60}"
            )
        if model.random_state is not None and not isinstance(
            model.random_state, (np.random.Generator, np.random.RandomState)
        ):
            seed_from_random_state(model.random_state)
    except (TypeError, ValueError, OverflowError) as error:
        raise ModelFileError(f"configuration: {error}") from None
    model.coef_ = coef.reshape(shape)
    model.intercept_ = float(intercept[0]) if not isinstance(intercept_value, list) else intercept
    if classes is not None:
        model.classes_ = np.array(classes)
    model.n_features_in_ = len(features)
    return model, list(features), target
