"""Help → Keyboard shortcuts: compact, and every shortcut in sight at once."""

from __future__ import annotations

from typing import Any

from desktop.qt_main_window import QtMainWindow
from desktop.qt_shortcuts import QtShortcutsDialog


def test_every_shortcut_shows_without_scrolling(qtbot: Any, window: QtMainWindow) -> None:
    window.resize(1280, 820)
    window.show()
    dialog = QtShortcutsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.rowCount() >= 12
    # Rows as tall as the grid's: a line of text and a little room.
    assert table.rowHeight(0) <= table.fontMetrics().height() + 8
    assert table.verticalScrollBar().maximum() == 0
    assert table.horizontalScrollBar().maximum() == 0
    last = table.visualRect(table.model().index(table.rowCount() - 1, 2))
    assert last.bottom() < table.viewport().height()
    assert dialog.height() <= window.height()
    # Not stretched past its text: the keys column ends near the longest keys.
    keys = table.sizeHintForColumn(2)
    assert table.columnWidth(2) < keys + table.fontMetrics().horizontalAdvance("0" * 12)
