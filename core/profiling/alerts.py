"""Alerts: what in a profile deserves the user's attention.

Each alert names its ``kind``, the ``columns`` concerned, the figure that
triggered it (``value``), the ``threshold`` it crossed, a ``severity``
(``critical``, ``warning`` or ``info``) and a readable ``message``.
Thresholds and their defaults are documented in :mod:`core.profiling.config`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from core.profiling.config import Thresholds
from core.profiling.correlations import CorrelationMethod, matrix_of
from core.profiling.document import Alert, ColumnProfile, Profile, Severity, TextContent

__all__ = ["ALERT_KINDS", "find_alerts"]


class _Finding(NamedTuple):
    """What a rule found: an alert but for its kind, which the rule's entry names."""

    columns: list[str]
    value: float | int
    threshold: float | int
    severity: Severity
    message: str


@dataclass(frozen=True)
class _DatasetRule:
    """A rule about the whole table (or pairs of its columns)."""

    kind: str
    check: Callable[[Profile, Thresholds], list[_Finding]]


@dataclass(frozen=True)
class _ColumnRule:
    """A rule about one column, given the table's row count."""

    kind: str
    check: Callable[[ColumnProfile, int, Thresholds], _Finding | None]


def find_alerts(profile: Profile, thresholds: Thresholds) -> list[Alert]:
    """Every alert the profile triggers, most severe first.

    Args:
        profile: a profile document (its alerts, if any, are ignored).
        thresholds: the limits to apply.

    Returns:
        Alert records, ordered by severity, then kind, then columns.
    """
    rows = profile["dataset"]["rows"]
    alerts: list[Alert] = []
    for rule in _RULES:
        if isinstance(rule, _DatasetRule):
            findings = rule.check(profile, thresholds)
        else:
            found = (rule.check(column, rows, thresholds) for column in profile["columns"])
            findings = [f for f in found if f is not None]
        alerts += [_alert(rule.kind, finding) for finding in findings]
    return sorted(alerts, key=lambda a: (a["severity"].rank, a["kind"], a["columns"]))


def _alert(kind: str, finding: _Finding) -> Alert:
    """One alert record."""
    return {
        "kind": kind,
        "columns": finding.columns,
        "value": finding.value,
        "threshold": finding.threshold,
        "severity": finding.severity,
        "message": finding.message,
    }


# -- the whole table ---------------------------------------------------------------


def _empty_dataset(profile: Profile, t: Thresholds) -> list[_Finding]:
    """A table without rows."""
    if profile["dataset"]["rows"]:
        return []
    return [_Finding([], 0, 1, Severity.CRITICAL, "the dataset has no rows")]


def _duplicate_rows(profile: Profile, t: Thresholds) -> list[_Finding]:
    """Rows that repeat an earlier row, past the threshold's share."""
    dataset = profile["dataset"]
    fraction, duplicates = dataset.get("duplicate_rows_fraction"), dataset["duplicate_rows"]
    if fraction is None or not duplicates or fraction <= t.duplicate_rows:
        return []
    message = f"{duplicates:,} rows ({fraction:.1%}) repeat an earlier row"
    return [_Finding([], duplicates, t.duplicate_rows, Severity.WARNING, message)]


def _high_correlation(profile: Profile, t: Thresholds) -> list[_Finding]:
    """Pairs whose correlation reaches the threshold (the strongest method per pair)."""
    best: dict[tuple[str, str], tuple[float, CorrelationMethod]] = {}
    for method in CorrelationMethod:
        block = matrix_of(profile["correlations"], method)
        names = block["columns"]
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                value = block["matrix"][i][j]
                if value is None or abs(value) < t.high_correlation:
                    continue
                pair = (a, names[j])
                if pair not in best or abs(value) > abs(best[pair][0]):
                    best[pair] = (value, method)
    return [
        _Finding(
            [a, b],
            value,
            t.high_correlation,
            Severity.INFO,
            f"{a!r} and {b!r} are highly correlated ({method.replace('_', ' ')} {value:.2f})",
        )
        for (a, b), (value, method) in sorted(best.items())
    ]


# -- one column --------------------------------------------------------------------


def _constant(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """A single value throughout."""
    if not (column["count"] and column["distinct"] == 1):
        return None
    value = column["top_values"][0]["value"] if column["top_values"] else None
    name = column["name"]
    return _Finding([name], 1, 1, Severity.WARNING, f"{name!r} has a single value ({value!r})")


def _unique(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Every value different: an identifier?"""
    count, name = column["count"], column["name"]
    # Distinct measurements are no identifiers: only text, codes and binary values can be.
    if count <= 1 or not column.get("unique") or column["kind"] not in _IDENTIFIER_KINDS:
        return None
    message = f"every value of {name!r} is different (an identifier?)"
    return _Finding([name], count, count, Severity.INFO, message)


def _missing(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Some values missing (below the high-missing threshold)."""
    missing, fraction, name = column["missing"], column["missing_fraction"], column["name"]
    if not (rows and column["count"] and missing and t.missing <= fraction < t.high_missing):
        return None
    message = (
        f"{name!r} is missing in {missing:,} row{'' if missing == 1 else 's'} ({fraction:.1%})"
    )
    return _Finding([name], fraction, t.missing, Severity.INFO, message)


def _high_missing(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Many values missing (critical past the critical threshold), but not all."""
    fraction, name = column["missing_fraction"], column["name"]
    if not (rows and column["count"] and fraction >= t.high_missing):
        return None
    critical = fraction >= t.critical_missing
    return _Finding(
        [name],
        fraction,
        t.critical_missing if critical else t.high_missing,
        Severity.CRITICAL if critical else Severity.WARNING,
        f"{name!r} is missing in {fraction:.1%} of rows",
    )


def _all_missing(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """No value at all in a table with rows."""
    if not rows or column["count"]:
        return None
    name = column["name"]
    return _Finding([name], 1.0, 1.0, Severity.CRITICAL, f"{name!r} has no value at all")


def _unsupported(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """A type Loupe does not summarise."""
    if column["kind"] != "unsupported":
        return None
    name = column["name"]
    message = f"{name!r} is not summarised: {column.get('reason', 'unsupported type')}"
    return _Finding([name], column["count"], 0, Severity.WARNING, message)


def _high_cardinality(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Text or categories with many distinct values, most of them rare."""
    distinct, name = column["distinct"], column["name"]
    if column["kind"] not in ("categorical", "text") or distinct <= t.high_cardinality:
        return None
    if not column.get("distinct_fraction", 0.0) > 0.5:
        return None
    message = f"{name!r} has {distinct:,} distinct values"
    return _Finding([name], distinct, t.high_cardinality, Severity.INFO, message)


def _skewed(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Numbers whose skewness passes the threshold either way."""
    skew, name = column.get("skewness"), column["name"]
    if column["kind"] != "numeric" or not column["count"] or skew is None:
        return None
    if abs(skew) <= t.skewness:
        return None
    message = f"{name!r} is highly skewed (skewness {skew:.1f})"
    return _Finding([name], skew, t.skewness, Severity.INFO, message)


def _zeros(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Numbers that are zero in a large share of rows."""
    count, name, zeros = column["count"], column["name"], column.get("zeros", 0)
    if column["kind"] != "numeric" or not count or not zeros or zeros / count < t.zeros:
        return None
    share = zeros / count
    return _Finding([name], share, t.zeros, Severity.INFO, f"{share:.1%} of {name!r} are zero")


def _infinite(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Numbers holding infinities."""
    infinite, name = column.get("infinite", 0), column["name"]
    if column["kind"] != "numeric" or not column["count"] or not infinite:
        return None
    message = f"{name!r} holds {infinite:,} infinite values"
    return _Finding([name], infinite, 0, Severity.WARNING, message)


def _imbalanced(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Categories or booleans dominated by few values."""
    if column["kind"] not in ("categorical", "boolean") or not column["count"]:
        return None
    imbalance = _imbalance(column)
    if imbalance is None or imbalance <= t.imbalance:
        return None
    name = column["name"]
    message = f"{name!r} is dominated by few values (imbalance {imbalance:.2f})"
    return _Finding([name], imbalance, t.imbalance, Severity.INFO, message)


def _numbers_as_text(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Text whose values read as numbers."""
    content, name = _content(column), column["name"]
    if content is None or content["numeric_share"] < t.text_as_type:
        return None
    share = content["numeric_share"]
    message = f"{share:.1%} of {name!r} read as numbers but the column is text"
    return _Finding([name], share, t.text_as_type, Severity.WARNING, message)


def _dates_as_text(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Text whose values read as dates (and not as numbers)."""
    content, name = _content(column), column["name"]
    if content is None or content["numeric_share"] >= t.text_as_type:
        return None
    share = content["date_share"]
    if share < t.text_as_type:
        return None
    message = f"{share:.1%} of {name!r} read as dates but the column is text"
    return _Finding([name], share, t.text_as_type, Severity.WARNING, message)


def _mixed_types(column: ColumnProfile, rows: int, t: Thresholds) -> _Finding | None:
    """Text mixing numbers with other values (too few numbers to be a number column)."""
    content, name = _content(column), column["name"]
    if content is None or content["date_share"] >= t.text_as_type:
        return None
    share = content["numeric_share"]
    if not t.mixed_types <= share < t.text_as_type:
        return None
    message = f"{name!r} mixes numbers ({share:.1%}) with text"
    return _Finding([name], share, t.mixed_types, Severity.WARNING, message)


def _content(column: ColumnProfile) -> TextContent | None:
    """The sampled text content, when there is some and it holds no codes."""
    content = column.get("text_content")
    if not content or not content["sampled"] or content["code_share"]:
        return None
    return content


_IDENTIFIER_KINDS = ("categorical", "text", "binary")


def _imbalance(column: ColumnProfile) -> float | None:
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


# In this order, the alert kinds as the schema lists them.
_RULES: tuple[_DatasetRule | _ColumnRule, ...] = (
    _DatasetRule("empty_dataset", _empty_dataset),
    _DatasetRule("duplicate_rows", _duplicate_rows),
    _ColumnRule("constant", _constant),
    _ColumnRule("unique", _unique),
    _ColumnRule("missing", _missing),
    _ColumnRule("high_missing", _high_missing),
    _ColumnRule("all_missing", _all_missing),
    _ColumnRule("unsupported", _unsupported),
    _DatasetRule("high_correlation", _high_correlation),
    _ColumnRule("high_cardinality", _high_cardinality),
    _ColumnRule("skewed", _skewed),
    _ColumnRule("zeros", _zeros),
    _ColumnRule("infinite", _infinite),
    _ColumnRule("imbalance", _imbalanced),
    _ColumnRule("numbers_as_text", _numbers_as_text),
    _ColumnRule("dates_as_text", _dates_as_text),
    _ColumnRule("mixed_types", _mixed_types),
)
ALERT_KINDS = tuple(rule.kind for rule in _RULES)
