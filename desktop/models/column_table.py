"""Every column of a profile in one table: a row each, its key figures in columns, sortable.

Plain data for the Statistics page (:class:`~desktop.qt_stats_table.QtStatsTable`
adapts it to Qt): cells as text, and sorting on the figures themselves, so
"1,200" comes after "900" and missing figures stay last in either order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.present.numbers import (
    format_duration,
    format_figure,
    format_number,
    format_share,
    format_when,
)
from core.profiling.document import ColumnProfile, Profile

__all__ = ["FIELDS", "ColumnTable", "Field"]


@dataclass(frozen=True)
class Field:
    """A column of the table: its title, the figure it shows, and that figure as text."""

    title: str
    value: Callable[[ColumnProfile], Any]
    text: Callable[[ColumnProfile], str]
    numeric: bool = True


def _figure(key: str) -> Callable[[ColumnProfile], Any]:
    """A column's figure ``key`` where it is a number (times are ISO text: kept as text)."""

    def value(column: ColumnProfile) -> Any:
        figure = column.get(key)
        return figure if isinstance(figure, (int, float, str)) else None

    return value


def _figure_text(key: str, *, in_values: bool = True) -> Callable[[ColumnProfile], str]:
    """A column's figure ``key`` as readable text ("" when it has none).

    ``in_values``: the figure is in the column's own values (a year's min
    prints "2013"), not a count.
    """

    def text(column: ColumnProfile) -> str:
        figure = column.get(key)
        if figure is None:
            return ""
        if column["kind"] == "duration" and isinstance(figure, (int, float)):
            return format_duration(figure)
        if isinstance(figure, str):
            return format_when(figure)
        return format_figure(figure, column) if in_values else format_number(figure)

    return text


def _top(column: ColumnProfile) -> str:
    """The most frequent value, as text."""
    top = column.get("top_values") or []
    if not top:
        return ""
    value = top[0]["value"]
    if value is None:
        return "∅"
    return (
        format_when(value)
        if column["kind"] == "datetime" and isinstance(value, str)
        else str(value)
    )


FIELDS: tuple[Field, ...] = (
    Field("column", lambda c: c["name"], lambda c: c["name"], numeric=False),
    Field("kind", lambda c: c["kind"], lambda c: c["kind"], numeric=False),
    Field(
        "missing %",
        lambda c: c["missing_fraction"],
        lambda c: format_share(c["missing_fraction"]),
    ),
    Field("missing", lambda c: c["missing"], lambda c: format_number(c["missing"])),
    Field("distinct", lambda c: c["distinct"], lambda c: format_number(c["distinct"])),
    Field("min", _figure("min"), _figure_text("min")),
    Field("max", _figure("max"), _figure_text("max")),
    Field("mean", _figure("mean"), _figure_text("mean")),
    Field("std", _figure("std"), _figure_text("std")),
    Field("zeros", _figure("zeros"), _figure_text("zeros", in_values=False)),
    Field("top value", _top, _top, numeric=False),
)


class ColumnTable:
    """The columns of a profile as rows, in the order last asked for.

    Args:
        profile: the profile (None: an empty table).
    """

    def __init__(self, profile: Profile | None = None) -> None:
        self.columns: list[ColumnProfile] = list(profile["columns"]) if profile else []
        self.order: tuple[int, bool] | None = None
        self._profile_order = list(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def text(self, row: int, field: int) -> str:
        """The cell at ``row`` and ``field``, as text."""
        return FIELDS[field].text(self.columns[row])

    def name(self, row: int) -> str:
        """The name of the column shown at ``row``."""
        return self.columns[row]["name"]

    def sort(self, field: int, *, descending: bool = False) -> None:
        """Order the rows by ``field``'s figures: numbers, then text, then columns without one.

        Numbers and text (a date's first value, say) each go in their own order,
        and columns without the figure stay last whichever the direction. A
        negative ``field`` (no header chosen) puts them back in the profile's order.
        """
        if field < 0:
            self.columns, self.order = list(self._profile_order), None
            return
        value = FIELDS[field].value
        numbers: list[ColumnProfile] = []
        texts: list[ColumnProfile] = []
        rest: list[ColumnProfile] = []
        for column in self.columns:
            figure = value(column)
            kept = numbers if isinstance(figure, (int, float)) else texts
            (rest if figure is None else kept).append(column)
        numbers.sort(key=value, reverse=descending)
        texts.sort(key=lambda c: str(value(c)).casefold(), reverse=descending)
        self.columns = numbers + texts + rest
        self.order = (field, descending)
