"""The main window offscreen: files open in tabs, read and profile in workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.samples import SAMPLE_CSV
from desktop.qt_main_window import QtMainWindow

LONG = 60_000


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
