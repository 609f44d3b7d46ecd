"""Sorting, per-column filters and a quick search over a table's rows, in Polars.

A :class:`Query` is plain data (what the user asked for); :func:`apply_query`
turns it into one Polars expression chain, so a ten-million-row frame is
filtered and sorted by Polars' engine, never row by row in Python.

Filter syntax, per column (spaces around operators are optional):

==========================  ==============================================
``missing`` / ``!missing``  the value is (not) missing
``> 5``, ``>= 5``, ``< 5``  comparisons (numbers, dates, times, text)
``<= 5``, ``= 5``, ``!= 5``
``10..20``                  between, both ends included
``abc``                     text columns: contains ``abc``, any case;
                            other columns: equals ``abc``
==========================  ==============================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from core.errors import OptionError

__all__ = ["Query", "apply_query", "filter_expression", "query_order"]

Scalar = bool | int | float | str | dt.date | dt.datetime | dt.time

_OPERATOR = re.compile(r"^\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$", re.DOTALL)
_RANGE = re.compile(r"^\s*(.+?)\s*\.\.\s*(.+?)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Query:
    """What to show of a table.

    Attributes:
        sort: ``(column, descending)`` pairs, the first the main key.
        filters: ``{column: filter text}`` in the syntax of this module.
        search: text looked for in every column, any case ("" for none).
    """

    sort: tuple[tuple[str, bool], ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    search: str = ""

    @property
    def is_empty(self) -> bool:
        """True when the query leaves the rows as they are."""
        return not self.sort and not self.filters and not self.search


def apply_query(frame: pl.DataFrame, query: Query) -> pl.DataFrame:
    """The rows of ``frame`` that pass ``query``'s filters and search, in its order.

    Raises:
        OptionError: a filter names an unknown column or cannot be read for its type.
    """
    if query.is_empty:
        return frame
    return _queried(frame.lazy(), frame.schema, query).collect()


def query_order(frame: pl.DataFrame, query: Query) -> pl.Series | None:
    """The numbers of ``frame``'s rows that pass ``query``, in its order (None: all, as they are).

    The same rows as :func:`apply_query`, as positions (an unsigned integer
    Series) instead of a copy: sorting ten million rows then costs the sort
    keys and one integer per row, and a view shows a window of rows with
    ``frame[order.slice(start, n)]``.

    Raises:
        OptionError: a filter names an unknown column or cannot be read for its type.
    """
    if query.is_empty:
        return None
    name = "row"
    while name in frame.schema:
        name = f"_{name}"
    lazy = frame.lazy().with_row_index(name)
    return _queried(lazy, frame.schema, query).select(name).collect().to_series()


def _queried(lazy: pl.LazyFrame, schema: pl.Schema, query: Query) -> pl.LazyFrame:
    """``lazy`` filtered, searched and sorted as ``query`` says (``schema``: the table's)."""
    conditions = [
        filter_expression(column, schema.get(column), text)
        for column, text in query.filters.items()
        if text.strip()
    ]
    if query.search:
        conditions.append(_search_expression(schema, query.search))
    if conditions:
        lazy = lazy.filter(pl.all_horizontal(conditions))
    if query.sort:
        for column, _ in query.sort:
            if column not in schema:
                raise OptionError(f"cannot sort by {column!r}: no such column")
        lazy = lazy.sort(
            [column for column, _ in query.sort],
            descending=[descending for _, descending in query.sort],
            nulls_last=True,
            maintain_order=True,
        )
    return lazy


def filter_expression(column: str, dtype: pl.DataType | None, text: str) -> pl.Expr:
    """The condition ``text`` sets on ``column`` of type ``dtype``.

    Raises:
        OptionError: the column does not exist, or a value is not of its type.
    """
    if dtype is None:
        raise OptionError(f"cannot filter {column!r}: no such column")
    col = pl.col(column)
    stripped = text.strip()
    if stripped.lower() in ("missing", "∅", "null"):
        return col.is_null()
    if stripped.lower() in ("!missing", "!∅", "!null"):
        return col.is_not_null()
    if (match := _OPERATOR.match(stripped)) is not None:
        operator, raw = match.groups()
        value = _value(column, dtype, raw)
        match operator:
            case ">":
                return col > value
            case ">=":
                return col >= value
            case "<":
                return col < value
            case "<=":
                return col <= value
            case "!=":
                return col.ne_missing(value)
            case _:
                return col.eq_missing(value)
    if dtype != pl.String and (match := _RANGE.match(stripped)) is not None:
        low, high = (_value(column, dtype, raw) for raw in match.groups())
        return col.is_between(low, high, closed="both")
    if dtype == pl.String:
        return col.str.contains(f"(?i){re.escape(stripped)}")
    return col.eq_missing(_value(column, dtype, stripped))


def _value(column: str, dtype: pl.DataType, raw: str) -> Scalar:
    """``raw`` as a value of ``dtype``."""
    try:
        if dtype == pl.String:
            return raw
        if dtype == pl.Boolean:
            folded = raw.strip().lower()
            if folded in ("true", "yes", "1"):
                return True
            if folded in ("false", "no", "0"):
                return False
            raise ValueError(raw)
        if dtype.is_integer():
            number = float(raw.replace(",", ""))
            return int(number) if number.is_integer() else number
        if dtype.is_numeric():
            return float(raw.replace(",", ""))
        if dtype == pl.Date:
            return dt.date.fromisoformat(raw.strip())
        if isinstance(dtype, pl.Datetime):
            moment = dt.datetime.fromisoformat(raw.strip())
            if dtype.time_zone is not None and moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return moment
        if dtype == pl.Time:
            return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise OptionError(
            f"filter on {column!r}: {raw!r} is not a {_type_name(dtype)} value"
        ) from None
    raise OptionError(f"filter on {column!r}: only missing / !missing apply to {dtype} values")


def _type_name(dtype: pl.DataType) -> str:
    """A short, user-facing name of a type."""
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Date:
        return "date (YYYY-MM-DD)"
    if isinstance(dtype, pl.Datetime):
        return "date-time (YYYY-MM-DD HH:MM:SS)"
    if dtype == pl.Boolean:
        return "true/false"
    return str(dtype)


def _search_expression(schema: pl.Schema, text: str) -> pl.Expr:
    """Rows where any column's text contains ``text``, any case."""
    pattern = f"(?i){re.escape(text)}"
    return pl.any_horizontal(
        pl.col(name).cast(pl.String).str.contains(pattern).fill_null(False) for name in schema
    )
