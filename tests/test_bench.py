"""descend._bench, the engine of `descend bench`: the JSON it prints and the table (structure
only, never timings), on tiny sizes."""

from __future__ import annotations

import json
import time

from descend import _bench

ROW_KEYS = {
    "name",
    "alternative",
    "goal",
    "descend_seconds",
    "alternative_seconds",
    "speedup",
    "speedup_min",
    "speedup_max",
    "note",
    "met",
}


def test_quick_json_has_every_row_with_times_ratios_and_goals(capsys):
    assert _bench.main(["--quick", "--json", "--scale", "0.001"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["quick"] is True
    assert report["memory"] is None
    assert report["config"]["threads"] >= 1
    names = [row["name"] for row in report["rows"]]
    for fragment in (
        "tutorial GD",
        "tutorial SGD",
        "float32, 1 thread",
        "float64, all threads",
        "Adam step",
        "optim.Adam.step",
        "minimize",
        "SGD epoch",
    ):
        assert any(fragment in name for name in names), fragment
    for row in report["rows"]:
        assert set(row) == ROW_KEYS
        if row["speedup"] is None:  # an optional alternative that is not installed
            assert "not installed" in row["note"]
            continue
        assert row["descend_seconds"] > 0 and row["alternative_seconds"] > 0
        assert row["speedup_min"] <= row["speedup"] <= row["speedup_max"]
        assert row["met"] is (None if row["goal"] is None else row["speedup"] >= row["goal"])
    gradient_rows = [row for row in report["rows"] if "LS gradient" in row["name"]]
    assert len(gradient_rows) == 3
    for row in gradient_rows:  # each against the read-bandwidth floor, a plain sum of X
        assert "of a plain sum's speed" in row["note"], row["note"]
    assert "[1/" in captured.err  # the progress line


def test_full_mode_measures_memory_and_prints_a_table(capsys):
    assert _bench.main(["--scale", "0.001"]) == 0
    out = capsys.readouterr().out
    assert "speedup" in out and "tutorial GD" in out
    assert "memory, full-batch fit on 1,000x100 float64" in out
    assert "% of X (goal <= 5%" in out


def test_memory_growth_is_the_fit_s_own_not_the_parent_s_peak():
    # Linux hands a child started by fork/vfork + exec its parent's peak RSS in ru_maxrss; a
    # big parent made `descend bench` report a copy of X that no fit made.
    import numpy as np

    ballast = np.ones(32_000_000)  # 256 MB resident in this (the parent) process
    result = _bench._memory(1_000, 100)
    assert ballast[-1] == 1.0
    assert result["rss_growth_bytes"] < 32_000_000  # the fit's 1000 x 100 X is 0.8 MB
    assert result["met"]


def test_rounds_sleep_before_timing_each_side_when_asked_to_settle():
    # A multi-threaded row waits before each timing, so that the threads the other side left
    # spinning (OpenBLAS's, for ~0.1 s) are asleep when the next side's clock starts.
    ends: list[float] = []
    gaps: list[float] = []

    def side() -> None:
        now = time.perf_counter()
        if ends:
            gaps.append(now - ends[-1])
        ends.append(time.perf_counter())

    _bench._rounds(side, side, 3, _bench.Row("settled", "itself"), min_seconds=0.0, settle=0.05)
    timed_gaps = gaps[-6:]  # the last 6 calls are the 3 rounds of 2 timed sides
    assert min(timed_gaps) >= 0.05, timed_gaps
