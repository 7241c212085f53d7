"""Model files: a saved model predicts exactly as the fitted one; bad files are refused."""

import json

import numpy as np
import pytest

import descend
from descend._model_io import (
    FORMAT_VERSION,
    ModelFileError,
    _digest,
    load_model,
    model_document,
    save_model,
)


@pytest.fixture
def fitted(rng):
    X = rng.standard_normal((50, 2))
    y = 0.5 + X @ np.array([1.5, -2.0]) + 0.01 * rng.standard_normal(50)
    model = descend.LinearRegression(
        optimizer="adam", learning_rate=0.05, tol=1e-10, max_iter=3000
    ).fit(X, y)
    return model, X


def rewrite(path, change):
    """Apply change(document) and write it back with a valid checksum: only the structural
    checks can catch it."""
    document = json.loads(path.read_text())
    change(document)
    document["sha256"] = _digest(document)
    path.write_text(json.dumps(document))


def test_round_trip_predicts_bit_for_bit_and_keeps_the_configuration(tmp_path, fitted):
    model, X = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    loaded, features, target = load_model(path)
    assert features == ["a", "b"] and target == "y"
    assert type(loaded) is descend.LinearRegression
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    document = json.loads(path.read_text())
    assert document["format_version"] == FORMAT_VERSION
    assert document["descend_version"] == descend.__version__


def _state(value):
    """A generator's state (generators compare by identity), else the value."""
    if isinstance(value, np.random.Generator):
        return ("Generator", _state(value.bit_generator.state))
    if isinstance(value, np.random.RandomState):
        return ("RandomState", _state(value.get_state(legacy=False)))
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return (str(value.dtype), value.tolist())
    return value


def _saved_and_loaded(tmp_path, model, X):
    path = tmp_path / "m.json"
    save_model(path, model, [f"x{i}" for i in range(X.shape[1])], "y")
    loaded, _, _ = load_model(path)
    assert type(loaded) is type(model)
    saved_params, loaded_params = model.get_params(), loaded.get_params()
    assert list(saved_params) == list(loaded_params)
    for key, value in saved_params.items():
        assert _state(loaded_params[key]) == _state(value), key
    assert loaded.coef_.dtype == model.coef_.dtype
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    np.testing.assert_array_equal(loaded.intercept_, model.intercept_)
    assert type(loaded.intercept_) is type(model.intercept_)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    return loaded


SCHEDULES = [
    descend.schedules.InverseTime(5, 50),
    descend.schedules.StepDecay(0.1, np.int64(7), 0.5),
    descend.schedules.ReduceOnPlateau(
        descend.schedules.LinearWarmup(descend.schedules.Cosine(0.1, 100), 10), patience=3
    ),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_a_schedule_object_round_trips_with_its_state(tmp_path, rng, schedule):
    # (it was written as its repr and loaded as None)
    X = rng.standard_normal((20, 1))
    model = descend.LinearRegression(schedule=schedule, tol=None, max_iter=5).fit(X, X[:, 0])
    if isinstance(model.schedule, descend.schedules.ReduceOnPlateau):
        model.schedule.step(1.0)  # a state that is not the initial one (best=1, not inf)
        model.schedule.step(2.0)
    loaded = _saved_and_loaded(tmp_path, model, X)
    assert loaded.schedule == model.schedule and loaded.schedule is not model.schedule
    assert loaded.schedule.state_dict() == model.schedule.state_dict()


@pytest.mark.parametrize(
    "random_state",
    [
        np.random.default_rng(5),
        np.random.Generator(np.random.Philox(3)),
        np.random.Generator(np.random.MT19937(4)),
        np.random.RandomState(2),
        np.uint64(2**64 - 1),
    ],
    ids=["PCG64", "Philox", "MT19937", "RandomState", "uint64"],
)
def test_a_random_state_round_trips_as_the_same_stream(tmp_path, rng, random_state):
    # (a Generator was written as its repr and loaded as None: another fit each time)
    X = rng.standard_normal((30, 2))
    model = descend.LinearRegression(
        random_state=random_state, batch_size=4, max_iter=3, tol=None
    ).fit(X, X[:, 0])
    loaded = _saved_and_loaded(tmp_path, model, X)
    if isinstance(random_state, np.random.Generator):
        assert loaded.random_state.random(3).tolist() == model.random_state.random(3).tolist()
    # refitted, the loaded model draws the same rows as the saved one
    np.testing.assert_array_equal(loaded.fit(X, X[:, 0]).coef_, model.fit(X, X[:, 0]).coef_)


def test_class_weights_and_numpy_scalars_round_trip(tmp_path, rng):
    # (class_weight and np.int64 / np.bool_ values were written as their repr and loaded at
    # their defaults)
    X = rng.standard_normal((60, 2))
    y = np.array(["a", "b", "c"])[np.argmax(X @ rng.standard_normal((2, 3)), axis=1)]
    model = descend.LogisticRegression(
        class_weight={"a": 2.0, np.str_("b"): np.float32(0.5), "c": 1},
        max_iter=np.int64(30),
        batch_size=np.int32(8),
        average=np.bool_(True),
        alpha=np.float32(0.125),
        tol=None,
    ).fit(X, y)
    loaded = _saved_and_loaded(tmp_path, model, X)
    assert loaded.class_weight == {"a": 2.0, "b": 0.5, "c": 1}
    assert loaded.max_iter == 30 and loaded.batch_size == 8 and loaded.average is True
    labels = {True: 3.0, False: 1.0}  # bool labels stay bools, not "true" or 1
    model = descend.LogisticRegression(class_weight=labels, max_iter=5, tol=None)
    model.fit(X, X[:, 0] > 0)
    assert _saved_and_loaded(tmp_path, model, X).class_weight == labels


@pytest.mark.parametrize("kind", ["LinearRegression", "LogisticRegression"])
def test_a_float32_model_loads_back_as_float32(tmp_path, rng, kind):
    # (coef_ and intercept_ came back as float64: other predictions)
    X = rng.standard_normal((40, 2)).astype(np.float32)
    y = X[:, 0] > 0 if kind == "LogisticRegression" else X[:, 1]
    model = getattr(descend, kind)(max_iter=20, tol=None).fit(X, y)
    assert model.coef_.dtype == np.float32
    loaded = _saved_and_loaded(tmp_path, model, X)
    if kind == "LogisticRegression":
        assert loaded.intercept_.dtype == np.float32
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_hyperparameter_a_file_cannot_keep_is_refused_naming_it(tmp_path, rng):
    # (it was written as its repr and silently left at its default on loading)
    X = rng.standard_normal((20, 1))
    model = descend.LinearRegression(optimizer=descend.optim.Adam(None), max_iter=3, tol=None)
    model.fit(X, X[:, 0])
    path = tmp_path / "m.json"
    with pytest.raises(ValueError, match="the hyperparameter optimizer cannot be stored"):
        save_model(path, model, ["x"], "y")
    model = descend.LinearRegression(max_iter=3, tol=None).fit(X, X[:, 0])
    model.set_params(alpha=np.longdouble(1) / 3)
    if np.finfo(np.longdouble).eps < np.finfo(np.float64).eps:
        with pytest.raises(ValueError, match="the hyperparameter alpha .* not exactly a float64"):
            save_model(path, model, ["x"], "y")
    assert not path.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"repr": "InverseTime(t0=5.0, t1=50.0)"}, "schedule was recorded as its repr only"),
        ({"schedule": {"type": "Nope", "fields": {}, "state": {}}}, "unknown schedule 'Nope'"),
        (
            {"schedule": {"type": "InverseTime", "fields": {"t0": -1, "t1": 1}, "state": {}}},
            "configuration: schedule: ",
        ),
        ({"pickle": "x"}, "tagged 'pickle'"),
        ([1, 2], "schedule is a list"),
    ],
)
def test_a_bad_tagged_hyperparameter_is_a_model_file_error(tmp_path, fitted, value, message):
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    rewrite(path, lambda d: d["configuration"].update(schedule=value))
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("random_state", {"generator": {"bit_generator": "Evil"}}, "unknown bit generator"),
        ("random_state", {"generator": {"bit_generator": "PCG64", "state": 3}}, "random_state"),
        ("random_state", -1, "random_state must be in"),
        ("random_state", "x", "random_state must be"),
        ("class_weight", {"dict": [["a", -1.0]]}, r"class_weight\['a'\] must be"),
        ("class_weight", {"dict": [["a", 1.0], ["a", 2.0]]}, "given twice"),
        ("class_weight", {"dict": [[["a"], 1.0]]}, "pairs"),
        ("class_weight", "heavy", "class_weight must be None, 'balanced' or a dict"),
    ],
)
def test_a_bad_random_state_or_class_weight_is_a_model_file_error(
    tmp_path, rng, key, value, message
):
    X = rng.standard_normal((30, 1))
    model = descend.LogisticRegression(max_iter=5, tol=None).fit(X, X[:, 0] > 0)
    path = tmp_path / "m.json"
    save_model(path, model, ["x"], "y")
    rewrite(path, lambda d: d["configuration"].update({key: value}))
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(coef=[1.0]), "coef has 1 numbers"),
        (lambda d: d.update(coef=["1", 2.0]), "'coef' must hold numbers"),
        (lambda d: d.update(intercept="zero"), "'intercept' must be a number or a list"),
        (lambda d: d.update(feature_names=["a"]), "does not match the 1 feature names"),
        (lambda d: d.update(model="SVC"), "unknown model 'SVC'"),
        (lambda d: d.pop("target"), "'target' is missing"),
        (lambda d: d.update(configuration={"depth": 3}), "configuration does not fit"),
        (lambda d: d.update(format_version=99), "format_version 99 is not supported"),
        (lambda d: d.update(format="other"), "not a descend model file"),
    ],
)
def test_structurally_wrong_files_are_refused(tmp_path, fitted, change, message):
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    rewrite(path, change)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_edited_truncated_and_missing_files_are_refused(tmp_path, fitted):
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    text = path.read_text()
    path.write_text(text.replace(f"{model.intercept_!r}", "0.0"))
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(path)
    path.write_text(text[:-40])
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(path)
    path.write_text(text.replace(f"{model.intercept_!r}", "NaN"))
    with pytest.raises(ModelFileError):
        load_model(path)
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "absent.json")


def test_a_diverged_model_is_not_saved(tmp_path, fitted):
    model, _ = fitted
    model.coef_ = np.array([np.nan, 1.0])
    with pytest.raises(ValueError, match="not finite"):
        save_model(tmp_path / "m.json", model, ["a", "b"], "y")


@pytest.mark.parametrize("labels", [["cat", "dog"], ["a", "b", "c"]])
def test_logistic_round_trip_keeps_classes_and_probabilities(tmp_path, rng, labels):
    X = rng.standard_normal((90, 2))
    logits = X @ rng.standard_normal((2, len(labels))) + rng.standard_normal((90, len(labels)))
    y = np.array(labels)[np.argmax(logits, axis=1)]  # noisy: not separable, so it converges
    model = descend.LogisticRegression(max_iter=5000).fit(X, y)
    path = tmp_path / "m.json"
    save_model(path, model, ["u", "v"], "label")
    loaded, _, _ = load_model(path)
    assert loaded.classes_.tolist() == labels
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize(
    ("names", "target", "error", "message"),
    [
        ([1, 2], "y", TypeError, r"feature_names\[0\] must be a str, got int"),
        ("ab", "y", TypeError, "feature_names must be a list of column names, got str"),
        (["a"], "y", ValueError, "feature_names has 1 name\\(s\\), expected one per feature"),
        (["a", "b", "c"], "y", ValueError, "has 3 name"),
        (["a", "a"], "y", ValueError, "names 'a' twice"),
        (["a", "b"], 3, TypeError, "target must be a str or None, got int"),
    ],
)
def test_names_load_model_would_refuse_are_refused_before_the_file_is_touched(
    tmp_path, fitted, names, target, error, message
):
    # (they were written, and load_model then refused the file)
    model, _ = fitted
    path = tmp_path / "m.json"
    path.write_text("previous")
    with pytest.raises(error, match=message):
        save_model(path, model, names, target)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize("kind", ["LinearRegression", "LogisticRegression"])
def test_an_unfitted_model_is_refused_with_a_value_error_not_an_attribute_error(tmp_path, kind):
    path = tmp_path / "m.json"
    with pytest.raises(ValueError, match=f"this {kind} is not fitted: call fit before saving"):
        save_model(path, getattr(descend, kind)(), ["a"], "y")
    assert not path.exists()


def test_a_saved_file_replaces_the_previous_one_and_leaves_no_temporary(tmp_path, fitted):
    model, X = fitted
    path = tmp_path / "m.json"
    path.write_text("previous")
    save_model(path, model, ("a", "b"), None)
    loaded, features, target = load_model(path)
    assert features == ["a", "b"] and target is None
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["configuration"].update(max_iter=10**400), "max_iter is an integer beyond"),
        (lambda d: d["configuration"].update(alpha=10**30), "alpha is an integer beyond 64 bits"),
        (lambda d: d["configuration"].update(max_iter=2**60), "max_iter must be an int <="),
        (lambda d: d["configuration"].update(alpha="x"), "alpha must be a finite number"),
        (lambda d: d["configuration"].update(alpha=[[[1]]]), "alpha is a list"),
        (lambda d: d["configuration"].update(optimizer="nope"), "optimizer must be one of"),
        (lambda d: d["configuration"].update(tol=-1.0), "tol must be"),
        (lambda d: d.update(coef=[10**400, 1.0]), "'coef' holds a number beyond float64"),
        (lambda d: d.update(intercept=10**400), "'intercept' holds a number beyond float64"),
        (lambda d: d.update(format_version=10**400), "format_version 1000"),
    ],
)
def test_a_bad_configuration_or_huge_number_is_a_model_file_error_naming_it(
    tmp_path, fitted, change, message
):
    # (a hyperparameter was not checked: the file loaded, and fit failed later; a huge
    # integer raised OverflowError)
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    rewrite(path, change)
    with pytest.raises(ModelFileError, match=message) as error:
        load_model(path)
    assert str(error.value).startswith(f"{path}: ")
    assert len(str(error.value)) < 400


@pytest.mark.parametrize(
    "text",
    [
        '{"format": ' * 100_000 + "1" + "}" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"format": "descend-model", "format_version": ' + "1" * 5000 + "}",
    ],
    ids=["nested objects", "nested lists", "5000-digit integer"],
)
def test_json_python_cannot_read_is_a_model_file_error(tmp_path, text):
    # (RecursionError and ValueError came through)
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match=f"^{path}: not a descend model file"):
        load_model(path)


def test_a_classifier_file_with_a_label_beyond_64_bits_is_refused(tmp_path, rng):
    X = rng.standard_normal((40, 1))
    model = descend.LogisticRegression(max_iter=20, tol=None).fit(X, X[:, 0] > 0)
    path = tmp_path / "m.json"
    save_model(path, model, ["x"], "y")
    rewrite(path, lambda d: d.update(classes=[0, 2**70]))
    with pytest.raises(ModelFileError, match="distinct labels"):
        load_model(path)


@pytest.mark.parametrize(
    "shape",
    [[10**4000, 10**4000, 2], [1] * 10_000 + [2], [2**63, 2], [0, 2]],
    ids=["huge entries", "10001 entries", "beyond int64", "zero"],
)
def test_an_impossible_coef_shape_is_refused_in_a_short_message(tmp_path, fitted, shape):
    # (the product of huge entries raised ValueError when printed; a long shape was printed
    # whole)
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    rewrite(path, lambda d: d.update(coef_shape=shape))
    with pytest.raises(ModelFileError, match="does not match the 2 feature names") as error:
        load_model(path)
    assert len(str(error.value)) < 300


def _generator_state(random_state, **changes):
    """The configuration value of random_state, with entries of its state changed."""
    model = descend.LinearRegression(random_state=random_state, max_iter=2, tol=None)
    model.fit(np.eye(3), np.arange(3.0))
    document = model_document(model, ["a", "b", "c"], "y")
    value = document["configuration"]["random_state"]
    body = next(iter(value.values()))
    for key, new in changes.items():
        where = body["state"] if key in body["state"] else body
        where[key] = new
    return value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_generator_state(np.random.Generator(np.random.MT19937(1)), pos=10**6), "pos"),
        (_generator_state(np.random.RandomState(1), pos=625), "pos"),
        (_generator_state(np.random.RandomState(1), pos=-1), "pos"),
        (_generator_state(np.random.Generator(np.random.Philox(1)), buffer_pos=99), "buffer_pos"),
        (
            _generator_state(
                np.random.Generator(np.random.MT19937(1)), key={"array": [1], "dtype": "uint32"}
            ),
            "key: expected uint32 of shape",
        ),
        (_generator_state(np.random.default_rng(1), has_uint32=7), "has_uint32"),
        (_generator_state(np.random.default_rng(1), inc=2**130), "inc"),
        (_generator_state(np.random.default_rng(1), extra=1), "expected the keys"),
    ],
    ids=["MT19937 pos", "RandomState pos", "negative pos", "Philox", "key", "flag", "inc", "keys"],
)
def test_a_generator_state_numpy_would_read_past_its_buffer_is_refused(
    tmp_path, fitted, value, message
):
    # (NumPy takes an MT19937 position beyond 624, and the first draw crashed the process)
    model, _ = fitted
    path = tmp_path / "m.json"
    save_model(path, model, ["a", "b"], "y")
    rewrite(path, lambda d: d["configuration"].update(random_state=value))
    with pytest.raises(ModelFileError, match=f"configuration: random_state: .*{message}"):
        load_model(path)
