"""descend.LogisticRegression: binary and softmax optima against SciPy, labels, probabilities,
class weights, partial_fit, sparse input, pickling and input checks."""

import pickle

import numpy as np
import pytest

import descend

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_special = pytest.importorskip("scipy.special")
sparse = pytest.importorskip("scipy.sparse")


def blobs(rng, m=300, n=4, k=2, spread=1.5):
    centers = rng.standard_normal((k, n)) * 2
    y = np.arange(m) % k
    X = centers[y] + spread * rng.standard_normal((m, n))
    return X, y


def theta_block(model):
    """(n + 1, K') block: intercepts in row 0, as the objective below takes it."""
    return np.vstack([model.intercept_[None, :], model.coef_.T])


def objective(flat, X, codes, n_classes, *, penalty="l2", alpha=1e-4, l1_ratio=0.15, weight=None):
    """The classifier's objective written from its docstring, in float64."""
    Xb = np.c_[np.ones(len(X)), X]
    weight = np.ones(len(X)) if weight is None else weight
    if n_classes == 2:
        theta = flat.reshape(-1, 1)
        z = (Xb @ theta)[:, 0]
        point = np.logaddexp(0, z) - codes * z
    else:
        theta = flat.reshape(-1, n_classes)
        z = Xb @ theta
        point = scipy_special.logsumexp(z, axis=1) - z[np.arange(len(X)), codes]
    w = theta[1:]
    l1 = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": l1_ratio}[penalty]
    l2 = {None: 0.0, "l2": 1.0, "l1": 0.0, "elasticnet": 1 - l1_ratio}[penalty]
    return np.sum(weight * point) / weight.sum() + alpha * (
        l1 * np.abs(w).sum() + l2 * np.sum(w * w) / 2
    )


def scipy_optimum(X, codes, n_classes, **kw):
    """The minimum by SciPy's L-BFGS, with the gradient of the same formula: Xᵀ(p - t)/m
    plus alpha w (l2)."""
    Xb = np.c_[np.ones(len(X)), X]
    outputs = 1 if n_classes == 2 else n_classes
    targets = codes[:, None] if n_classes == 2 else np.eye(n_classes)[codes]
    l2 = kw.get("alpha", 1e-4) if kw.get("penalty", "l2") == "l2" else 0.0

    def gradient(flat):
        theta = flat.reshape(-1, outputs)
        z = Xb @ theta
        p = scipy_special.expit(z) if n_classes == 2 else scipy_special.softmax(z, axis=1)
        grad = Xb.T @ (p - targets) / len(X)
        grad[1:] += l2 * theta[1:]
        return grad.ravel()

    result = scipy_optimize.minimize(
        lambda flat: objective(flat, X, codes, n_classes, **kw),
        np.zeros((X.shape[1] + 1) * outputs),
        jac=gradient,
        method="L-BFGS-B",
        options=dict(maxiter=20_000, ftol=1e-15, gtol=1e-11),
    )
    return result.fun


def standardized(loader):
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = getattr(datasets, loader)(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


# ---------------------------------------------------------------------- optima
@pytest.mark.parametrize(
    ("loader", "params"),
    [
        ("load_breast_cancer", dict(alpha=1e-2)),
        ("load_iris", dict(alpha=1e-3)),
        ("load_wine", dict(alpha=1e-2)),
    ],
)
def test_full_batch_fit_reaches_the_scipy_optimum_of_the_same_objective(loader, params):
    # Issue 9 item 6: full batch within 1e-6 (relative) of the L-BFGS optimum; iris and
    # wine have 3 classes: one softmax fit, not one-vs-rest.
    X, y = standardized(loader)
    model = descend.LogisticRegression(max_iter=50_000, tol=1e-12, **params).fit(X, y)
    n_classes = len(np.unique(y))
    reached = objective(theta_block(model).ravel(), X, y, n_classes, **params)
    best = scipy_optimum(X, y, n_classes, **params)
    assert reached == pytest.approx(best, rel=1e-6)


def test_mini_batch_adam_with_averaging_gets_within_1e_3():
    # Issue 9 item 6: stochastic fits with averaging within 1e-3. The average starts after
    # 1000 steps (of 3600), past the transient from zero.
    X, y = standardized("load_breast_cancer")
    model = descend.LogisticRegression(
        alpha=1e-2,
        optimizer="adam",
        learning_rate=0.01,
        batch_size=32,
        average=1000,
        max_iter=200,
        tol=None,
        random_state=0,
    ).fit(X, y)
    reached = objective(theta_block(model).ravel(), X, y, 2, alpha=1e-2)
    assert reached == pytest.approx(scipy_optimum(X, y, 2, alpha=1e-2), rel=1e-3)


# ---------------------------------------------------------------------- labels and shapes
@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog"]),
        np.array([False, True]),
        np.array([-3, 7]),
        np.array(["a", "b", "c"]),
        np.array([2.0, 5.0, 9.0]),
    ],
)
def test_any_labels_are_learned_and_returned(rng, labels):
    X, codes = blobs(rng, k=len(labels), spread=0.3)
    y = labels[codes]
    # separable blobs: the penalized optimum is far out, 300 epochs are enough to classify
    model = descend.LogisticRegression(max_iter=300, tol=None).fit(X, y)
    assert model.classes_.tolist() == sorted(labels.tolist())
    assert model.predict(X).dtype == labels.dtype
    assert model.score(X, y) > 0.95
    K = len(labels)
    assert model.coef_.shape == ((1, 4) if K == 2 else (K, 4))
    assert model.intercept_.shape == ((1,) if K == 2 else (K,))
    assert model.decision_function(X).shape == ((300,) if K == 2 else (300, K))


@pytest.mark.parametrize("k", [2, 3])
def test_probabilities_are_sigmoid_or_softmax_of_the_decision(rng, k):
    X, y = blobs(rng, k=k)
    model = descend.LogisticRegression().fit(X, y)
    z = model.decision_function(X)
    expected = (
        np.c_[1 - scipy_special.expit(z), scipy_special.expit(z)]
        if k == 2
        else scipy_special.softmax(z, axis=1)
    )
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(expected), rtol=1e-10)
    assert (model.classes_[model.predict_proba(X).argmax(axis=1)] == model.predict(X)).all()


def test_log_probabilities_stay_finite_for_huge_margins(rng):
    X, y = blobs(rng)
    model = descend.LogisticRegression().fit(X, y)
    far = 1e6 * model.coef_  # decision of about ±1e6 |w|²
    log_proba = model.predict_log_proba(np.vstack([far, -far]))
    assert np.isfinite(log_proba).all()
    assert log_proba[0, 1] == 0.0 and log_proba[1, 0] == 0.0


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="at least 2 classes; y has 1 class"):
        descend.LogisticRegression().fit(np.ones((4, 2)), ["a"] * 4)


def test_weights_that_leave_one_class_are_refused(rng):
    X, y = blobs(rng)
    with pytest.raises(ValueError, match="2 classes with positive sample weight"):
        descend.LogisticRegression().fit(X, y, sample_weight=(y == 1).astype(float))


@pytest.mark.parametrize(
    "y",
    [[0.5, 1.0, 2.0], np.array([0.5, 1.5, 0.5], dtype=object)],  # (objects: once 2 classes)
)
def test_continuous_targets_are_refused(y):
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        descend.LogisticRegression().fit(np.ones((3, 1)), y)


@pytest.mark.parametrize(
    "y",
    [
        [1, "a", 1, "a"],  # NumPy turns it into text: it was learned as '1' and 'a'
        np.array([1, "a", 1, "a"], dtype=object),  # sorting it raised a bare TypeError
        ["a", True, "a", True],
    ],
)
def test_labels_mixing_strings_and_numbers_are_refused_naming_y(y):
    with pytest.raises(ValueError, match=r"y: expected labels of one kind, strings or numbers"):
        descend.LogisticRegression().fit(np.arange(8.0).reshape(4, 2), y)
    model = descend.LogisticRegression(max_iter=5, tol=None).fit(
        np.arange(8.0).reshape(4, 2), [str(v) for v in y]
    )
    assert len(model.classes_) == 2


# ---------------------------------------------------------------------- class weights
def test_balanced_class_weight_is_n_over_k_times_the_class_count(rng):
    X, y = blobs(rng, m=90, k=3)
    y = y.copy()
    y[:20] = 0  # imbalance
    counts = np.bincount(y)
    by_hand = (len(y) / (3 * counts))[y]
    balanced = descend.LogisticRegression(class_weight="balanced", max_iter=30, tol=None)
    manual = descend.LogisticRegression(max_iter=30, tol=None)
    balanced.fit(X, y)
    manual.fit(X, y, sample_weight=by_hand)
    np.testing.assert_allclose(balanced.coef_, manual.coef_, rtol=1e-13)


def test_dict_class_weight_multiplies_the_sample_weights(rng):
    X, y = blobs(rng)
    labels = np.array(["neg", "pos"])[y]
    weight = rng.random(len(y)) + 0.5
    by_dict = descend.LogisticRegression(class_weight={"pos": 3.0}, max_iter=30, tol=None)
    by_hand = descend.LogisticRegression(max_iter=30, tol=None)
    by_dict.fit(X, labels, sample_weight=weight)
    by_hand.fit(X, labels, sample_weight=weight * np.where(y == 1, 3.0, 1.0))
    np.testing.assert_allclose(by_dict.coef_, by_hand.coef_, rtol=1e-13)
    # a label that is not a class is ignored, as scikit-learn does (a cross-validation fold
    # may lack a class the dict names), but its weight must still be a weight
    with_absent = descend.LogisticRegression(
        class_weight={"pos": 3.0, "maybe": 2.0}, max_iter=30, tol=None
    ).fit(X, labels, sample_weight=weight)
    np.testing.assert_array_equal(with_absent.coef_, by_dict.coef_)
    with pytest.raises(ValueError, match=r"class_weight\['maybe'\] must be a finite number"):
        descend.LogisticRegression(class_weight={"maybe": -2.0}).fit(X, labels)
    with pytest.raises(ValueError, match="class_weight must be None, 'balanced' or a dict"):
        descend.LogisticRegression(class_weight="even").fit(X, labels)


def test_a_partial_fit_call_whose_classes_all_weigh_zero_is_refused_naming_class_weight(rng):
    X, y = blobs(rng)
    model = descend.LogisticRegression(class_weight={0: 0.0, 1: 1.0})
    model.partial_fit(X, y, classes=[0, 1])
    steps = model.t_
    with pytest.raises(ValueError, match=r"class_weight gives every row of this call weight 0"):
        model.partial_fit(X[y == 0], y[y == 0])
    assert model.t_ == steps
    model.partial_fit(X[y == 1], y[y == 1])  # a call with weight goes on
    assert model.t_ > steps


# ---------------------------------------------------------------------- partial_fit, sparse
def test_partial_fit_needs_classes_first_and_then_keeps_them(rng):
    X, y = blobs(rng, k=3)
    model = descend.LogisticRegression()
    with pytest.raises(ValueError, match="needs classes="):
        model.partial_fit(X, y)
    model.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])  # class 2 comes later
    assert model.coef_.shape == (3, 4)
    model.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"labels \[5\] that are not in classes"):
        model.partial_fit(X[:2], [5, 5])
    with pytest.raises(ValueError, match="'balanced' is not supported by partial_fit"):
        descend.LogisticRegression(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])


def test_k_partial_fit_calls_equal_a_fit_of_k_epochs_bit_for_bit(rng):
    X, y = blobs(rng, k=3)
    params = dict(optimizer="rmsprop", learning_rate=0.01, batch_size=10, random_state=3)
    fitted = descend.LogisticRegression(max_iter=5, tol=None, **params).fit(X, y)
    partial = descend.LogisticRegression(**params)
    for _ in range(5):
        partial.partial_fit(X, y, classes=[0, 1, 2])
    assert partial.coef_.tobytes() == fitted.coef_.tobytes()
    assert partial.intercept_.tobytes() == fitted.intercept_.tobytes()


@pytest.mark.parametrize("k", [2, 4])
def test_csr_fits_equal_dense_fits(rng, k):
    X = sparse.random(300, 20, density=0.2, format="csr", random_state=np.random.RandomState(0))
    y = np.arange(300) % k
    params = dict(
        penalty="l1",
        alpha=1e-3,
        batch_size=4,
        learning_rate=0.1,
        max_iter=10,
        tol=None,
        random_state=0,
    )
    on_csr = descend.LogisticRegression(**params).fit(X, y)
    on_dense = descend.LogisticRegression(**params).fit(X.toarray(), y)
    np.testing.assert_allclose(on_csr.coef_, on_dense.coef_, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(
        on_csr.predict_proba(X), on_dense.predict_proba(X.toarray()), rtol=1e-10
    )


def test_float32_data_is_fitted_in_float32():
    X, y = standardized("load_breast_cancer")
    narrow = descend.LogisticRegression(alpha=1e-2, max_iter=20_000, tol=None).fit(
        X.astype(np.float32), y
    )
    assert narrow.coef_.dtype == np.float32 and narrow.intercept_.dtype == np.float32
    # float32 within 1e-4 (relative) of the optimum (issue 9 item 6)
    reached = objective(theta_block(narrow).astype(np.float64).ravel(), X, y, 2, alpha=1e-2)
    assert reached == pytest.approx(scipy_optimum(X, y, 2, alpha=1e-2), rel=1e-4)


def test_fitted_classifier_pickles_with_its_labels(rng):
    X, y = blobs(rng, k=3)
    labels = np.array(["x", "y", "z"])[y]
    model = descend.LogisticRegression(max_iter=20, tol=None).fit(X, labels)
    again = pickle.loads(pickle.dumps(model))
    assert (again.predict(X) == model.predict(X)).all()
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_the_early_stopping_split_is_stratified_and_uses_row_numbers():
    from descend._validation import validation_split

    codes = np.r_[np.zeros(70, np.int64), np.ones(25, np.int64), np.full(5, 2)]
    train, held = validation_split(100, 0.2, 7, codes)
    assert train.dtype == held.dtype == np.int64
    assert np.bincount(codes[held]).tolist() == [14, 5, 1]
    assert np.array_equal(np.sort(np.r_[train, held]), np.arange(100))
    again, _ = validation_split(100, 0.2, 7, codes)
    assert np.array_equal(again, train)  # the same seed, the same split


def test_early_stopping_classifier_reports_validation_log_loss(rng):
    X, y = blobs(rng, k=3, spread=3.0)
    model = descend.LogisticRegression(early_stopping=True, random_state=0).fit(X, y)
    assert model.converged_
    assert len(model.validation_scores_) == model.n_iter_
    assert min(model.validation_scores_) < model.validation_scores_[0] < np.log(3) + 1e-9


# ---------------------------------------------------------------------- label memory
@pytest.mark.parametrize("kind", ["int", "str", "bool", "float", "partial"])
def test_labels_are_encoded_chunk_by_chunk_as_np_unique_would(kind):
    from descend._validation import _LABEL_CHUNK, encode_labels

    rng = np.random.default_rng(0)
    n = 3 * _LABEL_CHUNK + 17
    codes = rng.integers(0, 4, n)
    codes[-1] = 4  # a class seen only in the last chunk
    values = {
        "int": np.array([-3, 0, 2, 7, 100]),
        "str": np.array(["a", "b", "c", "d", "e"]),
        "bool": np.array([False, True]),
        "float": np.array([-1.0, 0.0, 1.0, 2.0, 5.0]),
        "partial": np.array([0, 1, 2, 3, 4, 5]),
    }[kind]
    y = values[codes % len(values)]
    known = values if kind == "partial" else None
    classes, encoded, checked = encode_labels(y, known, n)
    expected_classes, expected_codes = np.unique(y, return_inverse=True)
    if known is not None:
        expected_classes, expected_codes = known, np.searchsorted(known, y)
    np.testing.assert_array_equal(classes, expected_classes)
    np.testing.assert_array_equal(encoded, expected_codes)
    assert encoded.dtype == np.int8 and checked is y


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("layout", ["float64", "float32", "float16", "strided"])
def test_float_labels_with_nan_or_infinity_are_refused(bad, layout):
    X = np.arange(8.0)[:, None]
    y = np.array([0.0, 1.0] * 4)
    y[5] = bad
    strided = np.repeat(y, 2)[::2]  # (float64, not C-contiguous)
    y = strided if layout == "strided" else y.astype(layout)
    with pytest.raises(ValueError, match="Input y contains NaN or infinity"):
        descend.LogisticRegression().fit(X, y)


def test_encoding_200k_labels_takes_about_one_byte_a_sample():
    import tracemalloc

    from descend._validation import encode_labels

    y = np.where(np.random.default_rng(0).random(200_000) > 0.5, "yes", "no")
    tracemalloc.start()
    encode_labels(y, None, len(y))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.5 * len(y)  # (np.unique over all of y: about 40 bytes a sample)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_float_labels_of_x_dtype_are_the_target_without_a_copy(rng, dtype):
    X = rng.standard_normal((50, 2)).astype(dtype)
    y = (X[:, 0] > 0).astype(dtype)
    clf = descend.LogisticRegression()
    target, _, outputs, classes = clf._targets(y, X, partial=False, classes=None)
    assert target is y and outputs == 1 and classes.tolist() == [0.0, 1.0]
    other = clf._targets(
        y.astype(np.float64 if dtype == np.float32 else np.float32), X, partial=False, classes=None
    )[0]
    assert other.dtype == dtype and not np.shares_memory(other, y)
    np.testing.assert_array_equal(other, y)
    np.testing.assert_array_equal(clf.set_params(max_iter=5, tol=None).fit(X, y).classes_, [0, 1])
