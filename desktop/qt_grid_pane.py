"""The rows of a dataset: the quick search, the filters in force, and the virtual grid.

A thin view of a :class:`~desktop.models.session.DatasetSession`: a header
click cycles the column's sort, its menu sorts, filters (by a condition or by
values picked from a list) and shows the column's profile, and typing in the
search box searches once typing pauses. The filters, search and sort show as
chips that remove their part; Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) in the grid,
or the arrows beside the chips, undo and redo them. The rows themselves are
computed by the session, in Polars.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import polars as pl
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.read.query import describe_filter
from desktop.models.session import FILTER_HELP, DatasetSession
from desktop.qt_query_chips import QtQueryChips
from desktop.qt_table_model import QtFrameModel
from desktop.qt_value_filter import QtValueFilter

__all__ = ["QtGridPane"]

# Columns are fitted to the first rows once, up to this width.
_MAX_WIDTH = 260
# Room for the funnel drawn in a filtered column's header.
_FUNNEL_WIDTH = 20


class QtGridPane(QWidget):
    """The search box, the filters line, the row count and the grid, for one session."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = QtFrameModel()
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().setDefaultSectionSize(22)
        header = self.grid.horizontalHeader()
        # Measuring 1,000 rows (Qt's default) per column on the GUI thread stalls it.
        header.setResizeContentsPrecision(100)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        # The view's own Ctrl+C copies the current cell only: the selection is copied here.
        self.grid.installEventFilter(self)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search all columns…")
        self.search.setClearButtonEnabled(True)
        self.search.setEnabled(False)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self._on_search)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.chips = QtQueryChips(session)
        # Why the last filter asked for was refused (hidden when none was).
        self.filters_label = QLabel()
        self.filters_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filters_label.setToolTip(FILTER_HELP)
        self.filters_label.setWordWrap(True)
        self.filters_label.setStyleSheet("color: #D55E00")
        self.filters_label.setVisible(False)
        self.undo_button = _tool_button("↶", "Undo the last change of filters, search or sort")
        self.undo_button.clicked.connect(session.undo)
        self.redo_button = _tool_button("↷", "Redo what was undone")
        self.redo_button.clicked.connect(session.redo)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.clear_query)
        self.rows_label = QLabel()

        query_bar = QHBoxLayout()
        query_bar.addWidget(self.search, 2)
        query_bar.addWidget(self.chips, 5)
        query_bar.addStretch(0)
        query_bar.addWidget(self.undo_button)
        query_bar.addWidget(self.redo_button)
        query_bar.addWidget(self.clear_button)
        query_bar.addWidget(self.rows_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(query_bar)
        layout.addWidget(self.filters_label)
        layout.addWidget(self.grid)

        events = session.events
        events.previewed.connect(self._on_previewed)
        events.loaded.connect(self._on_loaded)
        events.cleared.connect(self._on_cleared)
        events.query.connect(self._update_query)
        events.queried.connect(self._on_queried)
        events.profiled.connect(self._on_profiled)
        events.selected.connect(self._reveal_column)

    def focus_search(self) -> None:
        """Put the cursor in the quick search."""
        self.search.setFocus()
        self.search.selectAll()

    def copy_selection(self) -> None:
        """Put the selected cells on the clipboard as tab-separated text, with their column names.

        Rows come in the grid's order; a missing value, or a cell of the block
        that is not selected, is an empty cell; a cell with a tab, a line break
        or a quote is quoted as spreadsheets expect.
        """
        indexes = self.grid.selectionModel().selectedIndexes()
        if not indexes:
            return
        shown = self.model.rows
        rows = sorted({index.row() for index in indexes})
        columns = sorted({index.column() for index in indexes})
        chosen = {(index.row(), index.column()) for index in indexes}
        values = shown.take(rows, [shown.columns[c] for c in columns]).rows()
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(shown.columns[c] for c in columns)
        for row, cells in zip(rows, values, strict=True):
            writer.writerow(
                _clipboard_text(value) if (row, column) in chosen else ""
                for column, value in zip(columns, cells, strict=True)
            )
        QApplication.clipboard().setText(out.getvalue())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the grid, copy (Ctrl+C), undo (Ctrl+Z) and redo (Ctrl+Shift+Z, Ctrl+Y)."""
        if (
            watched is self.grid
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selection()
                return True
            if _is_redo(event):
                self.session.redo()
                return True
            if event.matches(QKeySequence.StandardKey.Undo):
                self.session.undo()
                return True
        return super().eventFilter(watched, event)

    def pick_values(self, column: str) -> QtValueFilter:
        """Open the list of ``column``'s values to filter it by (and its range)."""
        dialog = QtValueFilter(self.session, column, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def clear_query(self) -> None:
        """Empty the search box and remove the filters (the sort stays)."""
        self._clear_search_box()
        self.session.clear_query()

    def _clear_search_box(self) -> None:
        """Empty the search box without starting a search."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    # -- the session's events ----------------------------------------------------------

    def _on_previewed(self) -> None:
        """Show the first rows and fit the columns to them."""
        self.model.set_frame(self.session.shown, {}, {})
        # Fit the columns to the first rows once; the view only measures visible rows.
        self.grid.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.grid.setColumnWidth(column, min(self.grid.columnWidth(column), _MAX_WIDTH))

    def _on_loaded(self) -> None:
        """Show all rows."""
        self.model.set_frame(self.session.shown)
        self.search.setEnabled(True)
        self._update_query()

    def _on_cleared(self) -> None:
        """The file is read again: no search until its rows are in."""
        self._clear_search_box()
        self.search.setEnabled(False)

    def _on_queried(self) -> None:
        """Show the rows of the sort, filters and search, marked in the headers."""
        session = self.session
        if session.query_error is not None:
            return
        frame, query = session.shown, session.query
        newly_filtered = set(query.filters) - set(self.model.filters)
        # The header's tooltip says the filter after the column's name: "> 5", "∈ {JFK, LGA}".
        described = {
            name: describe_filter(name, chosen).removeprefix(f"{name} ")
            for name, chosen in query.filters.items()
        }
        self.model.set_frame(frame, filters=described)
        # Other rows are shown: start from the first, not where the old rows were scrolled to.
        self.grid.scrollToTop()
        if frame.height and frame.width:
            column = max(self.grid.currentIndex().column(), 0)
            self.grid.setCurrentIndex(self.model.index(0, min(column, frame.width - 1)))
        for name in newly_filtered & set(frame.columns):
            index = frame.columns.index(name)
            self.grid.setColumnWidth(index, self.grid.columnWidth(index) + _FUNNEL_WIDTH)
        header = self.grid.horizontalHeader()
        if query.sort and query.sort[0][0] in frame.columns:
            name, descending = query.sort[0]
            header.setSortIndicatorShown(True)
            header.setSortIndicator(
                frame.columns.index(name),
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
        else:
            header.setSortIndicatorShown(False)
        self._update_query()

    def _on_profiled(self) -> None:
        """Put each column's share of missing values in its header's tooltip."""
        profile = self.session.profile
        if profile is not None:
            missing = {c["name"]: c["missing_fraction"] for c in profile["columns"]}
            self.model.set_frame(self.model.rows, missing)

    def _reveal_column(self, name: str) -> None:
        """Scroll the grid to ``name`` and select it."""
        if name in self.model.rows.columns:
            index = self.model.rows.columns.index(name)
            top = max(self.grid.rowAt(0), 0)
            self.grid.scrollTo(self.model.index(top, index))
            self.grid.selectColumn(index)

    def _update_query(self) -> None:
        """Show why a filter was refused, what undo and redo can do, the search, the row count.

        The filters, search and sort in force are the chips' to show.
        """
        session = self.session
        self.filters_label.setText(session.query_error or "")
        self.filters_label.setVisible(session.query_error is not None)
        self.undo_button.setEnabled(session.can_undo)
        self.redo_button.setEnabled(session.can_redo)
        # Undo, redo or a chip changed the search: the box says it, unless the user is typing.
        if not self._search_timer.isActive() and self.search.text() != session.query.search:
            self.search.blockSignals(True)
            self.search.setText(session.query.search)
            self.search.blockSignals(False)
        self.clear_button.setVisible(bool(session.query.filters or session.query.search))
        self.rows_label.setText(session.rows_text)

    # -- the user's actions ------------------------------------------------------------

    def _on_search(self) -> None:
        """Search once typing pauses."""
        self.session.set_search(self.search.text())

    def _on_header_clicked(self, section: int) -> None:
        """A click cycles the column through ascending, descending and unsorted."""
        if self.session.base is None:
            return
        shift = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.session.cycle_sort(self.model.rows.columns[section], add=shift)

    def _on_header_menu(self, point: QPoint) -> None:
        """Sort, filter, or show the profile of the column under ``point``."""
        session = self.session
        section = self.grid.horizontalHeader().logicalIndexAt(point)
        if section < 0 or session.base is None:
            return
        column = self.model.rows.columns[section]
        menu = QMenu(self)
        menu.addAction("Sort ascending", lambda: session.sort_by(column, False))
        menu.addAction("Sort descending", lambda: session.sort_by(column, True))
        menu.addAction("Unsort", lambda: session.sort_by(column, None, add=True))
        menu.addSeparator()
        menu.addAction("Filter…", lambda: self._ask_filter(column))
        values = menu.addAction("Filter by values…", lambda: self.pick_values(column))
        dtype = session.base.schema[column]
        values.setEnabled(not dtype.is_nested() and dtype != pl.Object)
        clear = menu.addAction("Clear filter", lambda: session.set_filter(column, ""))
        clear.setEnabled(column in session.query.filters)
        if session.profile is not None:
            menu.addSeparator()
            menu.addAction("Show its profile", lambda: session.select_column(column))
        menu.exec(self.grid.horizontalHeader().mapToGlobal(point))

    def _ask_filter(self, column: str) -> None:
        """Ask for ``column``'s filter."""
        current = self.session.query.filters.get(column, "")
        text, ok = QInputDialog.getText(
            self,
            f"Filter {column}",
            FILTER_HELP.replace(" · ", "\n").replace("Filter syntax: ", "Keep the rows where:\n"),
            text=current if isinstance(current, str) else "",
        )
        if ok:
            self.session.set_filter(column, text)


def _tool_button(text: str, tip: str) -> QToolButton:
    """A small button showing ``text``, explained by ``tip``."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setEnabled(False)
    button.setAutoRaise(True)
    return button


def _is_redo(event: QKeyEvent) -> bool:
    """Ctrl+Shift+Z, Ctrl+Y, or the platform's redo keys."""
    if event.matches(QKeySequence.StandardKey.Redo):
        return True
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    control, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    return (event.key() == Qt.Key.Key_Z and modifiers == control | shift) or (
        event.key() == Qt.Key.Key_Y and modifiers == control
    )


def _clipboard_text(value: Any) -> str:
    """A cell as a spreadsheet reads it: missing is empty, numbers and dates in full."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)
