"""Profiles of frames in hand, for the comparison's tests."""

from __future__ import annotations

import polars as pl

from core.profiling.config import ProfileConfig
from core.profiling.document import Profile
from core.profiling.engine import profile_frame


def profile_of(frame: pl.DataFrame, name: str = "frame", **settings: int) -> Profile:
    """The in-memory profile of ``frame`` (``settings`` override ProfileConfig's)."""
    source = {"path": None, "name": name, "format": "frame", "size_bytes": 0}
    return profile_frame(frame, ProfileConfig(**settings), source=source).profile  # type: ignore[arg-type]
