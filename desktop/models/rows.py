"""The rows a grid shows: a table, and the positions of the rows a query keeps.

A sort or filter of ten million rows does not copy the table: the session keeps
the table once (memory-mapped from disk when it is big, see
:mod:`core.read.mapped`) and, per query, the numbers of the rows shown in their
order. A view asks for windows of rows, gathered when they are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

__all__ = ["ShownRows"]


@dataclass(frozen=True)
class ShownRows:
    """Rows of ``table``, all of them in order, or those ``order`` numbers, in its order.

    Attributes:
        table: every row read.
        order: positions in ``table`` of the rows shown (None: all of them, as they are).
    """

    table: pl.DataFrame
    order: pl.Series | None = None

    @property
    def height(self) -> int:
        """How many rows are shown."""
        return self.table.height if self.order is None else self.order.len()

    @property
    def width(self) -> int:
        """How many columns."""
        return self.table.width

    @property
    def columns(self) -> list[str]:
        """The column names."""
        return self.table.columns

    @property
    def dtypes(self) -> list[pl.DataType]:
        """The column types."""
        return self.table.dtypes

    @property
    def schema(self) -> pl.Schema:
        """The columns' names and types."""
        return self.table.schema

    def select(self, columns: Sequence[str]) -> ShownRows:
        """The same rows, of ``columns`` only, in that order (no data is copied)."""
        if list(columns) == self.table.columns:
            return self
        return ShownRows(self.table.select(columns), self.order)

    def column(self, name: str) -> pl.Series:
        """Column ``name`` of the rows shown, in order."""
        series = self.table.get_column(name)
        return series if self.order is None else series.gather(self.order)

    def window(self, start: int, length: int) -> pl.DataFrame:
        """The rows shown from ``start``, at most ``length`` of them."""
        if self.order is None:
            return self.table.slice(start, length)
        return self.table.select(pl.all().gather(self.order.slice(start, length)))

    def take(self, rows: Sequence[int], columns: Sequence[str] | None = None) -> pl.DataFrame:
        """The shown rows numbered ``rows`` (of ``columns``, default all), in that order."""
        table = self.table if columns is None else self.table.select(columns)
        positions = pl.Series(rows, dtype=pl.Int64)
        if self.order is not None:
            positions = self.order.gather(positions)
        return table.select(pl.all().gather(positions))

    def frame(self) -> pl.DataFrame:
        """Every row shown, in order, as one frame: a copy when a query chose them.

        For a worker that needs them all (an export, a profile of what is shown);
        a view reads :meth:`window` instead.
        """
        if self.order is None:
            return self.table
        return self.table.select(pl.all().gather(self.order))
