"""_progress: the bar appears only when asked or on a terminal; Ctrl-C becomes a flag."""

import os
import signal
import sys
import threading

import numpy as np
import pytest

import descend
import descend._progress
from descend._progress import Progress, wants_bar


def test_wants_bar_follows_verbose_and_the_terminal():
    pytest.importorskip("tqdm")
    leader, follower = os.openpty()
    with open(follower, "w") as terminal, open(os.devnull, "w") as devnull:
        assert wants_bar(None, terminal) is True
        assert wants_bar(None, devnull) is False
        assert wants_bar(0, terminal) is False
        assert wants_bar(True, devnull) is True
    os.close(leader)


def test_bar_shows_units_and_postfix_on_stderr(capsys):
    pytest.importorskip("tqdm")
    with Progress(
        total=10, desc="fit", unit="epoch", verbose=True, delay=0, mininterval=0
    ) as progress:
        progress.update(4, loss=0.125)
    err = capsys.readouterr().err
    assert "fit" in err and "4/10" in err and "epoch" in err and "loss=0.125" in err
    assert progress.n == 4


def test_no_bar_when_verbose_is_off(capsys):
    with Progress(total=10, desc="fit", verbose=False, delay=0) as progress:
        progress.update(10)
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
def test_first_ctrl_c_sets_the_flag_second_raises_and_the_handler_is_restored():
    before = signal.getsignal(signal.SIGINT)
    with Progress(total=None, desc="fit", verbose=False) as progress:
        assert progress.started
        os.kill(os.getpid(), signal.SIGINT)
        assert progress.interrupted
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        progress.raise_if_interrupted()


def test_lazy_progress_defers_the_bar_but_catches_ctrl_c_from_the_start():
    with Progress(total=None, desc="fit", verbose=False, lazy=True) as progress:
        assert not progress.started
        os.kill(os.getpid(), signal.SIGINT)
        assert progress.interrupted
        progress.update(1)
        assert progress.started


def test_catch_interrupt_false_leaves_ctrl_c_alone():
    with Progress(total=None, desc="fit", verbose=False, catch_interrupt=False):
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)


def test_a_block_in_another_thread_leaves_ctrl_c_to_the_main_thread():
    before = signal.getsignal(signal.SIGINT)
    seen = []

    def block():
        with Progress(total=None, desc="fit", verbose=False) as progress:
            seen.append(signal.getsignal(signal.SIGINT))
        seen.append(progress.interrupted)
        X, y = _regression(rows=50, columns=2)
        seen.append(descend.LinearRegression(max_iter=2, tol=None).fit(X, y).n_iter_)

    thread = threading.Thread(target=block)
    thread.start()
    thread.join()
    assert seen == [before, False, 2]
    assert signal.getsignal(signal.SIGINT) is before


# ---------------------------------------------------------------------- in the estimators
def _regression(rows=2000, columns=20):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, columns))
    return X, X @ rng.standard_normal(columns) + 0.1 * rng.standard_normal(rows)


@pytest.fixture
def no_delay(monkeypatch):
    """Bars appear at once (not after DELAY_SECONDS) and redraw at every update, and the fit
    loop returns after every epoch, so that short fits show them."""
    monkeypatch.setattr(descend._progress, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(descend._progress, "MIN_INTERVAL_SECONDS", 0.0)
    monkeypatch.setattr(descend.linear_model, "_SLICE_SECONDS", 1e-9)


@pytest.mark.parametrize("cls", [descend.LinearRegression, descend.LogisticRegression])
def test_estimator_verbose_1_draws_a_bar_of_epochs_and_loss(cls, capsys, no_delay):
    pytest.importorskip("tqdm")
    X, y = _regression(rows=100_000, columns=2)  # the loop looks at the clock every epoch
    if cls is descend.LogisticRegression:
        y = y > 0
    cls(max_iter=7, tol=None, verbose=1).fit(X, y)
    captured = capsys.readouterr()
    assert cls.__name__ in captured.err and "epoch" in captured.err and "loss=" in captured.err
    assert "7/7" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("verbose", [None, 0, False])
def test_estimator_draws_no_bar_off_a_terminal_or_with_verbose_0(verbose, capsys, no_delay):
    X, y = _regression()
    descend.LinearRegression(max_iter=7, tol=None, verbose=verbose).fit(X, y)
    assert capsys.readouterr() == ("", "")  # capsys's stderr is not a terminal


def test_estimator_verbose_2_prints_lines_instead_of_a_bar(capsys, no_delay):
    X, y = _regression()
    descend.LinearRegression(max_iter=3, tol=None, verbose=2).fit(X, y)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.count("-- Epoch") == 3


@pytest.mark.parametrize("verbose", [-1, 1.5, "yes"])
def test_estimator_refuses_a_verbose_that_is_not_none_bool_or_int(verbose):
    X, y = _regression()
    with pytest.raises(ValueError, match="verbose must be an int >= 0"):
        descend.LinearRegression(verbose=verbose).fit(X, y)


def _interrupted_fit(model, X, y, report=2, match="interrupted"):
    """Fit, with SIGINT delivered (as by Ctrl-C) as the C++ loop returns its `report`-th slice
    of epochs, before the estimator records that slice's losses. (A delay in seconds raced the
    machine: under a sanitizer on a loaded machine it came in the wrong slice.)"""
    cls = type(model)
    reports = []

    class InterruptedInASlice(cls):
        def _report(self, run, losses, validation_losses):
            reports.append(len(losses))
            if len(reports) == report:
                signal.raise_signal(signal.SIGINT)
            super()._report(run, losses, validation_losses)

    model.__class__ = InterruptedInASlice
    try:
        with pytest.raises(KeyboardInterrupt, match=match):
            model.fit(X, y)
    finally:
        model.__class__ = cls
    return model


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
@pytest.mark.parametrize("batch_size", [None, 1])
def test_ctrl_c_mid_fit_keeps_the_finished_epochs_and_says_interrupted(batch_size):
    X, y = _regression()
    before = signal.getsignal(signal.SIGINT)
    settings = dict(learning_rate=1e-4, batch_size=batch_size, tol=None, random_state=0)
    model = _interrupted_fit(descend.LinearRegression(max_iter=10**9, **settings), X, y)
    assert signal.getsignal(signal.SIGINT) is before
    assert model.status_ == "interrupted" and not model.converged_
    assert 1 <= model.n_iter_ == len(model.loss_curve_) < 10**9
    assert np.all(np.isfinite(model.coef_))
    same = descend.LinearRegression(max_iter=model.n_iter_, **settings).fit(X, y)
    assert same.status_ == "max_iter"
    assert same.coef_.tobytes() == model.coef_.tobytes()
    assert same.intercept_ == model.intercept_
    # the interrupted fit goes on with partial_fit like any other
    assert model.partial_fit(X, y).n_iter_ == same.n_iter_ + 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
def test_ctrl_c_with_early_stopping_keeps_the_best_validation_epoch():
    X, y = _regression()
    model = descend.LogisticRegression(
        learning_rate=1.0,
        batch_size=1,
        early_stopping=True,
        n_iter_no_change=10**9,
        max_iter=10**9,
        random_state=0,
    )
    _interrupted_fit(model, X, y > 0)
    assert model.status_ == "interrupted"
    best = np.asarray(model._fit_state.solver.best_theta)
    assert best.size == model.coef_.size + 1
    np.testing.assert_array_equal(model._fit_state.theta.ravel(), best)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
def test_ctrl_c_in_the_first_slice_stops_the_fit_cleanly_too():
    # (the handler is set up as the fit starts, not after its first slice: a KeyboardInterrupt
    # raised as the slice returns could land in a finalizer, where Python drops it)
    X, y = _regression()
    model = descend.LinearRegression(
        learning_rate=1e-4, batch_size=1, max_iter=10**9, tol=None, random_state=0
    )
    model = _interrupted_fit(model, X, y, report=1)
    assert model.status_ == "interrupted"
    assert 1 <= model.n_iter_ == len(model.loss_curve_)
    assert np.isfinite(model.loss_curve_).all()  # the slice's losses were recorded


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
def test_a_keyboard_interrupt_between_slices_leaves_a_consistent_interrupted_fit():
    # A SIGINT handler of the caller's that raises (the fit leaves it in place): the
    # KeyboardInterrupt comes as the loop returns, and the estimator still keeps the epochs
    # done, one loss_curve_ entry each (NaN for those whose losses were lost).
    import pickle

    def raising(signum, frame):
        raise KeyboardInterrupt

    X, y = _regression()
    model = descend.LinearRegression(
        learning_rate=1e-4, batch_size=1, max_iter=10**9, tol=None, random_state=0
    )
    before = signal.signal(signal.SIGINT, raising)
    try:
        model = _interrupted_fit(model, X, y, report=1, match="^$")
    finally:
        signal.signal(signal.SIGINT, before)
    assert model.status_ == "interrupted"
    assert 1 <= model.n_iter_ == len(model.loss_curve_)
    assert np.isnan(model.loss_curve_).all()  # the first slice's losses were lost
    assert np.all(np.isfinite(model.coef_))
    copy = pickle.loads(pickle.dumps(model))  # (its checks: n_iter_ and losses agree)
    assert copy.partial_fit(X, y).n_iter_ == model.n_iter_ + 1
