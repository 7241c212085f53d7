"""_progress: the bar appears only when asked or on a terminal; Ctrl-C becomes a flag."""

import os
import signal
import sys

import pytest

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
    with Progress(total=10, desc="fit", unit="epoch", verbose=True, delay=0,
                  mininterval=0) as progress:
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
        os.kill(os.getpid(), signal.SIGINT)
        assert progress.interrupted
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        progress.raise_if_interrupted()


def test_catch_interrupt_false_leaves_ctrl_c_alone():
    with Progress(total=None, desc="fit", verbose=False, catch_interrupt=False):
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
