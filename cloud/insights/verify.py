"""Checking the model's answer against the profile it describes.

Every evidence value is compared with the profile: an insight whose evidence
does not match is kept but marked ``"unverified"``; charts that name columns
the profile does not have are dropped.
"""

from __future__ import annotations

import math
import re
from typing import Any

from cloud.insights.contract import InsightsAnswer

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
    matches the profile, and every column it names exists.
    """
    known = {c["name"] for c in profile.get("columns", [])}
    insights = []
    for insight in answer.insights:
        ok = bool(insight.evidence) and all(c in known for c in insight.columns)
        for evidence in insight.evidence:
            try:
                actual = _metric_value(profile, evidence.metric, evidence.column)
            except (KeyError, StopIteration, TypeError, ValueError):
                ok = False
                continue
            ok = ok and _matches(evidence.value, actual, evidence.metric)
        insights.append(insight.model_copy(update={"status": "verified" if ok else "unverified"}))
    charts = [c for c in answer.charts if c.x in known and (c.y is None or c.y in known)]
    return InsightsAnswer(insights=insights, charts=charts)
