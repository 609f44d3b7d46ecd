"""Alerts: what in a profile deserves the user's attention.

Each alert names its ``kind``, the ``columns`` concerned, the figure that
triggered it (``value``), the ``threshold`` it crossed, a ``severity``
(``critical``, ``warning`` or ``info``) and a readable ``message``.
Thresholds and their defaults are documented in :mod:`core.profiling.config`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core.profiling.config import Thresholds

__all__ = ["ALERT_KINDS", "find_alerts"]

ALERT_KINDS = (
    "empty_dataset",
    "duplicate_rows",
    "constant",
    "unique",
    "missing",
    "high_missing",
    "all_missing",
    "unsupported",
    "high_correlation",
    "high_cardinality",
    "skewed",
    "zeros",
    "infinite",
    "imbalance",
    "numbers_as_text",
    "dates_as_text",
    "mixed_types",
)
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _alert(
    kind: str,
    columns: list[str],
    value: float | int,
    threshold: float | int,
    severity: str,
    message: str,
) -> dict[str, Any]:
    """One alert record."""
    return {
        "kind": kind,
        "columns": columns,
        "value": value,
        "threshold": threshold,
        "severity": severity,
        "message": message,
    }


def find_alerts(profile: Mapping[str, Any], thresholds: Thresholds) -> list[dict[str, Any]]:
    """Every alert the profile triggers, most severe first.

    Args:
        profile: a profile document without alerts yet (or with, ignored).
        thresholds: the limits to apply.

    Returns:
        Alert records, ordered by severity, then kind, then columns.
    """
    t = thresholds
    dataset = profile["dataset"]
    rows = dataset["rows"]
    alerts: list[dict[str, Any]] = []
    if rows == 0:
        alerts.append(_alert("empty_dataset", [], 0, 1, "critical", "the dataset has no rows"))
    fraction = dataset.get("duplicate_rows_fraction")
    if fraction is not None and dataset["duplicate_rows"] and fraction > t.duplicate_rows:
        alerts.append(
            _alert(
                "duplicate_rows",
                [],
                dataset["duplicate_rows"],
                t.duplicate_rows,
                "warning",
                f"{dataset['duplicate_rows']:,} rows ({fraction:.1%}) repeat an earlier row",
            )
        )
    for column in profile["columns"]:
        alerts += _column_alerts(column, rows, t)
    alerts += _correlation_alerts(profile.get("correlations", {}), t)
    return sorted(alerts, key=lambda a: (_SEVERITY_ORDER[a["severity"]], a["kind"], a["columns"]))


def _column_alerts(column: Mapping[str, Any], rows: int, t: Thresholds) -> list[dict[str, Any]]:
    """Alerts about one column."""
    name, kind, count = column["name"], column["kind"], column["count"]
    out: list[dict[str, Any]] = []
    missing = column["missing_fraction"]
    if rows and not count:
        out.append(
            _alert("all_missing", [name], 1.0, 1.0, "critical", f"{name!r} has no value at all")
        )
    elif rows and missing >= t.high_missing:
        severity = "critical" if missing >= t.critical_missing else "warning"
        out.append(
            _alert(
                "high_missing",
                [name],
                missing,
                t.critical_missing if severity == "critical" else t.high_missing,
                severity,
                f"{name!r} is missing in {missing:.1%} of rows",
            )
        )
    elif rows and column["missing"] and missing >= t.missing:
        out.append(
            _alert(
                "missing",
                [name],
                missing,
                t.missing,
                "info",
                f"{name!r} is missing in {column['missing']:,} "
                f"row{'' if column['missing'] == 1 else 's'} ({missing:.1%})",
            )
        )
    if kind == "unsupported":
        out.append(
            _alert(
                "unsupported",
                [name],
                count,
                0,
                "warning",
                f"{name!r} is not summarised: {column.get('reason', 'unsupported type')}",
            )
        )
    if count and column["distinct"] == 1:
        value = column["top_values"][0]["value"] if column["top_values"] else None
        out.append(
            _alert("constant", [name], 1, 1, "warning", f"{name!r} has a single value ({value!r})")
        )
    # Distinct measurements are no identifiers: only text, codes and binary values can be.
    if count > 1 and column["unique"] and kind in ("categorical", "text", "binary"):
        out.append(
            _alert(
                "unique",
                [name],
                count,
                count,
                "info",
                f"every value of {name!r} is different (an identifier?)",
            )
        )
    if (
        kind in ("categorical", "text")
        and column["distinct"] > t.high_cardinality
        and (column["distinct_fraction"] > 0.5)
    ):
        out.append(
            _alert(
                "high_cardinality",
                [name],
                column["distinct"],
                t.high_cardinality,
                "info",
                f"{name!r} has {column['distinct']:,} distinct values",
            )
        )
    if kind == "numeric" and count:
        skew = column.get("skewness")
        if skew is not None and abs(skew) > t.skewness:
            out.append(
                _alert(
                    "skewed",
                    [name],
                    skew,
                    t.skewness,
                    "info",
                    f"{name!r} is highly skewed (skewness {skew:.1f})",
                )
            )
        zeros = column["zeros"] / count
        if column["zeros"] and zeros >= t.zeros:
            out.append(
                _alert("zeros", [name], zeros, t.zeros, "info", f"{zeros:.1%} of {name!r} are zero")
            )
        if column["infinite"]:
            out.append(
                _alert(
                    "infinite",
                    [name],
                    column["infinite"],
                    0,
                    "warning",
                    f"{name!r} holds {column['infinite']:,} infinite values",
                )
            )
    if kind in ("categorical", "boolean") and count:
        imbalance = _imbalance(column)
        if imbalance is not None and imbalance > t.imbalance:
            out.append(
                _alert(
                    "imbalance",
                    [name],
                    imbalance,
                    t.imbalance,
                    "info",
                    f"{name!r} is dominated by few values (imbalance {imbalance:.2f})",
                )
            )
    content = column.get("text_content")
    if content and content["sampled"] and not content["code_share"]:
        numeric, dates = content["numeric_share"], content["date_share"]
        if numeric >= t.text_as_type:
            out.append(
                _alert(
                    "numbers_as_text",
                    [name],
                    numeric,
                    t.text_as_type,
                    "warning",
                    f"{numeric:.1%} of {name!r} read as numbers but the column is text",
                )
            )
        elif dates >= t.text_as_type:
            out.append(
                _alert(
                    "dates_as_text",
                    [name],
                    dates,
                    t.text_as_type,
                    "warning",
                    f"{dates:.1%} of {name!r} read as dates but the column is text",
                )
            )
        elif numeric >= t.mixed_types:
            out.append(
                _alert(
                    "mixed_types",
                    [name],
                    numeric,
                    t.mixed_types,
                    "warning",
                    f"{name!r} mixes numbers ({numeric:.1%}) with text",
                )
            )
    return out


def _imbalance(column: Mapping[str, Any]) -> float | None:
    """1 - normalised Shannon entropy of the value counts (0 balanced, 1 one value)."""
    if column["kind"] == "boolean":
        counts = [column.get("trues", 0), column.get("falses", 0)]
    elif column["distinct_exact"] and len(column["top_values"]) == column["distinct"]:
        counts = [v["count"] for v in column["top_values"]]
    else:
        return None
    counts = [c for c in counts if c]
    total = sum(counts)
    if len(counts) < 2 or not total:
        return None
    entropy = -sum(c / total * math.log(c / total) for c in counts)
    return float(1 - entropy / math.log(len(counts)))


def _correlation_alerts(correlations: Mapping[str, Any], t: Thresholds) -> list[dict[str, Any]]:
    """Pairs whose correlation reaches the threshold (the strongest method per pair)."""
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for method in ("pearson", "spearman", "cramers_v"):
        block = correlations.get(method) or {}
        names = block.get("columns", [])
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                value = block["matrix"][i][j]
                if value is None or abs(value) < t.high_correlation:
                    continue
                pair = (a, names[j])
                if pair not in best or abs(value) > abs(best[pair][0]):
                    best[pair] = (value, method)
    return [
        _alert(
            "high_correlation",
            [a, b],
            value,
            t.high_correlation,
            "info",
            f"{a!r} and {b!r} are highly correlated ({method.replace('_', ' ')} {value:.2f})",
        )
        for (a, b), (value, method) in sorted(best.items())
    ]
