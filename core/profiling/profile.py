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
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, cast

import polars as pl

from core.errors import ProfileError, StateError
from core.output import write_text
from core.profiling.alerts import find_alerts
from core.profiling.column_profile import column_profile
from core.profiling.config import ProfileConfig
from core.profiling.correlations import correlations, symmetric_matrix
from core.profiling.document import (
    ColumnProfile,
    Dataset,
    Missing,
    MissingColumn,
    MissingPattern,
    Profile,
    Rows,
    Severity,
    Source,
    finite,
)
from core.profiling.partial import PartialProfile
from core.read.jsonvalue import json_rows

__all__ = [
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "build_profile",
    "dumps",
    "load_profile",
    "loupe_version",
    "merge_profiles",
    "write_profile",
]

SCHEMA_VERSION = "1.1"
SCHEMA_PATH = Path(__file__).with_name("schema") / "profile.schema.json"
_SUPPORTED_MAJOR = "1"
_SAMPLE_HASH = "\x00hash"


def loupe_version() -> str:
    """The installed Loupe version."""
    try:
        return version("loupe")
    except PackageNotFoundError:
        return "unknown"


def build_profile(
    partial: PartialProfile,
    config: ProfileConfig,
    *,
    source: Source,
    engine: str,
) -> Profile:
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
    columns = [column_profile(part, config, sample) for part in partial.columns.values()]
    dataset = _dataset(partial, columns)
    # The mergeable state is mostly serialising and compressing, the correlations
    # mostly Polars on its own threads: the state is written meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        state = pool.submit(partial.to_state)
        profile = _document(
            partial,
            config,
            source=source,
            engine=engine,
            columns=columns,
            dataset=dataset,
            sample=sample,
        )
        profile["state"] = state.result()
    return profile


def _document(
    partial: PartialProfile,
    config: ProfileConfig,
    *,
    source: Source,
    engine: str,
    columns: list[ColumnProfile],
    dataset: Dataset,
    sample: pl.DataFrame | None,
) -> Profile:
    """The profile document of ``partial`` but its state."""
    profile: Profile = {
        "schema_version": SCHEMA_VERSION,
        "loupe_version": loupe_version(),
        "engine": engine,
        "source": source.copy(),
        "dataset": dataset,
        "columns": columns,
        "correlations": correlations(columns, sample, partial.rows, config),
        "missing": _missing(partial, columns),
        "samples": {"head": _rows(partial.head), "tail": _rows(partial.tail)},
        "settings": {
            "correlation_sample": config.correlation_sample,
            "exact_distinct_limit": config.exact_distinct_limit,
            "thresholds": dict(sorted(vars(config.thresholds).items())),
        },
        "alerts": [],
        "state": "",
    }
    profile["alerts"] = find_alerts(profile, config.thresholds)
    return profile


# -- dataset-level ---------------------------------------------------------------------


def _dataset(partial: PartialProfile, columns: Sequence[ColumnProfile]) -> Dataset:
    """Figures of the whole table."""
    rows = partial.rows
    missing_cells = sum(c["missing"] for c in columns)
    duplicates = partial.duplicate_rows()
    kinds: dict[str, int] = {}
    for column in columns:
        kinds[column["kind"]] = kinds.get(column["kind"], 0) + 1
    cells = rows * len(columns)
    return {
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
    }


def _missing(partial: PartialProfile, columns: Sequence[ColumnProfile]) -> Missing:
    """Missing counts per column, nullity correlation and missing-value patterns."""
    n = partial.rows
    names = list(partial.columns)
    per_column: list[MissingColumn] = [
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
            values[(names[i], names[j])] = finite((n * cij - mi * mj) / denominator)
    ranked = sorted(partial.patterns.items(), key=lambda p: (-p[1], p[0]))[:20]
    patterns: list[MissingPattern] = [
        {"columns": [names[int(i)] for i in key.split(",")] if key else [], "count": count}
        for key, count in ranked
    ]
    return {
        "columns": per_column,
        "nullity_correlation": symmetric_matrix([names[i] for i in involved], values),
        "patterns": patterns,
        "patterns_exact": partial.patterns_omitted == 0,
    }


def _rows(frame: pl.DataFrame | None) -> Rows:
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


def load_profile(path: str | Path) -> Profile:
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
    document = cast(Profile, profile)
    for alert in document.get("alerts", []):
        # Severities arrive as text; in memory they are members of the enum.
        alert["severity"] = Severity(alert["severity"])
    return document


def merge_profiles(
    profiles: Sequence[Mapping[str, Any]], config: ProfileConfig, *, names: Sequence[str] = ()
) -> Profile:
    """The profile of all the rows behind ``profiles`` (in the order given).

    Args:
        profiles: profile documents (as loaded from JSON) with their mergeable ``state``.
        config: settings and thresholds for the merged profile.
        names: what to call each profile in errors (default: "profile 1", ...).

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
    source: Source = {
        "path": None,
        "format": "merged",
        "size_bytes": sum(int(s.get("size_bytes") or 0) for s in sources),
        "parts": sources,
    }
    return build_profile(merged, config, source=source, engine="merged")
