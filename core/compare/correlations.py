"""Correlation matrices of two profiles side by side, and how far each pair moved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.compare.document import CorrelationChange, CorrelationPair

__all__ = ["METHODS", "compare_correlations"]

#: The profile's correlation methods, in the order they are shown.
METHODS = ("pearson", "spearman", "cramers_v")
# Pairs listed as the largest changes, at most.
_LARGEST = 10


def compare_correlations(
    a: Mapping[str, Any] | None, b: Mapping[str, Any] | None
) -> dict[str, CorrelationChange]:
    """Each method both profiles computed, over the columns both of its matrices hold.

    Args:
        a: the reference profile's ``correlations`` (None: none).
        b: the compared profile's.

    Returns:
        By method: the common columns (in ``a``'s order), both matrices, their
        difference and the pairs that moved most. A method with fewer than two
        common columns is left out.
    """
    found: dict[str, CorrelationChange] = {}
    for method in METHODS:
        ma, mb = (a or {}).get(method), (b or {}).get(method)
        if not ma or not mb:
            continue
        index_b = {name: i for i, name in enumerate(mb["columns"])}
        common = [(i, index_b[n]) for i, n in enumerate(ma["columns"]) if n in index_b]
        if len(common) < 2:
            continue
        names = [ma["columns"][i] for i, _ in common]
        left = [[ma["matrix"][i][j] for j, _ in common] for i, _ in common]
        right = [[mb["matrix"][k][m] for _, m in common] for _, k in common]
        difference = [
            [None if x is None or y is None else y - x for x, y in zip(ra, rb, strict=True)]
            for ra, rb in zip(left, right, strict=True)
        ]
        pairs: list[CorrelationPair] = [
            {
                "columns": [names[i], names[j]],
                "a": left[i][j],
                "b": right[i][j],
                "difference": difference[i][j],
            }
            for i in range(len(names))
            for j in range(i + 1, len(names))
            if difference[i][j] is not None
        ]
        pairs.sort(key=lambda p: (-abs(p["difference"] or 0.0), p["columns"]))
        found[method] = {
            "columns": names,
            "a": left,
            "b": right,
            "difference": difference,
            "largest": pairs[:_LARGEST],
        }
    return found
