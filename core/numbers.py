"""Numbers as short readable text, for the terminal summary and the report."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["format_number"]


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
