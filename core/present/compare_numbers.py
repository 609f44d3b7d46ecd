"""A comparison's figures as short text, shared by the terminal summary, the report and the app."""

from __future__ import annotations

from core.compare.document import ColumnComparison
from core.present.numbers import format_number, format_when, plain_integers

__all__ = ["centre_text", "no_drift_reason", "values_plain"]


def values_plain(column: ColumnComparison) -> bool:
    """Whether a column's figures read best without separators on both sides ("2013")."""
    stats = column["stats"]
    low, high = stats.get("min"), stats.get("max")
    return all(
        plain_integers(
            {
                "dtype": column["dtype"][side],
                "min": low[side] if low else None,
                "max": high[side] if high else None,
            }
        )
        for side in ("a", "b")
    )


def centre_text(column: ColumnComparison, *, digits: int = 3) -> tuple[str, str] | None:
    """A column's centre on both sides, as short plain text: its mean, else its median.

    Numbers as :func:`format_number` (years without separators); a median
    date and time to the minute, as a grid shows it. None when neither side has one.
    """
    stats = column["stats"]
    centre = stats.get("mean") or stats.get("q0.5")
    if centre is None or centre["a"] is None or centre["b"] is None:
        return None
    if isinstance(centre["a"], str) or isinstance(centre["b"], str):
        return format_when(str(centre["a"]))[:16], format_when(str(centre["b"]))[:16]
    plain = values_plain(column)
    a, b = (
        format_number(v, digits=digits, large=1e6, separators=not plain)
        for v in (centre["a"], centre["b"])
    )
    return a, b


def no_drift_reason(column: ColumnComparison) -> str:
    """Why a column has no drift statistics (its ``drift`` is None), in a few words."""
    kinds = column["kind"]
    if kinds["a"] != kinds["b"] and column["dtype"]["a"] != column["dtype"]["b"]:
        return "the sides hold different kinds of values"
    empty = [side.upper() for side in ("a", "b") if not column["count"][side]]
    if len(empty) == 2:
        return "neither side has values"
    if empty:
        return f"side {empty[0]} has no values"
    if kinds["a"] in ("numeric", "datetime", "date", "time", "duration"):
        return "a side has no finite values"
    return f"{kinds['a']} values are not measured"
