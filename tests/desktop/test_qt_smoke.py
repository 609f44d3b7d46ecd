"""``loupe --smoke``: its steps, what it prints, and that a failure exits 1 naming the step."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from desktop.qt_chart_view import QtChartView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_smoke import CHART_CHECK, QtSmokeTest

LONG = 60_000
ROOT = Path(__file__).resolve().parents[2]


def test_smoke_opens_profiles_charts_and_checks_the_keyring(
    window: QtMainWindow, qtbot: Any
) -> None:
    said: list[str] = []
    smoke = QtSmokeTest(window, write=said.append)
    with qtbot.waitSignal(smoke.finished, timeout=LONG) as finished:
        smoke.start()
    assert finished.args == [0], smoke.lines
    assert [line.split()[1] for line in smoke.lines] == [
        "opened",
        "profiled",
        "chart",
        "keyring",
        "ok",
    ]
    assert re.match(r"smoke: keyring backend [\w.]+\.\w+", smoke.lines[3]), smoke.lines[3]
    assert smoke.lines[0].startswith("smoke: opened retail_orders.csv (2,000 rows) in ")
    assert re.fullmatch(r"smoke: chart drawn \(\d+ graphs\) in \d+\.\d\d s", smoke.lines[2])
    assert re.fullmatch(r"smoke: ok in \d+\.\d s", smoke.lines[-1])
    assert said == [line + "\n" for line in smoke.lines]
    view = window.current_view()
    assert view is not None and view.profile is not None  # really profiled, in the window


def test_a_file_that_cannot_be_read_fails_the_opening_step(
    window: QtMainWindow, qtbot: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not a parquet file")
    smoke = QtSmokeTest(window, write=lambda line: None, sample=broken)
    with qtbot.waitSignal(smoke.finished, timeout=LONG) as finished:
        smoke.start()
    assert finished.args == [1]
    assert len(smoke.lines) == 1
    assert smoke.lines[0].startswith("smoke: failed while opening broken.parquet: ")


def test_no_answer_in_time_fails_naming_the_step(window: QtMainWindow, qtbot: Any) -> None:
    smoke = QtSmokeTest(window, write=lambda line: None, timeout_s=0)
    with qtbot.waitSignal(smoke.finished, timeout=LONG) as finished:
        smoke.start()
    assert finished.args == [1]
    assert smoke.lines == ["smoke: failed while opening retail_orders.csv: no answer within 0 s"]


def test_the_chart_check_counts_drawn_graphs_only(qtbot: Any) -> None:
    view = QtChartView()
    qtbot.addWidget(view)
    for figures, expected in (([], 0), ([go.Figure(go.Bar(x=["a"], y=[1]))], 1)):
        with qtbot.waitSignal(view.loadFinished, timeout=LONG):
            view.show_figures(figures)
        with qtbot.waitCallback(timeout=LONG) as answer:
            view.page().runJavaScript(CHART_CHECK, 0, answer)
        assert answer.args == [expected]


def test_loupe_smoke_exits_0_printing_each_step(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "desktop.launcher", "--smoke"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("smoke: opened retail_orders.csv (2,000 rows) in ")
    assert [line.split()[1] for line in lines] == ["opened", "profiled", "chart", "keyring", "ok"]
    assert "Traceback" not in done.stderr
    # The user's settings were not touched: no recent file was remembered.
    assert not (tmp_path / "config" / "Loupe").exists()
