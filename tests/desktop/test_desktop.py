"""The desktop app offscreen: model, reading and profiling in workers, errors, charts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import Qt

from core.samples import SAMPLE_CSV
from desktop import app as desktop_app
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_table_model import QtFrameModel

LONG = 60_000


def test_table_model(qtmodeltester: Any) -> None:
    frame = pl.DataFrame(
        {
            "n": [1, None, 3],
            "x": [1.5, 2.25, None],
            "s": ["a", "two\nlines", None],
            "d": [dt.date(2024, 1, 1), None, dt.date(2024, 3, 1)],
        }
    )
    model = QtFrameModel(frame, {"n": 1 / 3})
    qtmodeltester.check(model)
    assert (model.rowCount(), model.columnCount()) == (3, 4)
    assert model.data(model.index(1, 0)) == "∅"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1, 2)) == "two⏎lines"
    right = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Int64" in tip and "33.3%" in tip
    big = pl.DataFrame({"i": range(2_000_000)})
    model.set_frame(big)
    assert model.rowCount() == 2_000_000
    assert model.data(model.index(1_999_999, 0)) == "1999999"


def test_open_profile_and_chart(qtbot: Any, window: QtMainWindow) -> None:
    view = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    assert view.model.rowCount() == 2000 and view.model.columnCount() == 12
    assert view.model.data(view.model.index(0, 1)) == "20235"  # zip code stays text
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    assert "2,000 rows × 12 columns" in view.overview.text()
    assert view.columns.count() == 12
    with qtbot.waitSignal(view.charts.loadFinished, timeout=LONG) as loaded:
        view.columns.setCurrentRow(7)  # amount
    assert loaded.args == [True]
    drawn: list[str] = []

    def charts_drawn() -> bool:
        view.charts.page().runJavaScript(
            "typeof Plotly + ' ' + document.querySelectorAll('.main-svg').length", 0, drawn.append
        )
        return bool(drawn) and drawn[-1].startswith("object") and int(drawn[-1].split()[1]) >= 2

    # plotly.js came from the installed package's folder: no network is involved.
    qtbot.waitUntil(charts_drawn, timeout=LONG)
    assert window.recent_files()[0] == str(SAMPLE_CSV)


def test_bad_file_is_a_message_and_other_tabs_survive(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    good = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(good.loaded, timeout=LONG):
        pass
    bad_path = tmp_path / "broken.csv"
    bad_path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    bad = window.open_path(bad_path)
    with qtbot.waitSignal(bad.failed, timeout=LONG) as failed:
        pass
    assert "broken.csv" in failed.args[0] and "PNG image" in failed.args[0]
    assert "broken.csv" in bad.status.text()
    assert window.tabs.count() == 3
    assert good.model.rowCount() == 2000


def test_a_file_that_crashes_the_reader_leaves_the_window_standing(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    from tests.core.read.crashers import aborting_parquet

    good = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(good.loaded, timeout=LONG):
        pass
    crafted = aborting_parquet(tmp_path / "crafted.parquet")
    bad = window.open_path(crafted)
    with qtbot.waitSignal(bad.failed, timeout=LONG) as failed:
        pass
    assert failed.args[0].startswith(f"{crafted}: the reader crashed on this file")
    # The process, the window and the other tab are all still here.
    assert window.tabs.count() == 3
    assert good.model.rowCount() == 2000


def test_cancel_stops_profiling(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    pl.DataFrame({"a": range(400_000), "b": [f"v{i % 977}" for i in range(400_000)]}).write_csv(
        path
    )
    view = QtDatasetView(path)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        view.start_loading()
    view.start_profile()
    worker = view.worker
    assert worker is not None
    with qtbot.waitSignal(worker.cancelled, timeout=LONG):
        view.cancel_button.click()
    assert view.profile is None and "cancelled" in view.status.text()


def test_missing_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert desktop_app.main([]) == 2
    assert "no display" in capsys.readouterr().err
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(desktop_app, "missing_xcb_libraries", lambda: ["libxcb-cursor0"])
    assert desktop_app.main([]) == 2
    assert "apt install libxcb-cursor0" in capsys.readouterr().err


def test_big_chart_page_loads_from_a_file(qtbot: Any) -> None:
    import plotly.graph_objects as go

    from desktop.qt_chart_view import SET_HTML_LIMIT, QtChartView

    view = QtChartView()
    qtbot.addWidget(view)
    points = 120_000
    figure = go.Figure(go.Scattergl(x=list(range(points)), y=[i % 97 for i in range(points)]))
    assert len(json.dumps(QtChartView.specs([figure]))) > SET_HTML_LIMIT
    with qtbot.waitSignal(view.loadFinished, timeout=LONG) as loaded:
        view.show_figures([figure])
    assert loaded.args == [True]
    assert view.url().isLocalFile() and view.url().toLocalFile().endswith("charts-1.html")
    results: list[str] = []

    def drawn() -> bool:
        view.page().runJavaScript(
            "typeof Plotly + ' ' + document.querySelectorAll('.main-svg').length", 0, results.append
        )
        return bool(results) and results[-1].startswith("object") and results[-1] != "object 0"

    qtbot.waitUntil(drawn, timeout=LONG)
    # A small page afterwards goes back to setHtml.
    with qtbot.waitSignal(view.loadFinished, timeout=LONG):
        view.show_figures([go.Figure(go.Bar(x=[1], y=[1]))])
    assert not view.url().toLocalFile().endswith(".html")
