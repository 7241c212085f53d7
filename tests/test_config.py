"""descend.show_config(): what it prints and the dict it returns."""

from __future__ import annotations

import io
import os

import pytest

import descend


def test_show_config_prints_and_returns_the_build_and_this_machine():
    out = io.StringIO()
    config = descend.show_config(file=out)
    text = out.getvalue()
    assert config["version"] == descend.__version__
    assert f"descend {descend.__version__}" in text
    assert config["compiler"] and config["compiler"] in text
    assert config["code_path"] in text
    assert config["threads"] == len(os.sched_getaffinity(0))
    assert f"threads:       {config['threads']}" in text
    assert config["parallel_min_entries"] > 0
    assert "-fno-math-errno" in config["compile_flags"]
    assert "-ffast-math" not in config["compile_flags"]


def test_code_path_follows_the_cpu_features():
    config = descend.show_config(file=io.StringIO())
    if not config["runtime_dispatch"]:
        pytest.skip("built without runtime dispatch (not GCC on x86-64 Linux)")
    features = config["cpu_features"]
    if features["avx2"] and features["fma"]:
        assert config["code_path"].startswith("x86-64-v3")
    else:
        assert config["code_path"].startswith("baseline")


def test_show_config_prints_to_stdout_by_default(capsys):
    descend.show_config()
    assert "code path:" in capsys.readouterr().out
