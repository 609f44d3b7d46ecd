"""Loupe's Python API, for notebooks and scripts; the ``loupe`` package re-exports it.

:mod:`profiling` profiles files and data in memory (:mod:`frames` turns pandas,
Polars, Arrow and DuckDB data into Polars frames) into a :class:`Profile`
(:mod:`profile`, its parts typed in :mod:`columns`); :mod:`comparison` compares
two datasets; :mod:`reading` reads a file as Loupe reads it; :mod:`running` runs
the work so that Ctrl-C stops it cleanly, with a progress bar.

This layer sits on top of the core, beside the CLI: it uses :mod:`core.present`,
:mod:`core.compare`, :mod:`core.profiling` and :mod:`core.read`, and nothing in
the core uses it.
"""

from __future__ import annotations

from importlib import metadata

from core.api.columns import Alert, ColumnSummary, TopValue
from core.api.comparison import Comparison, DriftRow, NotebookCompareReport, compare
from core.api.profile import NotebookReport, Profile
from core.api.profiling import load, merge, profile
from core.api.reading import read
from core.compare import CompareConfig
from core.profiling.config import ProfileConfig, Thresholds
from core.profiling.document import Severity

__all__ = [
    "Alert",
    "ColumnSummary",
    "CompareConfig",
    "Comparison",
    "DriftRow",
    "NotebookCompareReport",
    "NotebookReport",
    "Profile",
    "ProfileConfig",
    "Severity",
    "Thresholds",
    "TopValue",
    "compare",
    "load",
    "loupe_version",
    "merge",
    "profile",
    "read",
]


def loupe_version() -> str:
    """The installed version of Loupe ("unknown" in a source tree that is not installed)."""
    try:
        return metadata.version("loupe")
    except metadata.PackageNotFoundError:
        return "unknown"
