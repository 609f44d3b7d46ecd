"""Correlations between columns: the methods, and their matrices computed on the row sample.

Pearson and Spearman between numeric columns, Cramér's V between categorical
(and boolean) ones. :class:`CorrelationMethod` is the one list of methods, in the
order they are shown, with their labels and whether their values carry a sign.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import assert_never

import polars as pl

from core.profiling.config import ProfileConfig
from core.profiling.document import ColumnProfile, Correlations, Matrix, finite

__all__ = ["CorrelationMethod", "correlations", "cramers_v", "matrix_of", "symmetric_matrix"]


class CorrelationMethod(StrEnum):
    """A correlation measure, named as the profile's ``correlations`` keys name it."""

    PEARSON = "pearson"
    SPEARMAN = "spearman"
    CRAMERS_V = "cramers_v"

    @property
    def label(self) -> str:
        """The measure's name for people."""
        return _LABELS[self]

    @property
    def signed(self) -> bool:
        """Whether values run from -1 to 1 (else from 0 to 1)."""
        return self is not CorrelationMethod.CRAMERS_V


_LABELS = {
    CorrelationMethod.PEARSON: "Pearson's r",
    CorrelationMethod.SPEARMAN: "Spearman's ρ",
    CorrelationMethod.CRAMERS_V: "Cramér's V",
}
_NUMERIC_METHODS = (CorrelationMethod.PEARSON, CorrelationMethod.SPEARMAN)
_Fits = Callable[[ColumnProfile], bool]


def matrix_of(correlations: Correlations, method: CorrelationMethod) -> Matrix:
    """The matrix ``method`` computed, from a profile's ``correlations`` (empty if none)."""
    # A profile made elsewhere, or by an older 1.x Loupe, may leave a method out.
    empty: Matrix = {"columns": [], "matrix": []}
    match method:
        case CorrelationMethod.PEARSON:
            return correlations.get("pearson", empty)
        case CorrelationMethod.SPEARMAN:
            return correlations.get("spearman", empty)
        case CorrelationMethod.CRAMERS_V:
            return correlations.get("cramers_v", empty)
        case _:
            assert_never(method)


def symmetric_matrix(
    columns: Sequence[str], values: Mapping[tuple[str, str], float | None]
) -> Matrix:
    """A symmetric matrix with 1 on the diagonal, from the values of pairs (either order)."""
    matrix = [
        [1.0 if a == b else values.get((a, b), values.get((b, a))) for b in columns]
        for a in columns
    ]
    return {"columns": list(columns), "matrix": matrix}


def correlations(
    columns: Sequence[ColumnProfile], sample: pl.DataFrame | None, rows: int, config: ProfileConfig
) -> Correlations:
    """Every method's matrix over the columns it applies to, computed on ``sample``.

    Args:
        columns: the profile's columns (which are numeric or categorical, and how full).
        sample: the uniform row sample (None when no row was read).
        rows: rows in the table (the sample is exact when it holds them all).
        config: how many columns and categories to correlate at most.
    """
    sample_rows = 0 if sample is None else sample.height
    exact = sample is not None and sample.height == rows
    if sample is None or sample.height < 3:
        empty: Matrix = {"columns": [], "matrix": []}
        return {
            "sample_rows": sample_rows,
            "exact": exact,
            "pearson": empty,
            "spearman": empty,
            "cramers_v": empty,
        }
    numeric = _chosen(
        columns, config, lambda c: c["kind"] == "numeric" and c["distinct"] > 1 and c["count"] > 2
    )
    pearson, spearman = (_numeric_matrix(sample, numeric, m) for m in _NUMERIC_METHODS)
    categorical = _chosen(
        columns,
        config,
        lambda c: (
            c["kind"] in ("categorical", "boolean") and 1 < c["distinct"] <= config.max_categories
        ),
    )
    values = {
        (a, b): cramers_v(sample, a, b)
        for i, a in enumerate(categorical)
        for b in categorical[i + 1 :]
    }
    return {
        "sample_rows": sample_rows,
        "exact": exact,
        "pearson": pearson,
        "spearman": spearman,
        "cramers_v": symmetric_matrix(categorical, values),
    }


def _chosen(columns: Sequence[ColumnProfile], config: ProfileConfig, fits: _Fits) -> list[str]:
    """Names of the fullest fitting columns (``max_correlation_columns`` at most), in order."""
    fitting = sorted((c for c in columns if fits(c)), key=lambda c: -c["count"])
    order = [c["name"] for c in columns]
    return sorted((c["name"] for c in fitting[: config.max_correlation_columns]), key=order.index)


def _numeric_matrix(sample: pl.DataFrame, names: list[str], method: CorrelationMethod) -> Matrix:
    """Pearson's or Spearman's correlation of every pair of numeric columns."""
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    if not pairs:
        return symmetric_matrix(names, {})
    frame = sample.select(pl.col(n).cast(pl.Float64) for n in names)
    if method is CorrelationMethod.SPEARMAN:
        values = _spearman(frame, pairs)
    else:
        row = frame.select(pl.corr(a, b).alias(f"{i}") for i, (a, b) in enumerate(pairs)).row(0)
        values = dict(zip(pairs, row, strict=True))
    return symmetric_matrix(names, {p: finite(v) for p, v in values.items()})


def _spearman(
    frame: pl.DataFrame, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], float | None]:
    """Spearman's ρ of each pair, ranking each column once per set of rows.

    ``pl.corr(a, b, method="spearman")`` drops the rows where either side is
    missing, ranks both sides (ties averaged) and takes Pearson's r of the
    ranks: ranking anew for every pair. Pairs whose missing rows are the same
    share their rows, so each column is ranked once for each such set of rows,
    and every pair's value is the one ``pl.corr`` gives, to the last bit.
    """
    # Columns with the same missing rows share one mask; full columns need none.
    masks: dict[str, pl.Series] = {}
    mask_of: dict[str, str] = {}
    for name in dict.fromkeys(c for pair in pairs for c in pair):
        missing = frame.get_column(name).is_null()
        if not missing.any():
            continue
        mask_of[name] = next((k for k, m in masks.items() if missing.equals(m)), name)
        masks.setdefault(mask_of[name], missing)
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for pair in pairs:
        key = tuple(sorted({mask_of[c] for c in pair if c in mask_of}))
        groups.setdefault(key, []).append(pair)
    values: dict[tuple[str, str], float | None] = {}
    for key, group in groups.items():
        rows = frame.filter(*(pl.col(k).is_not_null() for k in key)) if key else frame
        ranked = rows.select(
            pl.col(c).rank("average").cast(pl.Float64)
            for c in dict.fromkeys(c for p in group for c in p)
        )
        row = ranked.select(pl.corr(a, b).alias(f"{i}") for i, (a, b) in enumerate(group)).row(0)
        values.update(zip(group, row, strict=True))
    return values


def cramers_v(sample: pl.DataFrame, a: str, b: str) -> float | None:
    """Cramér's V of two categorical columns (rows where both are present)."""
    # Internal names: a column may itself be called "len", "r" or "c".
    x, y, count, row_total, col_total = "\x00x", "\x00y", "\x00n", "\x00r", "\x00c"
    pair = sample.select(pl.col(a).alias(x), pl.col(b).alias(y)).drop_nulls()
    table = pair.group_by(x, y).agg(pl.len().alias(count))
    n = int(table.get_column(count).sum()) if table.height else 0
    if n == 0:
        return None
    rows = table.group_by(x).agg(pl.col(count).sum().alias(row_total))
    cols = table.group_by(y).agg(pl.col(count).sum().alias(col_total))
    r, k = rows.height, cols.height
    if min(r, k) < 2:
        return None
    # Sorted, so the floating-point sums run in the same order every time.
    observed = table.join(rows, on=x).join(cols, on=y).sort(x, y)
    expected = observed.get_column(row_total).cast(pl.Float64) * observed.get_column(col_total) / n
    chi2_seen = float(((observed.get_column(count) - expected) ** 2 / expected).sum())
    # Cells never observed contribute their whole expected count.
    chi2 = chi2_seen + (n - float(expected.sum()))
    return finite(math.sqrt(chi2 / n / (min(r, k) - 1)))
