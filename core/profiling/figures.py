"""A chunk's figures of one column: what Polars computes in one query before the sketches.

:meth:`ChunkFigures.expression` is one Polars struct expression per column, whose
fields are this dataclass's fields; a chunk's figures for all its columns come
from one multi-threaded ``select`` and read back with :meth:`ChunkFigures.from_row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, get_type_hints

import polars as pl

from core.profiling import dtypes

__all__ = ["QUANTILES", "QUANTILE_FAMILIES", "ChunkFigures", "missing_expr", "quantiles_expr"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
# The families whose exact quantiles are computed (see :func:`quantiles_expr`).
QUANTILE_FAMILIES = frozenset({"numeric", "datetime", "time", "duration"})


def quantiles_expr(name: str, dtype: pl.DataType, family: str) -> pl.Expr:
    """Exact quantiles at :data:`QUANTILES` of a column's measured (finite) values, as a list."""
    measured = dtypes.measured(name, dtype, family)
    finite = measured.filter(measured.is_finite()) if dtype.is_float() else measured
    return pl.concat_list(finite.quantile(q, "linear").cast(pl.Float64) for q in QUANTILES)


def missing_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """Missing values: nulls, and NaN in float columns."""
    expr = pl.col(name).is_null()
    if dtype.is_float():
        expr = expr | pl.col(name).is_nan()
    return expr


@dataclass(frozen=True)
class ChunkFigures:
    """One column's figures over one chunk.

    Attributes:
        missing: nulls (and NaN for floats).
        n: measured values (finite ones for floats).
        mean, m2, m3, m4: their mean and central moment sums (m3 and m4 for
            numbers and durations only, 0 otherwise).
        min, max, total: extremes and sum (whole units for temporal columns,
            128-bit exact sums for integers).
        decimal: exact ``min``, ``max`` and ``sum`` of a Decimal column, as text.
        zeros, negatives, infinite: counts of numbers and durations.
        empty: empty strings, byte strings or lists.
        trues: true values.
        quantiles: exact quantiles at :data:`QUANTILES` (asked for, on numbers and times).
    """

    missing: int = 0
    n: int = 0
    mean: float | None = None
    m2: float | None = None
    m3: float | None = None
    m4: float | None = None
    min: Any = None
    max: Any = None
    total: Any = None
    decimal: dict[str, str] | None = None
    zeros: int = 0
    negatives: int = 0
    infinite: int = 0
    empty: int = 0
    trues: int = 0
    quantiles: list[float | None] | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ChunkFigures:
        """Read the struct value :meth:`expression` computed (nulls for counts read as 0)."""
        counts = _counts()
        found: dict[str, Any] = {k: (v or 0) if k in counts else v for k, v in row.items()}
        return cls(**found)

    @classmethod
    def expression(
        cls, name: str, dtype: pl.DataType, family: str, *, exact_quantiles: bool
    ) -> pl.Expr:
        """The struct expression computing a column's figures over a chunk.

        Args:
            name: the column.
            dtype: its Polars type.
            family: how it is summarised (see :func:`core.profiling.dtypes.family`).
            exact_quantiles: also compute quantiles (for a chunk that is the whole table).
        """
        measured = dtypes.measured(name, dtype, family)
        # Only float columns can hold NaN or infinities; filtering copies the column.
        finite = measured.filter(measured.is_finite()) if dtype.is_float() else measured
        deviation = finite - finite.mean()
        squared = deviation * deviation
        exprs = {
            "missing": missing_expr(name, dtype).sum(),
            "n": finite.count(),
            "mean": finite.mean(),
            "m2": squared.sum(),
            **_extremes(name, dtype, family, finite),
        }
        # Skewness and kurtosis are reported for numbers only; lengths and
        # times need the mean and spread.
        if family in ("numeric", "duration"):
            exprs |= {
                "m3": (squared * deviation).sum(),
                "m4": (squared * squared).sum(),
                "zeros": (measured == 0).sum(),
                "negatives": (measured < 0).sum(),
                "infinite": measured.is_infinite().sum(),
            }
        if isinstance(dtype, pl.Decimal):
            col = pl.col(name)
            exprs["decimal"] = pl.struct(
                col.min().cast(pl.String).alias("min"),
                col.max().cast(pl.String).alias("max"),
                col.sum().cast(pl.String).alias("sum"),
            )
        if family == "string":
            exprs["empty"] = (pl.col(name).cast(pl.String) == "").sum()
        if family in ("binary", "list"):
            exprs["empty"] = (measured == 0).sum()
        if family == "boolean":
            exprs["trues"] = pl.col(name).sum()
        if exact_quantiles and family in QUANTILE_FAMILIES:
            exprs["quantiles"] = quantiles_expr(name, dtype, family)
        return pl.struct(expr.alias(field) for field, expr in exprs.items())


@cache
def _counts() -> frozenset[str]:
    """The fields of :class:`ChunkFigures` that are counts (read once: type hints are slow)."""
    return frozenset(name for name, kind in get_type_hints(ChunkFigures).items() if kind is int)


def _extremes(name: str, dtype: pl.DataType, family: str, finite: pl.Expr) -> dict[str, pl.Expr]:
    """Expressions of the smallest and largest value and the sum, exact where it matters."""
    if family in ("datetime", "time", "duration"):
        # Whole units, exactly: nanoseconds since 1970 exceed a float's 53 bits.
        key = dtypes.keyed(name, dtype, family)
        return {"min": key.min(), "max": key.max(), "total": finite.sum()}
    if family == "numeric" and dtype.is_integer():
        col = pl.col(name)
        # Exact sums in 128 bits; UInt128 values may not fit them, so they sum as floats.
        total = col.cast(pl.Float64) if dtype == pl.UInt128 else col.cast(pl.Int128)
        return {"min": col.min(), "max": col.max(), "total": total.sum()}
    return {"min": finite.min(), "max": finite.max(), "total": finite.sum()}
