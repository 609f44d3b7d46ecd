"""The rows of a dataset: the quick search, the filters in force, and the virtual grid.

A thin view of a :class:`~desktop.models.session.DatasetSession`: a header
click cycles the column's sort, its menu sorts, filters (by a condition or by
values picked from a list) and shows the column's profile, and typing in the
search box searches once typing pauses. A right-click on a cell copies the
selection, shows the cell whole or filters its column to its value. The
filters, search and sort show as chips that remove their part; Ctrl+Z and
Ctrl+Shift+Z (or Ctrl+Y) in the grid, or the arrows beside the chips, undo and
redo them. The rows themselves are
computed by the session, in Polars.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from typing import Any

import polars as pl
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
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

from core.read.query import ValueSet, describe_filter
from desktop.models.session import FILTER_HELP, DatasetSession
from desktop.qt_cell_viewer import QtCellViewer
from desktop.qt_header_room import header_room
from desktop.qt_query_chips import QtQueryChips
from desktop.qt_table_model import QtFrameModel
from desktop.qt_value_filter import QtValueFilter

__all__ = ["COPY_KEYS", "COPY_WITH_NAMES_KEYS", "QtGridPane"]

#: Copy the selected cells; with their column names (as spreadsheets paste a table).
COPY_KEYS, COPY_WITH_NAMES_KEYS = "Ctrl+Shift+C", "Ctrl+C"

# Columns are fitted to the first rows once, up to this width.
_MAX_WIDTH = 260


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
        header.customContextMenuRequested.connect(lambda point: self._on_header_menu(header, point))
        # Dragging a header moves the column in the session's column view (see _on_section_moved).
        header.setSectionsMovable(True)
        header.sectionMoved.connect(self._on_section_moved)
        header.sectionResized.connect(self._on_section_resized)
        #: each column's width, by name, so that it follows the column when columns move.
        self._widths: dict[str, int] = {}
        self._applying_widths = False
        # Per pixel, so that the frozen columns' view scrolls with the grid row for row.
        self.grid.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen = self._frozen_view()
        # The view scrolls the new current cell into view first (its own connection);
        # this then moves it out from under the frozen columns (the keyboard's left).
        self.grid.selectionModel().currentChanged.connect(
            lambda current, _: self._clear_of_frozen(current.column())
        )
        # The view's own Ctrl+C copies the current cell only: the selection is copied here.
        self.grid.installEventFilter(self)
        for view in (self.grid, self.frozen):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                functools.partial(self._on_cell_menu_requested, view)
            )

        self.jump = QLineEdit()
        self.jump.setPlaceholderText("Jump to column…")
        self.jump.setClearButtonEnabled(True)
        self.jump.setVisible(False)
        self.jump_completer = QCompleter([], self.jump)
        self.jump_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.jump_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.jump.setCompleter(self.jump_completer)
        self.jump_completer.activated.connect(self.jump_to_column)
        self.jump.returnPressed.connect(lambda: self.jump_to_column(self.jump.text()))
        self.jump.installEventFilter(self)

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
        query_bar.addWidget(self.jump, 1)
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
        events.columns.connect(self._on_columns)

    def focus_search(self) -> None:
        """Put the cursor in the quick search."""
        self.search.setFocus()
        self.search.selectAll()

    def copy_selection(self, *, names: bool = True) -> None:
        """Put the selected cells on the clipboard as tab-separated text.

        With ``names``, their column names come first. Rows come in the grid's
        order; a missing value, or a cell of the block that is not selected, is
        an empty cell; a cell with a tab, a line break or a quote is quoted as
        spreadsheets expect.
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
        if names:
            writer.writerow(shown.columns[c] for c in columns)
        for row, cells in zip(rows, values, strict=True):
            writer.writerow(
                _clipboard_text(value) if (row, column) in chosen else ""
                for column, value in zip(columns, cells, strict=True)
            )
        QApplication.clipboard().setText(out.getvalue())

    def view_cell(self, row: int, column: int) -> QtCellViewer:
        """Show the value at ``row``, ``column`` of the rows shown, whole and read-only."""
        shown = self.model.rows
        value = shown.window(row, 1).row(0)[column]
        viewer = QtCellViewer(shown.columns[column], row, value, self)
        viewer.show()
        return viewer

    def filter_to_value(self, row: int, column: int) -> None:
        """Keep the rows whose ``column`` holds the value at ``row`` (missing included)."""
        shown = self.model.rows
        value = shown.window(row, 1).row(0)[column]
        self.session.set_filter(shown.columns[column], ValueSet((value,)))

    def cell_menu(self, index: QModelIndex) -> QMenu:
        """The menu of the cell at ``index``: copy, view it whole, filter to its value."""
        row, column = index.row(), index.column()
        menu = QMenu(self)
        copy = menu.addAction("Copy", lambda: self.copy_selection(names=False))
        copy.setShortcut(QKeySequence(COPY_KEYS))
        names = menu.addAction("Copy with column names", lambda: self.copy_selection(names=True))
        names.setShortcut(QKeySequence(COPY_WITH_NAMES_KEYS))
        menu.addSeparator()
        menu.addAction("View cell…", lambda: self.view_cell(row, column))
        base = self.session.base
        name = self.model.rows.columns[column]
        dtype = base.schema.get(name) if base is not None else None
        value_filter = menu.addAction(
            "Filter to this value", lambda: self.filter_to_value(row, column)
        )
        value_filter.setEnabled(dtype is not None and not dtype.is_nested() and dtype != pl.Object)
        return menu

    def column_widths(self) -> dict[str, int]:
        """Each column's width, by name (those shown now and those seen before)."""
        widths = dict(self._widths)
        for index, name in enumerate(self.model.rows.columns):
            widths[name] = self.grid.columnWidth(index)
        return widths

    def set_column_widths(self, widths: dict[str, int]) -> None:
        """Give the columns named in ``widths`` those widths, wherever they stand."""
        self._widths.update(widths)
        self._show(self.session.shown_rows)

    def copy_column(self, column: str, *, values: bool) -> None:
        """Copy ``column``'s name, or its values in the rows shown (a line each)."""
        if not values:
            QApplication.clipboard().setText(column)
            return
        cells = self.model.rows.column(column).to_list()
        QApplication.clipboard().setText("\n".join(_clipboard_text(v) for v in cells))

    def ask_jump(self) -> None:
        """Open the box that jumps to a column by name (completing any part of it)."""
        if not self.session.shown.width:
            return
        self.jump_completer.model().setStringList(  # type: ignore[attr-defined]
            self.session.column_view.ordered(self.session.shown.columns)
        )
        self.jump.setVisible(True)
        self.jump.setFocus()
        self.jump.selectAll()

    def jump_to_column(self, name: str) -> None:
        """Scroll the grid to ``name`` (shown again if hidden) and select it."""
        name = name.strip()
        if name not in self.session.shown.columns:
            folded = [c for c in self.session.shown.columns if c.lower() == name.lower()]
            if not folded:
                return
            name = folded[0]
        if name in self.session.column_view.hidden:
            self.session.show_column(name)
        self.jump.clear()
        self.jump.setVisible(False)
        self._reveal_column(name)
        self.grid.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Copy (Ctrl+C), undo (Ctrl+Z), redo (Ctrl+Shift+Z, Ctrl+Y); place the frozen columns.

        Esc closes the box that jumps to a column.
        """
        if watched is self.grid and event.type() == QEvent.Type.Resize:
            self._update_frozen()
        if (
            watched is self.jump
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.jump.setVisible(False)
            self.grid.setFocus()
            return True
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
        self._show(self.session.shown_rows, {}, {})
        # Fit the columns to the first rows once; the view only measures visible rows.
        self.grid.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.grid.setColumnWidth(column, min(self.grid.columnWidth(column), _MAX_WIDTH))
        self._update_frozen()

    def _on_loaded(self) -> None:
        """Show all rows."""
        self._show(self.session.shown_rows)
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
        frame, query = session.shown_rows, session.query
        # The header's tooltip says the filter after the column's name: "> 5", "∈ {JFK, LGA}".
        described = {
            name: describe_filter(name, chosen).removeprefix(f"{name} ")
            for name, chosen in query.filters.items()
        }
        self._show(frame, filters=described)
        # Other rows are shown: start from the first, not where the old rows were scrolled to.
        self.grid.scrollToTop()
        if frame.height and frame.width:
            column = max(self.grid.currentIndex().column(), 0)
            self.grid.setCurrentIndex(self.model.index(0, min(column, frame.width - 1)))
        self._update_sort_indicator()
        self._update_frozen()
        self._update_query()

    def _on_profiled(self) -> None:
        """Put each column's share of missing values in its header's tooltip."""
        profile = self.session.profile
        if profile is not None:
            missing = {c["name"]: c["missing_fraction"] for c in profile["columns"]}
            self._show(self.model.rows, missing)

    def _on_columns(self) -> None:
        """Show the columns of the session's column view, in its order, frozen as it says."""
        self._show(self.session.shown_rows)
        self._update_sort_indicator()

    def _show(
        self,
        frame: Any,
        missing: dict[str, float] | None = None,
        filters: dict[str, str] | None = None,
    ) -> None:
        """Show ``frame``; each column keeps its width wherever it now stands."""
        self.model.set_frame(frame, missing, filters)
        self._applying_widths = True
        for index, name in enumerate(frame.columns):
            if name in self._widths:
                self.grid.setColumnWidth(index, self._widths[name])
        self._applying_widths = False
        self._update_frozen()

    def _frozen_view(self) -> QTableView:
        """A view of the first columns laid over the grid's left edge (Qt's frozen-column way).

        It shares the grid's model and selection, scrolls with it vertically,
        never sideways, and covers the grid's own first columns exactly.
        """
        frozen = QTableView(self.grid)
        frozen.setModel(self.model)
        frozen.setSelectionModel(self.grid.selectionModel())
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.verticalHeader().hide()
        frozen.verticalHeader().setDefaultSectionSize(
            self.grid.verticalHeader().defaultSectionSize()
        )
        frozen.setAlternatingRowColors(True)
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        frozen.setStyleSheet("QTableView { border: none; border-right: 2px solid palette(mid); }")
        header = frozen.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda point: self._on_header_menu(header, point))
        self.grid.viewport().stackUnder(frozen)
        frozen.verticalScrollBar().valueChanged.connect(self.grid.verticalScrollBar().setValue)
        self.grid.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        self.grid.horizontalScrollBar().valueChanged.connect(lambda _: self._update_frozen())
        frozen.hide()
        return frozen

    def _update_frozen(self) -> None:
        """Lay the frozen view over the grid's first columns (hidden when none are frozen)."""
        count = min(self.session.column_view.frozen, self.model.columnCount())
        frozen, grid = self.frozen, self.grid
        if count <= 0 or count >= self.model.columnCount():
            frozen.hide()
            return
        width = 0
        for column in range(self.model.columnCount()):
            frozen.setColumnHidden(column, column >= count)
            if column < count:
                frozen.setColumnWidth(column, grid.columnWidth(column))
                width += grid.columnWidth(column)
        frozen.horizontalHeader().setFixedHeight(grid.horizontalHeader().height())
        frame = grid.frameWidth()
        frozen.setGeometry(
            grid.verticalHeader().width() + frame,
            frame,
            # Its right border is drawn over the next column's first pixels, not its own.
            width + 2,
            grid.viewport().height() + grid.horizontalHeader().height(),
        )
        frozen.verticalScrollBar().setValue(grid.verticalScrollBar().value())
        frozen.show()
        frozen.raise_()

    def _update_sort_indicator(self) -> None:
        """Mark the main sort key's column in the header."""
        query, frame = self.session.query, self.model.rows
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
        self._make_header_room()
        self._update_query()

    def _make_header_room(self) -> None:
        """Widen a sorted or filtered column until its title clears the arrow and the funnel."""
        header, columns = self.grid.horizontalHeader(), self.model.rows.columns
        arrow = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
        for index, name in enumerate(columns):
            funnel = name in self.model.filters
            if index != arrow and not funnel:
                continue
            room = header_room(header, name, icon=funnel, sorted=index == arrow)
            if self.grid.columnWidth(index) < room:
                self.grid.setColumnWidth(index, room)

    def _reveal_column(self, name: str) -> None:
        """Scroll the grid to ``name`` and select it."""
        if name in self.model.rows.columns:
            index = self.model.rows.columns.index(name)
            top = max(self.grid.rowAt(0), 0)
            self.grid.scrollTo(self.model.index(top, index))
            self._clear_of_frozen(index)
            self.grid.selectColumn(index)

    def _clear_of_frozen(self, column: int) -> None:
        """Scroll so that ``column`` is not under the frozen columns."""
        if column < 0 or not self.frozen.isVisible() or column < self.session.column_view.frozen:
            return
        covered = self.frozen.width() - self.grid.columnViewportPosition(column)
        if covered > 0:
            bar = self.grid.horizontalScrollBar()
            bar.setValue(bar.value() - covered)

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

    def _on_section_moved(self, logical: int, old: int, new: int) -> None:
        """A header dragged elsewhere moves its column in the session's column view.

        The header's own move is undone: the model shows the columns in the
        view's order, so visual and model order never differ.
        """
        header = self.grid.horizontalHeader()
        name = self.model.rows.columns[logical]
        header.blockSignals(True)
        header.moveSection(new, old)
        header.blockSignals(False)
        self.session.move_column(name, new)

    def _on_section_resized(self, index: int, old: int, new: int) -> None:
        """Remember a column's width by its name; the frozen view follows."""
        if self._applying_widths or index >= self.model.columnCount():
            return
        self._widths[self.model.rows.columns[index]] = new
        if index < self.session.column_view.frozen:
            self._update_frozen()

    def _on_cell_menu_requested(self, view: QTableView, point: QPoint) -> None:
        """Open the cell's menu; a right-click outside the selection selects the cell first."""
        index = view.indexAt(point)
        if not index.isValid():
            return
        selection = self.grid.selectionModel()
        if not selection.isSelected(index):
            # Explicitly: the view's own choice would read the keys held down (Ctrl adds).
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.cell_menu_shown = menu = self.cell_menu(index)
        menu.exec(view.viewport().mapToGlobal(point))

    def _on_header_menu(self, header: QHeaderView, point: QPoint) -> None:
        """Sort, filter, copy, hide, move, freeze or show the profile of the column at ``point``."""
        session = self.session
        section = header.logicalIndexAt(point)
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
        menu.addSeparator()
        menu.addAction("Copy name", lambda: self.copy_column(column, values=False))
        menu.addAction("Copy values", lambda: self.copy_column(column, values=True))
        menu.addSeparator()
        self._add_column_actions(menu, column, section)
        if session.profile is not None:
            menu.addSeparator()
            menu.addAction("Show its profile", lambda: session.select_column(column))
        self.header_menu = menu
        menu.exec(header.mapToGlobal(point))

    def _add_column_actions(self, menu: QMenu, column: str, section: int) -> None:
        """Hide, show again, move and freeze columns, in ``menu``."""
        session, view = self.session, self.session.column_view
        shown = self.model.rows.columns
        hide = menu.addAction("Hide column", lambda: session.hide_column(column))
        hide.setEnabled(len(shown) > 1)
        hidden = [c for c in view.ordered(session.shown.columns) if c in view.hidden]
        again = menu.addMenu(f"Show hidden columns ({len(hidden)})")
        again.setEnabled(bool(hidden))
        if hidden:
            again.addAction("All", lambda: session.show_column(None))
            again.addSeparator()
            for name in hidden:
                again.addAction(name, functools.partial(session.show_column, name))
        left = menu.addAction("Move left", lambda: session.move_column(column, section - 1))
        left.setEnabled(section > 0)
        right = menu.addAction("Move right", lambda: session.move_column(column, section + 1))
        right.setEnabled(section < len(shown) - 1)
        menu.addAction(
            "Freeze columns up to here", lambda: session.freeze_columns(section + 1)
        ).setEnabled(section < len(shown) - 1)
        menu.addAction("Unfreeze columns", lambda: session.freeze_columns(0)).setEnabled(
            view.frozen > 0
        )

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
