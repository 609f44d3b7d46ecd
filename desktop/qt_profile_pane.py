"""The side panel of a profile: the overview in words, and the list of columns.

A thin view of a :class:`~desktop.models.session.DatasetSession`: picking a
column in the list selects it in the session (whose charts and grid follow).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models.session import DatasetSession
from desktop.models.summaries import column_line, column_tooltip, overview_html
from desktop.qt_icons import kind_icon

__all__ = ["QtProfilePane"]


class _FitWidth(QStyledItemDelegate):
    """Items as wide as the list, so each line of a long one ends in "…", never clipped."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(0, super().sizeHint(option, index).height())


class QtProfilePane(QSplitter):
    """The overview above the column list, for one session."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.session = session
        self.overview = QLabel()
        self.overview.setTextFormat(Qt.TextFormat.RichText)
        self.overview.setWordWrap(True)
        self.overview.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.overview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Scrolls, so that every alert can be read however small the pane.
        self.overview_area = QScrollArea()
        self.overview_area.setWidgetResizable(True)
        self.overview_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.overview_area.setWidget(self.overview)
        self.columns = QListWidget()
        # Lines too long for the pane end in "…" (the tooltip has the name and type).
        self.columns.setItemDelegate(_FitWidth(self.columns))
        self.columns.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.columns.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.columns.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.columns.currentRowChanged.connect(self._on_column_selected)
        # Hundreds of columns: the list is narrowed to the names holding what is typed.
        self.column_search = QLineEdit()
        self.column_search.setPlaceholderText("Find a column…")
        self.column_search.setClearButtonEnabled(True)
        self.column_search.textChanged.connect(self._update_column_filter)
        column_box = QWidget()
        column_layout = QVBoxLayout(column_box)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(2)
        column_layout.addWidget(self.column_search)
        column_layout.addWidget(self.columns)
        self.addWidget(self.overview_area)
        self.addWidget(column_box)
        session.events.profiled.connect(self._on_profiled)
        session.events.selected.connect(self._on_selected)
        session.events.cleared.connect(self._on_cleared)

    def _on_profiled(self) -> None:
        """Show the overview and a line per column."""
        profile = self.session.profile
        if profile is None:
            return
        self.overview.setText(overview_html(profile))
        self.columns.blockSignals(True)
        self.columns.clear()
        for column in profile["columns"]:
            item = QListWidgetItem(kind_icon(column["kind"]), column_line(column))
            item.setToolTip(column_tooltip(profile, column))
            self.columns.addItem(item)
        self.columns.blockSignals(False)
        self._update_column_filter()

    def _on_selected(self, name: str) -> None:
        """Highlight the column selected (without selecting it again)."""
        profile = self.session.profile
        names = [c["name"] for c in profile["columns"]] if profile is not None else []
        if name in names:
            self.columns.blockSignals(True)
            self.columns.setCurrentRow(names.index(name))
            self.columns.blockSignals(False)

    def _update_column_filter(self) -> None:
        """Show only the columns whose name holds the text searched for, any case."""
        profile = self.session.profile
        names = [c["name"] for c in profile["columns"]] if profile is not None else []
        wanted = self.column_search.text().strip().casefold()
        for row, name in enumerate(names[: self.columns.count()]):
            self.columns.item(row).setHidden(wanted not in name.casefold())

    def _on_cleared(self) -> None:
        """Forget the old read's profile."""
        self.overview.clear()
        self.columns.clear()

    def _on_column_selected(self, row: int) -> None:
        """Select the column picked in the list."""
        profile = self.session.profile
        if profile is not None and row >= 0:
            self.session.select_column(profile["columns"][row]["name"])
