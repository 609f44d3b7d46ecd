"""Numbers as short readable text, for the terminal summary and the report."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

__all__ = ["format_duration", "format_number", "format_when"]


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


def format_number(value: Any, *, digits: int = 3, large: float = 1e6) -> str:
    """``value`` as readable text (plain, not escaped).

    Integers get thousands separators; floats ``digits`` decimals (trailing
    zeros dropped), or ``digits`` significant digits in scientific form when
    at least ``large`` or below 0.001; None is an em dash.
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value != 0 and (abs(value) >= large or abs(value) < 1e-3):
            return f"{value:.{digits}g}"
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return str(value)


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
