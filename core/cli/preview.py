"""``loupe preview``: a table's schema and first rows, without reading the whole file."""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl

from core.cli.exits import EXIT_OK
from core.errors import OptionError
from core.read.guard import reading
from core.read.jsonvalue import json_rows
from core.read.table import Preview, ReadOptions, open_table

__all__ = ["add_parser", "run"]


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """Add the ``preview`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "preview",
        parents=parents,
        help="show the schema and first rows",
        description="Show a table's schema and first rows without reading the whole file.",
    )
    parser.add_argument("file")
    parser.add_argument(
        "--rows", type=int, default=20, metavar="N", help="rows to show (default 20)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace, options: ReadOptions) -> int:
    """Show the preview as tables, or as JSON with ``--json``; warnings go to stderr."""
    if args.rows < 0:
        raise OptionError("--rows must be 0 or more")
    with reading(args.file), open_table(args.file, options) as table:
        preview = table.preview(args.rows)
    if args.json:
        _print_preview_json(preview)
    else:
        # Rich loads only for the tables: `--json` and `profile --json` go without it.
        from core.cli.preview_tables import print_preview

        print_preview(preview, width=_console_width(preview.frame))
    for warning in preview.info.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return EXIT_OK


def _print_preview_json(preview: Preview) -> None:
    """The preview as one JSON document on stdout."""
    frame = preview.frame
    document = {
        "source": preview.info.to_dict(),
        "schema": [{"name": n, "dtype": str(t)} for n, t in frame.schema.items()],
        "rows": json_rows(frame),
        "truncated": preview.truncated,
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _console_width(frame: pl.DataFrame) -> int | None:
    """Width for output that is not a terminal: wide enough not to squeeze columns."""
    if sys.stdout.isatty():
        return None
    widths = [
        min(32, max([len(name), *(len(str(v)) for v in frame.get_column(name).head(50))])) + 3
        for name in frame.columns
    ]
    return max(100, sum(widths) + 1)
