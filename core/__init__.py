"""Loupe's core: opening files as tables, profiling them, charts and reports.

Pure Python on Polars; never imports Qt, AWS libraries, or the desktop and cloud packages.
"""

from __future__ import annotations

from core.errors import LoupeError, SourceError
from core.table import Preview, ReadInfo, ReadOptions, Table, open_table

__all__ = ["LoupeError", "Preview", "ReadInfo", "ReadOptions", "SourceError", "Table", "open_table"]
