"""Two profiles compared: schema changes, figures side by side, distribution drift, alerts.

Everything is computed from the two profile documents and the mergeable state
they carry (see :mod:`core.profiling.partial`), never from the data, so a
profile saved months ago compares with today's file. Dataset ``a`` is the
reference; ``b`` is compared with it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from core.compare import drift
from core.compare.config import CompareConfig, DriftThresholds
from core.compare.correlations import compare_correlations
from core.compare.document import (
    CategoryChange,
    Change,
    ColumnComparison,
    Comparison,
    DateRange,
    Drift,
    DriftRow,
    Overlay,
    Rename,
    SchemaChange,
    Side,
)
from core.compare.sides import (
    CATEGORY_FAMILIES,
    LENGTH_FAMILIES,
    MEASURED_FAMILIES,
    Categories,
    Sample,
    categories,
    sample,
)
from core.errors import ProfileError, StateError
from core.profiling.column_partial import ColumnPartial
from core.profiling.column_profile import instants_text
from core.profiling.distribution import even_edges, integer_edges
from core.profiling.document import Alert, ColumnProfile, Profile, Severity, finite
from core.profiling.partial import PartialProfile

__all__ = ["COMPARISON_VERSION", "compare_profiles", "partial_of"]

COMPARISON_VERSION = "1.1"
_OTHER = "\x00other"
_STATS = ("min", "max", "mean", "std")
_ALL_FREQUENT = 1 << 20
# What a family's drift distances are measured in (None: the values' own unit).
_UNITS = {
    "datetime": "seconds",
    "time": "seconds",
    "duration": "seconds",
    "binary": "bytes",
    "list": "elements",
}
# Removed and added columns at most whose values are compared for renames.
_RENAME_PAIRS = 2500


def partial_of(profile: Profile, label: str) -> dict[str, ColumnPartial]:
    """The columns' mergeable state of ``profile``, by name.

    Raises:
        ProfileError: the profile has no state, or one this Loupe cannot read.
    """
    if not profile.get("state"):
        raise ProfileError(f"{label}: the profile has no mergeable state (profile the file again)")
    try:
        return PartialProfile.columns_from_state(profile["state"])
    except StateError as exc:
        raise ProfileError(f"{label}: {exc}") from None
    except (TypeError, KeyError, AttributeError, ValueError):
        raise ProfileError(f"{label}: the profile's mergeable state is damaged") from None


def compare_profiles(
    a: Profile, b: Profile, config: CompareConfig, *, names: Sequence[str] = ("a", "b")
) -> Comparison:
    """What changed from profile ``a`` to profile ``b``.

    Args:
        a: the reference profile (as loaded from JSON, or just built), with its state.
        b: the profile compared with it.
        config: bins, categories and thresholds.
        names: what to call each side in errors.

    Returns:
        A JSON-ready comparison document (see :mod:`core.compare.document`).

    Raises:
        ProfileError: a profile without a readable mergeable state.
    """
    parts = (partial_of(a, names[0]), partial_of(b, names[1]))
    columns_a = {c["name"]: c for c in a["columns"]}
    columns_b = {c["name"]: c for c in b["columns"]}
    t = config.thresholds
    common = [n for n in columns_a if n in columns_b]
    schema: SchemaChange = {
        "common": common,
        "added": [n for n in columns_b if n not in columns_a],
        "removed": [n for n in columns_a if n not in columns_b],
        "retyped": [],
        "renamed": [],
    }
    compared: list[ColumnComparison] = []
    for name in common:
        ca, cb = columns_a[name], columns_b[name]
        if ca["dtype"] != cb["dtype"] or ca["kind"] != cb["kind"]:
            schema["retyped"].append(
                {
                    "column": name,
                    "dtype": _change(ca["dtype"], cb["dtype"]),
                    "kind": _change(ca["kind"], cb["kind"]),
                }
            )
        pa, pb = parts[0].get(name), parts[1].get(name)
        compared.append(_column(ca, cb, pa, pb, config))
        # An element named as a column of either side (a real column "tags[]") is left out.
        compared.extend(_elements(ca, cb, pa, pb, config, columns_a.keys() | columns_b.keys()))
    schema["renamed"] = _renames(schema, columns_a, columns_b, parts, config)
    comparison: Comparison = {
        "comparison_version": COMPARISON_VERSION,
        "a": _side(a),
        "b": _side(b),
        "settings": {
            **{k: v for k, v in asdict(config).items() if k != "thresholds"},
            "thresholds": asdict(t),
        },
        "dataset": _dataset(a, b),
        "schema": schema,
        "columns": compared,
        "drift": _drift_table(compared),
        "correlations": compare_correlations(a.get("correlations"), b.get("correlations")),
        "alerts": [],
    }
    comparison["alerts"] = _alerts(comparison, t)
    return comparison


# -- figures side by side ------------------------------------------------------------


def _change(a: Any, b: Any) -> Change:
    """A figure on both sides and ``b − a`` when both are numbers."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
    difference = finite(b - a) if numbers and isinstance(a, float) | isinstance(b, float) else None
    if numbers and isinstance(a, int) and isinstance(b, int):
        difference = b - a
    return {"a": a, "b": b, "difference": difference}


def _side(profile: Profile) -> Side:
    """What one side is."""
    source = profile.get("source", {})
    return {
        "name": source.get("path") or source.get("name"),
        "format": str(source.get("format", "")),
        "engine": profile.get("engine", ""),
        "rows": profile["dataset"]["rows"],
        "columns": profile["dataset"]["columns"],
    }


def _dataset(a: Profile, b: Profile) -> dict[str, Change]:
    """Row, column, missing-cell and duplicate-row figures side by side."""
    da, db = a["dataset"], b["dataset"]
    keys = (
        "rows",
        "columns",
        "missing_cells",
        "missing_cells_fraction",
        "duplicate_rows",
        "duplicate_rows_fraction",
    )
    return {k: _change(da.get(k), db.get(k)) for k in keys}


def _column(
    ca: ColumnProfile,
    cb: ColumnProfile,
    pa: ColumnPartial | None,
    pb: ColumnPartial | None,
    config: CompareConfig,
) -> ColumnComparison:
    """One column found on both sides."""
    stats: dict[str, Change] = {}
    for key in _STATS:
        if key in ca or key in cb:
            stats[key] = _change(ca.get(key), cb.get(key))
    qa, qb = ca.get("quantiles") or {}, cb.get("quantiles") or {}
    for level in [q for q in qa if q in qb]:
        stats[f"q{level}"] = _change(qa[level], qb[level])
    la: Mapping[str, Any] = ca.get("length") or {}
    lb: Mapping[str, Any] = cb.get("length") or {}
    for key in ("min", "mean", "max"):
        if key in la and key in lb:
            stats[f"length_{key}"] = _change(la[key], lb[key])
    column: ColumnComparison = {
        "name": ca["name"],
        "kind": _change(ca["kind"], cb["kind"]),
        "dtype": _change(ca["dtype"], cb["dtype"]),
        "count": _change(ca["count"], cb["count"]),
        "missing": _change(ca["missing"], cb["missing"]),
        "missing_fraction": _change(ca["missing_fraction"], cb["missing_fraction"]),
        "distinct": _change(ca["distinct"], cb["distinct"]),
        "distinct_exact": ca["distinct_exact"] and cb["distinct_exact"],
        "stats": stats,
        "drift": None,
        "categories": None,
        "date_range": None,
        "overlay": None,
        "severity": None,
    }
    if pa is None or pb is None or pa.family != pb.family:
        return column
    if pa.family in ("datetime", "time", "duration"):
        # Instants differ from the profile's text: their differences in seconds.
        for key in ("min", "max"):
            if key in stats and pa.moments.n and pb.moments.n:
                stats[key]["difference"] = _seconds(pb, getattr(pb.moments, key)) - _seconds(
                    pa, getattr(pa.moments, key)
                )
    measured = column_drift(pa, pb, config)
    if measured is not None:
        found, column["overlay"] = measured
        column["drift"] = found
        drift_level = severity_of(found, config.thresholds)[0]
        column["severity"] = None if drift_level is None else drift_level.value
    if pa.family in CATEGORY_FAMILIES:
        column["categories"] = _categories(pa, pb, config)
    if pa.family == "datetime" and pa.moments.n and pb.moments.n:
        column["date_range"] = _date_range(ca, cb, pa, pb)
    return column


def _elements(
    ca: ColumnProfile,
    cb: ColumnProfile,
    pa: ColumnPartial | None,
    pb: ColumnPartial | None,
    config: CompareConfig,
    taken: Collection[str],
) -> list[ColumnComparison]:
    """A list column's elements on both sides (``tags[]``, ``items[].price``), each as a column."""
    if pa is None or pb is None:
        return []
    found_a = {e["name"]: e for e in ca.get("elements") or []}
    found_b = {e["name"]: e for e in cb.get("elements") or []}
    return [
        _column(found_a[name], found_b[name], part, pb.elements[name], config)
        for name, part in pa.elements.items()
        if name in pb.elements and name in found_a and name in found_b and name not in taken
    ]


def _seconds(part: ColumnPartial, value: float | int | None) -> float:
    """A temporal column's measured value in seconds."""
    return float(value or 0) / (1e6 * part.scale)


def _date_range(
    ca: ColumnProfile, cb: ColumnProfile, pa: ColumnPartial, pb: ColumnPartial
) -> DateRange:
    """First and last instants, their shifts in seconds, and whether the ranges overlap."""
    low_a, high_a = _seconds(pa, pa.moments.min), _seconds(pa, pa.moments.max)
    low_b, high_b = _seconds(pb, pb.moments.min), _seconds(pb, pb.moments.max)
    return {
        "min": {"a": ca.get("min"), "b": cb.get("min"), "difference": low_b - low_a},
        "max": {"a": ca.get("max"), "b": cb.get("max"), "difference": high_b - high_a},
        "overlap": low_b <= high_a and low_a <= high_b,
    }


# -- drift ------------------------------------------------------------------------------


def column_drift(
    pa: ColumnPartial, pb: ColumnPartial, config: CompareConfig
) -> tuple[Drift, Overlay] | None:
    """The drift statistics of a column's values from side ``a`` to side ``b``, and their buckets.

    Numbers and instants: PSI and JS distance over the same bins (``config.bins``
    over the union of both ranges; whole-number bins for integers), bin counts
    exact from value counts or estimated from the digest; KS and Wasserstein
    from the weighted samples of :func:`core.compare.sides.sample`. Binary
    values and lists: the same, of their lengths. Categories: PSI and JS
    distance over the categories both sides know (see :func:`category_buckets`).
    The overlay holds both sides' counts in the same buckets. None for other
    kinds, or a side without values.
    """
    if pa.family in MEASURED_FAMILIES + LENGTH_FAMILIES:
        sa, sb = sample(pa, config.quantile_grid), sample(pb, config.quantile_grid)
        if sa is None or sb is None:
            return None
        return _measured_drift(pa, pb, sa, sb, config)
    if pa.family in CATEGORY_FAMILIES:
        ka = categories(pa, config.max_categories * 4)
        kb = categories(pb, config.max_categories * 4)
        if not (ka.n and kb.n):
            return None
        keys, ba, bb = category_buckets(ka, kb, config.max_categories)
        overlay: Overlay = {
            "method": "categories",
            "edges": None,
            "labels": [None if k == _OTHER else k for k in keys],
            "a": _whole(ba),
            "b": _whole(bb),
        }
        return {
            "method": "categories",
            "buckets": len(keys),
            "psi": drift.psi(ba, bb),
            "js_distance": drift.js_distance(ba, bb),
            "ks": None,
            "wasserstein": None,
            "wasserstein_std": None,
            "unit": None,
            "exact": ka.exact and kb.exact,
        }, overlay
    return None


def _whole(counts: np.ndarray[Any, Any]) -> list[int]:
    """Bucket counts as whole numbers (estimates are rounded)."""
    return [round(float(c)) for c in counts]


def _edges_text(part: ColumnPartial, edges: list[float]) -> list[Any]:
    """Bin edges as the overlay shows them: ISO text for instants, else as they are."""
    if part.family in ("datetime", "time"):
        return instants_text(part, [e * 1e6 * part.scale for e in edges], date_only=False)
    return edges


def common_edges(sa: Sample, sb: Sample, bins: int) -> list[float]:
    """The same bin edges for both sides, over the union of their ranges."""
    low = float(min(sa.values[0], sb.values[0]))
    high = float(max(sa.values[-1], sb.values[-1]))
    if sa.integer and sb.integer:
        return integer_edges(low, high, bins)
    return even_edges(low, high, bins if high > low else 1)


def _measured_drift(
    pa: ColumnPartial, pb: ColumnPartial, sa: Sample, sb: Sample, config: CompareConfig
) -> tuple[Drift, Overlay]:
    """Drift of numbers, instants, durations, or lengths, and both sides' bin counts."""
    if not (sa.exact and sb.exact):
        # Digest quantiles fall inside the values; the bins must hold the extremes too.
        extremes = [
            v / s.scale
            for p, s in ((pa, sa), (pb, sb))
            for v in (p.moments.min, p.moments.max)
            if v is not None
        ]
        low, high = min(extremes), max(extremes)
        if sa.integer and sb.integer:
            edges = integer_edges(low, high, config.bins)
        else:
            edges = even_edges(low, high, config.bins if high > low else 1)
    else:
        edges = common_edges(sa, sb, config.bins)
    ba, bb = sa.bin_counts(pa, edges), sb.bin_counts(pb, edges)
    distance = drift.wasserstein(sa.values, sa.weights, sb.values, sb.weights)
    std = pa.moments.variance()
    spread = float(np.sqrt(std)) / sa.scale if std else None
    unit = _UNITS.get(pa.family)
    overlay: Overlay = {
        "method": "bins",
        "edges": _edges_text(pa, edges),
        "labels": None,
        "a": _whole(ba),
        "b": _whole(bb),
    }
    return {
        "method": "bins",
        "buckets": len(edges) - 1,
        "psi": drift.psi(ba, bb),
        "js_distance": drift.js_distance(ba, bb),
        "ks": drift.ks_statistic(sa.values, sa.weights, sb.values, sb.weights),
        "wasserstein": finite(distance),
        "wasserstein_std": finite(distance / spread) if spread else None,
        "unit": unit,
        "exact": sa.exact and sb.exact,
    }, overlay


def category_buckets(
    ka: Categories, kb: Categories, limit: int
) -> tuple[list[str], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The same category buckets on both sides, and each side's counts in them.

    A category is a bucket of its own when its count is known on both sides,
    and it is among the ``limit`` most common over both sides (by the sum of its
    shares). Everything else of a side is its ``other`` bucket. A complete side
    (see :class:`~core.compare.sides.Categories`) knows every category's count
    (0 for one it lacks); a sketched side knows its most frequent values'. A
    category a complete side holds and a sketched side does not hold among its
    frequent values is taken as 0 there (a frequent-items sketch keeps every
    value above its error bound), so a category that makes up much of one side
    is never hidden in ``other``; one that only a sketched side holds has a
    bucket only when the other side knows it too.
    """
    keys = set(ka.counts) | set(kb.counts)

    def counted(key: str, side: Categories) -> bool:
        """Whether ``side`` knows the count of ``key``."""
        return key in side.counts or side.complete

    def held_whole(key: str, side: Categories) -> bool:
        """Whether a complete ``side`` holds ``key`` (the other side then counts 0 unless known)."""
        return key in side.counts and side.complete

    known = [
        k
        for k in keys
        if (counted(k, ka) and counted(k, kb)) or held_whole(k, ka) or held_whole(k, kb)
    ]

    def share(key: str) -> float:
        return ka.counts.get(key, 0) / max(ka.n, 1) + kb.counts.get(key, 0) / max(kb.n, 1)

    chosen = sorted(known, key=lambda k: (-share(k), k))[:limit]
    ca = [ka.counts.get(k, 0) for k in chosen]
    cb = [kb.counts.get(k, 0) for k in chosen]
    other_a, other_b = max(0, ka.n - sum(ca)), max(0, kb.n - sum(cb))
    if other_a or other_b:
        chosen, ca, cb = [*chosen, _OTHER], [*ca, other_a], [*cb, other_b]
    return chosen, np.asarray(ca, dtype=np.float64), np.asarray(cb, dtype=np.float64)


def _categories(pa: ColumnPartial, pb: ColumnPartial, config: CompareConfig) -> CategoryChange:
    """Categories on one side only: from exact counts, or else from the most frequent values."""
    # Every value a sketched side's frequent-items sketch holds.
    ka, kb = categories(pa, _ALL_FREQUENT), categories(pb, _ALL_FREQUENT)
    # On a sketched side a category not among its most frequent values may still be there:
    # only categories missing from an exact side are certainly new or gone.
    appeared = {k: c for k, c in kb.counts.items() if k not in ka.counts} if ka.complete else {}
    vanished = {k: c for k, c in ka.counts.items() if k not in kb.counts} if kb.complete else {}

    def listed(found: Mapping[str, int]) -> list[dict[str, Any]]:
        ranked = sorted(found.items(), key=lambda p: (-p[1], p[0]))[: config.listed_categories]
        return [{"value": k, "count": c} for k, c in ranked]

    return {
        "appeared": listed(appeared),
        "appeared_count": len(appeared),
        "appeared_share": sum(appeared.values()) / kb.n if kb.n else 0.0,
        "vanished": listed(vanished),
        "vanished_count": len(vanished),
        "vanished_share": sum(vanished.values()) / ka.n if ka.n else 0.0,
        "exact": ka.exact and kb.exact,
    }


def severity_of(found: Drift, t: DriftThresholds) -> tuple[Severity | None, str, float, float]:
    """The drift's severity, and the statistic, value and threshold that set it."""
    checks: list[tuple[str, float | None, float, float]] = [
        ("PSI", found["psi"], t.psi_warning, t.psi_critical),
        ("JS distance", found["js_distance"], t.js_warning, t.js_critical),
        ("KS", found["ks"], t.ks_warning, t.ks_critical),
    ]
    best: tuple[Severity | None, str, float, float] = (None, "", 0.0, 0.0)
    for label, value, warning, critical in checks:
        if value is None:
            continue
        level = (
            Severity.CRITICAL
            if value >= critical
            else Severity.WARNING
            if value >= warning
            else None
        )
        if level is None:
            continue
        if best[0] is None or level.rank < best[0].rank:
            best = (level, label, value, critical if level is Severity.CRITICAL else warning)
    return best


def _drift_table(columns: list[ColumnComparison]) -> list[DriftRow]:
    """Columns sorted by drift: most severe first, then by JS distance, PSI and name."""
    rows: list[DriftRow] = []
    for column in columns:
        found = column["drift"]
        rows.append(
            {
                "column": column["name"],
                "kind": str(column["kind"]["b"]),
                "severity": column["severity"],
                "js_distance": found["js_distance"] if found else None,
                "psi": found["psi"] if found else None,
                "ks": found["ks"] if found else None,
                "exact": found["exact"] if found else None,
            }
        )

    def key(row: DriftRow) -> tuple[int, float, float, str]:
        rank = Severity(row["severity"]).rank if row["severity"] else len(Severity)
        return (rank, -(row["js_distance"] or 0.0), -(row["psi"] or 0.0), row["column"])

    return sorted(rows, key=key)


# -- renames ----------------------------------------------------------------------------


def _renames(
    schema: SchemaChange,
    columns_a: Mapping[str, ColumnProfile],
    columns_b: Mapping[str, ColumnProfile],
    parts: tuple[dict[str, ColumnPartial], dict[str, ColumnPartial]],
    config: CompareConfig,
) -> list[Rename]:
    """Removed and added columns whose values look alike: suggestions, never certainties.

    A pair qualifies when both columns are of the same family and kind, their
    missing shares differ by at most ``rename_missing``, the smaller distinct
    count is at least ``rename_distinct`` of the larger, and their values'
    JS distance is at most ``rename_js``. Each column is paired once, closest first.
    Only the first ``_RENAME_PAIRS`` pairs that pass the cheap checks are compared.
    """
    t = config.thresholds
    candidates: list[tuple[float, str, str]] = []
    checked = 0
    for old in schema["removed"]:
        for new in schema["added"]:
            ca, cb = columns_a[old], columns_b[new]
            pa, pb = parts[0].get(old), parts[1].get(new)
            if pa is None or pb is None or pa.family != pb.family or ca["kind"] != cb["kind"]:
                continue
            if abs(ca["missing_fraction"] - cb["missing_fraction"]) > t.rename_missing:
                continue
            low, high = sorted((ca["distinct"], cb["distinct"]))
            if high and low / high < t.rename_distinct:
                continue
            checked += 1
            if checked > _RENAME_PAIRS:
                return _paired(candidates)
            measured = column_drift(pa, pb, config)
            if measured is not None and measured[0]["js_distance"] <= t.rename_js:
                candidates.append((measured[0]["js_distance"], old, new))
    return _paired(candidates)


def _paired(candidates: list[tuple[float, str, str]]) -> list[Rename]:
    """Renames from (JS distance, old, new) candidates: each column once, closest first."""
    renames: list[Rename] = []
    used: set[str] = set()
    for distance, old, new in sorted(candidates):
        if old in used or new in used:
            continue
        used |= {old, new}
        renames.append(
            {
                "a": old,
                "b": new,
                "js_distance": distance,
                "message": f"{old!r} is possibly renamed {new!r} (its values look alike)",
            }
        )
    return renames


# -- alerts -----------------------------------------------------------------------------


def _alert(
    kind: str, columns: list[str], value: float, threshold: float, severity: Severity, message: str
) -> Alert:
    """One alert record."""
    return {
        "kind": kind,
        "columns": columns,
        "value": value,
        "threshold": threshold,
        "severity": severity,
        "message": message,
    }


def _alerts(comparison: Comparison, t: DriftThresholds) -> list[Alert]:
    """Every alert the comparison raises, most severe first.

    Kinds: ``column_removed`` (warning), ``column_retyped`` (warning; info when
    only the kind changed),
    ``column_added`` and ``possibly_renamed`` (info), ``row_count`` (info),
    ``missing_change`` (warning or critical), ``drift`` (the most severe of
    PSI, JS distance and KS), ``categories_appeared`` and
    ``categories_vanished`` (info) and ``date_range`` (info, ranges apart).
    """
    alerts: list[Alert] = []
    schema = comparison["schema"]
    for name in schema["removed"]:
        alerts.append(_alert("column_removed", [name], 1, 1, Severity.WARNING, f"{name!r} is gone"))
    for name in schema["added"]:
        alerts.append(_alert("column_added", [name], 1, 1, Severity.INFO, f"{name!r} is new"))
    for retype in schema["retyped"]:
        name = retype["column"]
        was, now = retype["dtype"], retype["kind"]
        message = f"{name!r} was {was['a']} ({now['a']}) and is {was['b']} ({now['b']})"
        # The same type read as another kind (categories become text past 50 values): info.
        level = Severity.WARNING if was["a"] != was["b"] else Severity.INFO
        alerts.append(_alert("column_retyped", [name], 1, 1, level, message))
    for rename in schema["renamed"]:
        alerts.append(
            _alert(
                "possibly_renamed",
                [rename["a"], rename["b"]],
                rename["js_distance"],
                t.rename_js,
                Severity.INFO,
                rename["message"],
            )
        )
    rows = comparison["dataset"]["rows"]
    if rows["a"] and abs(rows["b"] - rows["a"]) / rows["a"] >= t.row_change:
        change = (rows["b"] - rows["a"]) / rows["a"]
        message = f"rows went from {rows['a']:,} to {rows['b']:,} ({change:+.1%})"
        alerts.append(_alert("row_count", [], change, t.row_change, Severity.INFO, message))
    elif not rows["a"] and rows["b"]:
        # From none: no relative change to give; the rows that came are the value.
        message = f"rows went from none to {rows['b']:,}"
        alerts.append(_alert("row_count", [], rows["b"], t.row_change, Severity.INFO, message))
    for column in comparison["columns"]:
        alerts += _column_alerts(column, t)
    return sorted(alerts, key=lambda a: (a["severity"].rank, a["kind"], a["columns"]))


def _column_alerts(column: ColumnComparison, t: DriftThresholds) -> list[Alert]:
    """Alerts about one column found on both sides."""
    alerts: list[Alert] = []
    name = column["name"]
    change = column["missing_fraction"]
    delta = abs(change["b"] - change["a"])
    if delta >= t.missing_warning:
        critical = delta >= t.missing_critical
        alerts.append(
            _alert(
                "missing_change",
                [name],
                delta,
                t.missing_critical if critical else t.missing_warning,
                Severity.CRITICAL if critical else Severity.WARNING,
                f"{name!r} went from {change['a']:.1%} to {change['b']:.1%} missing",
            )
        )
    found = column["drift"]
    if found is not None:
        level, label, value, threshold = severity_of(found, t)
        if level is not None:
            figures = [f"PSI {found['psi']:.3f}", f"JS distance {found['js_distance']:.3f}"]
            if found["ks"] is not None:
                figures.append(f"KS {found['ks']:.3f}")
            message = f"{name!r} drifted ({label} {value:.3f} ≥ {threshold}): " + ", ".join(figures)
            alerts.append(_alert("drift", [name], value, threshold, level, message))
    categories = column["categories"]
    if categories is not None and column["kind"]["a"] in ("categorical", "boolean"):
        approx = "" if categories["exact"] else " (from the most frequent values)"
        sides = (
            ("appeared", categories["appeared"], categories["appeared_share"]),
            ("vanished", categories["vanished"], categories["vanished_share"]),
        )
        for verb, found_values, share in sides:
            count = categories["appeared_count" if verb == "appeared" else "vanished_count"]
            if count and share >= t.category_share:
                shown = ", ".join(repr(v["value"]) for v in found_values[:5])
                message = f"{count} categories of {name!r} {verb}{approx}: {shown}"
                alerts.append(
                    _alert(
                        f"categories_{verb}",
                        [name],
                        share,
                        t.category_share,
                        Severity.INFO,
                        message,
                    )
                )
    dates = column["date_range"]
    if dates is not None and not dates["overlap"]:
        message = (
            f"the dates of {name!r} do not overlap ({dates['min']['a']} → {dates['max']['a']} "
            f"and {dates['min']['b']} → {dates['max']['b']})"
        )
        alerts.append(_alert("date_range", [name], 0, 0, Severity.INFO, message))
    return alerts
