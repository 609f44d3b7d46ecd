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

A filter can also be a :class:`ValueSet`: the values picked from a column's
list (:func:`count_values` gives the list, most frequent first), missing
values included or not. :func:`describe_filter` says any filter in a line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core.errors import OptionError

__all__ = [
    "Filter",
    "Query",
    "ValueCounts",
    "ValueSet",
    "apply_query",
    "count_values",
    "describe_filter",
    "filter_expression",
    "filter_literal",
    "query_order",
    "range_filter",
    "value_text",
]

Scalar = bool | int | float | str | dt.date | dt.datetime | dt.time

_OPERATOR = re.compile(r"^\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$", re.DOTALL)
_RANGE = re.compile(r"^\s*(.+?)\s*\.\.\s*(.+?)\s*$", re.DOTALL)


@dataclass(frozen=True)
class ValueSet:
    """The rows whose value is one of ``values``, or with ``exclude`` none of them.

    Attributes:
        values: values of the column's type; None stands for a missing value.
        exclude: keep the rows whose value is *not* one of ``values``.
    """

    values: tuple[Any, ...]
    exclude: bool = False


#: A column's filter: a text in the syntax of this module, or values picked from a list.
Filter = str | ValueSet


@dataclass(frozen=True)
class Query:
    """What to show of a table.

    Attributes:
        sort: ``(column, descending)`` pairs, the first the main key.
        filters: ``{column: filter}``, a text in the syntax of this module or a
            :class:`ValueSet`.
        search: text looked for in every column, any case ("" for none).
    """

    sort: tuple[tuple[str, bool], ...] = ()
    filters: dict[str, Filter] = field(default_factory=dict)
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
        filter_expression(column, schema.get(column), chosen)
        for column, chosen in query.filters.items()
        if not isinstance(chosen, str) or chosen.strip()
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


def filter_expression(column: str, dtype: pl.DataType | None, text: Filter) -> pl.Expr:
    """The condition ``text`` (a filter text or a :class:`ValueSet`) sets on ``column``.

    ``dtype`` is the column's type (None: there is no such column).

    Raises:
        OptionError: the column does not exist, or a value is not of its type.
    """
    if dtype is None:
        raise OptionError(f"cannot filter {column!r}: no such column")
    if isinstance(text, ValueSet):
        return _value_set_expression(column, dtype, text)
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


def _value_set_expression(column: str, dtype: pl.DataType, chosen: ValueSet) -> pl.Expr:
    """Rows whose value is (or with ``exclude`` is not) one of the values picked."""
    if dtype.is_nested() or dtype == pl.Object:
        raise OptionError(f"cannot pick values of {column!r}: its values are {dtype}")
    present = [value for value in chosen.values if value is not None]
    try:
        values = pl.Series(column, present, dtype=dtype)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        raise OptionError(f"filter on {column!r}: the values picked are not {dtype}") from None
    col = pl.col(column)
    # is_in gives missing for a missing value: it counts as picked only when None is.
    picked = col.is_in(values.implode()).fill_null(False)
    if len(present) < len(chosen.values):
        picked = picked | col.is_null()
    return ~picked if chosen.exclude else picked


def describe_filter(column: str, chosen: Filter, most: int = 3) -> str:
    """``column``'s filter in a short line: ``amount > 5``, ``origin ∈ {JFK, LGA}``.

    Args:
        column: the column filtered.
        chosen: its filter.
        most: how many picked values are named before "+N more".
    """
    if isinstance(chosen, str):
        return f"{column} {chosen}"
    names = [value_text(value) for value in chosen.values[:most]]
    if len(chosen.values) > most:
        names.append(f"+{len(chosen.values) - most:,} more")
    return f"{column} {'∉' if chosen.exclude else '∈'} {{{', '.join(names)}}}"


def value_text(value: Any, longest: int = 24) -> str:
    """A value as a list shows it: "(missing)", dates in ISO, long text cut."""
    if value is None:
        return "(missing)"
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = str(value).replace("\n", "⏎")
    return text if len(text) <= longest else text[: longest - 1] + "…"


def range_filter(low: Any, high: Any) -> str:
    """The filter text keeping ``low`` to ``high`` (both included; None leaves that end open)."""
    if low is None and high is None:
        return ""
    if high is None:
        return f">= {filter_literal(low)}"
    if low is None:
        return f"<= {filter_literal(high)}"
    return f"{filter_literal(low)}..{filter_literal(high)}"


def filter_literal(value: Any) -> str:
    """``value`` as the filter syntax reads it back exactly (text stays as it is)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class ValueCounts:
    """A column's values with how many rows hold each, most frequent first.

    Attributes:
        column: the column counted.
        values: ``(value, rows)`` pairs, most frequent first (ties in value
            order); a missing value (None) is always among them when there is one.
        distinct: how many distinct values there are (missing counting as one).
        rows: how many rows were counted.
        low, high: the smallest and largest value of a number, date or
            date-time column (None for other columns, or when all are missing).
    """

    column: str
    values: tuple[tuple[Any, int], ...]
    distinct: int
    rows: int
    low: Any = None
    high: Any = None

    @property
    def others(self) -> int:
        """How many distinct values are not listed."""
        return self.distinct - len(self.values)

    @property
    def ranged(self) -> bool:
        """True for a column of numbers, dates or date-times with a value: it can take a range."""
        return self.low is not None

    def pick(self, kept: Collection[int], *, others: bool) -> ValueSet | None:
        """The filter keeping the listed values at positions ``kept`` (None: every row).

        Args:
            kept: positions in :attr:`values` of the values to keep.
            others: keep the values that are not listed, too.
        """
        chosen = set(kept)
        dropped = tuple(v for i, (v, _) in enumerate(self.values) if i not in chosen)
        if not dropped and (others or not self.others):
            return None
        if others and self.others:
            return ValueSet(dropped, exclude=True)
        return ValueSet(tuple(v for i, (v, _) in enumerate(self.values) if i in chosen))


def count_values(frame: pl.DataFrame, column: str, limit: int = 1000) -> ValueCounts:
    """The ``limit`` most frequent values of ``column``, and missing values, counted by Polars.

    Raises:
        OptionError: no such column, or its values cannot be listed (nested values).
    """
    dtype = frame.schema.get(column)
    if dtype is None:
        raise OptionError(f"cannot list the values of {column!r}: no such column")
    if dtype.is_nested() or dtype == pl.Object:
        raise OptionError(f"cannot list the values of {column!r}: its values are {dtype}")
    series = frame.get_column(column)
    counts = series.value_counts(name="rows").sort(
        ["rows", column], descending=[True, False], nulls_last=True
    )
    listed = counts.filter(pl.col(column).is_not_null()).head(limit)
    values = list(listed.iter_rows())
    if series.null_count():
        values.append((None, series.null_count()))
        values.sort(key=lambda pair: -pair[1])
    low = high = None
    orderable = dtype.is_numeric() or dtype == pl.Date or isinstance(dtype, pl.Datetime)
    if orderable and series.null_count() < series.len():
        low, high = series.min(), series.max()
    return ValueCounts(column, tuple(values), counts.height, series.len(), low, high)
