"""The ``loupe`` command's arguments: the sub-commands and the reading options they share."""

from __future__ import annotations

import argparse
from importlib.metadata import PackageNotFoundError, version

from core.cli import compare, convert, preview, profile
from core.read.infer import parse_override
from core.read.options import check_encoding, check_skip_rows, parse_delimiter
from core.read.table import ReadOptions

__all__ = ["COMMANDS", "build_parser", "read_options"]

COMMANDS = ("preview", "convert", "profile", "compare")


def _version() -> str:
    """The installed version of Loupe."""
    try:
        return version("loupe")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
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
    reading = _reading_parser()
    preview.add_parser(sub, [reading])
    convert.add_parser(sub, [reading])
    profile.add_parser(sub, [reading])
    compare.add_parser(sub, [reading])
    return parser


def _reading_parser() -> argparse.ArgumentParser:
    """The options of how to read a table, shared by every sub-command."""
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
        "--skip-rows",
        type=int,
        default=0,
        metavar="N",
        help="skip N lines (sheet rows, for workbooks) before the header, such as a title",
    )
    group.add_argument(
        "--lenient",
        action="store_true",
        help="read ragged rows (padding short ones, cutting long ones) and quotes that are "
        "never closed (as text) instead of failing",
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
    return reading


def read_options(args: argparse.Namespace) -> ReadOptions:
    """ReadOptions from the shared reading flags."""
    types: dict[str, str] = {}
    for spec in args.types:
        name, kind, fmt = parse_override(spec)
        types[name] = f"{kind.value}:{fmt}" if fmt else kind.value
    delimiter = args.delimiter
    if delimiter is not None:
        delimiter = parse_delimiter(delimiter)
    if args.encoding is not None:
        check_encoding(args.encoding)
    return ReadOptions(
        sheet=args.sheet,
        encoding=args.encoding,
        delimiter=delimiter,
        has_header=args.has_header,
        skip_rows=check_skip_rows(args.skip_rows),
        lenient=args.lenient,
        types=types,
        infer=not args.no_infer,
        na=tuple(args.na),
        keep_na=args.keep_na,
    )
