"""descend.plot: the figures draw what they say, and without matplotlib the error names the
extra."""

import subprocess
import sys

import numpy as np
import pytest

import descend

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("matplotlib.figure")  # (the tests build Figures without pyplot)
from descend import plot  # noqa: E402


@pytest.fixture
def tutorial_fits():
    from descend.cli import tutorial_data, tutorial_runs

    X, y = tutorial_data()
    return {name: model.fit(X, y) for name, model in tutorial_runs()}, X, y


def test_loss_curves_draws_one_labelled_line_per_run_on_a_log_axis(tutorial_fits):
    models, _, _ = tutorial_fits
    ax = plot.loss_curves(models)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == list(models)
    for line, model in zip(lines, models.values(), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), model.loss_curve_)
    assert ax.get_yscale() == "log"  # the losses span more than a factor of 10
    assert ax.get_xlabel() == "epoch" and ax.get_title()


def test_loss_curves_of_minimize_results_use_the_history_per_iteration():
    res = descend.minimize(
        descend.functions.sphere, [1.0, 1.0], method="gd", options=dict(lr=0.1, max_iter=20)
    )
    ax = plot.loss_curves(res, log=False)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), res.history)
    assert ax.get_xlabel() == "iteration" and ax.get_yscale() == "linear"


def test_a_mapping_with_a_run_labelled_history_is_labelled_not_taken_for_one_result(
    tutorial_fits,
):
    # (any dict with a "history" key was taken for one minimize() result: such a mapping of
    # fitted models failed converting a model to floats, one of results drew nothing labelled)
    models, _, _ = tutorial_fits
    results = {
        label: descend.minimize(
            descend.functions.rosenbrock,
            [-1.5, 2.0],
            method=method,
            options=dict(lr=1e-3, max_iter=50, record_path=True),
        )
        for label, method in [("history", "gd"), ("adam", "adam")]
    }
    runs = {"history": models["Adam"], "gd": models["gradient descent"]}
    ax = plot.loss_curves(runs)
    assert [line.get_label() for line in ax.get_lines()] == ["history", "gd"]
    for line, model in zip(ax.get_lines(), runs.values(), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), model.loss_curve_)
    ax = plot.loss_curves(results)
    assert [line.get_label() for line in ax.get_lines()] == ["history", "adam"]
    for line, res in zip(ax.get_lines(), results.values(), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), res.history)
    ax = plot.paths(results, descend.functions.rosenbrock)
    for label, res in results.items():
        path_line = next(line for line in ax.get_lines() if line.get_label() == label)
        np.testing.assert_array_equal(path_line.get_xydata(), res.path)


def test_paths_draws_each_path_over_the_contours_and_marks_the_minimum():
    res = descend.minimize(
        descend.functions.rosenbrock,
        [-1.5, 2.0],
        method="adam",
        options=dict(lr=1e-2, max_iter=300, record_path=True),
    )
    ax = plot.paths({"adam": res}, descend.functions.rosenbrock)
    path_line = next(line for line in ax.get_lines() if line.get_label() == "adam")
    np.testing.assert_array_equal(path_line.get_xydata(), res.path)
    assert ax.collections  # the contours
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert [tuple(star.get_xydata()[0]) for star in stars] == [(1.0, 1.0)]


def test_paths_without_a_recorded_path_says_how_to_record_it():
    res = descend.minimize(
        descend.functions.saddle, [1.0, 0.1], method="gd", options=dict(lr=0.1, max_iter=5)
    )
    with pytest.raises(ValueError, match="record_path"):
        plot.paths(res, descend.functions.saddle)


def test_paths_refuses_a_path_of_another_number_of_variables_than_the_landscape():
    # (a 2-D run on a 1-D landscape was drawn from its first coordinate; the other way
    # round was a bare IndexError)
    two = descend.minimize(
        descend.functions.rosenbrock, [-1.5, 2.0], options=dict(max_iter=5, record_path=True)
    )
    one = descend.minimize(
        descend.functions.double_well, [2.0], options=dict(max_iter=5, record_path=True)
    )
    with pytest.raises(ValueError, match="a path of 2 variables, the landscape DoubleWell has 1"):
        plot.paths(two, descend.functions.double_well)
    with pytest.raises(ValueError, match="a path of 1 variables, the landscape Rosenbrock has 2"):
        plot.paths({"gd": one}, descend.functions.rosenbrock)


def test_an_empty_mapping_is_nothing_to_plot_as_an_empty_list_is():
    for empty in ([], {}):
        with pytest.raises(ValueError, match="loss_curves: nothing to plot"):
            plot.loss_curves(empty)


def test_fit_line_draws_the_data_and_each_model_line(tutorial_fits):
    models, X, y = tutorial_fits
    ax = plot.fit_line(models, X, y)
    assert len(ax.collections) == 1  # the scatter of the data
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.c_[X[:, 0], y])
    for line, model in zip(ax.get_lines(), models.values(), strict=True):
        x = line.get_xdata()
        np.testing.assert_allclose(line.get_ydata(), model.intercept_ + model.coef_[0] * x)
    with pytest.raises(ValueError, match="one feature"):
        plot.fit_line(models["Adam"], np.c_[X, X], y)


def test_fit_line_refuses_a_list_of_models_or_a_model_without_predict_before_drawing(
    tutorial_fits,
):
    # (a list of models was a bare AttributeError, after the data was drawn)
    models, X, y = tutorial_fits
    ax = matplotlib.figure.Figure().add_subplot()
    with pytest.raises(
        TypeError,
        match=r"^fit_line: model must be a fitted estimator \(with predict\) or a mapping "
        r"label -> fitted estimator, got list$",
    ):
        plot.fit_line(list(models.values()), X, y, ax)
    with pytest.raises(
        TypeError, match=r"^fit_line: model\['bad'\] must be a fitted estimator .*, got str$"
    ):
        plot.fit_line({"Adam": models["Adam"], "bad": "x"}, X, y, ax)
    with pytest.raises(ValueError, match="not fitted"):
        plot.fit_line({"Adam": models["Adam"], "new": descend.LinearRegression()}, X, y, ax)
    assert not ax.collections and not ax.get_lines()


@pytest.mark.parametrize(("rows_X", "rows_y"), [(100, 99), (0, 0)])
def test_fit_line_refuses_x_and_y_of_other_lengths_or_no_rows_before_drawing(
    tutorial_fits, rows_X, rows_y
):
    # (both failed inside NumPy or matplotlib, the data half drawn)
    models, X, y = tutorial_fits
    ax = matplotlib.figure.Figure().add_subplot()
    with pytest.raises(
        ValueError,
        match=rf"^fit_line: X and y must have the same number of rows, at least 1, got "
        rf"{rows_X} and {rows_y}$",
    ):
        plot.fit_line(models["Adam"], X[:rows_X], y[:rows_y], ax)
    assert not ax.collections and not ax.get_lines()


@pytest.mark.parametrize(
    "option, value, error, expected",
    [
        ("resolution", 1, ValueError, "paths: resolution must be an int in [2, 2000], got 1"),
        # (10**6 went on to a grid of 10**12 points: a memory blow-up before any refusal)
        (
            "resolution",
            10**6,
            ValueError,
            "paths: resolution must be an int in [2, 2000], got 1000000",
        ),
        ("resolution", 2001, ValueError, "paths: resolution must be an int in [2, 2000], got 2001"),
        ("resolution", 2.5, TypeError, "paths: resolution must be an int, got float 2.5"),
        ("resolution", True, TypeError, "paths: resolution must be an int, got bool True"),
        ("mark_every", 0, ValueError, "paths: mark_every must be an int >= 1, got 0"),
        ("mark_every", -3, ValueError, "paths: mark_every must be an int >= 1, got -3"),
        ("mark_every", "5", TypeError, "paths: mark_every must be an int, got str '5'"),
    ],
)
def test_paths_refuses_a_bad_resolution_or_mark_every_naming_it_before_drawing(
    option, value, error, expected
):
    # (resolution 1 or 0 failed inside matplotlib or NumPy; mark_every 0, -3 or "5" was drawn)
    res = descend.minimize(
        descend.functions.rosenbrock, [-1.5, 2.0], options=dict(max_iter=5, record_path=True)
    )
    ax = matplotlib.figure.Figure().add_subplot()
    with pytest.raises(error) as caught:
        plot.paths(res, descend.functions.rosenbrock, ax, **{option: value})
    assert str(caught.value) == expected
    assert not ax.collections and not ax.get_lines()


def test_demo_runs_show_what_the_figures_say():
    local = plot._minimize_runs(descend.functions.double_well, plot._LOCAL_MINIMUM_RUNS)
    ends = [float(res.x[0]) for res in local.values()]
    assert ends == pytest.approx([1.0, -2.0], abs=1e-3)  # local minimum, then global
    saddle = plot._minimize_runs(descend.functions.saddle, plot._SADDLE_RUNS)
    gd, momentum, adam = saddle.values()
    assert np.abs(gd.x).max() < 0.5  # stalled near the saddle at 0
    assert abs(momentum.x[1]) > 2 and abs(adam.x[1]) > 2  # escaped downhill along y


def test_demo_figures_writes_five_pngs(tmp_path):
    written = plot.demo_figures(tmp_path / "figures")
    assert [p.name for p in written] == [
        "regression_loss.png",
        "regression_fit.png",
        "local_minimum.png",
        "saddle.png",
        "rosenbrock.png",
    ]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_matplotlib_the_error_names_the_plot_extra(tmp_path):
    hide = "import sys; sys.modules['matplotlib'] = None; "
    result = subprocess.run(
        [sys.executable, "-c", hide + "import descend.plot"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "ImportError: descend.plot needs matplotlib: pip install 'descend[plot]'" in (
        result.stderr
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            hide + "from descend.cli import main; "
            f"sys.exit(main(['demo', '--plot', {str(tmp_path / 'f')!r}]))",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "pip install 'descend[plot]'" in result.stderr and "Traceback" not in result.stderr
