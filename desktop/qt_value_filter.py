"""A column's filter picked as in a spreadsheet: tick values from its list, or give a range.

A thin view of a :class:`~desktop.models.session.DatasetSession`: the session
counts the column's values in the background (most frequent first, among the
rows the other filters keep); the list shows them with their counts, a
"(missing)" entry and, when the list is cut short, an entry for the values
not listed. Numbers, dates and date-times also get a From/To range. Apply
sets the column's filter through the session, so undo takes it back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.read.query import (
    Filter,
    ValueCounts,
    ValueSet,
    filter_literal,
    range_filter,
    value_text,
)
from desktop.models.session import DatasetSession

__all__ = ["QtValueFilter"]

# The position in the counts' values of an entry; the entry for values not listed has none.
_POSITION = Qt.ItemDataRole.UserRole
_OTHERS = -1
# A number or date column with more distinct values than this opens on its range.
_FEW_VALUES = 50


class QtValueFilter(QDialog):
    """The values of ``column`` to tick, and a range for numbers and dates.

    Args:
        session: the dataset.
        column: the column to filter.
        parent: the widget the dialog belongs to.
    """

    def __init__(self, session: DatasetSession, column: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.column = session, column
        self.counts: ValueCounts | None = None
        self.setWindowTitle(f"Filter {column}")
        self.setMinimumSize(380, 460)

        self.note = QLabel("Counting values…")
        self.note.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the values…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_find)
        self.values = QTreeWidget()
        self.values.setHeaderLabels(["Value", "Rows"])
        self.values.setRootIsDecorated(False)
        self.values.setUniformRowHeights(True)
        header = self.values.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.values.itemChanged.connect(lambda *_: self._update_apply())
        self.all_button = QPushButton("Select all")
        self.all_button.clicked.connect(lambda: self._tick_shown(True))
        self.none_button = QPushButton("Select none")
        self.none_button.clicked.connect(lambda: self._tick_shown(False))
        ticks = QHBoxLayout()
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addStretch(1)
        values_page = QWidget()
        values_layout = QVBoxLayout(values_page)
        values_layout.addWidget(self.search)
        values_layout.addWidget(self.values, 1)
        values_layout.addLayout(ticks)

        self.low, self.high = QLineEdit(), QLineEdit()
        self.low.textChanged.connect(lambda _: self._update_apply())
        self.high.textChanged.connect(lambda _: self._update_apply())
        self.range_note = QLabel()
        self.range_note.setWordWrap(True)
        range_page = QWidget()
        range_layout = QFormLayout(range_page)
        range_layout.addRow("From", self.low)
        range_layout.addRow("To", self.high)
        range_layout.addRow(self.range_note)

        self.tabs = QTabWidget()
        self.tabs.addTab(values_page, "Values")
        self.tabs.addTab(range_page, "Range")
        self.tabs.setTabEnabled(1, False)
        self.tabs.currentChanged.connect(lambda _: self._update_apply())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("Apply")
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        session.count_values(column, self._on_counts, self._on_failed)

    # -- what the user picked ----------------------------------------------------------

    def chosen(self) -> Filter:
        """The filter the dialog shows: a range text, values picked, or "" for every row."""
        counts = self.counts
        if counts is None:
            return self.session.query.filters.get(self.column, "")
        if self.tabs.currentIndex() == 1:
            return range_filter(self.low.text().strip() or None, self.high.text().strip() or None)
        kept: list[int] = []
        others = False
        for item in self._items():
            ticked = item.checkState(0) == Qt.CheckState.Checked
            position = item.data(0, _POSITION)
            if position == _OTHERS:
                others = ticked
            elif ticked:
                kept.append(position)
        return counts.pick(kept, others=others) or ""

    def accept(self) -> None:
        """Set the column's filter to what is picked, and close."""
        self.session.set_filter(self.column, self.chosen())
        super().accept()

    def done(self, result: int) -> None:
        # Closed before the counts came: they are no longer wanted.
        self.session.stop_counting()
        super().done(result)

    # -- the counts --------------------------------------------------------------------

    def _on_counts(self, counts: ValueCounts) -> None:
        """List the values, ticked as the column's filter says, and offer the range."""
        self.counts = counts
        current = self.session.query.filters.get(self.column)
        picked = set(current.values) if isinstance(current, ValueSet) else set()
        excluding = isinstance(current, ValueSet) and current.exclude

        def ticked(value: object) -> bool:
            if not isinstance(current, ValueSet):
                return True
            return (value in picked) != excluding

        self.values.blockSignals(True)
        self.values.clear()
        for position, (value, rows) in enumerate(counts.values):
            text = value_text(value, longest=80)
            self._add_item(text, rows, position, ticked(value), aside=value is None)
        if counts.others:
            text = f"({counts.others:,} other values)"
            self._add_item(text, None, _OTHERS, not picked or excluding, aside=True)
        self.values.blockSignals(False)
        found = f"{counts.distinct:,} distinct values in {counts.rows:,} rows"
        if self._others_filtered():
            found += " the other filters keep"
        if counts.others:
            found = f"The {len(counts.values):,} most frequent of {found}"
        self.note.setText(found[:1].upper() + found[1:] + ".")
        if counts.ranged:
            self.tabs.setTabEnabled(1, True)
            text = current if isinstance(current, str) else ""
            low, _, high = text.partition("..")
            exact = bool(text) and ".." in text
            self.low.setText(low.strip() if exact else filter_literal(counts.low))
            self.high.setText(high.strip() if exact else filter_literal(counts.high))
            self.range_note.setText(
                f"Smallest {value_text(counts.low)}, largest {value_text(counts.high)}. "
                "Both ends are included; missing values are left out. "
                "Leave an end empty to keep it open."
            )
            # Numbers with many values are filtered by range more often than value by value.
            many = counts.distinct > _FEW_VALUES
            if exact or (many and not isinstance(current, ValueSet)):
                self.tabs.setCurrentIndex(1)
        self._update_apply()

    def _on_failed(self, message: str) -> None:
        """Say why the values cannot be listed."""
        self.note.setText(message)
        self.note.setStyleSheet("color: #D55E00")

    # -- helpers -----------------------------------------------------------------------

    def _add_item(
        self, text: str, rows: int | None, position: int, ticked: bool, *, aside: bool = False
    ) -> None:
        """One entry of the list; ``aside`` (missing, values not listed) in italics."""
        item = QTreeWidgetItem([text, "" if rows is None else f"{rows:,}"])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        item.setData(0, _POSITION, position)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if aside:
            font = item.font(0)
            font.setItalic(True)
            item.setFont(0, font)
        self.values.addTopLevelItem(item)

    def _items(self) -> list[QTreeWidgetItem]:
        """Every entry of the list, shown or not."""
        found = (self.values.topLevelItem(i) for i in range(self.values.topLevelItemCount()))
        return [item for item in found if item is not None]

    def _on_find(self, text: str) -> None:
        """Show only the entries whose text contains ``text``, any case."""
        folded = text.strip().casefold()
        for item in self._items():
            item.setHidden(bool(folded) and folded not in item.text(0).casefold())

    def _tick_shown(self, ticked: bool) -> None:
        """Tick or untick every entry shown (the search may hide some)."""
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.values.blockSignals(True)
        for item in self._items():
            if not item.isHidden():
                item.setCheckState(0, state)
        self.values.blockSignals(False)
        self._update_apply()

    def _update_apply(self) -> None:
        """Apply needs the counts, and on the list at least one entry ticked."""
        if self.counts is None:
            self.apply_button.setEnabled(False)
        elif self.tabs.currentIndex() == 1:
            self.apply_button.setEnabled(bool(self.low.text().strip() or self.high.text().strip()))
        else:
            ticked = any(i.checkState(0) == Qt.CheckState.Checked for i in self._items())
            self.apply_button.setEnabled(ticked)

    def _others_filtered(self) -> bool:
        """Other filters or the search narrow the rows counted."""
        query = self.session.query
        return bool(query.search or set(query.filters) - {self.column})
