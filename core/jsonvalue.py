"""Cell values as JSON values (dates as ISO text, non-finite floats as text)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

__all__ = ["json_value"]


def json_value(value: Any) -> Any:
    """A table cell as a JSON-ready value.

    Dates and times become ISO text, durations seconds, bytes hex text, NaN and
    infinities text (JSON has none); lists and structs are converted inside.
    """
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value
