"""The window's Edit menu: undo and redo of the current tab's rows, copying its cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_shortcuts import shortcut_rows

LONG = 60_000
SHOTS = Path("/tmp/h17/shots")


def _show(qtbot: Any, window: QtMainWindow) -> None:
    """Show the window and make it the active one, where keys go."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _open(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    view = window.open_path(path)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    return view


def _filter(qtbot: Any, view: QtDatasetView, column: str, text: str) -> None:
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter(column, text)


def _edit_menu(window: QtMainWindow) -> QMenu:
    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    assert len(menus) == 1 and isinstance(menus[0], QMenu)
    return menus[0]


def _edit_action(window: QtMainWindow, text: str) -> QAction:
    found = [a for a in _edit_menu(window).actions() if a.text().replace("&", "") == text]
    assert len(found) == 1, text
    return found[0]


def _cities(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    pl.DataFrame(
        {"city": ["Paris", "Lyon", "Paris", "Nice"], "amount": [12.5, 3.0, 20.0, 7.0]}
    ).write_csv(path)
    return path


def test_undo_and_redo_follow_the_current_tab(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    undo, redo = _edit_action(window, "Undo"), _edit_action(window, "Redo")
    assert not undo.isEnabled() and not redo.isEnabled()
    first = _open(qtbot, window, _cities(tmp_path, "first.csv"))
    second = _open(qtbot, window, _cities(tmp_path, "second.csv"))
    _filter(qtbot, first, "city", "= Paris")
    # The filter was set in the tab not shown: the tab shown has nothing to undo.
    assert window.current_view() is second
    assert not undo.isEnabled() and not redo.isEnabled()
    window.tabs.setCurrentWidget(first)
    assert undo.isEnabled() and not redo.isEnabled()
    with qtbot.waitSignal(first.queried, timeout=LONG):
        undo.trigger()
    assert first.query.filters == {} and first.model.rowCount() == 4
    assert not undo.isEnabled() and redo.isEnabled()
    with qtbot.waitSignal(first.queried, timeout=LONG):
        redo.trigger()
    assert first.query.filters == {"city": "= Paris"} and first.model.rowCount() == 2
    assert undo.isEnabled() and not redo.isEnabled()
    window.tabs.setCurrentIndex(0)
    assert not undo.isEnabled()

    # The keys of the menu work from the grid.
    window.tabs.setCurrentWidget(first)
    _show(qtbot, window)
    first.grid.setFocus()
    with qtbot.waitSignal(first.queried, timeout=LONG):
        QTest.keyClick(first.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert first.query.filters == {}
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(first.queried, timeout=LONG):
        QTest.keyClick(first.grid, Qt.Key.Key_Z, both)
    assert first.query.filters == {"city": "= Paris"}


def test_copy_from_the_edit_menu_and_its_keys(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    view = _open(qtbot, window, _cities(tmp_path, "cities.csv"))
    _show(qtbot, window)
    model = view.model
    view.grid.selectionModel().select(
        QItemSelection(model.index(1, 0), model.index(2, 1)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    _edit_action(window, "Copy").trigger()
    assert QApplication.clipboard().text() == "Lyon\t3.0\nParis\t20.0\n"
    _edit_action(window, "Copy with column names").trigger()
    assert QApplication.clipboard().text() == "city\tamount\nLyon\t3.0\nParis\t20.0\n"
    QApplication.clipboard().clear()
    view.grid.setFocus()
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(view.grid, Qt.Key.Key_C, both)
    assert QApplication.clipboard().text() == "Lyon\t3.0\nParis\t20.0\n"
    QTest.keyClick(view.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "city\tamount\nLyon\t3.0\nParis\t20.0\n"
    # Ctrl+C in the search box copies its own text, not the cells.
    view.search.setText("Lyon")
    view.search.selectAll()
    view.search.setFocus()
    QTest.keyClick(view.search, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "Lyon"


def test_the_shortcut_list_names_the_edit_actions(window: QtMainWindow) -> None:
    rows = shortcut_rows(window)
    assert ("Edit", "Undo", "Ctrl+Z") in rows
    assert ("Edit", "Redo", "Ctrl+Shift+Z, Ctrl+Y") in rows
    assert ("Edit", "Copy", "Ctrl+Shift+C") in rows
    assert ("Edit", "Copy with column names", "Ctrl+C") in rows


def _with_menu(window: QtMainWindow, menu: QMenu, where: QPoint) -> Any:
    """The window with ``menu`` drawn where it opened (a menu is a window of its own)."""
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(window.mapFromGlobal(where), menu.grab())
    painter.end()
    return shot


def test_edit_and_cell_menu_screenshots(qtbot: Any, window: QtMainWindow) -> None:
    from core.samples import SAMPLE_CSV

    view = _open(qtbot, window, Path(SAMPLE_CSV))
    window.resize(1280, 820)
    window.show()
    qtbot.waitExposed(window)
    _filter(qtbot, view, "channel", "= web")
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.sort_by("order_id", True)
    assert _edit_action(window, "Undo").isEnabled()
    menu = _edit_menu(window)
    bar = window.menuBar()
    where = bar.mapToGlobal(bar.actionGeometry(menu.menuAction()).bottomLeft())
    menu.popup(where)
    qtbot.waitExposed(menu)
    _with_menu(window, menu, menu.pos()).save(str(SHOTS / "grid2-edit-menu.png"))
    menu.close()

    index = view.model.index(3, 2)
    point = view.grid.visualRect(index).center()
    pane = view.grid_pane
    shots: list[Any] = []

    def capture() -> None:
        cell_menu = pane.cell_menu_shown
        shots.append(_with_menu(window, cell_menu, cell_menu.pos()))
        cell_menu.close()

    QTimer.singleShot(0, capture)
    view.grid.customContextMenuRequested.emit(point)
    assert len(shots) == 1
    shots[0].save(str(SHOTS / "grid2-cell-menu.png"))
