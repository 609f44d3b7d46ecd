"""What a column's mergeable state says about its distribution, ready to be compared.

Numbers and instants are read as weighted samples: the distinct values and
their exact counts where the counts are exact, else the digest's quantiles at
``grid`` evenly spaced levels (each of equal weight). Instants and durations are
in seconds, numbers in their own units. Categories are read as counts: exact,
or the frequent-items sketch's most frequent values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from core.profiling.column_partial import ColumnPartial

__all__ = [
    "LENGTH_FAMILIES",
    "MEASURED_FAMILIES",
    "Categories",
    "Sample",
    "categories",
    "sample",
]

#: Families measured by their values (numbers, instants in seconds, durations in seconds).
MEASURED_FAMILIES = ("numeric", "datetime", "time", "duration")
#: Families measured by their lengths (bytes of a binary value, elements of a list).
LENGTH_FAMILIES = ("binary", "list")
CATEGORY_FAMILIES = ("string", "boolean")

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Sample:
    """A column's finite measured values as a weighted sample, ascending.

    Attributes:
        values: the values (seconds for instants and durations).
        weights: how many values each stands for.
        exact: from exact value counts (else from the digest's quantiles).
        integer: whole numbers (bins then fall between them).
        n: values counted.
        scale: the column's units per value unit (to read its digest).
    """

    values: Array
    weights: Array
    exact: bool
    integer: bool
    n: int
    scale: float

    def bin_counts(self, part: ColumnPartial, edges: list[float]) -> Array:
        """Counts between consecutive ``edges`` (last bin closed): exact, or from the digest."""
        if self.exact:
            counts, _ = np.histogram(self.values, bins=edges, weights=self.weights)
            return np.asarray(counts, dtype=np.float64)
        return np.asarray(
            part.digest.counts([e * self.scale for e in edges], self.n), dtype=np.float64
        )


def _scale(part: ColumnPartial) -> float:
    """Column units per reported unit: 1 for numbers, units per second for instants."""
    if part.family in ("datetime", "time", "duration"):
        return 1e6 * part.scale
    return 1.0


def sample(part: ColumnPartial, grid: int) -> Sample | None:
    """The column's measured values as a weighted sample (None: no finite value).

    Binary and list columns are measured by their lengths: exact counts of
    them, or the digest (which is fed their lengths).
    """
    scale = _scale(part)
    if part.family in LENGTH_FAMILIES:
        integer = True
        counts = part.lengths.counts if part.lengths is not None else None
    else:
        integer = part.family == "numeric" and part.values.kind in ("int", "str")
        counts = part.values.counts
    if counts is not None:
        cast = counts.with_columns(pl.col("value").cast(pl.Float64, strict=False))
        cast = cast.filter(pl.col("value").is_finite()).sort("value")
        if not cast.height:
            return None
        values = cast.get_column("value").to_numpy() / scale
        weights = cast.get_column("count").to_numpy().astype(np.float64)
        return Sample(values, weights, True, integer, int(weights.sum()), scale)
    if part.digest.empty:
        return None
    levels = [(i + 0.5) / grid for i in range(grid)]
    values = np.sort(np.asarray(part.digest.quantiles(levels), dtype=np.float64)) / scale
    n = part.moments.n
    return Sample(values, np.full(grid, n / grid), False, integer, n, scale)


@dataclass(frozen=True)
class Categories:
    """A column's values by category.

    Attributes:
        counts: count of each category known (all of them when ``exact`` or ``complete``).
        exact: the counts are exact and complete, from value counts.
        n: values counted (the non-missing rows).
        complete: every category is known with its exact count: from value counts,
            or from a frequent-items sketch that never had to drop one. Only a
            complete side can show that a category is missing from it.
    """

    counts: dict[str, int]
    exact: bool
    n: int
    complete: bool = False


def categories(part: ColumnPartial, known: int) -> Categories:
    """The column's categories: exact counts, or the ``known`` most frequent values."""
    n = part.rows - part.missing
    counts = part.values.counts
    if counts is not None:
        return Categories({str(v): int(c) for v, c in counts.iter_rows()}, True, n, True)
    top, _ = part.values.top(known)
    if len(top) < known and part.values.sketch_complete():
        return Categories(dict(top), False, n, True)
    return Categories(dict(top), False, n)
