"""Mergeable summaries of one column's measured numbers: moments and quantiles.

Each summary can absorb a chunk of values, merge with another summary of the
same kind, and round-trip through a compact JSON-ready dict, which is what
lets a table be profiled chunk by chunk or across machines.

- :class:`Moments` — count, min, max, sum and central moments to the fourth,
  combined exactly (Chan, Golub and LeVeque's pairwise update; Pébay's
  formulas for the third and fourth moments).
- :class:`Digest` — quantiles and distribution from Apache DataSketches'
  t-digest (deterministic for a given input order, unlike KLL's randomised
  compaction; rank error ≈0.3% at k=1000 on continuous data).

Value frequencies, the third summary, live in :mod:`core.profiling.values`.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

import datasketches as ds
import numpy as np

__all__ = ["SLICE", "Digest", "Moments", "b64", "unb64"]

DIGEST_K = 1000
# Values per call into a binding: calls that hold the GIL stay in the milliseconds.
SLICE = 65_536


def b64(data: bytes) -> str:
    """Bytes as base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Base64 text as bytes."""
    return base64.b64decode(text.encode("ascii"))


@dataclass
class Moments:
    """Count, extremes, sum and central moment sums of finite values, mergeable exactly.

    Attributes:
        n: number of values.
        min: smallest value (None when empty).
        max: largest value.
        total: sum of the values (an exact int for integer columns).
        mean: arithmetic mean.
        m2: sum of squared deviations from the mean.
        m3: sum of cubed deviations.
        m4: sum of fourth-power deviations.
    """

    n: int = 0
    min: float | int | None = None
    max: float | int | None = None
    total: float | int = 0
    mean: float = 0.0
    m2: float = 0.0
    m3: float = 0.0
    m4: float = 0.0

    def merge(self, other: Moments) -> Moments:
        """The moments of both sets of values together."""
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        na, nb = self.n, other.n
        n = na + nb
        delta = other.mean - self.mean
        d_n = delta / n
        mean = self.mean + d_n * nb
        m2 = self.m2 + other.m2 + delta * d_n * na * nb
        m3 = (
            self.m3
            + other.m3
            + delta * d_n * d_n * na * nb * (na - nb)
            + 3.0 * d_n * (na * other.m2 - nb * self.m2)
        )
        m4 = (
            self.m4
            + other.m4
            + delta * d_n * d_n * d_n * na * nb * (na * na - na * nb + nb * nb)
            + 6.0 * d_n * d_n * (na * na * other.m2 + nb * nb * self.m2)
            + 4.0 * d_n * (na * other.m3 - nb * self.m3)
        )
        assert self.min is not None and other.min is not None
        assert self.max is not None and other.max is not None
        return Moments(
            n=n,
            min=min(self.min, other.min),
            max=max(self.max, other.max),
            total=self.total + other.total,
            mean=mean,
            m2=m2,
            m3=m3,
            m4=m4,
        )

    def variance(self) -> float | None:
        """Sample variance (n - 1 in the denominator)."""
        return self.m2 / (self.n - 1) if self.n > 1 else None

    def skewness(self) -> float | None:
        """Adjusted Fisher-Pearson skewness G1 (as pandas, Polars ``bias=False``)."""
        n = self.n
        if n < 3 or self.m2 <= 0:
            return None
        try:
            g1: float = math.sqrt(n) * self.m3 / self.m2**1.5
        except OverflowError:
            return None
        return g1 * math.sqrt(n * (n - 1)) / (n - 2)

    def kurtosis(self) -> float | None:
        """Bias-corrected excess kurtosis G2 (as pandas, Polars ``bias=False``)."""
        n = self.n
        if n < 4 or self.m2 <= 0:
            return None
        try:
            g2 = n * self.m4 / (self.m2 * self.m2) - 3.0
        except (OverflowError, ZeroDivisionError):
            return None
        return ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "n": self.n,
            "min": self.min,
            "max": self.max,
            "total": self.total,
            "mean": self.mean,
            "m2": self.m2,
            "m3": self.m3,
            "m4": self.m4,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Moments:
        """Rebuild from :meth:`to_state`."""
        return cls(**state)


class Digest:
    """Quantile sketch (DataSketches t-digest) of finite float values."""

    def __init__(self, sketch: Any | None = None) -> None:
        self._sketch = sketch if sketch is not None else ds.tdigest_double(DIGEST_K)

    def update(self, values: np.ndarray[Any, Any]) -> None:
        """Absorb an array of finite values."""
        if values.size:
            # The binding takes only writable arrays; Polars hands out read-only views.
            array = np.require(values, dtype=np.float64, requirements=["C", "W"])
            # Slices: one long call would hold the GIL, and freeze a GUI waiting on it.
            for start in range(0, array.size, SLICE):
                self._sketch.update(array[start : start + SLICE])

    def merge(self, other: Digest) -> Digest:
        """Absorb another digest (in place) and return self."""
        if not other._sketch.is_empty():
            self._sketch.merge(other._sketch)
        return self

    @property
    def empty(self) -> bool:
        """Whether no value was seen."""
        return bool(self._sketch.is_empty())

    def quantiles(self, qs: list[float]) -> list[float]:
        """Estimated quantiles."""
        return [float(self._sketch.get_quantile(q)) for q in qs]

    def counts(self, edges: list[float], total: int) -> list[int]:
        """Estimated counts of values between consecutive ``edges`` (last bin closed)."""
        if self.empty or len(edges) < 2:
            return []
        inner = edges[1:-1]
        masses = self._sketch.get_pmf(inner) if inner else [1.0]
        # Largest-remainder rounding: whole counts that add up to exactly ``total``.
        clipped = [max(0.0, m) for m in masses]
        scale = total / (sum(clipped) or 1.0)
        shares = [m * scale for m in clipped]
        counts = [math.floor(x) for x in shares]
        short = total - sum(counts)
        by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
        for i in by_remainder[: max(0, short)]:
            counts[i] += 1
        return counts

    def to_state(self) -> str:
        """Serialized, base64."""
        return b64(self._sketch.serialize())

    @classmethod
    def from_state(cls, state: str) -> Digest:
        """Rebuild from :meth:`to_state`."""
        return cls(ds.tdigest_double.deserialize(unb64(state)))
