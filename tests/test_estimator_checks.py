"""scikit-learn compatibility: the estimator checks, clone, Pipeline, GridSearchCV; and the
estimators without scikit-learn installed."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import descend

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


# The checks fit small data sets as they are (iris unscaled, separable blobs) with the default
# max_iter=1000 and tol=1e-6, where a first-order fit may stop on max_iter: that warning is
# the estimator telling the truth, not a failed check, so it is not turned into an error here.
@pytest.mark.filterwarnings("ignore::descend.ConvergenceWarning")
# Every check passes: no expected_failed_checks.
@parametrize_with_checks([descend.LinearRegression(), descend.LogisticRegression()])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_keeps_the_hyperparameters_and_drops_the_fit(rng):
    X = rng.standard_normal((50, 3))
    model = descend.LogisticRegression(
        penalty="l2",
        alpha=1e-3,
        optimizer=descend.optim.Adam(betas=(0.8, 0.99)),
        schedule=descend.schedules.InvScaling(0.1),
        batch_size=8,
        max_iter=5,
        tol=None,
        random_state=0,
    ).fit(X, X[:, 0] > 0)
    copy = clone(model)
    assert copy.get_params().keys() == model.get_params().keys()
    assert copy.penalty == "l2" and copy.batch_size == 8
    assert copy.optimizer is not model.optimizer
    assert copy.optimizer.defaults["betas"] == (0.8, 0.99)
    assert not hasattr(copy, "coef_")


def test_pipeline_and_grid_search_select_alpha(rng):
    X = 100 * rng.standard_normal((200, 4)) + 50  # raw scale: the pipeline standardizes
    y = (X[:, 0] - 50 + 30 * rng.standard_normal(200) > 0).astype(int)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), descend.LogisticRegression()),
        {"logisticregression__alpha": [1e-4, 1e-2, 10.0]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["logisticregression__alpha"] in (1e-4, 1e-2)
    assert search.score(X, y) > 0.8
    regression = GridSearchCV(
        make_pipeline(StandardScaler(), descend.LinearRegression(max_iter=300, tol=None)),
        {"linearregression__loss": ["squared_error", "huber"]},
        cv=3,
    ).fit(X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + 3)
    assert regression.best_params_ == {"linearregression__loss": "squared_error"}
    assert regression.score(X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + 3) > 0.999


def _prints_ok(script: str) -> None:
    """Runs `script` in a fresh interpreter, which must exit cleanly after printing "ok"."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_descend_and_its_command_leave_scikit_learn_unimported_until_an_estimator_is_used():
    # scikit-learn's import (about 1 s) is paid by the estimators only: not by minimize, optim
    # or the command line's parser
    script = textwrap.dedent(
        """
        import sys
        import descend
        from descend import cli, minimize, optim

        cli._parser()
        assert "sklearn" not in sys.modules, "import descend imported scikit-learn"
        assert "descend.linear_model" not in sys.modules
        assert {"LinearRegression", "LogisticRegression"} <= set(dir(descend))
        from descend import LinearRegression
        from descend.linear_model import LogisticRegression

        assert descend.LinearRegression is LinearRegression
        assert descend.LogisticRegression is LogisticRegression
        assert "sklearn" in sys.modules
        namespace = {}
        exec("from descend import *", namespace)
        assert namespace["LogisticRegression"] is LogisticRegression
        try:
            descend.LinearRegresion
        except AttributeError as error:
            assert "LinearRegresion" in str(error)
        else:
            raise AssertionError("a misspelt name must raise AttributeError")
        print("ok")
        """
    )
    _prints_ok(script)


def test_the_estimators_import_and_fit_without_scikit_learn():
    # A meta path finder refuses every sklearn import, as if it were not installed.
    script = textwrap.dedent(
        """
        import sys

        class NoSklearn:
            def find_spec(self, name, path=None, target=None):
                if name == "sklearn" or name.startswith("sklearn."):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, NoSklearn())
        import pickle
        import numpy as np
        import descend
        from descend import _estimator

        assert not _estimator.HAVE_SKLEARN
        assert "sklearn" not in sys.modules
        rng = np.random.default_rng(0)
        X = rng.standard_normal((60, 2))
        y = X @ np.array([1.0, -1.0]) + 0.5
        reg = descend.LinearRegression(tol=1e-12).fit(X, y)
        assert reg.score(X, y) > 0.999
        clf = descend.LogisticRegression(max_iter=100, tol=None)
        clf.fit(X, np.where(y > 0.5, "hi", "lo"))
        assert clf.score(X, np.where(y > 0.5, "hi", "lo")) > 0.9
        reg.set_params(alpha=0.5, penalty="l2")
        assert reg.get_params()["alpha"] == 0.5
        assert repr(reg) == "LinearRegression(alpha=0.5, penalty='l2', tol=1e-12)", repr(reg)
        again = pickle.loads(pickle.dumps(clf))
        assert (again.predict(X) == clf.predict(X)).all()
        try:
            descend.LogisticRegression().predict(X)
        except ValueError as error:
            assert "not fitted" in str(error) and isinstance(error, AttributeError)
        else:
            raise AssertionError("predict before fit must raise")
        print("ok")
        """
    )
    _prints_ok(script)
