"""Input checks shared by the estimators: refuse bad data before any work starts.

Every function here either returns its input in the form the C++ solver takes, or raises a
``ValueError`` / ``TypeError`` naming the argument, what was expected and what was given.
"""

from __future__ import annotations

import math
import numbers
import os
import random
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _core
from ._checks import MAX_STEP
from ._estimator import DataConversionWarning

__all__ = [
    "as_float_matrix",
    "as_vector_like",
    "binary_target",
    "check_choice",
    "check_feature_names",
    "check_finite",
    "check_finite_matrix",
    "check_int",
    "check_label_types",
    "check_real",
    "check_sample_weight",
    "class_totals",
    "class_weight_per_class",
    "encode_labels",
    "feature_names_of",
    "is_sparse",
    "seed_from_random_state",
    "validation_split",
]

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
_INDEX_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))


# ---------------------------------------------------------------------- hyperparameters
def check_int(name: str, value: object, minimum: int, maximum: int = MAX_STEP) -> int:
    """value as an int in [minimum, maximum] (bools refused); the default maximum, 2**53, is
    the most steps a fit counts (descend._checks.MAX_STEP), beyond any count a fit can reach."""
    # (a plain int first: the numbers.Integral check is an ABC look-up, slow on small fits)
    if type(value) is int and minimum <= value <= maximum:
        return value
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and int(value) >= minimum
    ):
        if int(value) > maximum:
            raise ValueError(f"{name} must be an int <= {maximum}, got {value!r}")
        return int(value)
    raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def check_real(
    name: str,
    value: object,
    low: float,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """value as a finite float in [low, high] (either end open with low_open / high_open)."""
    # (float and int first: the numbers.Real check is an ABC look-up, slow on small fits)
    if not isinstance(value, bool) and isinstance(value, (float, int, numbers.Real)):
        number = float(value)
        if (
            math.isfinite(number)
            and (number > low if low_open else number >= low)
            and (number < high if high_open else number <= high)
        ):
            return number
    bound = (
        f"{'>' if low_open else '>='} {low:g}"
        if high == math.inf
        else f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    )
    raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")


def check_choice(name: str, value: object, choices: Sequence[Any]) -> Any:
    """value if it is one of choices (a str compared with ==, anything else by identity:
    None, False and True are choices, 0 and 1 are not; a NumPy bool counts as the bool it
    holds, and is returned as that bool)."""
    if type(value) is np.bool_:
        value = bool(value)
    text = isinstance(value, str)
    for choice in choices:  # (a loop, not any(generator): half the cost on small fits)
        if value is choice or (text and value == choice):
            return value
    raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


# ---------------------------------------------------------------------- X
def _all_finite(array: np.ndarray) -> bool:
    """Whether the float array holds no NaN or infinity (any float dtype and layout)."""
    if array.dtype in _FLOAT_DTYPES and array.flags.c_contiguous:
        return bool(_core.all_finite(array))  # (no temporary: several times faster than NumPy)
    return bool(np.isfinite(array).all())


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ValueError if the C-contiguous float array holds NaN or infinity."""
    if not _core.all_finite(array):
        raise ValueError(f"{name} contains NaN or infinity")


def check_finite_matrix(name: str, X: Any) -> None:
    """check_finite on what as_float_matrix returns: a dense array or a CSR's values."""
    check_finite(name, np.ascontiguousarray(X.data) if is_sparse(X) else X)


def is_sparse(X: object) -> bool:
    """Whether X is a scipy.sparse matrix or array (without importing scipy)."""
    return hasattr(X, "tocsr") and hasattr(X, "nnz") and hasattr(X, "format")


def _check_shape(name: str, shape: tuple[int, ...]) -> None:
    if shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 is required: "
            f"{name} has 0 samples"
        )
    if shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is required: "
            f"{name} has 0 features"
        )


def _as_csr(X: Any, name: str, finite: bool) -> Any:
    """A CSR matrix or array with float32/float64 data, finite, as the solver takes it."""
    if X.format != "csr":
        # One conversion of another sparse format (CSC, COO, ...); the copy is ours to sort.
        X = X.tocsr()
        X.sort_indices()
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got a sparse array of shape {X.shape}")
    _check_shape(name, X.shape)
    if X.data.dtype not in _FLOAT_DTYPES:
        if X.data.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold real numbers, got sparse dtype {X.data.dtype}")
        X = X.astype(np.float64)
    if X.indices.dtype not in _INDEX_DTYPES or X.indptr.dtype not in _INDEX_DTYPES:
        raise ValueError(f"{name}: expected int32 or int64 sparse indices, got {X.indices.dtype}")
    if X.indices.dtype != X.indptr.dtype:
        # The kernels take one index type: scipy's constructor gives both arrays the smallest
        # that holds them, sharing data (and indices, when they keep their dtype)
        X = type(X)((X.data, X.indices, X.indptr), shape=X.shape)
    if finite:
        check_finite_matrix(name, X)
    return X


def as_float_matrix(X: object, name: str = "X", *, finite: bool = True) -> Any:
    """X as the solver takes it: a finite 2-D float32/float64 array, C-contiguous, or a CSR
    (``finite=False``: NaN and infinity not checked here; the caller checks them later).

    Dense float32 and float64 arrays keep their dtype and are used without a copy when
    C-contiguous; other layouts are copied once to C order, other real dtypes (ints, bools,
    objects holding numbers) converted once to float64. A scipy.sparse CSR matrix or array is
    used as it is (int data converted to float64); other sparse formats are converted once to
    CSR. Sparse X is never densified.
    """
    if type(X) is np.ndarray and X.ndim == 2 and X.dtype in _FLOAT_DTYPES and X.flags.c_contiguous:
        array = X  # (the common case, as it is: no conversion to look for)
    elif is_sparse(X):
        return _as_csr(X, name, finite)
    else:
        array = _as_float_array(X, name)
    _check_shape(name, array.shape)
    if finite:
        check_finite(name, array)
    return array


def _as_float_array(X: object, name: str) -> np.ndarray:
    """Dense X as a 2-D C-contiguous float32/float64 array (see as_float_matrix)."""
    if X is None:
        raise ValueError(f"{name} must be a 2-D array of shape (n_samples, n_features), got None")
    array = np.asarray(X)
    if array.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {array.dtype}; expected real numbers"
        )
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), "
            f"got {array.ndim}-D with shape {array.shape}. Reshape your data with "
            "array.reshape(-1, 1) for a single feature or array.reshape(1, -1) for a single "
            "sample."
        )
    if array.dtype not in _FLOAT_DTYPES:
        if array.dtype.kind == "O":
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{name} must hold real numbers: {error}") from error
        elif array.dtype.kind in "biuf":
            array = array.astype(np.float64)
        else:
            raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return np.ascontiguousarray(array)


def feature_names_of(X: object) -> np.ndarray | None:
    """The column names of a DataFrame-like X when all are strings, else None."""
    columns = getattr(X, "columns", None)
    if columns is None or is_sparse(X) or isinstance(X, np.ndarray):
        return None
    names = np.asarray(list(columns), dtype=object)
    if len(names) == 0:
        return None
    types = sorted({type(v).__qualname__ for v in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(
            "Feature names are only supported if all input features have string names, but "
            f"your input has {types} as feature name / column name types. Convert them all to "
            "strings (X.columns = X.columns.astype(str)) or to a non-string type."
        )
    return names if types == ["str"] else None


def _name_list(names: list[str]) -> str:
    shown = "".join(f"- {name}\n" for name in names[:5])
    return shown + ("- ...\n" if len(names) > 5 else "")


def check_feature_names(fitted: np.ndarray | None, X: object, estimator: str) -> None:
    """Compare the column names of X with those seen in fit (as scikit-learn does)."""
    names = feature_names_of(X)
    if fitted is None and names is None:
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {estimator} was fitted without feature names",
            UserWarning,
            stacklevel=3,
        )
        return
    if names is None:
        warnings.warn(
            f"X does not have valid feature names, but {estimator} was fitted with feature names",
            UserWarning,
            stacklevel=3,
        )
        return
    if len(fitted) == len(names) and np.array_equal(fitted, names):
        return
    message = "The feature names should match those that were passed during fit.\n"
    unexpected = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))
    if unexpected:
        message += "Feature names unseen at fit time:\n" + _name_list(unexpected)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + _name_list(missing)
    if not unexpected and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


# ---------------------------------------------------------------------- y and weights
def _one_d(values: object, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        warnings.warn(
            f"A column-vector y was passed when a 1d array was expected: {name} of shape "
            f"{array.shape} is used as shape ({array.shape[0]},)",
            DataConversionWarning,
            stacklevel=4,
        )
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (n_samples,), got shape {array.shape}")
    return array


def _check_length(name: str, array: np.ndarray, n_samples: int) -> None:
    if array.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {array.shape[0]} entries but X has {n_samples} samples; they must match"
        )


def as_vector_like(values: object, name: str, n_samples: int, dtype: np.dtype) -> np.ndarray:
    """A 1-D C-contiguous finite array of length n_samples and the given dtype."""
    if (
        type(values) is np.ndarray
        and values.ndim == 1
        and values.dtype == dtype
        and values.flags.c_contiguous
    ):
        array = converted = values  # (the common case: nothing to convert)
        _check_length(name, array, n_samples)
    else:
        array = _one_d(values, name)
        _check_length(name, array, n_samples)
        if array.dtype.kind == "O":
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{name} must hold real numbers: {error}") from error
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
        if array.dtype == dtype and array.flags.c_contiguous:
            converted = array  # (nothing to convert: no errstate, which costs more than the rest)
        else:
            with np.errstate(over="ignore"):  # (an overflow to float32 is refused just below)
                converted = np.ascontiguousarray(array, dtype=dtype)
    if not _core.all_finite(converted):
        original = np.asarray(array, dtype=np.float64)
        if np.isfinite(original).all():  # finite numbers that overflow X's float32
            dtype_name = np.dtype(dtype).name
            raise ValueError(
                f"{name}: expected values within the range of {dtype_name}, the dtype of X "
                f"(largest magnitude {float(np.finfo(dtype).max):.3g}), got a largest magnitude "
                f"of {np.abs(original).max():.3g}; pass X as float64 or rescale {name}"
            )
        check_finite(name, converted)
    return converted


def check_sample_weight(sample_weight: object, n_samples: int, dtype: np.dtype) -> np.ndarray:
    """Sample weights as a 1-D array of X's dtype: finite, >= 0, not all zero."""
    if isinstance(sample_weight, numbers.Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n_samples, sample_weight)
    weight = as_vector_like(sample_weight, "sample_weight", n_samples, dtype)
    if np.count_nonzero(weight < 0):  # (np.count_nonzero: a fraction of .any()'s cost)
        raise ValueError(
            f"sample_weight must be non-negative, got {int((weight < 0).sum())} negative "
            f"weight(s) (the smallest {weight.min()!r})"
        )
    if not np.count_nonzero(weight):
        given = np.asarray(sample_weight, dtype=np.float64)
        if weight.dtype != np.float64 and np.count_nonzero(given):  # (underflow to 0)
            smallest = float(np.finfo(weight.dtype).smallest_subnormal)
            raise ValueError(
                f"sample_weight: every weight is 0 in {weight.dtype.name}, the dtype of X: the "
                f"largest given, {float(given.max()):.3g}, is below its smallest positive "
                f"value, {smallest:.3g}; pass X as float64 or rescale sample_weight"
            )
        raise ValueError("sample_weight must not be all zero: at least one weight must be > 0")
    return weight


# Labels are checked and encoded this many at a time, so that the temporaries of np.unique,
# np.searchsorted and the float checks stay small next to X (issue 9: extra memory < 10% of X).
_LABEL_CHUNK = 2048


# The signed integer types of class codes, each with its largest value (np.iinfo costs
# microseconds a call).
_CODE_DTYPES = tuple((dtype, int(np.iinfo(dtype).max)) for dtype in (np.int8, np.int16, np.int32))


def _code_dtype(n_classes: int) -> type:
    """The smallest signed integer type that numbers n_classes classes."""
    for dtype, largest in _CODE_DTYPES:
        if n_classes <= largest:
            return dtype
    return np.int64


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) of a 1-D array of labels without NaN, as np.unique computes it (sort,
    keep each value unlike its predecessor), without the wrapper's overhead (most of the cost
    of encoding the labels of a small fit)."""
    ordered = values.copy()  # (and sort in place: np.sort's wrapper costs as much as the sort)
    ordered.sort()
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


_CONTINUOUS = (
    "Unknown label type: continuous. A classifier needs class labels (strings, ints or bools), "
    "got floats with fractional parts"
)


def same_labels(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether two arrays of class labels are the same labels in the same order. Text and
    numbers are never the same, and are not compared (NumPy < 1.25 warns, FutureWarning, when
    it compares them elementwise)."""
    if a is None or b is None:
        return a is b
    return (a.dtype.kind in "US") == (b.dtype.kind in "US") and np.array_equal(a, b)


def check_label_types(labels: Sequence[object] | np.ndarray) -> None:
    """Labels given as Python objects (an object array, or a list NumPy turned into text):
    all text or all numbers, and no number with a fractional part (as for float arrays)."""
    text = numbers_seen = None
    for value in labels:
        if isinstance(value, str | bytes):
            text = text or type(value).__name__
        else:
            numbers_seen = numbers_seen or type(value).__name__
            if isinstance(value, float | np.floating) and value != round(value):
                raise ValueError(_CONTINUOUS)
        if text and numbers_seen:
            raise ValueError(
                f"y: expected labels of one kind, strings or numbers, got a mix ({text} and "
                f"{numbers_seen}); convert them all to one kind, such as str"
            )


def _chunks(n: int) -> range:
    return range(0, n, _LABEL_CHUNK)


def encode_labels(
    y: object, classes: np.ndarray | None, n_samples: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(classes, codes, labels): the sorted distinct labels, each sample's index among them
    (the smallest integer dtype that holds them), and y as the checked 1-D array.

    With ``classes`` given (partial_fit), y's labels must all be among them. Works through y
    in chunks: the extra memory is the codes (one byte a sample for up to 127 classes) and
    temporaries of a few chunks.
    """
    labels = _one_d(y, "y")
    _check_length("y", labels, n_samples)
    kind = labels.dtype.kind
    if kind == "O":
        if any(
            v is None or (isinstance(v, float | np.floating) and not math.isfinite(v))
            for v in labels
        ):
            raise ValueError("Input y contains NaN, infinity or None")
        check_label_types(labels)
    elif kind in "US":
        if isinstance(y, list | tuple):  # NumPy made text of any numbers in it
            check_label_types(y)
    elif kind not in "biuf":
        raise ValueError(f"Unknown label type: y has dtype {labels.dtype}")
    seen: np.ndarray | None = None
    for start in _chunks(len(labels)):
        chunk = labels[start : start + _LABEL_CHUNK]
        if seen is not None:  # only labels not seen yet need checking and sorting
            if len(seen) <= 2:
                new = (chunk != seen[0]) & (chunk != seen[-1])
            else:
                at = np.searchsorted(seen, chunk)
                np.minimum(at, len(seen) - 1, out=at)
                new = seen[at] != chunk
            if not np.count_nonzero(new):
                continue
            chunk = chunk[new]
        if kind == "f":
            if not _all_finite(chunk):
                raise ValueError("Input y contains NaN or infinity")
            if np.count_nonzero(chunk != chunk.round()):
                raise ValueError(_CONTINUOUS)
        distinct = _distinct(chunk)
        seen = distinct if seen is None else np.union1d(seen, distinct)
    assert seen is not None  # (_one_d and _check_length: at least one sample)
    if classes is None:
        classes = seen
    else:
        unknown = np.setdiff1d(seen, classes)
        if unknown.size:
            raise ValueError(
                f"y has labels {unknown.tolist()} that are not in classes {classes.tolist()}"
            )
    codes: np.ndarray = np.empty(len(labels), dtype=_code_dtype(len(classes)))
    binary = len(classes) == 2
    for start in _chunks(len(labels)):
        chunk = labels[start : start + _LABEL_CHUNK]
        # binary: 1 where the label is the second class (`==`, not np.equal: NumPy < 1.25 has no
        # np.equal loop for strings); otherwise the label's index in classes
        codes[start : start + _LABEL_CHUNK] = (
            chunk == classes[1] if binary else np.searchsorted(classes, chunk)
        )
    return classes, codes, labels


def class_totals(
    codes: np.ndarray, n_classes: int, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """The (sample-weighted) number of samples of each class, float64 (n_classes,):
    np.bincount a chunk at a time (its int conversion of the codes stays small)."""
    if len(codes) <= _LABEL_CHUNK:  # one chunk: its counts, as float64
        return np.bincount(codes, minlength=n_classes, weights=sample_weight).astype(
            np.float64, copy=False
        )
    totals = np.zeros(n_classes)
    for start in _chunks(len(codes)):
        part = slice(start, start + _LABEL_CHUNK)
        totals += np.bincount(
            codes[part],
            minlength=n_classes,
            weights=None if sample_weight is None else sample_weight[part],
        )
    return totals


def binary_target(
    labels: np.ndarray, codes: np.ndarray, classes: np.ndarray, dtype: np.dtype
) -> np.ndarray:
    """The 0/1 target of a two-class fit in ``dtype``: the labels themselves (no copy) when
    they already are that (a C-contiguous array of dtype holding only 0 and 1), else the
    codes converted."""
    if labels.dtype == dtype and labels.flags.c_contiguous and classes[0] == 0 and classes[1] == 1:
        return labels
    return codes.astype(dtype)


def class_weight_per_class(
    class_weight: object, classes: np.ndarray, codes: np.ndarray, sample_weight: np.ndarray | None
) -> np.ndarray | None:
    """The weight of each class, float64 (K,), or None for class_weight=None.

    "balanced": ``n / (K * n_k)`` with n_k the (sample-weighted) count of class k, as
    scikit-learn's ``compute_class_weight``; a dict maps labels to weights, others get 1, and
    its labels that are not classes are ignored, as scikit-learn does (a cross-validation fold
    may lack a class the dict names).
    """
    if class_weight is None:
        return None
    n_classes = len(classes)
    if isinstance(class_weight, str) and class_weight == "balanced":
        counts = class_totals(codes, n_classes, sample_weight)
        with np.errstate(divide="ignore"):
            weights = counts.sum() / (n_classes * counts)
        return np.where(counts > 0, weights, 0.0)
    if isinstance(class_weight, dict):
        weights = np.ones(n_classes)
        known = {label: k for k, label in enumerate(classes.tolist())}
        for label, weight in class_weight.items():
            key = label.item() if isinstance(label, np.generic) else label
            checked = check_real(f"class_weight[{label!r}]", weight, 0.0)
            if key in known:
                weights[known[key]] = checked
        return weights
    raise ValueError(
        f"class_weight must be None, 'balanced' or a dict {{label: weight}}, got {class_weight!r}"
    )


# ---------------------------------------------------------------------- randomness, splits
# The seeds of random_state=None: a fresh 63-bit seed per fit drawn from this generator, which
# seeds itself from os.urandom once (and again in a forked child, as the random module's own),
# so that seeds stay unpredictable without a system call per fit (os.urandom costs about a
# microsecond, several percent of a small fit). Not for secrets: a seed only picks the rows.
_FRESH_SEEDS = random.Random()
if hasattr(os, "register_at_fork"):  # (POSIX)
    os.register_at_fork(after_in_child=_FRESH_SEEDS.seed)


def seed_from_random_state(random_state: object) -> int:
    """A 64-bit seed for the C++ generator from None (a fresh one), an int, or a NumPy
    generator."""
    if random_state is None:
        return _FRESH_SEEDS.getrandbits(63)
    if type(random_state) is int and 0 <= random_state < 2**64:  # (the common case, first)
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= int(random_state) < 2**64:
            raise ValueError(f"random_state must be in [0, 2**64), got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63, dtype=np.int64))
    raise ValueError(
        "random_state must be None, an int, numpy.random.Generator or numpy.random.RandomState, "
        f"got {random_state!r}"
    )


def validation_split(
    n_samples: int, fraction: float, seed: int, codes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(train_rows, validation_rows): sorted int64 row numbers, disjoint, covering every row.

    ``ceil(fraction * n_samples)`` rows are held out, drawn at random; with ``codes`` (class
    indices) the draw is stratified: each class gives its share by largest remainder, and
    keeps at least one training row.
    """
    n_validation = math.ceil(fraction * n_samples)
    if n_validation < 1 or n_validation >= n_samples:
        raise ValueError(
            f"validation_fraction={fraction} holds out {n_validation} of {n_samples} samples; "
            "early stopping needs at least 1 validation and 1 training sample"
        )
    rng = np.random.default_rng([seed, 1])
    groups = (
        [np.arange(n_samples)]
        if codes is None
        else [np.flatnonzero(codes == k) for k in range(int(codes.max()) + 1)]
    )
    sizes = np.array([len(g) for g in groups])
    quota = fraction * sizes
    take = np.minimum(np.floor(quota).astype(np.int64), np.maximum(sizes - 1, 0))
    for k in np.argsort(-(quota - take), kind="stable"):
        if take.sum() >= n_validation:
            break
        if take[k] < sizes[k] - 1:
            take[k] += 1
    held = [rng.permutation(g)[:t] for g, t in zip(groups, take, strict=True)]
    validation = np.sort(np.concatenate(held)).astype(np.int64)
    if validation.size == 0:
        raise ValueError(
            f"validation_fraction={fraction} leaves no validation sample when every class keeps "
            "a training sample; use a larger validation_fraction or more data"
        )
    mask = np.ones(n_samples, dtype=bool)
    mask[validation] = False
    return np.flatnonzero(mask).astype(np.int64), validation
