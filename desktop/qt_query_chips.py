"""The filters, search and sort in force, as a row of chips that each remove their part.

A thin view of a :class:`~desktop.models.session.DatasetSession`: one chip per
column filter ("origin ∈ {JFK, LGA}", "dep_delay > 30"), one for the search
and one per sort key; its × asks the session to drop just that part, so undo
brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from core.read.query import describe_filter
from desktop.models.session import DatasetSession

__all__ = ["QtQueryChip", "QtQueryChips"]

# A chip's tint per part (Okabe-Ito), translucent so it reads on light and dark themes.
_TINTS = {"filter": "0, 114, 178", "search": "0, 158, 115", "sort": "230, 159, 0"}
# Longer texts are cut in the chip; the tooltip has them whole.
_LONGEST = 48


class QtQueryChip(QFrame):
    """One part of the query: its text and a × that removes it.

    Args:
        kind: "filter", "search" or "sort" (sets the tint).
        text: what the part says.
        remove: drops the part.
    """

    def __init__(self, kind: str, text: str, remove: Callable[[], None]) -> None:
        super().__init__()
        self.kind, self.text = kind, text
        self.setObjectName("chip")
        tint = _TINTS[kind]
        self.setStyleSheet(
            f"QFrame#chip {{ background: rgba({tint}, 0.16); border: 1px solid rgba({tint}, 0.7);"
            " border-radius: 10px; }"
            " QToolButton { border: none; padding: 0 2px; font-weight: bold; }"
            f" QToolButton:hover {{ background: rgba({tint}, 0.35); border-radius: 7px; }}"
        )
        label = QLabel(text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip(text)
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        self.remove_button.setToolTip(f"Remove {text}")
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.clicked.connect(remove)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(label)
        layout.addWidget(self.remove_button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class QtQueryChips(QScrollArea):
    """The chips of the query in force; scrolls sideways when they do not fit."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._row = QWidget()
        self._row.setAutoFillBackground(False)
        self._layout = QHBoxLayout(self._row)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setWidget(self._row)
        self.viewport().setAutoFillBackground(False)
        session.events.query.connect(self._update_chips)
        self._update_chips()

    @property
    def chips(self) -> list[QtQueryChip]:
        """The chips shown, in order: filters, search, sort."""
        items = (self._layout.itemAt(i) for i in range(self._layout.count()))
        widgets = (item.widget() for item in items if item is not None)
        return [widget for widget in widgets if isinstance(widget, QtQueryChip)]

    def _update_chips(self) -> None:
        """Show a chip for each part of the query in force."""
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        session, query = self.session, self.session.query
        parts: list[tuple[str, str, Callable[[], None]]] = []
        for column, chosen in query.filters.items():
            parts.append(
                ("filter", describe_filter(column, chosen), partial(session.set_filter, column, ""))
            )
        if query.search:
            parts.append(("search", f"search: {query.search}", lambda: session.set_search("")))
        for position, (column, descending) in enumerate(query.sort):
            arrow = "↓" if descending else "↑"
            text = f"{'sorted by' if position == 0 else 'then'} {column} {arrow}"
            parts.append(("sort", text, partial(session.sort_by, column, None, add=True)))
        for index, (kind, text, remove) in enumerate(parts):
            self._layout.insertWidget(index, QtQueryChip(kind, text, remove))
        self.setVisible(bool(parts))
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """As high as a chip, and its scroll bar when the chips are wider than the pane."""
        height = max((c.sizeHint().height() for c in self.chips), default=0) + 2
        if self._row.sizeHint().width() > self.width():
            height += self.horizontalScrollBar().sizeHint().height()
        if height != self.height():
            self.setFixedHeight(height)
