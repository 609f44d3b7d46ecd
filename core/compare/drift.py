"""Drift statistics between two distributions, each a named, documented measure.

Binned and categorical distributions are given as counts over the same buckets:

- **Population stability index** (PSI): ``Σ (b_i − a_i) · ln(b_i / a_i)`` over the
  buckets' shares ``a_i`` and ``b_i``. An empty bucket's share is taken as
  ``EPSILON`` (0.0001), as is common, so that the index stays finite; the index
  is 0 for equal distributions and symmetric in ``a`` and ``b``.
- **Jensen–Shannon distance**: the square root of the Jensen–Shannon divergence
  in base 2, ``sqrt(½ KL(a‖m) + ½ KL(b‖m))`` with ``m = (a + b) / 2``; 0 for equal
  distributions, 1 for distributions without a bucket in common (as
  ``scipy.spatial.distance.jensenshannon(a, b, base=2)``).

Numeric and temporal distributions are given as weighted samples (distinct
values, ascending, with their counts; or a digest's quantiles at evenly spaced
levels, each of equal weight):

- **Kolmogorov–Smirnov statistic**: the largest gap between the two cumulative
  distribution functions, 0 to 1 (``scipy.stats.ks_2samp``'s statistic).
- **Wasserstein distance** (earth mover's distance): the area between the two
  cumulative distribution functions, in the values' units — how far, on
  average, values must move to turn one distribution into the other
  (``scipy.stats.wasserstein_distance`` with weights).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["EPSILON", "js_distance", "ks_statistic", "psi", "wasserstein"]

EPSILON = 1e-4

Array = np.ndarray[Any, Any]


def _shares(counts: Array) -> Array:
    """Counts as shares of their total (zeros when there are none)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    return counts / total if total > 0 else np.zeros_like(counts)


def psi(a: Array, b: Array) -> float:
    """Population stability index of bucket counts ``b`` against ``a`` (same buckets)."""
    pa = np.maximum(_shares(a), EPSILON)
    pb = np.maximum(_shares(b), EPSILON)
    return float(np.sum((pb - pa) * np.log(pb / pa)))


def js_distance(a: Array, b: Array) -> float:
    """Jensen–Shannon distance (base 2) of bucket counts ``a`` and ``b`` (same buckets)."""
    pa, pb = _shares(a), _shares(b)
    m = (pa + pb) / 2

    def kl(p: Array) -> float:
        present = p > 0
        return float(np.sum(p[present] * np.log2(p[present] / m[present])))

    divergence = max(0.0, (kl(pa) + kl(pb)) / 2)
    return min(1.0, math.sqrt(divergence))


def _cdfs(xa: Array, wa: Array, xb: Array, wb: Array) -> tuple[Array, Array, Array]:
    """Both cumulative distributions at every value of either sample (ascending)."""
    grid = np.union1d(xa, xb)
    ca = np.concatenate([[0.0], np.cumsum(wa, dtype=np.float64)])
    cb = np.concatenate([[0.0], np.cumsum(wb, dtype=np.float64)])
    fa = ca[np.searchsorted(xa, grid, side="right")] / ca[-1]
    fb = cb[np.searchsorted(xb, grid, side="right")] / cb[-1]
    return grid, fa, fb


def ks_statistic(xa: Array, wa: Array, xb: Array, wb: Array) -> float:
    """Largest gap between the cumulative distributions of two weighted samples.

    Args:
        xa: values of the first sample, ascending (repeats allowed).
        wa: their weights.
        xb: values of the second sample, ascending.
        wb: their weights.
    """
    if not (len(xa) and len(xb)):
        return 0.0
    _, fa, fb = _cdfs(xa, wa, xb, wb)
    return float(np.max(np.abs(fa - fb)))


def wasserstein(xa: Array, wa: Array, xb: Array, wb: Array) -> float:
    """Area between the cumulative distributions of two weighted samples (their units).

    Args: as :func:`ks_statistic`.
    """
    if not (len(xa) and len(xb)):
        return 0.0
    grid, fa, fb = _cdfs(xa, wa, xb, wb)
    return float(np.sum(np.abs(fa[:-1] - fb[:-1]) * np.diff(grid)))
