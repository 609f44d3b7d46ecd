"""Numbers as short readable text, for the terminal summary and the report."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "format_dtype",
    "format_duration",
    "format_figure",
    "format_number",
    "format_share",
    "format_when",
    "plain_integers",
]


def format_when(text: str) -> str:
    """An ISO date and time as a grid shows it: a space, not ``T``, between the two.

    Text that is not an ISO date and time comes back as it is.
    """
    if "T" not in text:
        return text
    try:
        return dt.datetime.fromisoformat(text).isoformat(sep=" ")
    except ValueError:
        return text


_DTYPE_ARGS = re.compile(r"^(\w+)\(((?:\w+=[^,()]+(?:, )?)+)\)$")


def format_dtype(text: str) -> str:
    """A Polars type as a short label: ``Datetime(time_unit='us', time_zone='UTC')`` is
    ``Datetime[us, UTC]``; types without named arguments (``List(Int64)``) stay as they are.
    """
    found = _DTYPE_ARGS.match(text)
    if found is None:
        return text
    values = [part.split("=", 1)[1].strip("'\"") for part in found.group(2).split(", ")]
    return f"{found.group(1)}[{', '.join(v for v in values if v != 'None')}]"


def format_number(
    value: Any, *, digits: int = 3, large: float = 1e6, separators: bool = True
) -> str:
    """``value`` as readable text (plain, not escaped).

    Integers get thousands separators (unless ``separators`` is false); floats
    ``digits`` decimals (trailing zeros dropped), or ``digits`` significant
    digits in scientific form when at least ``large`` or below 0.001; None is
    an em dash.
    """
    comma = "," if separators else ""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:{comma}}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value != 0 and (abs(value) >= large or abs(value) < 1e-3):
            return f"{value:.{digits}g}"
        return f"{value:{comma}.{digits}f}".rstrip("0").rstrip(".")
    return str(value)


def plain_integers(column: Mapping[str, Any]) -> bool:
    """Whether a column's values read best without thousands separators.

    Whole numbers by type whose values all lie within ±9999 (years, codes,
    times written as 1545): "2013", not "2,013".
    """
    low, high = column.get("min"), column.get("max")
    return (
        str(column.get("dtype", "")).lstrip("U").startswith("Int")
        and isinstance(low, int | float)
        and isinstance(high, int | float)
        and low >= -9999
        and high <= 9999
    )


def format_figure(
    value: Any, column: Mapping[str, Any], *, digits: int = 3, large: float = 1e6
) -> str:
    """A figure in a column's own values (its min, mean, a quantile) as :func:`format_number`.

    Without thousands separators where the column's values read so
    (:func:`plain_integers`); counts and sums are not such figures.
    """
    return format_number(value, digits=digits, large=large, separators=not plain_integers(column))


def format_share(value: float | None, *, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals: ``7.4%``.

    A share that is not nothing but would print as 0 is ``<0.1%``, and one
    short of all that would print as 100 is ``>99.9%`` (``<1%`` and ``>99%``
    with no decimals), so "0.0%" never hides a few values. None is an em dash.
    """
    if value is None:
        return "—"
    text = f"{value:.{digits}%}"
    step = 10.0 ** -(digits + 2)  # the smallest share shown: 0.001 is 0.1%
    if value > 0 and text == f"{0:.{digits}%}":
        return f"<{step:.{digits}%}"
    if value < 1 and text == f"{1:.{digits}%}":
        return f">{1 - step:.{digits}%}"
    return text


def format_duration(seconds: float | None) -> str:
    """A duration for people: ``1d 02:03:04``, ``02:03``, ``1.5 s``, ``250 ms``, ``-5 µs``."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if s < 1e-3:
        return f"{sign}{s * 1e6:.3g} µs"
    if s < 1:
        return f"{sign}{s * 1e3:.3g} ms"
    if s < 60:
        return f"{sign}{s:.3g} s"
    days, rest = divmod(round(s), 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{sign}{days:,}d {clock}" if days else f"{sign}{clock}"
