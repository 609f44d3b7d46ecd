"""A file opened again shows its columns as its tab left them (hidden, moved, frozen, widths)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from desktop.qt_column_memory import KEPT, QtColumnMemory
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow

LONG = 60_000


def _open(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    view = window.open_path(path)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    return view


def _close(window: QtMainWindow, view: QtDatasetView) -> None:
    window._on_close_tab(window.tabs.indexOf(view))


def test_a_file_opened_again_shows_its_columns_as_they_were(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [1.5, 2.5], "d": [True, False]})
    frame.write_csv(path)
    view = _open(qtbot, window, path)
    session = view.session
    session.hide_column("b")
    session.move_column("d", 0)
    session.freeze_columns(2)
    view.grid.setColumnWidth(view.model.rows.columns.index("c"), 187)
    assert view.model.rows.columns == ["d", "a", "c"]
    _close(window, view)

    again = _open(qtbot, window, tmp_path / "." / "orders.csv")
    assert again.session.column_view.hidden == {"b"}
    assert again.session.column_view.frozen == 2
    assert again.model.rows.columns == ["d", "a", "c"]
    assert again.grid.columnWidth(2) == 187
    assert again.grid_pane.frozen.isVisibleTo(again.grid)

    # The file changes: "a" is gone, "e" is new; what still applies is kept.
    _close(window, again)
    frame.drop("a").with_columns(e=pl.lit(0)).write_csv(path)
    changed = _open(qtbot, window, path)
    assert changed.session.column_view.hidden == {"b"}
    assert changed.model.rows.columns == ["d", "c", "e"]
    assert changed.grid.columnWidth(1) == 187
    assert changed.session.column_view.frozen == 2

    # Another file is not touched by it.
    other = tmp_path / "other.csv"
    frame.write_csv(other)
    fresh = _open(qtbot, window, other)
    assert fresh.model.rows.columns == ["a", "b", "c", "d"]
    assert fresh.session.column_view.frozen == 0


def test_only_the_last_files_are_kept(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    memory = QtColumnMemory(window.settings)
    path = tmp_path / "t.csv"
    pl.DataFrame({"a": [1], "b": [2]}).write_csv(path)
    view = _open(qtbot, window, path)
    view.session.hide_column("a")
    for number in range(KEPT + 5):
        memory.keep(tmp_path / f"f{number}.csv", view.grid_pane)
    kept = [
        k for k in window.settings.allKeys() if k.startswith("columns/") and k != "columns/files"
    ]
    assert len(kept) == KEPT
    assert memory._kept(tmp_path / "f0.csv") is None
    assert memory._kept(tmp_path / f"f{KEPT + 4}.csv") is not None
