"""Column profiles: one column's partial summarised for the document, by its kind.

Every column gets the common figures (counts, missing values, distinct values,
top values); numbers, times, durations, booleans, text, binary values and lists
then add their own (see the schema's ``allOf``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import polars as pl

from core.profiling.column_partial import ColumnPartial
from core.profiling.config import ProfileConfig
from core.profiling.distribution import distribution, integer_edges
from core.profiling.document import ColumnProfile, Lengths, TextContent, TopValue, finite
from core.profiling.values import decode
from core.read import infer
from core.read.infer import Candidate, Kind

__all__ = ["column_profile", "instants_text"]


def column_profile(
    part: ColumnPartial, config: ProfileConfig, sample: pl.DataFrame | None
) -> ColumnProfile:
    """One column's entry in the profile document.

    Args:
        part: what was accumulated for the column.
        config: settings (top values, histogram bins).
        sample: the uniform row sample, for the text-content checks (None: skip them).
    """
    count = part.rows - part.missing
    distinct, distinct_exact = part.values.distinct()
    low, high = part.values.distinct_bounds()
    top, top_error = part.values.top(config.top_values)
    column: ColumnProfile = {
        "name": part.name,
        "dtype": part.dtype,
        "kind": _kind(part, distinct, count),
        "count": count,
        "missing": part.missing,
        "missing_fraction": part.missing / part.rows if part.rows else 0.0,
        "distinct": distinct,
        "distinct_exact": distinct_exact,
        "distinct_bounds": [low, high],
        "distinct_fraction": distinct / count if count else 0.0,
        "unique": bool(count) and distinct_exact and distinct == count,
        "top_values": _top_values(part, top),
        "top_values_error": top_error,
    }
    counts = part.values.counts
    match part.family:
        case "numeric":
            return _numeric(column, part, counts, config)
        case "datetime" | "time":
            return _temporal(column, part, counts, config)
        case "duration":
            return _duration(column, part, counts, config)
        case "boolean":
            return {**column, "trues": part.trues, "falses": count - part.trues}
        case "binary" | "list":
            column = {**column, "length": _lengths(part, config), "empty": part.empty}
            if part.elements:
                elements = [column_profile(e, config, None) for e in part.elements.values()]
                column["elements"] = elements
            return column
        case "string":
            column = _text(column, part, counts, config)
            if sample is not None and part.name in sample.columns:
                column["text_content"] = text_content(sample.get_column(part.name))
            return column
        case "unsupported":
            return {**column, "reason": part.reason}
    return column


def _kind(part: ColumnPartial, distinct: int, count: int) -> str:
    """What the column holds, for people: see the schema's ``kind``."""
    if part.family in ("numeric", "boolean", "datetime", "time", "duration", "binary", "list"):
        return part.family
    if part.family == "null":
        return "empty"
    if part.family == "unsupported":
        return "unsupported"
    if part.dtype.startswith(("Categorical", "Enum")):
        return "categorical"
    # Few values, or short values that repeat a lot: categories. Otherwise free
    # text, names, identifiers, e-mail addresses.
    mean_length = part.moments.mean if part.moments.n else 0.0
    if distinct <= 50 or (count and distinct / count <= 0.05 and mean_length < 40):
        return "categorical"
    return "text"


def _top_values(part: ColumnPartial, top: Sequence[tuple[str, int]]) -> list[TopValue]:
    """The most frequent values, as they read: temporal values as ISO text or seconds."""
    kind = part.values.kind
    values = [decode(value, kind) for value, _ in top]
    if kind in ("date", "datetime", "time") and values:
        values = list(instants_text(part, values, date_only=kind == "date"))
    elif kind == "duration":
        values = [v / (1e6 * part.scale) for v in values]
    return [{"value": v, "count": n} for v, (_, n) in zip(values, top, strict=True)]


def _numeric(
    column: ColumnProfile, part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> ColumnProfile:
    """Statistics of a numeric column (Decimal columns also exactly, as text)."""
    m = part.moments
    quantiles, exact, histogram = distribution(
        part, counts, config, integer=part.values.kind == "int"
    )
    variance = finite(m.variance())
    std = math.sqrt(variance) if variance is not None else None
    mean = finite(m.mean) if m.n else None
    span = (m.max - m.min) if m.n else None  # type: ignore[operator]
    column = {
        **column,
        "min": m.min,
        "max": m.max,
        # Sums and spreads of values near the float limits overflow: unknown, not infinite.
        "range": finite(span) if isinstance(span, float) else span,
        "mean": mean,
        "std": std,
        "variance": variance,
        "cv": finite(std / abs(mean)) if std is not None and mean else None,
        "sum": finite(m.total) if isinstance(m.total, float) else m.total,
        "skewness": finite(m.skewness()),
        "kurtosis": finite(m.kurtosis()),
        "zeros": part.zeros,
        "negatives": part.negatives,
        "infinite": part.infinite,
        "quantiles": quantiles,
        "quantiles_exact": exact,
        "iqr": finite(quantiles["0.75"] - quantiles["0.25"]) if quantiles else None,
        "histogram": histogram,
    }
    if part.values.kind == "str" and m.n:
        # Integers past 2^53 lose digits as JSON numbers: their extremes and sum exactly, as text.
        column["exact"] = {"min": str(m.min), "max": str(m.max), "sum": str(m.total)}
    if part.decimal is not None:
        decimal = part.decimal
        column["exact"] = {"min": decimal["min"], "max": decimal["max"], "sum": decimal["sum"]}
    return column


def instants_text(part: ColumnPartial, units: Sequence[float], *, date_only: bool) -> list[str]:
    """Times in the column's units (µs or ns) as ISO text: instants in its zone, or times of day.

    Polars formats them, so years past 9999 (which Python's datetime refuses) read too.
    """
    series = pl.Series(values=[round(v) for v in units], dtype=pl.Int64)
    if part.family == "time":
        times = (series * (1000 // part.scale)).cast(pl.Time)
        return [str(t) for t in times.dt.to_string("%H:%M:%S%.f").to_list()]
    zone = part.time_zone
    instants = series.cast(
        pl.Datetime("ns" if part.scale == 1000 else "us", "UTC" if zone else None)
    )
    if zone:
        instants = instants.dt.convert_time_zone(zone)
    fmt = "%Y-%m-%d" if date_only else "%Y-%m-%dT%H:%M:%S%.f" + ("%:z" if zone else "")
    return [str(t) for t in instants.dt.to_string(fmt).to_list()]


def _temporal(
    column: ColumnProfile, part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> ColumnProfile:
    """Statistics of a date, datetime or time-of-day column (as ISO text, in the column's zone)."""
    m = part.moments
    quantiles, exact, histogram = distribution(part, counts, config, integer=False)
    if part.family == "datetime":
        column = {**column, "time_zone": part.time_zone}
    if not m.n:
        return {**column, "min": None, "max": None, "range_seconds": None, "histogram": histogram}
    # Whole units (exact to the nanosecond), not floats.
    low, high = m.min, m.max
    assert low is not None and high is not None
    first, last = instants_text(part, [low, high], date_only=part.dtype == "Date")
    levels = list(quantiles)
    return {
        **column,
        "min": first,
        "max": last,
        "range_seconds": (high - low) / (1e6 * part.scale),
        "quantiles": dict(
            zip(levels, instants_text(part, list(quantiles.values()), date_only=False), strict=True)
        ),
        "quantiles_exact": exact,
        "histogram": {
            "edges": instants_text(part, histogram["edges"], date_only=False),
            "counts": histogram["counts"],
        },
    }


def _duration(
    column: ColumnProfile, part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> ColumnProfile:
    """Statistics of a duration column, in seconds."""
    m = part.moments
    quantiles, exact, histogram = distribution(part, counts, config, integer=False)
    std = m.variance()

    def seconds(value: float | int | None) -> float | None:
        return None if value is None else float(value) / (1e6 * part.scale)

    return {
        **column,
        "unit": "seconds",
        "min": seconds(m.min) if m.n else None,
        "max": seconds(m.max) if m.n else None,
        "mean": seconds(m.mean) if m.n else None,
        "std": seconds(math.sqrt(std)) if std is not None else None,
        "sum": seconds(m.total) if m.n else None,
        "skewness": m.skewness(),
        "kurtosis": m.kurtosis(),
        "zeros": part.zeros,
        "negatives": part.negatives,
        "quantiles": {q: seconds(v) for q, v in quantiles.items()},
        "quantiles_exact": exact,
        "histogram": {
            "edges": [seconds(e) for e in histogram["edges"]],
            "counts": histogram["counts"],
        },
    }


def _lengths(part: ColumnPartial, config: ProfileConfig) -> Lengths:
    """Lengths of binary values (bytes) or lists (elements), exact while their counts are."""
    m = part.moments
    counts = part.lengths.counts if part.lengths is not None else None
    quantiles, exact, histogram = distribution(part, counts, config, integer=True)
    return {
        "min": int(m.min) if m.n else None,  # type: ignore[arg-type]
        "mean": m.mean if m.n else None,
        "max": int(m.max) if m.n else None,  # type: ignore[arg-type]
        "quantiles": quantiles,
        "quantiles_exact": exact,
        "histogram": histogram,
    }


def _text(
    column: ColumnProfile, part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> ColumnProfile:
    """String lengths and empty strings of a text or categorical column."""
    m = part.moments
    edges: list[float] = []
    bin_counts: list[int] = []
    if m.n:
        low, high = float(m.min), float(m.max)  # type: ignore[arg-type]
        edges = integer_edges(low, high, config.histogram_bins)
        if counts is not None and counts.height:
            lengths = counts.select(pl.col("value").str.len_chars().alias("length"), "count")
            lengths = lengths.group_by("length").agg(pl.col("count").sum()).sort("length")
            hist, _ = np.histogram(
                lengths.get_column("length").to_numpy(),
                bins=edges,
                weights=lengths.get_column("count").to_numpy(),
            )
            bin_counts = [round(float(c)) for c in hist]
        else:
            bin_counts = part.digest.counts(edges, m.n)
    return {
        **column,
        "length": {
            "min": int(m.min) if m.n else None,  # type: ignore[arg-type]
            "mean": m.mean if m.n else None,
            "max": int(m.max) if m.n else None,  # type: ignore[arg-type]
            "histogram": {"edges": [float(e) for e in edges], "counts": bin_counts},
        },
        "empty": part.empty,
    }


_NUMBER = Candidate(Kind.FLOAT)
_DATES = [c for c in infer.ordered_candidates(False) if c.kind in (Kind.DATE, Kind.DATETIME)]


def text_content(column: pl.Series) -> TextContent:
    """Shares of a text column's sampled values that read as numbers or as dates.

    Digits with leading zeros are counted apart, as codes (zip codes, ids): text on purpose.
    """
    values = column.cast(pl.String, strict=False).drop_nulls().to_frame("v")
    values = values.filter(pl.col("v").str.strip_chars() != "")
    n = values.height
    if not n:
        return {"sampled": 0, "numeric_share": 0.0, "date_share": 0.0, "code_share": 0.0}
    stripped = pl.col("v").str.strip_chars()
    parsed = values.select(
        infer.cast_expr("v", _NUMBER).is_not_null().sum().alias("number"),
        stripped.str.contains(r"^[+-]?0[0-9]").sum().alias("codes"),
        stripped.str.contains(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").sum().alias("shape"),
    ).row(0, named=True)
    dates = 0
    # Trying every date format is costly: only where values look like dates at all.
    if parsed["shape"]:
        dates = max(
            values.select(
                infer.cast_expr("v", cand).is_not_null().sum().alias(f"d{i}")
                for i, cand in enumerate(_DATES)
            ).row(0)
        )
    return {
        "sampled": n,
        "numeric_share": parsed["number"] / n,
        "date_share": dates / n,
        "code_share": parsed["codes"] / n,
    }
