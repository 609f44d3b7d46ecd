"""The ``loupe`` command.

Sub-commands: ``preview`` (schema and first rows) and ``convert`` (write a table
as Parquet, CSV, Arrow or NDJSON). With no sub-command, ``loupe [FILE]`` is
meant to open the desktop app. Exit codes: 0 on success, 2 for input Loupe
cannot read or options that do not fit, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from core.errors import CorruptFileError, LoupeError, OptionError
from core.output import write_text
from core.profiling.config import ENGINES, ProfileConfig, load_config
from core.read.convert import OUTPUT_FORMATS, convert
from core.read.infer import parse_override
from core.read.jsonvalue import json_rows, readable_frame
from core.read.table import Preview, ReadOptions, Table, open_table

if TYPE_CHECKING:
    from core.profiling.engine import ProfileResult

__all__ = ["COMMANDS", "main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
COMMANDS = ("preview", "convert", "profile")


def _version() -> str:
    """The installed version of Loupe."""
    try:
        return version("loupe")
    except PackageNotFoundError:
        return "unknown"


def _build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="loupe",
        description="Open any tabular file, see its rows at once, and profile it locally.",
        epilog=(
            "Also: `loupe FILE` opens the desktop app; `loupe serve` runs the cloud backend "
            "on this machine; `loupe cloud profile|insights FILE` profiles a file or asks "
            "Nemotron about it through a cloud backend (see `loupe cloud --help`)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"loupe {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    reading = argparse.ArgumentParser(add_help=False)
    group = reading.add_argument_group("reading")
    group.add_argument(
        "--sheet", help="workbook sheet, by name or 0-based number (default: the first)"
    )
    group.add_argument("--encoding", help="text encoding, e.g. cp1252 (default: detected)")
    group.add_argument("--delimiter", help="field separator, e.g. ';' or 'tab' (default: detected)")
    header = group.add_mutually_exclusive_group()
    header.add_argument(
        "--header",
        dest="has_header",
        action="store_const",
        const=True,
        help="the first row names the columns",
    )
    header.add_argument(
        "--no-header",
        dest="has_header",
        action="store_const",
        const=False,
        help="the first row is data",
    )
    group.add_argument(
        "--lenient",
        action="store_true",
        help="read ragged rows (padding short ones, cutting long ones) instead of failing",
    )
    group.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="NAME=TYPE",
        help="force a column's type: str, int, float, bool, date, datetime "
        "(date:FORMAT for a strptime format); repeatable",
    )
    group.add_argument("--no-infer", action="store_true", help="keep text columns as text")
    group.add_argument(
        "--na",
        action="append",
        default=[],
        metavar="TOKEN",
        help="a token that stands for a missing value in every column (repeatable); "
        "by default the tokens the file uses in its number and date columns (NA, NULL, ...) "
        "are missing in its text columns too, unless they look like the column's values",
    )
    group.add_argument(
        "--keep-na",
        action="store_true",
        help="keep tokens such as NA in text columns as values",
    )

    preview = sub.add_parser(
        "preview",
        parents=[reading],
        help="show the schema and first rows",
        description="Show a table's schema and first rows without reading the whole file.",
    )
    preview.add_argument("file")
    preview.add_argument(
        "--rows", type=int, default=20, metavar="N", help="rows to show (default 20)"
    )
    preview.add_argument("--json", action="store_true", help="print JSON instead of a table")

    conv = sub.add_parser(
        "convert",
        parents=[reading],
        help="write a table as Parquet, CSV, Arrow or NDJSON",
        description="Convert a table; the output format follows DST's extension "
        f"({', '.join(sorted(OUTPUT_FORMATS))}).",
    )
    conv.add_argument("src")
    conv.add_argument("dst")

    prof = sub.add_parser(
        "profile",
        parents=[reading],
        help="profile a table: types, missing values, distributions, correlations, alerts",
        description="Profile a table and print a summary, or write the profile as JSON.",
    )
    prof.add_argument("file", nargs="?", help="the table (leave out with --merge)")
    prof.add_argument(
        "--json", metavar="PATH", help="write the profile as JSON to PATH ('-' for stdout)"
    )
    prof.add_argument("--html", metavar="PATH", help="write the report as one offline HTML file")
    prof.add_argument(
        "--no-samples",
        action="store_true",
        help="leave the first and last rows out of the HTML report (privacy)",
    )
    prof.add_argument(
        "--theme", choices=("light", "dark"), default="light", help="HTML report theme"
    )
    prof.add_argument("--engine", choices=ENGINES, help="memory, streaming or auto (default)")
    prof.add_argument("--sample", type=int, metavar="N", help="profile only the first N rows")
    prof.add_argument(
        "--config", metavar="PATH", help="TOML or JSON file of settings and alert thresholds"
    )
    prof.add_argument(
        "--merge",
        nargs="+",
        metavar="PROFILE",
        help="merge profiles (JSON files written by --json) into one",
    )
    return parser


def _read_options(args: argparse.Namespace) -> ReadOptions:
    """ReadOptions from the shared reading flags."""
    types: dict[str, str] = {}
    for spec in args.types:
        name, kind, fmt = parse_override(spec)
        types[name] = f"{kind.value}:{fmt}" if fmt else kind.value
    delimiter = args.delimiter
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
            delimiter.lower(), delimiter
        )
        if len(delimiter) != 1:
            raise OptionError(f"--delimiter must be one character, not {args.delimiter!r}")
    if args.encoding is not None:
        try:
            "".encode(args.encoding)
        except LookupError:
            raise OptionError(f"unknown encoding {args.encoding!r}") from None
    return ReadOptions(
        sheet=args.sheet,
        encoding=args.encoding,
        delimiter=delimiter,
        has_header=args.has_header,
        lenient=args.lenient,
        types=types,
        infer=not args.no_infer,
        na=tuple(args.na),
        keep_na=args.keep_na,
    )


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


def _run(argv: Sequence[str]) -> int:
    """Parse ``argv`` and run the sub-command."""
    parser = _build_parser()
    if not argv or not (argv[0] in COMMANDS or argv[0].startswith("-")):
        # `loupe [FILE ...]` is the desktop app's entry.
        sys.stderr.write(
            "The desktop app starts with the 'loupe' command itself ('loupe FILE'); "
            "this entry point runs only the sub-commands (see 'loupe --help').\n"
        )
        return EXIT_INPUT if argv else EXIT_OK
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    options = _read_options(args)
    if args.command == "preview":
        if args.rows < 0:
            raise OptionError("--rows must be 0 or more")
        with _reading(args.file), open_table(args.file, options) as table:
            preview = table.preview(args.rows)
        if args.json:
            _print_preview_json(preview)
        else:
            console = Console(highlight=False, width=_console_width(preview.frame))
            _print_preview(preview, console)
        for warning in preview.info.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        return EXIT_OK
    if args.command == "convert":
        with _reading(args.src), open_table(args.src, options) as table:
            written = convert(table, args.dst)
            warnings = table.info.warnings
        for warning in warnings:
            sys.stderr.write(f"warning: {warning}\n")
        sys.stderr.write(f"wrote {written}\n")
        return EXIT_OK
    if args.command == "profile":
        return _profile(args, options)
    parser.error(f"unknown command {args.command}")
    return EXIT_INPUT  # pragma: no cover - parser.error exits


def _profile(args: argparse.Namespace, options: ReadOptions) -> int:
    """The ``profile`` command."""
    # The profiling stack (sketches, NumPy) loads only for this command.
    from core.present.summary import print_summary
    from core.profiling.profile import dumps, load_profile, merge_profiles

    config = load_config(args.config, engine=args.engine, sample=args.sample)
    seconds: float | None = None
    if args.merge:
        if args.file:
            raise OptionError("give either FILE or --merge, not both")
        profiles = [load_profile(path) for path in args.merge]
        profile = merge_profiles(profiles, config, names=args.merge)
    else:
        if not args.file:
            raise OptionError("profile needs a FILE (or --merge PROFILE ...)")
        with _reading(args.file), open_table(args.file, options) as table:
            result = _profile_with_progress(table, config)
            profile, seconds = result.profile, result.seconds
            for warning in table.info.warnings:
                sys.stderr.write(f"warning: {warning}\n")
    if args.html:
        from core.present.report import write_report

        write_report(
            profile,
            args.html,
            seconds=seconds,
            include_samples=not args.no_samples,
            theme=args.theme,
        )
        sys.stderr.write(f"wrote {args.html}\n")
    if args.json:
        text = dumps(profile)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            write_text(args.json, text + "\n")
            sys.stderr.write(f"wrote {args.json}\n")
    elif not args.html:
        print_summary(profile, Console(highlight=False, width=None if sys.stdout.isatty() else 140))
    return EXIT_OK


def _profile_with_progress(table: Table, config: ProfileConfig) -> ProfileResult:
    """Profile, with a progress bar on stderr when it is a terminal."""
    from core.profiling.engine import profile_table

    if not sys.stderr.isatty():
        return profile_table(table, config)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=1.0)

        def report(phase: str, fraction: float) -> None:
            bar.update(task, description=phase, completed=fraction)

        return profile_table(table, config, progress=report)


@contextmanager
def _reading(path: str) -> Iterator[None]:
    """Errors of the reading libraries, as one line naming the file they came from.

    Loupe's readers translate what they expect; this catches what slipped through
    (a reader's panic, an exception of pyarrow or a sketch library on odd values).
    """
    try:
        yield
    except (LoupeError, KeyboardInterrupt, BrokenPipeError):
        raise
    except pl.exceptions.PanicException as exc:
        raise CorruptFileError(
            path, f"the reader failed on this file ({_first_line(exc)})"
        ) from None
    except pl.exceptions.PolarsError as exc:
        raise CorruptFileError(path, _first_line(exc)) from None
    except Exception as exc:
        # pyarrow's own errors (ArrowInvalid, ...), told apart without importing pyarrow.
        if not type(exc).__module__.startswith("pyarrow"):
            raise
        raise CorruptFileError(path, _first_line(exc)) from None


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loupe`` command; returns the exit code."""
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except LoupeError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `loupe preview big.csv | head`: the reader left; nothing is wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        sys.stderr.write(f"error: {_first_line(exc)}\n")
        return EXIT_INPUT
    except Exception as exc:
        if os.environ.get("LOUPE_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with LOUPE_DEBUG=1 for details\n"
        )
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
