"""The overview's alerts and the Column view of an empty column, offscreen."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import Qt

from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow

LONG = 60_000


def profiled(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    with qtbot.waitSignal(window.open_path(path).loaded, timeout=LONG):
        pass
    view = window.current_view()
    assert view is not None
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    return view


def test_every_alert_can_be_scrolled_to(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    rows = 2_000
    frame = pl.DataFrame(
        {"id": range(rows)}
        | {f"same_{i}": [7] * rows for i in range(15)}
        | {f"gone_{i}": [None] * rows for i in range(15)},
        schema_overrides={f"gone_{i}": pl.String for i in range(15)},
    )
    path = tmp_path / "many_alerts.csv"
    frame.write_csv(path)
    window.resize(1000, 700)
    window.show()
    view = profiled(qtbot, window, path)
    alerts = view.profile["alerts"] if view.profile is not None else []
    assert len(alerts) > 15
    text = view.overview.text()
    assert all(html.escape(alert["message"]) in text for alert in alerts)
    area = view.profile_pane.overview_area
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=LONG)
    # The last alert's end lies within the scrolled range: the label is as tall as its text.
    assert view.overview.height() <= area.viewport().height() + bar.maximum()
    assert view.overview.height() >= view.overview.heightForWidth(view.overview.width())


def test_an_empty_column_says_so(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("x,y\n" + ",1\n" * 2_000)
    view = profiled(qtbot, window, path)
    notice = view.chart_pane.notice
    view.select_column("x")
    assert notice.text() == "'x' is missing in every row (2,000 of 2,000): nothing to chart"
    assert notice.isVisibleTo(view)
    view.select_column("y")
    assert notice.text() == "" and not notice.isVisibleTo(view)


def test_long_column_lines_end_within_the_list(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    hours = [f"2013-09-13T{h:02d}:00:00Z" for h in range(24)]
    frame = pl.DataFrame({"time_hour": hours * 2 + hours[:1], "n": range(49)})
    path = tmp_path / "hours.csv"
    frame.write_csv(path)
    window.resize(1280, 820)
    window.show()
    view = profiled(qtbot, window, path)
    columns = view.profile_pane.columns
    line = columns.item(0).text()
    assert line.endswith("top 2013-09-13 00:00:00+00:00"), line
    for width in (220, 300):
        columns.setFixedWidth(width)
        qtbot.waitUntil(lambda w=width: columns.viewport().width() < w)
        qtbot.waitUntil(
            lambda: columns.visualItemRect(columns.item(0)).right() < columns.viewport().width()
        )
        # The line is elided at the list's edge, not clipped behind a sideways scroll bar.
        assert columns.horizontalScrollBar().maximum() == 0
        assert columns.textElideMode() == Qt.TextElideMode.ElideRight
        metrics = columns.fontMetrics()
        assert metrics.horizontalAdvance(line.splitlines()[1]) > columns.viewport().width()
