"""How to read a file: :class:`ReadOptions`, the tokens it gives as missing, and checks of
the options a user types (a delimiter, an encoding), shared by the CLI and the app."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from core.errors import OptionError

__all__ = [
    "DELIMITER_NAMES",
    "ReadOptions",
    "check_encoding",
    "check_skip_rows",
    "parse_delimiter",
    "with_given_missing",
]

#: Delimiters a user may give by name.
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field defaults to detection.

    Attributes:
        sheet: sheet name or 0-based index, for workbooks.
        encoding: a Python codec name, for text files.
        delimiter: the field separator, for delimited text.
        has_header: whether the first row names the columns.
        skip_rows: lines (sheet rows, for workbooks) to skip before the header,
            such as a title above the table.
        lenient: read ragged rows (padding or cutting them) instead of failing.
        isolate: decode Parquet and Arrow files in a child process before reading
            them here, so that a crafted file that crashes the reader is an error.
        types: per-column type overrides, ``{"zip": "str", "day": "date:%d/%m/%Y"}``.
        infer: infer types of text columns (False keeps all text as text).
        na: tokens that stand for a missing value in every column, instead of the
            markers found in the file.
        keep_na: keep missing-value tokens in text columns as the values they are.
    """

    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    has_header: bool | None = None
    skip_rows: int = 0
    lenient: bool = False
    isolate: bool = True
    types: Mapping[str, str] = field(default_factory=dict)
    infer: bool = True
    na: tuple[str, ...] = ()
    keep_na: bool = False


def with_given_missing(frame: pl.DataFrame | pl.LazyFrame, tokens: tuple[str, ...]) -> pl.LazyFrame:
    """``frame`` with ``tokens`` (the ``na`` option) read as missing in its text columns."""
    lazy = frame.lazy()
    if not tokens:
        return lazy
    text = [n for n, t in lazy.collect_schema().items() if t == pl.String]
    return lazy.with_columns(
        pl.when(pl.col(n).str.strip_chars().is_in(list(tokens)))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col(n))
        .alias(n)
        for n in text
    )


def parse_delimiter(text: str) -> str:
    """The one-character delimiter ``text`` names (``tab``, ``;``, ``\\t``...).

    Raises:
        OptionError: not one character, nor a known name.
    """
    delimiter = DELIMITER_NAMES.get(text.lower(), text)
    if len(delimiter) != 1:
        raise OptionError(f"the delimiter must be one character, not {text!r}")
    return delimiter


def check_encoding(name: str) -> str:
    """``name`` when it is a text encoding Python knows.

    Raises:
        OptionError: an unknown encoding.
    """
    try:
        "".encode(name)
    except LookupError:
        raise OptionError(f"unknown encoding {name!r}") from None
    return name


def check_skip_rows(rows: int) -> int:
    """``rows`` when it is a number of lines that can be skipped.

    Raises:
        OptionError: a negative number.
    """
    if rows < 0:
        raise OptionError(f"the rows to skip must be 0 or more, not {rows}")
    return rows
