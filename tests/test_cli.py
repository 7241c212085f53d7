"""The descend command: the demo reproduces the tutorial within the promised distances."""

import io
import subprocess
import sys

import numpy as np

from descend.cli import _demo, main


def demo_rows():
    out = io.StringIO()
    assert _demo(out) == 0
    rows = {}
    for line in out.getvalue().splitlines():
        for name in ("gradient descent", "SGD", "Adam", "lstsq (exact)"):
            if line.startswith(name):
                rows[name] = line[len(name) :].split()
    return rows


def test_demo_gd_and_adam_within_1e_3_and_sgd_within_5e_2_of_lstsq():
    rows = demo_rows()
    assert set(rows) == {"gradient descent", "SGD", "Adam", "lstsq (exact)"}
    exact = np.array([float(rows["lstsq (exact)"][1]), float(rows["lstsq (exact)"][2])])
    for name, bound in [("gradient descent", 1e-3), ("Adam", 1e-3), ("SGD", 5e-2)]:
        epochs, mse, intercept, slope, error, _ = rows[name]
        assert float(error) < bound
        assert np.max(np.abs(np.array([float(intercept), float(slope)]) - exact)) < bound
    assert rows["SGD"][0] == "1000"


def test_python_m_descend_demo_runs():
    result = subprocess.run(
        [sys.executable, "-m", "descend", "demo"], capture_output=True, text=True, check=True
    )
    assert "lstsq (exact)" in result.stdout


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out
