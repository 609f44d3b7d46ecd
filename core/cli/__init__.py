"""The ``loupe`` command.

Sub-commands: ``preview`` (schema and first rows), ``convert`` (write a table
as Parquet, CSV, Arrow or NDJSON), ``profile`` and ``compare`` (two datasets,
from tables or saved profiles), a module each; :mod:`parser`
holds the options they share, :mod:`entry` runs them and turns errors into exit
codes (:mod:`exits`). With no sub-command, ``loupe [FILE]`` is meant to open the
desktop app.
"""

from __future__ import annotations

from core.cli.entry import main
from core.cli.parser import COMMANDS

__all__ = ["COMMANDS", "main"]
