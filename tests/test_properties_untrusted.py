"""Untrusted files, fuzzed with hypothesis: a model JSON file, a pickled optimizer or
estimator, and a state_dict that went through JSON, each truncated, with bytes changed, or
replaced by a foreign document, give a clear error or an object that works; never a crash, and
never an object that loads and then fails on first use.

(A pickle can run code by design, so only a pickle from a trusted source should be loaded; what
is pinned here is that a damaged one is refused cleanly. test_properties.py fuzzes the values
of a state_dict; test_model_io.py has the hand-written bad model files.)
"""

from __future__ import annotations

import copy
import json
import pickle
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descend
from descend import optim
from descend._model_io import ModelFileError, _digest, load_model, save_model

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

# What unpickling damaged bytes may raise: the pickle machinery's own errors, and the errors
# of the objects' __setstate__ checks. Anything else (or a crash) fails.
PICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ImportError,
    UnicodeDecodeError,
    OverflowError,
    MemoryError,
)

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((40, 3))
_Y = _X @ np.array([1.0, -2.0, 0.5]) + 0.3
_LABELS = np.where(_X[:, 0] + 0.5 * _X[:, 1] > 0, "yes", "no")
_CLASSES3 = np.digitize(_X[:, 0], [-0.5, 0.5])


def _regressor():
    return descend.LinearRegression(optimizer="adam", max_iter=20, tol=None).fit(_X, _Y)


def _classifier():
    return descend.LogisticRegression(optimizer="adam", max_iter=20, tol=None).fit(_X, _LABELS)


def _multiclass():
    return descend.LogisticRegression(max_iter=20, tol=None).fit(_X, _CLASSES3)


MODELS = {"regressor": _regressor, "classifier": _classifier, "multiclass": _multiclass}


def _optimizer():
    w = [np.linspace(-1.0, 1.0, 5), np.ones((2, 3))]
    opt = optim.Adam(w, lr=0.01, amsgrad=True)
    for _ in range(3):
        opt.step([2.0 * p for p in w])
    return opt


# ---------------------------------------------------------------------- model JSON files


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    """name -> (file bytes, the fitted model) for each kind of model."""
    folder = tmp_path_factory.mktemp("models")
    files = {}
    for name, make in MODELS.items():
        model = make()
        path = folder / f"{name}.json"
        save_model(path, model, ["a", "b", "c"], "y")
        files[name] = (path.read_bytes(), model)
    return files


def _loads_and_predicts(path, model):
    """Load path: a ModelFileError, or a model that predicts exactly as `model` does."""
    try:
        loaded, names, target = load_model(path)
    except ModelFileError as error:
        assert str(error).startswith(str(path)), error
        return False
    np.testing.assert_array_equal(loaded.predict(_X), model.predict(_X))
    assert names == ["a", "b", "c"] and target == "y"
    return True


@SETTINGS
@given(name=st.sampled_from(sorted(MODELS)), cut=st.floats(0.0, 1.0, exclude_max=True))
def test_a_truncated_model_file_is_refused(tmp_path_factory, model_files, name, cut):
    data, model = model_files[name]
    path = tmp_path_factory.mktemp("cut") / "model.json"
    # Cut anywhere before the final closing brace (the last bytes are "}\n").
    path.write_bytes(data[: int(cut * (len(data) - 2))])
    assert not _loads_and_predicts(path, model)


@SETTINGS
@given(
    name=st.sampled_from(sorted(MODELS)),
    edits=st.lists(
        st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
)
def test_a_model_file_with_changed_bytes_is_refused_or_unchanged(
    tmp_path_factory, model_files, name, edits
):
    data, model = model_files[name]
    changed = bytearray(data)
    for where, byte in edits:
        changed[int(where * len(data))] = byte
    path = tmp_path_factory.mktemp("bytes") / "model.json"
    path.write_bytes(bytes(changed))
    loaded = _loads_and_predicts(path, model)
    # Loaded only if the change is invisible to JSON (whitespace for whitespace, or no change).
    assert not loaded or json.loads(bytes(changed)) == json.loads(data)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)  # what JSON can hold
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


@SETTINGS
@given(name=st.sampled_from(sorted(MODELS)), data=st.data())
def test_a_foreign_field_with_a_valid_checksum_is_refused_or_works(
    tmp_path_factory, model_files, name, data
):
    # Another program wrote the file (the checksum is right): any field may hold anything.
    raw, model = model_files[name]
    document = json.loads(raw)
    key = data.draw(st.sampled_from(sorted(set(document) - {"sha256"})))
    document[key] = data.draw(_JSON_VALUES, label=key)
    document["sha256"] = _digest(document)
    path = tmp_path_factory.mktemp("foreign") / "model.json"
    path.write_text(json.dumps(document))
    try:
        loaded, _, _ = load_model(path)
    except ModelFileError:
        return
    # Loaded: it must be a working model of the same number of features.
    prediction = loaded.predict(_X)
    assert prediction.shape == (_X.shape[0],)
    if hasattr(loaded, "classes_"):
        assert set(prediction) <= set(loaded.classes_.tolist())
        probabilities = loaded.predict_proba(_X)
        assert probabilities.shape == (_X.shape[0], len(loaded.classes_))


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("classifier", "classes", None),
        ("classifier", "classes", ["no"]),
        ("multiclass", "classes", [0, 1]),
        ("regressor", "classes", [0, 1]),
        ("classifier", "intercept", [0.0, 1.0, 2.0]),
        ("multiclass", "intercept", [0.0, 1.0]),
        ("regressor", "intercept", [0.0, 1.0]),
    ],
)
def test_classes_or_intercept_that_do_not_fit_coef_are_refused(
    tmp_path, model_files, name, key, value
):
    document = json.loads(model_files[name][0])
    document[key] = value
    document["sha256"] = _digest(document)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=key):
        load_model(path)


@pytest.mark.parametrize("classes", [[False, True], ["no", "yes"], [-1.5, 2]])
def test_a_classifier_file_with_other_distinct_labels_loads_and_predicts_them(
    tmp_path, model_files, classes
):
    document = json.loads(model_files["classifier"][0])
    document["classes"] = classes
    document["sha256"] = _digest(document)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    loaded, _, _ = load_model(path)
    assert set(loaded.predict(_X).tolist()) <= set(classes)


# ---------------------------------------------------------------------- pickles


@pytest.fixture(scope="module")
def pickles():
    """name -> (pickle bytes, the object) for an optimizer with state and fitted estimators."""
    objects = {"optimizer": _optimizer(), **{name: make() for name, make in MODELS.items()}}
    return {name: (pickle.dumps(obj), obj) for name, obj in objects.items()}


def _use(obj):
    """The first thing a user does with a loaded object."""
    if isinstance(obj, optim.Optimizer):
        params = [p for group in obj.param_groups for p in group["params"]]
        obj.step([np.ones_like(p) for p in params])
        return obj.state_dict()
    obj.predict(_X)
    return obj.partial_fit(_X, _Y if not hasattr(obj, "classes_") else obj.predict(_X))


@SETTINGS
@given(
    name=st.sampled_from(["optimizer", *sorted(MODELS)]), cut=st.floats(0.0, 1.0, exclude_max=True)
)
def test_a_truncated_pickle_is_refused(pickles, name, cut):
    data, _ = pickles[name]
    with pytest.raises(PICKLE_ERRORS):
        pickle.loads(data[: int(cut * len(data))])


_BYTE_EDITS = st.lists(
    st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(0, 255)),
    min_size=1,
    max_size=3,
)


@SETTINGS
@given(name=st.just("optimizer"), edits=_BYTE_EDITS)
def test_a_pickle_with_changed_bytes_is_refused_or_usable(pickles, name, edits):
    _load_changed_and_use(pickles, name, edits)


# (More examples for the estimators: their pickles hold many more fields.)
@settings(max_examples=240, deadline=None, derandomize=True)
@given(name=st.sampled_from(sorted(MODELS)), edits=_BYTE_EDITS)
def test_an_estimator_pickle_with_changed_bytes_is_refused_or_usable(pickles, name, edits):
    _load_changed_and_use(pickles, name, edits)


class _NumPyRefused(Exception):
    """NumPy's own failure to unpickle an array whose dtype bytes were changed."""


def _loads(data: bytes):
    """pickle.loads(data), where NumPy's failure on some damaged string dtypes (NumPy 2.x: a
    RuntimeError "get_clear_loop not set" it cannot raise, then SystemError) is a refusal by
    NumPy, before any object of ours exists: _NumPyRefused. Every other error goes on."""
    numpy_failures = []
    hook = sys.unraisablehook

    def catch(unraisable):
        if "get_clear_loop" in str(unraisable.exc_value):
            numpy_failures.append(unraisable.exc_value)
        else:
            hook(unraisable)

    sys.unraisablehook = catch
    try:
        return pickle.loads(data)
    except SystemError:
        if numpy_failures:
            raise _NumPyRefused from None
        raise
    finally:
        sys.unraisablehook = hook


def _load_changed_and_use(pickles, name, edits):
    data, original = pickles[name]
    changed = bytearray(data)
    for where, byte in edits:
        changed[int(where * len(data))] = byte
    try:
        obj = _loads(bytes(changed))
    except (*PICKLE_ERRORS, _NumPyRefused):
        return
    if type(obj) is not type(original):
        return  # the bytes made another object (a str, a tuple...): nothing of ours loaded
    # Loaded (the bytes changed a number, a name or nothing that matters): using it works or
    # is refused with a clear error, never a crash.
    try:
        _use(obj)
    except (ValueError, TypeError, FloatingPointError) as error:
        assert str(error), type(error)


@pytest.mark.parametrize(
    "attribute", [b"averaging_from", b"solver", b"average", b"status_", b"loss_curve_"]
)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_pickled_estimator_missing_an_attribute_is_refused(pickles, name, attribute):
    data, _ = pickles[name]
    assert attribute in data
    renamed = attribute[:-1] + (b"X" if attribute[-1:] != b"X" else b"Y")
    try:
        obj = pickle.loads(data.replace(attribute, renamed, 1))
    except (TypeError, ValueError):
        return
    _use(obj)


# ---------------------------------------------------------------------- state_dict via JSON


def _as_json(state):
    """A state_dict as it comes back from JSON: arrays as lists, int keys as strings."""
    return json.loads(json.dumps(state, default=lambda a: a.tolist()))


def _bytes_of(opt):
    saved = opt.state_dict()
    arrays = [
        v.tobytes()
        for entry in saved["state"].values()
        for v in entry.values()
        if isinstance(v, np.ndarray)
    ]
    params = [p.tobytes() for group in opt.param_groups for p in group["params"]]
    return arrays, params, repr(saved["param_groups"])


@SETTINGS
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_a_truncated_json_state_dict_is_refused_or_not_parsed(cut):
    source = _optimizer()
    text = json.dumps(source.state_dict(), default=lambda a: a.tolist())
    text = text[: int(cut * len(text))]
    try:
        state = json.loads(text)
    except json.JSONDecodeError:
        return  # JSON itself refuses it (a prefix of an object is never valid JSON)
    target = _optimizer()
    before = _bytes_of(target)
    with pytest.raises((TypeError, ValueError)):
        target.load_state_dict(state)
    assert _bytes_of(target) == before


@SETTINGS
@given(data=st.data())
def test_a_json_state_dict_with_a_part_removed_is_refused_and_changes_nothing(data):
    state = _as_json(_optimizer().state_dict())
    paths = []

    def walk(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            paths.append(path + [key])
            if isinstance(value, (dict, list)) and value:
                walk(value, path + [key])

    walk(state, [])
    path = data.draw(st.sampled_from(paths))
    broken = copy.deepcopy(state)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    target = _optimizer()
    before = _bytes_of(target)
    groups_before = copy.deepcopy(
        [{k: v for k, v in g.items() if k != "params"} for g in target.param_groups]
    )
    try:
        target.load_state_dict(broken)
    except (TypeError, ValueError) as error:
        assert str(error)
        assert _bytes_of(target) == before
        return
    # Accepted: without the labels "optimizer" and "format_version" (a dict in torch's
    # layout), the structure is checked alone, and nothing was lost.
    if path in (["optimizer"], ["format_version"]):
        source = _optimizer()
        source.load_state_dict(state)
        assert _bytes_of(target) == _bytes_of(source)
        return
    # Accepted: a group without one of its hyperparameters keeps the optimizer's value of it.
    if path[0] == "param_groups" and len(path) == 3:
        assert target.param_groups[path[1]][path[2]] == groups_before[path[1]][path[2]]
        return
    # Accepted: a parameter without a state entry has not stepped yet (torch's meaning), so
    # its state starts afresh; anything else removed must have been refused.
    assert path[0] == "state" and len(path) == 2, path
    fresh = target.state_dict()["state"].get(int(path[1]), {"step": 0})
    assert fresh["step"] == 0
    assert all(not np.any(v) for v in fresh.values() if isinstance(v, np.ndarray))


@pytest.mark.parametrize("where", ["group", "parameter"])
def test_a_json_state_dict_without_a_step_count_is_refused(where):
    state = _as_json(_optimizer().state_dict())
    del (state["param_groups"][0] if where == "group" else state["state"]["0"])["step"]
    target = _optimizer()
    before = _bytes_of(target)
    with pytest.raises(ValueError, match="'step' count is missing"):
        target.load_state_dict(state)
    assert _bytes_of(target) == before
