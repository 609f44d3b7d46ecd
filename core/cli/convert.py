"""``loupe convert``: write a table as Parquet, CSV, Arrow or NDJSON."""

from __future__ import annotations

import argparse
import sys

from core.cli.exits import EXIT_OK
from core.read.convert import OUTPUT_FORMATS, convert
from core.read.guard import reading
from core.read.table import ReadOptions, open_table

__all__ = ["add_parser", "run"]


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """Add the ``convert`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "convert",
        parents=parents,
        help="write a table as Parquet, CSV, Arrow or NDJSON",
        description="Convert a table; the output format follows DST's extension "
        f"({', '.join(sorted(OUTPUT_FORMATS))}).",
    )
    parser.add_argument("src")
    parser.add_argument("dst")


def run(args: argparse.Namespace, options: ReadOptions) -> int:
    """Convert ``args.src`` to ``args.dst``; warnings and the written path go to stderr."""
    with reading(args.src), open_table(args.src, options) as table:
        written = convert(table, args.dst)
        warnings = table.info.warnings
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stderr.write(f"wrote {written}\n")
    return EXIT_OK
