"""Help → Keyboard shortcuts: the list read from the window's own actions, so it stays true."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["QtShortcutsDialog", "shortcut_rows"]


def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersands and trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _keys(action: QAction) -> str:
    """The action's shortcuts as the platform writes them, ``Ctrl+Tab, Ctrl+PgDown``."""
    return ", ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText)
        for key in action.shortcuts()
        if not key.isEmpty()
    )


def _walk(menu: QMenu, where: str, rows: list[tuple[str, str, str]], seen: set[int]) -> None:
    """Add ``menu``'s actions with shortcuts (and its submenus') to ``rows``."""
    for action in menu.actions():
        seen.add(id(action))
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            _walk(submenu, f"{where} → {_plain(action.text())}", rows, seen)
        elif _keys(action):
            rows.append((where, _plain(action.text()), _keys(action)))


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """Every keyboard shortcut of ``window``: (menu, action, keys), in menu order.

    Actions with a shortcut that sit on the window rather than in a menu
    (switching tabs, say) come last, under "Window".
    """
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            _walk(menu, _plain(action.text()), rows, seen)
    for action in window.actions():
        if id(action) not in seen and _keys(action):
            rows.append(("Window", _plain(action.text()), _keys(action)))
    return rows


class QtShortcutsDialog(QDialog):
    """The shortcuts of ``window`` in a table: where, what, which keys."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        # Rows as compact as the grid's, columns as wide as their text.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._update_size(window)

    def _update_size(self, window: QMainWindow) -> None:
        """Show every row without scrolling, as far as nine tenths of ``window`` allow."""
        table = self.table
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        frame = 2 * table.frameWidth()
        gutter = self.fontMetrics().horizontalAdvance("0" * 4)  # room after the keys
        wanted = QSize(
            header.length() + frame + gutter + table.verticalScrollBar().sizeHint().width(),
            header.sizeHint().height() + table.verticalHeader().length() + frame,
        )
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        around = QSize(
            margins.left() + margins.right(), self.sizeHint().height() - table.sizeHint().height()
        )
        self.resize((wanted + around).expandedTo(self.sizeHint()).boundedTo(window.size() * 0.9))
