"""The Statistics page: every column of the profile in a sortable table.

:class:`QtStatsModel` adapts a Qt-free :class:`~desktop.models.column_table.ColumnTable`
(which sorts on the figures, not their text); :class:`QtStatsTable` shows it
and selects the column of a row clicked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.models.column_table import FIELDS, ColumnTable
from desktop.models.session import DatasetSession

__all__ = ["QtStatsModel", "QtStatsTable"]

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class QtStatsModel(QAbstractTableModel):
    """A :class:`ColumnTable` for Qt's views."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = ColumnTable()

    def set_table(self, table: ColumnTable) -> None:
        """Show ``table`` (in the order last chosen, if any)."""
        self.beginResetModel()
        order = self.table.order
        self.table = table
        if order is not None:
            table.sort(order[0], descending=order[1])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIELDS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.table.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and FIELDS[index.column()].numeric:
            return int(_RIGHT.value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return FIELDS[section].title
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.table.sort(column, descending=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class QtStatsTable(QTableView):
    """The table of every column's figures, for one session; a click selects a column."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.stats = QtStatsModel(self)
        self.setModel(self.stats)
        # No order until a header is clicked: the profile's own order first.
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        # Cells too wide for their column end in "…"; their tooltip holds the whole text.
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._natural: list[int] = []  # each column's width for its whole content
        self._fitting = False
        self._sized_by_hand = False
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.clicked.connect(self._on_clicked)
        session.events.profiled.connect(self._on_profiled)
        session.events.cleared.connect(self._on_profiled)

    def _on_profiled(self) -> None:
        """Show the columns of the new profile (or none)."""
        self.stats.set_table(ColumnTable(self.session.profile))
        self._fitting = True
        self.resizeColumnsToContents()
        self._fitting = False
        self._natural = [self.columnWidth(field) for field in range(len(FIELDS))]
        self._sized_by_hand = False
        self._update_widths()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._sized_by_hand:
            self._update_widths()

    def _on_section_resized(self) -> None:
        """Keep the widths a user drags (the table stops fitting itself to the page)."""
        if not self._fitting:
            self._sized_by_hand = True

    def _update_widths(self) -> None:
        """Fit every column in the page: the widest (dates, long text) give way first.

        Each column keeps at least the room of its title (or all it needs, if
        less); columns narrower than a common cap keep their whole content.
        """
        if not self._natural:
            return
        header = self.horizontalHeader()
        floor = self.fontMetrics().horizontalAdvance("0" * 9)
        least = [min(n, max(header.sectionSizeHint(f), floor)) for f, n in enumerate(self._natural)]
        # The room without a sideways scroll bar, less the upright one the rows need.
        size = self.maximumViewportSize()
        room = size.width()
        if self.verticalHeader().length() > size.height():
            room -= self.verticalScrollBar().sizeHint().width()

        def widths(cap: int) -> list[int]:
            return [min(n, max(cap, low)) for n, low in zip(self._natural, least, strict=True)]

        low, high = 0, max(self._natural)  # the largest cap whose widths fit the room
        while low < high:
            cap = (low + high + 1) // 2
            low, high = (cap, high) if sum(widths(cap)) <= room else (low, cap - 1)
        self._fitting = True
        for field, width in enumerate(widths(low)):
            self.setColumnWidth(field, width)
        self._fitting = False

    def _on_clicked(self, index: QModelIndex) -> None:
        """Select the column of the row clicked."""
        if index.isValid():
            self.session.select_column(self.stats.table.name(index.row()))
