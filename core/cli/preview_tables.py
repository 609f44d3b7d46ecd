"""The preview as readable tables in the terminal (``loupe preview`` without ``--json``)."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from core.read.jsonvalue import readable_frame
from core.read.table import Preview

__all__ = ["print_preview"]


def print_preview(preview: Preview, *, width: int | None) -> None:
    """Print ``preview`` on stdout, ``width`` characters wide (None: the terminal's)."""
    _print_preview(preview, Console(highlight=False, width=width))


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
