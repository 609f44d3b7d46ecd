"""The profile document: built from a partial profile, merged, loaded and checked.

A profile is a plain JSON-ready dict whose shape is fixed by
``core/profiling/schema/profile.schema.json`` (``schema_version`` names its version).
It carries, under ``state``, the compact mergeable partial it was built
from, so ``merge_profiles`` can combine profiles of different parts of a
dataset into the profile of the whole.

What is exact and what is estimated:

- counts, missing values, min/max, sums, means, variances, skewness and
  kurtosis: exact (and exact after merges, up to floating-point rounding);
- distinct counts and top values: exact up to ``exact_distinct_limit``
  distinct values per column; above it, HyperLogLog (about ±1.6% at 95%) and a
  frequent-items sketch (``top_values_error`` bounds each count's error);
- quantiles: exact from value counts (up to the limit) or, for a single
  in-memory pass, from all values; otherwise t-digest estimates
  (``quantiles_exact`` says which);
- histograms: exact from value counts, estimated from the t-digest otherwise;
- duplicate rows: exact by 64-bit row hashes;
- correlations, and the text-content checks: computed on a uniform sample
  of ``correlation_sample`` rows, exact when the table is smaller;
- missing-value patterns: exact unless more than 2,048 patterns occur.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from core.errors import ProfileError, StateError
from core.output import write_text
from core.profiling.alerts import find_alerts
from core.profiling.config import ProfileConfig
from core.profiling.partial import QUANTILES, ColumnPartial, PartialProfile
from core.profiling.sketches import decode
from core.read import infer
from core.read.infer import Candidate, Kind
from core.read.jsonvalue import json_rows

__all__ = [
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "build_profile",
    "dumps",
    "load_profile",
    "merge_profiles",
    "write_profile",
]

SCHEMA_VERSION = "1.1"
SCHEMA_PATH = Path(__file__).with_name("schema") / "profile.schema.json"
_SUPPORTED_MAJOR = "1"
_SAMPLE_HASH = "\x00hash"


def _loupe_version() -> str:
    """The installed Loupe version."""
    try:
        return version("loupe")
    except PackageNotFoundError:
        return "unknown"


def build_profile(
    partial: PartialProfile,
    config: ProfileConfig,
    *,
    source: Mapping[str, Any],
    engine: str,
) -> dict[str, Any]:
    """The profile document of ``partial``.

    Args:
        partial: the accumulated state.
        config: settings and thresholds.
        source: what was read (path, format, size and how it was read).
        engine: ``memory``, ``streaming`` or ``merged``.

    Returns:
        A JSON-ready dict following the profile schema.
    """
    sample = partial.sample.drop(_SAMPLE_HASH) if partial.sample is not None else None
    columns = [_column(part, config, sample) for part in partial.columns.values()]
    rows = partial.rows
    missing_cells = sum(c["missing"] for c in columns)
    duplicates = partial.duplicate_rows()
    kinds: dict[str, int] = {}
    for column in columns:
        kinds[column["kind"]] = kinds.get(column["kind"], 0) + 1
    cells = rows * len(columns)
    profile: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "loupe_version": _loupe_version(),
        "engine": engine,
        "source": dict(source),
        "dataset": {
            "rows": rows,
            "columns": len(columns),
            "cells": cells,
            "missing_cells": missing_cells,
            "missing_cells_fraction": missing_cells / cells if cells else 0.0,
            "duplicate_rows": duplicates,
            "duplicate_rows_fraction": None
            if duplicates is None
            else (duplicates / rows if rows else 0.0),
            "memory_bytes": partial.memory_bytes,
            "kinds": dict(sorted(kinds.items())),
        },
        "columns": columns,
        "correlations": _correlations(columns, sample, rows, config),
        "missing": _missing(partial, columns),
        "samples": {
            "head": _rows(partial.head),
            "tail": _rows(partial.tail),
        },
        "settings": {
            "correlation_sample": config.correlation_sample,
            "exact_distinct_limit": config.exact_distinct_limit,
            "thresholds": dict(sorted(vars(config.thresholds).items())),
        },
    }
    profile["alerts"] = find_alerts(profile, config.thresholds)
    profile["state"] = partial.to_state()
    return profile


# -- columns -----------------------------------------------------------------------


def _column(
    part: ColumnPartial, config: ProfileConfig, sample: pl.DataFrame | None
) -> dict[str, Any]:
    """One column's entry."""
    count = part.rows - part.missing
    distinct, distinct_exact = part.values.distinct()
    low, high = part.values.distinct_bounds()
    top, top_error = part.values.top(config.top_values)
    kind = _kind(part, distinct, count)
    column: dict[str, Any] = {
        "name": part.name,
        "dtype": part.dtype,
        "kind": kind,
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
            column.update(_numeric(part, counts, config))
        case "datetime" | "time":
            column.update(_temporal(part, counts, config))
        case "duration":
            column.update(_duration(part, counts, config))
        case "boolean":
            column["trues"] = part.trues
            column["falses"] = count - part.trues
        case "binary" | "list":
            column["length"] = _lengths(part, config)
            column["empty"] = part.empty
            if part.elements:
                column["elements"] = [
                    _column(element, config, None) for element in part.elements.values()
                ]
        case "string":
            column.update(_text(part, counts, config))
            if sample is not None and part.name in sample.columns:
                column["text_content"] = _text_content(sample.get_column(part.name))
        case "unsupported":
            column["reason"] = part.reason
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


def _top_values(part: ColumnPartial, top: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """The most frequent values, as they read: temporal values as ISO text or seconds."""
    kind = part.values.kind
    values = [decode(value, kind) for value, _ in top]
    if kind in ("date", "datetime", "time") and values:
        values = list(_instants(part, values, date_only=kind == "date"))
    elif kind == "duration":
        values = [v / (1e6 * part.scale) for v in values]
    return [{"value": v, "count": n} for v, (_, n) in zip(values, top, strict=True)]


def _sorted_counts(counts: pl.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Exact value counts as sorted float values and their counts.

    Numbers (wide integers and decimals are keyed as text) and temporal values
    (keyed by their microseconds) alike.
    """
    cast = counts.with_columns(pl.col("value").cast(pl.Float64, strict=False))
    cast = cast.filter(pl.col("value").is_finite()).sort("value")
    return cast.get_column("value").to_numpy(), cast.get_column("count").to_numpy()


def _weighted_quantile(
    values: np.ndarray[Any, Any], weights: np.ndarray[Any, Any], q: float
) -> float:
    """Linear-interpolated quantile of values repeated by weights (as Polars' ``linear``)."""
    cumulative = np.cumsum(weights)
    n = int(cumulative[-1])
    position = (n - 1) * q
    lower, upper = math.floor(position), math.ceil(position)
    lo_value = values[np.searchsorted(cumulative, lower, side="right")]
    hi_value = values[np.searchsorted(cumulative, upper, side="right")]
    fraction = position - lower
    # Weighing the two ends cannot overflow where their difference could.
    return float(lo_value * (1 - fraction) + hi_value * fraction) if fraction else float(lo_value)


def _distribution(
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig, *, integer: bool
) -> tuple[dict[str, float], bool, dict[str, list[Any]]]:
    """Quantiles (and whether exact) and the histogram of a numeric or temporal column."""
    moments = part.moments
    if not moments.n:
        return {}, True, {"edges": [], "counts": []}
    low, high = float(moments.min), float(moments.max)  # type: ignore[arg-type]
    exact_values = None
    if counts is not None and counts.height:
        exact_values = _sorted_counts(counts)
    if exact_values is not None and exact_values[0].size:
        values, weights = exact_values
        quantiles = {str(q): _weighted_quantile(values, weights, q) for q in QUANTILES}
        exact = True
    elif part.exact_quantiles is not None:
        quantiles, exact = dict(part.exact_quantiles), True
    else:
        quantiles = {
            str(q): v
            for q, v in zip(QUANTILES, part.digest.quantiles(list(QUANTILES)), strict=True)
        }
        exact = False
    if integer and high - low + 1 <= config.histogram_bins:
        edges = [v - 0.5 for v in np.arange(low, high + 2)]
    else:
        edges = _edges(low, high, config.histogram_bins if high > low else 1)
    if exact_values is not None and exact_values[0].size:
        hist, _ = np.histogram(exact_values[0], bins=edges, weights=exact_values[1])
        bin_counts = [round(float(c)) for c in hist]
    else:
        bin_counts = part.digest.counts(edges, moments.n)
    return quantiles, exact, {"edges": [float(e) for e in edges], "counts": bin_counts}


def _edges(low: float, high: float, bins: int) -> list[float]:
    """``bins + 1`` evenly spaced edges from ``low`` to ``high``, even past the float range."""
    if high <= low:
        # One value: a bin around it (the next float down, at the top of the float range).
        if abs(low) < 1e15:
            high = low + 1
        elif low > 0:
            low, high = float(np.nextafter(low, -math.inf)), low
        else:
            high = float(np.nextafter(low, math.inf))
    if math.isfinite(high - low):
        return [float(e) for e in np.linspace(low, high, bins + 1)]
    # The span overflows a float: weigh the ends instead of stepping from one.
    return [low * (1 - i / bins) + high * (i / bins) for i in range(bins + 1)]


def _numeric(
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> dict[str, Any]:
    """Statistics of a numeric column (Decimal columns also exactly, as text)."""
    m = part.moments
    variance = m.variance()
    quantiles, exact, histogram = _distribution(
        part, counts, config, integer=part.values.kind == "int"
    )
    variance = _finite(variance)
    std = math.sqrt(variance) if variance is not None else None
    mean = _finite(m.mean) if m.n else None
    span = (m.max - m.min) if m.n else None  # type: ignore[operator]
    stats: dict[str, Any] = {
        "min": m.min,
        "max": m.max,
        # Sums and spreads of values near the float limits overflow: unknown, not infinite.
        "range": _finite(span) if isinstance(span, float) else span,
        "mean": mean,
        "std": std,
        "variance": variance,
        "cv": _finite(std / abs(mean)) if std is not None and mean else None,
        "sum": _finite(m.total) if isinstance(m.total, float) else m.total,
        "skewness": _finite(m.skewness()),
        "kurtosis": _finite(m.kurtosis()),
        "zeros": part.zeros,
        "negatives": part.negatives,
        "infinite": part.infinite,
        "quantiles": quantiles,
        "quantiles_exact": exact,
        "iqr": _finite(quantiles["0.75"] - quantiles["0.25"]) if quantiles else None,
        "histogram": histogram,
    }
    if part.values.kind == "str" and m.n:
        # Integers past 2^53 lose digits as JSON numbers: their extremes and sum exactly, as text.
        stats["exact"] = {"min": str(m.min), "max": str(m.max), "sum": str(m.total)}
    if part.decimal is not None:
        stats["exact"] = dict(part.decimal)
    return stats


def _instants(part: ColumnPartial, units: Sequence[float], *, date_only: bool) -> list[str]:
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
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> dict[str, Any]:
    """Statistics of a date, datetime or time-of-day column (as ISO text, in the column's zone)."""
    m = part.moments
    date_only = part.dtype == "Date"
    quantiles, exact, histogram = _distribution(part, counts, config, integer=False)
    zone = {"time_zone": part.time_zone} if part.family == "datetime" else {}
    if not m.n:
        return {"min": None, "max": None, "range_seconds": None, "histogram": histogram, **zone}
    # Whole units (exact to the nanosecond), not floats.
    low, high = m.min, m.max
    assert low is not None and high is not None
    first, last = _instants(part, [low, high], date_only=date_only)
    return {
        "min": first,
        "max": last,
        "range_seconds": (high - low) / (1e6 * part.scale),
        "quantiles": dict(
            zip(quantiles, _instants(part, list(quantiles.values()), date_only=False), strict=True)
        ),
        "quantiles_exact": exact,
        "histogram": {
            "edges": _instants(part, histogram["edges"], date_only=False),
            "counts": histogram["counts"],
        },
        **zone,
    }


def _duration(
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> dict[str, Any]:
    """Statistics of a duration column, in seconds."""
    m = part.moments
    quantiles, exact, histogram = _distribution(part, counts, config, integer=False)
    std = m.variance()

    def seconds(value: float | int | None) -> float | None:
        return None if value is None else float(value) / (1e6 * part.scale)

    return {
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


def _lengths(part: ColumnPartial, config: ProfileConfig) -> dict[str, Any]:
    """Lengths of binary values (bytes) or lists (elements), exact while their counts are."""
    m = part.moments
    counts = part.lengths.counts if part.lengths is not None else None
    quantiles, exact, histogram = _distribution(part, counts, config, integer=True)
    return {
        "min": int(m.min) if m.n else None,  # type: ignore[arg-type]
        "mean": m.mean if m.n else None,
        "max": int(m.max) if m.n else None,  # type: ignore[arg-type]
        "quantiles": quantiles,
        "quantiles_exact": exact,
        "histogram": histogram,
    }


def _text(
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig
) -> dict[str, Any]:
    """String lengths and empty strings of a text or categorical column."""
    m = part.moments
    if counts is not None and counts.height:
        lengths = counts.select(pl.col("value").str.len_chars().alias("length"), "count")
        lengths = lengths.group_by("length").agg(pl.col("count").sum()).sort("length")
        counts_by_length = lengths
    else:
        counts_by_length = None
    edges: list[float] = []
    bin_counts: list[int] = []
    if m.n:
        low, high = float(m.min), float(m.max)  # type: ignore[arg-type]
        if high - low + 1 <= config.histogram_bins:
            edges = [v - 0.5 for v in np.arange(low, high + 2)]
        else:
            edges = np.linspace(low, high, config.histogram_bins + 1).tolist()
        if counts_by_length is not None:
            hist, _ = np.histogram(
                counts_by_length.get_column("length").to_numpy(),
                bins=edges,
                weights=counts_by_length.get_column("count").to_numpy(),
            )
            bin_counts = [round(float(c)) for c in hist]
        else:
            bin_counts = part.digest.counts(edges, m.n)
    return {
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


def _text_content(column: pl.Series) -> dict[str, Any]:
    """Shares of a text column's sampled values that read as numbers or as dates."""
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
        # Digits with leading zeros are codes (zip codes, ids): text on purpose.
        "code_share": parsed["codes"] / n,
    }


# -- dataset-level ---------------------------------------------------------------------


def _matrix(columns: Sequence[str], values: dict[tuple[str, str], float | None]) -> dict[str, Any]:
    """A symmetric matrix with 1 on the diagonal."""
    matrix = [
        [1.0 if a == b else values.get((a, b), values.get((b, a))) for b in columns]
        for a in columns
    ]
    return {"columns": list(columns), "matrix": matrix}


def _finite(value: float | None) -> float | None:
    """None for NaN and infinities (JSON has neither)."""
    return None if value is None or not math.isfinite(value) else float(value)


def _correlations(
    columns: Sequence[dict[str, Any]], sample: pl.DataFrame | None, rows: int, config: ProfileConfig
) -> dict[str, Any]:
    """Pearson and Spearman between numeric columns, Cramér's V between categorical ones."""
    result: dict[str, Any] = {
        "sample_rows": 0 if sample is None else sample.height,
        "exact": sample is not None and sample.height == rows,
    }
    empty: dict[str, list[Any]] = {"columns": [], "matrix": []}
    if sample is None or sample.height < 3:
        return {**result, "pearson": empty, "spearman": empty, "cramers_v": empty}
    numeric = [
        c for c in columns if c["kind"] == "numeric" and c["distinct"] > 1 and c["count"] > 2
    ]
    numeric = sorted(numeric, key=lambda c: -c["count"])[: config.max_correlation_columns]
    names = sorted((c["name"] for c in numeric), key=[c["name"] for c in columns].index)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    frame = sample.select(pl.col(n).cast(pl.Float64) for n in names) if names else None
    methods: dict[str, Any] = {}
    for method in ("pearson", "spearman"):
        if frame is None or not pairs:
            methods[method] = _matrix(names, {})
            continue
        row = frame.select(
            pl.corr(a, b, method=method).alias(f"{i}") for i, (a, b) in enumerate(pairs)
        ).row(0)
        methods[method] = _matrix(names, {p: _finite(v) for p, v in zip(pairs, row, strict=True)})
    categorical = [
        c
        for c in columns
        if c["kind"] in ("categorical", "boolean") and 1 < c["distinct"] <= config.max_categories
    ]
    categorical = sorted(categorical, key=lambda c: -c["count"])[: config.max_correlation_columns]
    cat_names = sorted((c["name"] for c in categorical), key=[c["name"] for c in columns].index)
    cramers = {
        (a, b): _cramers_v(sample, a, b)
        for i, a in enumerate(cat_names)
        for b in cat_names[i + 1 :]
    }
    return {**result, **methods, "cramers_v": _matrix(cat_names, cramers)}


def _cramers_v(sample: pl.DataFrame, a: str, b: str) -> float | None:
    """Cramér's V of two categorical columns (rows where both are present)."""
    table = sample.select(a, b).drop_nulls().group_by(a, b).len()
    n = int(table.get_column("len").sum()) if table.height else 0
    if n == 0:
        return None
    rows = table.group_by(a).agg(pl.col("len").sum().alias("r"))
    cols = table.group_by(b).agg(pl.col("len").sum().alias("c"))
    r, k = rows.height, cols.height
    if min(r, k) < 2:
        return None
    # Sorted, so the floating-point sums run in the same order every time.
    observed = table.join(rows, on=a).join(cols, on=b).sort(a, b)
    expected = observed.get_column("r").cast(pl.Float64) * observed.get_column("c") / n
    chi2_seen = float(((observed.get_column("len") - expected) ** 2 / expected).sum())
    # Cells never observed contribute their whole expected count.
    chi2 = chi2_seen + (n - float(expected.sum()))
    return _finite(math.sqrt(chi2 / n / (min(r, k) - 1)))


def _missing(partial: PartialProfile, columns: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Missing counts per column, nullity correlation and missing-value patterns."""
    n = partial.rows
    names = list(partial.columns)
    per_column = [
        {"column": c["name"], "missing": c["missing"], "fraction": c["missing_fraction"]}
        for c in columns
    ]
    co = partial.co_missing
    involved = [i for i, c in enumerate(columns) if len(co) and 0 < c["missing"] < n]
    values: dict[tuple[str, str], float | None] = {}
    for x, i in enumerate(involved):
        for j in involved[x + 1 :]:
            # Python numbers: the products overflow 64-bit integers past a few million rows.
            mi, mj, cij = float(co[i][i]), float(co[j][j]), float(co[i][j])
            denominator = math.sqrt(mi * (n - mi) * mj * (n - mj))
            values[(names[i], names[j])] = _finite((n * cij - mi * mj) / denominator)
    ranked = sorted(partial.patterns.items(), key=lambda p: (-p[1], p[0]))[:20]
    patterns = [
        {"columns": [names[int(i)] for i in key.split(",")] if key else [], "count": count}
        for key, count in ranked
    ]
    return {
        "columns": per_column,
        "nullity_correlation": _matrix([names[i] for i in involved], values),
        "patterns": patterns,
        "patterns_exact": partial.patterns_omitted == 0,
    }


def _rows(frame: pl.DataFrame | None) -> dict[str, Any]:
    """Rows as JSON-ready lists under their column names."""
    if frame is None:
        return {"columns": [], "rows": []}
    return {
        "columns": frame.columns,
        "rows": json_rows(frame),
    }


# -- files and merging -------------------------------------------------------------------


def dumps(profile: Mapping[str, Any]) -> str:
    """The profile as deterministic JSON text (sorted keys)."""
    return json.dumps(profile, sort_keys=True, ensure_ascii=False, indent=1, allow_nan=False)


def write_profile(profile: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``profile`` as JSON to ``path`` (complete or not at all).

    Raises:
        OutputError: the file cannot be written.
    """
    return write_text(path, dumps(profile) + "\n")


def load_profile(path: str | Path) -> dict[str, Any]:
    """Read a profile file, checking its schema version.

    Raises:
        ProfileError: unreadable, not a profile, or from an unsupported schema version.
    """
    path = Path(path)
    try:
        profile = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not a JSON file (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(profile, dict) or "schema_version" not in profile:
        raise ProfileError(f"{path}: not a Loupe profile (no schema_version)")
    found = str(profile["schema_version"])
    if found.split(".")[0] != _SUPPORTED_MAJOR:
        raise ProfileError(
            f"{path}: profile schema version {found} is not supported by this Loupe "
            f"(reads {_SUPPORTED_MAJOR}.x); profile the file again"
        )
    return profile


def merge_profiles(
    profiles: Sequence[Mapping[str, Any]], config: ProfileConfig, *, names: Sequence[str] = ()
) -> dict[str, Any]:
    """The profile of all the rows behind ``profiles`` (in the order given).

    Raises:
        ProfileError: a profile without state, or profiles of different columns.
    """
    if not profiles:
        raise ProfileError("nothing to merge")
    merged: PartialProfile | None = None
    for i, profile in enumerate(profiles):
        label = names[i] if i < len(names) else f"profile {i + 1}"
        if "state" not in profile:
            raise ProfileError(f"{label}: the profile has no mergeable state")
        try:
            part = PartialProfile.from_state(profile["state"])
            merged = part if merged is None else merged.merge(part)
        except StateError as exc:
            raise ProfileError(f"{label}: {exc}") from None
    assert merged is not None
    merged.limit = config.exact_distinct_limit
    sources = [dict(p.get("source", {})) for p in profiles]
    source = {
        "path": None,
        "format": "merged",
        "size_bytes": sum(int(s.get("size_bytes") or 0) for s in sources),
        "parts": sources,
    }
    return build_profile(merged, config, source=source, engine="merged")
