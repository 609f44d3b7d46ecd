"""A virtual table model over a Polars DataFrame.

An adapter, nothing analytical: ``rowCount`` is the frame's height and
``data`` reads from a cached window of rows around the one asked for, so a
view over ten million rows only ever materialises what is on screen. Sorting
and filtering happen in Polars, elsewhere; :meth:`QtFrameModel.set_frame`
swaps the frame with a model reset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.models.rows import ShownRows
from desktop.qt_icons import filter_icon

__all__ = ["QtFrameModel"]

_WINDOW = 512
_MISSING = "∅"
_MISSING_BRUSH = QBrush(QColor("#9a9a9a"))

Index = QModelIndex | QPersistentModelIndex


class QtFrameModel(QAbstractTableModel):
    """Rows of a table for a ``QTableView``.

    Args:
        frame: the rows to show (a frame, or rows of one a query chose).
        missing: per column, the share of missing values (for header tooltips).
    """

    def __init__(
        self,
        frame: ShownRows | pl.DataFrame | None = None,
        missing: dict[str, float] | None = None,
    ) -> None:
        super().__init__()
        self._frame = _shown(frame if frame is not None else pl.DataFrame())
        self._missing = missing or {}
        self._filters: dict[str, str] = {}
        self._numeric = [dtype.is_numeric() for dtype in self._frame.dtypes]
        self._window_start = -1
        self._window: list[tuple[Any, ...]] = []

    @property
    def rows(self) -> ShownRows:
        """The rows shown."""
        return self._frame

    @property
    def filters(self) -> dict[str, str]:
        """The filters marked in the headers."""
        return self._filters

    def set_frame(
        self,
        frame: ShownRows | pl.DataFrame,
        missing: dict[str, float] | None = None,
        filters: dict[str, str] | None = None,
    ) -> None:
        """Show other rows (after a sort, a filter, or the full read).

        Args:
            frame: the rows.
            missing: per column, the share of missing values (kept when None).
            filters: per column, the filter applied, marked in its header (kept when None).
        """
        self.beginResetModel()
        self._frame = frame = _shown(frame)
        if missing is not None:
            self._missing = missing
        if filters is not None:
            self._filters = filters
        self._numeric = [dtype.is_numeric() for dtype in frame.dtypes]
        self._window_start, self._window = -1, []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else self._frame.height

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else self._frame.width

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._row(index.row())[index.column()]
            return _MISSING if value is None else _text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if self._numeric[index.column()]
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _MISSING_BRUSH if self._row(index.row())[index.column()] is None else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if section >= self._frame.width:
            return None
        name = self._frame.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == Qt.ItemDataRole.DecorationRole:
            return filter_icon() if name in self._filters else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{name}\ntype: {self._frame.dtypes[section]}"
            if name in self._missing:
                tip += f"\nmissing: {self._missing[name]:.1%}"
            if name in self._filters:
                tip += f"\nfilter: {self._filters[name]}"
            return tip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _row(self, row: int) -> tuple[Any, ...]:
        """One row, from the cached window around it."""
        if not (self._window_start <= row < self._window_start + len(self._window)):
            self._window_start = max(0, row - _WINDOW // 4)
            self._window = self._frame.window(self._window_start, _WINDOW).rows()
        return self._window[row - self._window_start]


def _shown(frame: ShownRows | pl.DataFrame) -> ShownRows:
    """``frame`` as rows shown (all of a frame's)."""
    return frame if isinstance(frame, ShownRows) else ShownRows(frame)


def _text(value: Any) -> str:
    """A cell as display text (one line)."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).replace("\n", "⏎")
