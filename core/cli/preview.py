"""``loupe preview``: a table's schema and first rows, without reading the whole file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from core.cli.exits import EXIT_OK
from core.cli.reading import reading
from core.errors import OptionError
from core.read.jsonvalue import json_rows, readable_frame
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
        console = Console(highlight=False, width=_console_width(preview.frame))
        _print_preview(preview, console)
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


def _print_preview(preview: Preview, console: Console) -> None:
    """The preview as readable tables."""
    info = preview.info
    frame = preview.frame
    facts = [info.format.value]
    if info.compression.value != "none":
        facts.append(f"{info.compression.value}-compressed")
    if info.encoding:
        facts.append(info.encoding)
    if info.dialect:
        facts.append(info.dialect.describe())
    if info.sheet is not None:
        facts.append(f"sheet {info.sheet!r} of {', '.join(repr(s) for s in info.sheets)}")
    console.print(f"[bold]{escape(str(info.path))}[/bold]  ({escape('; '.join(facts))})")
    console.print(f"{frame.width} columns, types from {info.inference}:", highlight=False)
    if info.missing_tokens:
        tokens = ", ".join(f'"{t}"' for t in info.missing_tokens)
        why = {
            "file": "the file's marker for a missing value: missing in every column, "
            "except text columns whose values it looks like (--keep-na keeps it in text)",
            "option": "given with --na",
            "none": "missing in number and date columns only; kept as values in text (--keep-na)",
        }[info.missing_source]
        console.print(f"missing values: {escape(tokens)} ({why})", highlight=False)
    schema = RichTable()
    schema.add_column("column")
    schema.add_column("type")
    schema.add_column("how")
    for name, dtype in frame.schema.items():
        column_type = info.column_types.get(name)
        how = "as stored in the file" if column_type is None else escape(column_type.describe())
        schema.add_row(escape(name), escape(_dtype_name(dtype)), how)
    console.print(schema)
    more = " (more follow)" if preview.truncated else ""
    console.print(f"first {frame.height} rows{more}:", highlight=False)
    rows = RichTable()
    for name, dtype in frame.schema.items():
        numeric = dtype.is_numeric()
        rows.add_column(
            escape(name),
            justify="right" if numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=32,
        )
    for row in readable_frame(frame).iter_rows():
        rows.add_row(*("[dim]∅[/dim]" if v is None else _cell_text(v) for v in row))
    console.print(rows)


def _cell_text(value: Any) -> str:
    """A cell for the terminal, markup escaped."""
    return escape(str(value).replace("\r\n", "⏎").replace("\n", "⏎"))


def _dtype_name(dtype: pl.DataType) -> str:
    """A short type name: Int64, Date, Datetime[us, UTC]."""
    if isinstance(dtype, pl.Datetime):
        zone = f", {dtype.time_zone}" if dtype.time_zone else ""
        return f"Datetime[{dtype.time_unit}{zone}]"
    return str(dtype)


def _console_width(frame: pl.DataFrame) -> int | None:
    """Width for output that is not a terminal: wide enough not to squeeze columns."""
    if sys.stdout.isatty():
        return None
    widths = [
        min(32, max([len(name), *(len(str(v)) for v in frame.get_column(name).head(50))])) + 3
        for name in frame.columns
    ]
    return max(100, sum(widths) + 1)
