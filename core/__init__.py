"""Loupe's core: opening files as tables, profiling them, charts and reports.

Three wings, each using only those below it (import-linter holds the order)::

    cli          the ``loupe`` command
    present/     charts, the HTML report, the terminal summary
    profiling/   sketches, the mergeable partial profile, the profile document, alerts, engines
    read/        formats, encodings, type inference, the table, queries, conversion
    output       writing a file whole, never through a special file
    errors       every error the core raises

Pure Python on Polars; never imports Qt, AWS libraries, or the desktop and cloud packages.
"""

from __future__ import annotations

from core.errors import LoupeError, SourceError
from core.read.table import Preview, ReadInfo, ReadOptions, Table, open_table

__all__ = ["LoupeError", "Preview", "ReadInfo", "ReadOptions", "SourceError", "Table", "open_table"]
