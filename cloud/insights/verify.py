"""Checking the model's answer against the profile it describes.

Every evidence value is compared with the profile: an insight whose evidence
does not match is kept but marked ``"unverified"``; charts that name columns
the profile does not have are dropped. Column names the model was shown cut (see
:func:`cloud.insights.prompt.shown_names`) are taken back to the profile's names.
"""

from __future__ import annotations

import math
import re
from typing import Any

from cloud.insights.contract import InsightsAnswer
from cloud.insights.prompt import shown_names

__all__ = ["verify"]


def _metric_value(profile: dict[str, Any], metric: str, column: str | None) -> Any:
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


def _matches(claimed: Any, actual: Any, metric: str) -> bool:
    """Whether a claimed evidence value agrees with the profile's (rounding allowed)."""
    if isinstance(actual, bool) or isinstance(claimed, bool):
        return str(claimed).lower() == str(actual).lower()
    if isinstance(actual, int | float):
        scale = 1.0
        if isinstance(claimed, str):
            text = claimed.strip().replace(",", "")
            if text.endswith("%"):
                text, scale = text[:-1], 0.01
            try:
                claimed = float(text) * scale
            except ValueError:
                return False
        if not isinstance(claimed, int | float):
            return False
        candidates = [float(claimed)]
        if metric.endswith("fraction") and scale == 1.0:
            candidates.append(float(claimed) / 100)  # "78.5" meaning 78.5%
        return any(math.isclose(c, float(actual), rel_tol=0.01, abs_tol=0.0005) for c in candidates)
    if actual is None:
        return claimed is None
    claimed_text, actual_text = str(claimed).strip(), str(actual).strip()
    return bool(claimed_text) and (
        claimed_text == actual_text or actual_text.startswith(claimed_text.replace(" ", "T"))
    )


def verify(answer: InsightsAnswer, profile: dict[str, Any]) -> InsightsAnswer:
    """Mark each insight verified or unverified against ``profile``; drop unknown charts.

    An insight is verified only if it has evidence, every evidence value
    matches the profile, and every column it names exists. Names are given
    back as the profile spells them.
    """
    known = {str(c["name"]) for c in profile.get("columns", [])}
    names = {shown: full for full, shown in shown_names(known).items()}

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
                actual = _metric_value(profile, item.metric, column)
            except (KeyError, StopIteration, TypeError, ValueError):
                ok = False
                continue
            ok = ok and _matches(item.value, actual, item.metric)
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
