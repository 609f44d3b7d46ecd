"""The figures of a comparison the model may cite as evidence, by name, and how to find each.

One vocabulary serves both ends: :data:`METRIC_VOCABULARY` is what the system
prompt tells the model, and :func:`comparison_figure` is how
:func:`~cloud.insights.verify.verify_comparison` looks a cited figure up in
the comparison document (see :mod:`core.compare.document`).

A figure that has two sides is named ``<figure>.<side>``, the side ``a`` (the
reference), ``b`` or ``difference`` (``b − a``): ``rows.b``,
``mean.difference``, ``missing_fraction.a``, ``q0.95.b``. The others are
named alone: a column's drift statistics (``psi``, ``js_distance``, ``ks``…),
its category counts (``appeared_count``…), and the counts of the schema's
changes (``columns_added``…, no column).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["METRIC_VOCABULARY", "SIDES", "comparison_columns", "comparison_figure", "split_side"]

#: The sides of a two-sided figure, as metric names end.
SIDES = ("a", "b", "difference")
# Figures of a column's drift, cited without a side.
_DRIFT = ("psi", "js_distance", "ks", "wasserstein", "wasserstein_std", "buckets")
_CATEGORIES = ("appeared_count", "vanished_count", "appeared_share", "vanished_share")
# Two-sided figures kept at the top of a column's entry (the others are under ``stats``).
_COLUMN_SIDED = ("count", "missing", "missing_fraction", "distinct", "kind", "dtype")
_SCHEMA_COUNTS = {
    "columns_added": "added",
    "columns_removed": "removed",
    "columns_retyped": "retyped",
    "columns_renamed": "renamed",
}
_ALIASES = {"median": "q0.5", "diff": "difference"}

METRIC_VOCABULARY = """\
Evidence metrics name figures of the comparison exactly, in this vocabulary:
- a figure with two sides is "<figure>.<side>", side "a" (the reference), "b" or \
"difference" (b minus a): with column null, the dataset's figures such as "rows.b", \
"rows.difference", "missing_cells_fraction.a", "duplicate_rows.b"; with a column, \
"count.a", "missing.b", "missing_fraction.difference", "distinct.b", "dtype.a", \
"kind.b", and the statistics under "stats": "mean.b", "std.a", "min.a", \
"max.difference", "q0.95.b" (quantiles as written there; "median" is "q0.5");
- a column's drift, without a side: "psi", "js_distance", "ks", "wasserstein", \
"wasserstein_std", "buckets", and its "severity";
- a column's categories found on one side only: "appeared_count", "vanished_count", \
"appeared_share", "vanished_share";
- a column's dates: "overlap" (true or false);
- a possible rename, with either name as the column: "rename_js_distance";
- the schema, with column null: "columns_added", "columns_removed", "columns_retyped", \
"columns_renamed" (how many).
Copy values exactly as shown (a fraction may be written as a percentage, "3.2%")."""


def split_side(metric: str) -> tuple[str, str | None]:
    """``metric`` (normalised) as its figure and side: ``"mean.b"`` is ``("mean", "b")``.

    A metric that does not end in a side has None for it.
    """
    name = metric.strip().lower().replace(" ", "_")
    figure, dot, side = name.rpartition(".")
    side = _ALIASES.get(side, side)
    if dot and side in SIDES:
        return _ALIASES.get(figure, figure), side
    return _ALIASES.get(name, name), None


def comparison_columns(comparison: Mapping[str, Any]) -> list[str]:
    """Every column of either side: those on both, then those only in b, then only in a."""
    schema = comparison.get("schema") or {}
    names = [str(c.get("name", "")) for c in comparison.get("columns", [])]
    names += [str(n) for n in schema.get("added", [])]
    names += [str(n) for n in schema.get("removed", [])]
    return list(dict.fromkeys(names))


def _sided(change: Any, side: str | None) -> Any:
    """One side of a ``{"a", "b", "difference"}`` figure; KeyError without a side."""
    if side is None or not isinstance(change, Mapping):
        raise KeyError(side)
    return change[side]


def comparison_figure(comparison: Mapping[str, Any], metric: str, column: str | None) -> Any:
    """The comparison's value of ``metric`` for ``column`` (None: the dataset or schema).

    Raises:
        KeyError: the comparison has no such figure (or not for that column).
    """
    figure, side = split_side(metric)
    schema = comparison.get("schema") or {}
    if not column:
        if figure in _SCHEMA_COUNTS and side is None:
            return len(schema.get(_SCHEMA_COUNTS[figure], []))
        return _sided(comparison["dataset"][figure], side)
    if figure == "rename_js_distance" and side is None:
        rename = next(r for r in schema.get("renamed", []) if column in (r["a"], r["b"]))
        return rename["js_distance"]
    entry = next(c for c in comparison["columns"] if c["name"] == column)
    if side is None:
        if figure in _DRIFT:
            return (entry.get("drift") or {})[figure]
        if figure in _CATEGORIES:
            return (entry.get("categories") or {})[figure]
        if figure == "severity":
            return entry["severity"]
        if figure == "overlap":
            return (entry.get("date_range") or {})["overlap"]
        raise KeyError(figure)
    if figure in _COLUMN_SIDED:
        return _sided(entry[figure], side)
    quantile = re.fullmatch(r"p(\d{1,2})", figure)
    if quantile:
        figure = f"q0.{int(quantile.group(1)):02d}".rstrip("0")
    return _sided(entry.get("stats", {})[figure], side)
