"""Checking the model's evidence against the profile or the comparison it describes.

Every evidence value is compared with the profile (:func:`verify`) or the
comparison (:func:`verify_comparison`, its figures named as
:mod:`cloud.insights.comparison_figures` says): an insight is marked
``"verified"`` when it cites evidence, every piece of it matches the profile
and every column it names exists — which says its figures are the profile's,
not that what it concludes from them is right. Otherwise it is kept but marked
``"unverified"``. Charts that name columns the profile does not have are
dropped. Column names the model was shown cut (see
:func:`cloud.insights.prompt.shown_names`) are taken back to the profile's names.

How a value matches:

* counts and other integers (rows, missing, distinct, min of an integer
  column…): exactly;
* figures (floats): the claimed value as written must round from the
  profile's — within half a unit of its last digit, and written with at least
  two significant digits — or equal it, or equal it as the model was shown it
  (:data:`~cloud.insights.prompt.FIGURE_DIGITS` significant digits). "78.4%" and
  78.4 stand for 0.784 of a ``…fraction`` or ``…share`` metric (of a
  comparison's ``missing_fraction.b`` too);
* numbers written as text: strictly — digits, an optional decimal part and
  exponent, thousands separated by commas only in whole groups ("1,234,567";
  "0,300" and "1,23" are not numbers);
* text: equal, a cut value ("…") its start, a date the start of a timestamp.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from cloud.insights.comparison_figures import comparison_columns, comparison_figure, split_side
from cloud.insights.contract import InsightsAnswer
from cloud.insights.prompt import FIGURE_DIGITS, shown_names

__all__ = ["parse_number", "verify", "verify_comparison"]

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)"
    r"(?P<whole>0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)?"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<exponent>[eE][+-]?\d+)?"
    r"(?P<percent>\s?%)?",
    flags=re.ASCII,
)
# Written with fewer significant digits, a figure must be exact.
_MIN_DIGITS = 2


def parse_number(text: str) -> tuple[Decimal, bool] | None:
    """``text`` as a number and whether it was a percentage, or None if it is not one.

    Strict: see the module docstring ("0,300" is None, "1,234.5" is 1234.5).
    """
    found = _NUMBER.fullmatch(text.strip())
    if found is None or (found["whole"] is None and found["fraction"] is None):
        return None
    plain = found["sign"] + (found["whole"] or "0").replace(",", "")
    plain += "." + found["fraction"] if found["fraction"] else ""
    plain += found["exponent"] or ""
    try:
        return Decimal(plain), found["percent"] is not None
    except InvalidOperation:
        return None


def _metric_value(profile: Mapping[str, Any], metric: str, column: str | None) -> Any:
    """The profile's value of ``metric`` for ``column`` (or the dataset); KeyError if none."""
    metric = metric.strip().lower().replace(" ", "_")
    if not column:
        return profile["dataset"][metric]
    entry = next(c for c in profile["columns"] if c["name"] == column)
    if metric in ("median", "p50"):
        return entry["quantiles"]["0.5"]
    quantile = re.fullmatch(r"(?:p|quantile_?)(\d{1,2})", metric)
    if quantile:
        return entry["quantiles"][f"0.{int(quantile.group(1)):02d}".rstrip("0")]
    value = entry[metric]
    if isinstance(value, dict | list):
        raise KeyError(metric)
    return value


def _claimed_number(claimed: Any) -> tuple[Decimal, bool] | None:
    """A claimed value as a number (and whether it was a percentage), or None."""
    if isinstance(claimed, bool) or claimed is None:
        return None
    if isinstance(claimed, int):
        return Decimal(claimed), False
    if isinstance(claimed, float):
        # repr is the shortest text that reads back as the float: the digits the model wrote.
        return (Decimal(repr(claimed)), False) if math.isfinite(claimed) else None
    return parse_number(str(claimed))


def _rounds_from(claimed: Decimal, actual: float) -> bool:
    """Whether ``claimed`` is ``actual`` written to the precision of its own digits."""
    exact = Decimal(actual)
    if claimed == exact or float(claimed) == actual:
        return True
    if claimed == Decimal(float(f"{actual:.{FIGURE_DIGITS}g}")):
        return True  # as the model was shown it
    _, digits, exponent = claimed.as_tuple()
    significant = len("".join(map(str, digits)).lstrip("0"))
    if significant < _MIN_DIGITS or not isinstance(exponent, int):
        return False
    return abs(claimed - exact) <= Decimal(5).scaleb(exponent - 1)


def _matches(claimed: Any, actual: Any, metric: str) -> bool:
    """Whether a claimed evidence value agrees with the profile's (see the module docstring)."""
    if isinstance(actual, bool) or isinstance(claimed, bool):
        return str(claimed).lower() == str(actual).lower()
    if isinstance(actual, int):
        number = _claimed_number(claimed)
        return number is not None and not number[1] and number[0] == actual
    if isinstance(actual, float):
        number = _claimed_number(claimed)
        if number is None or not math.isfinite(actual):
            return False
        value, percent = number
        if percent:
            return _rounds_from(value.scaleb(-2), actual)
        as_percent = metric.endswith(("fraction", "share")) and 1 < value <= 100
        if as_percent and _rounds_from(value.scaleb(-2), actual):
            return True  # 78.4 meaning 78.4%
        return _rounds_from(value, actual)
    if actual is None:
        return claimed is None
    claimed_text, actual_text = str(claimed).strip(), str(actual).strip()
    if claimed_text.endswith("…") and len(claimed_text) > 1:
        return actual_text.startswith(claimed_text[:-1])
    return bool(claimed_text) and (
        claimed_text == actual_text or actual_text.startswith(claimed_text.replace(" ", "T"))
    )


def verify(answer: InsightsAnswer, profile: Mapping[str, Any]) -> InsightsAnswer:
    """Mark each insight verified or unverified against ``profile``; drop unknown charts.

    An insight is verified only if it has evidence, every evidence value
    matches the profile, and every column it names exists. Names are given
    back as the profile spells them.
    """
    known = [str(c["name"]) for c in profile.get("columns", [])]
    return _checked(answer, known, lambda metric, column: _metric_value(profile, metric, column))


def verify_comparison(answer: InsightsAnswer, comparison: Mapping[str, Any]) -> InsightsAnswer:
    """Mark each insight verified or unverified against ``comparison``; drop unknown charts.

    As :func:`verify`, the metrics named in the vocabulary of
    :mod:`cloud.insights.comparison_figures` (``mean.b``, ``psi``…) and the
    columns those of either side; a ``….a``, ``….b`` or ``….difference`` of
    a fraction or share may be written as a percentage.
    """

    def lookup(metric: str, column: str | None) -> Any:
        return comparison_figure(comparison, metric, column)

    return _checked(answer, comparison_columns(comparison), lookup, figure=_figure_name)


def _figure_name(metric: str) -> str:
    """The figure a comparison's metric names, without its side (for the percentage rule)."""
    return split_side(metric)[0]


def _checked(
    answer: InsightsAnswer,
    known_columns: list[str],
    lookup: Callable[[str, str | None], Any],
    figure: Callable[[str], str] = str,
) -> InsightsAnswer:
    """``answer`` with each insight's status set by ``lookup`` (metric, column) → actual value.

    Raises nothing: a figure ``lookup`` cannot find (KeyError, StopIteration…)
    leaves its insight unverified.
    """
    known = set(known_columns)
    names = {shown: full for full, shown in shown_names(known_columns).items()}

    def resolve(name: str) -> str | None:
        return name if name in known else names.get(name)

    insights = []
    for insight in answer.insights:
        columns = [resolve(c) for c in insight.columns]
        ok = bool(insight.evidence) and None not in columns
        evidence = []
        for item in insight.evidence:
            column = resolve(item.column) if item.column else None
            if item.column and column is None:
                ok = False
                evidence.append(item)
                continue
            # Not validated again: the profile's name may be longer than the model may write.
            evidence.append(item.model_copy(update={"column": column}))
            try:
                actual = lookup(item.metric, column)
            except (KeyError, StopIteration, TypeError, ValueError):
                ok = False
                continue
            ok = ok and _matches(item.value, actual, figure(item.metric))
        named = [full or shown for full, shown in zip(columns, insight.columns, strict=True)]
        update = {
            "columns": named,
            "evidence": evidence,
            "status": "verified" if ok else "unverified",
        }
        insights.append(insight.model_copy(update=update))
    charts = []
    for chart in answer.charts:
        x, y = resolve(chart.x), resolve(chart.y) if chart.y is not None else None
        if x is not None and (chart.y is None or y is not None):
            charts.append(chart.model_copy(update={"x": x, "y": y}))
    return InsightsAnswer(insights=insights, charts=charts)
