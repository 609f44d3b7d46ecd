"""How to read a file: :class:`ReadOptions`, and the tokens it gives as missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

__all__ = ["ReadOptions", "with_given_missing"]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field defaults to detection.

    Attributes:
        sheet: sheet name or 0-based index, for workbooks.
        encoding: a Python codec name, for text files.
        delimiter: the field separator, for delimited text.
        has_header: whether the first row names the columns.
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
