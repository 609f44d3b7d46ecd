"""Loupe from Python: profile tables and data frames, compare datasets, show reports in notebooks.

::

    import loupe

    p = loupe.profile("flights.csv")   # a file, read as `loupe profile` reads it
    p = loupe.profile(df)              # pandas, Polars, Arrow, DuckDB or any Arrow stream
    p.columns["dep_delay"].mean        # typed figures of each column
    p.alerts                           # what deserves attention
    p                                  # in a notebook: a compact summary with charts
    p.to_html("flights.html")          # the full offline report
    p.save("flights.profile.json")     # and loupe.load() it later

    lf = loupe.read("flights.csv")     # a Polars LazyFrame, typed as Loupe types it
    whole = loupe.merge(p1, p2)        # the profile of all the rows of both
    c = loupe.compare("jan.csv", "jul.csv")  # schema changes, drift and alerts

Bad input raises a :class:`core.errors.LoupeError` whose message is one line naming
the file or column. The implementation lives in :mod:`core.api`; this package only
names it.
"""

from __future__ import annotations

from core.api import (
    Alert,
    ColumnSummary,
    CompareConfig,
    Comparison,
    DriftRow,
    NotebookCompareReport,
    NotebookReport,
    Profile,
    ProfileConfig,
    Severity,
    Thresholds,
    TopValue,
    compare,
    load,
    loupe_version,
    merge,
    profile,
    read,
)
from core.errors import LoupeError, OptionError, ProfileError, SourceError

__all__ = [
    "Alert",
    "ColumnSummary",
    "CompareConfig",
    "Comparison",
    "DriftRow",
    "LoupeError",
    "NotebookCompareReport",
    "NotebookReport",
    "OptionError",
    "Profile",
    "ProfileConfig",
    "ProfileError",
    "Severity",
    "SourceError",
    "Thresholds",
    "TopValue",
    "__version__",
    "compare",
    "load",
    "merge",
    "profile",
    "read",
]

__version__: str = loupe_version()
