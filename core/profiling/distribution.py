"""Distributions of measured values: quantiles and histograms, exact or from the digest.

Exact wherever a column's value counts are (or, in a single in-memory pass, from
all its values); estimated from its t-digest otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from core.profiling.column_partial import QUANTILES, ColumnPartial
from core.profiling.config import ProfileConfig
from core.profiling.document import Histogram

__all__ = ["distribution", "even_edges", "integer_edges", "weighted_quantile"]


def _sorted_counts(counts: pl.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Exact value counts as sorted float values and their counts.

    Numbers (wide integers and decimals are keyed as text) and temporal values
    (keyed by their microseconds) alike.
    """
    cast = counts.with_columns(pl.col("value").cast(pl.Float64, strict=False))
    cast = cast.filter(pl.col("value").is_finite()).sort("value")
    return cast.get_column("value").to_numpy(), cast.get_column("count").to_numpy()


def weighted_quantile(
    values: np.ndarray[Any, Any], weights: np.ndarray[Any, Any], q: float
) -> float:
    """Linear-interpolated quantile of values repeated by weights (as Polars' ``linear``).

    Args:
        values: distinct values, ascending.
        weights: how often each occurs.
        q: the quantile level, 0 to 1.
    """
    cumulative = np.cumsum(weights)
    n = int(cumulative[-1])
    position = (n - 1) * q
    lower, upper = math.floor(position), math.ceil(position)
    lo_value = values[np.searchsorted(cumulative, lower, side="right")]
    hi_value = values[np.searchsorted(cumulative, upper, side="right")]
    fraction = position - lower
    # Weighing the two ends cannot overflow where their difference could.
    return float(lo_value * (1 - fraction) + hi_value * fraction) if fraction else float(lo_value)


def distribution(
    part: ColumnPartial, counts: pl.DataFrame | None, config: ProfileConfig, *, integer: bool
) -> tuple[dict[str, float], bool, Histogram]:
    """Quantiles (and whether exact) and the histogram of a numeric or temporal column.

    Args:
        part: the column's partial (its moments, digest and any exact quantiles).
        counts: exact counts of the measured values, when there are.
        config: the number of histogram bins.
        integer: whole numbers; a bin per value when they span fewer values than bins.

    Returns:
        Quantiles keyed by their level as text, whether they are exact, and the histogram.
    """
    moments = part.moments
    if not moments.n:
        return {}, True, {"edges": [], "counts": []}
    low, high = float(moments.min), float(moments.max)  # type: ignore[arg-type]
    exact_values = None
    if counts is not None and counts.height:
        exact_values = _sorted_counts(counts)
    if exact_values is not None and exact_values[0].size:
        values, weights = exact_values
        quantiles = {str(q): weighted_quantile(values, weights, q) for q in QUANTILES}
        exact = True
    elif part.exact_quantiles is not None:
        quantiles, exact = dict(part.exact_quantiles), True
    else:
        quantiles = {
            str(q): v
            for q, v in zip(QUANTILES, part.digest.quantiles(list(QUANTILES)), strict=True)
        }
        exact = False
    if integer:
        edges = integer_edges(low, high, config.histogram_bins)
    else:
        edges = even_edges(low, high, config.histogram_bins if high > low else 1)
    if exact_values is not None and exact_values[0].size:
        hist, _ = np.histogram(exact_values[0], bins=edges, weights=exact_values[1])
        bin_counts = [round(float(c)) for c in hist]
    else:
        bin_counts = part.digest.counts(edges, moments.n)
    return quantiles, exact, {"edges": [float(e) for e in edges], "counts": bin_counts}


def integer_edges(low: float, high: float, bins: int) -> list[float]:
    """At most ``bins`` bins over whole numbers: a whole width, edges halfway between values.

    Every bin holds the same count of whole numbers, so no bin looks taller
    only because it holds one value more than its neighbours.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high - low > 2**52:
        return even_edges(low, high, bins if high > low else 1)  # beyond exact floats
    width = max(1, math.ceil((high - low + 1) / bins))
    count = math.ceil((high - low + 1) / width)
    return [low - 0.5 + k * width for k in range(count + 1)]


def even_edges(low: float, high: float, bins: int) -> list[float]:
    """``bins + 1`` evenly spaced edges from ``low`` to ``high``, even past the float range.

    A single value (``high <= low``) gets one bin around it.
    """
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
