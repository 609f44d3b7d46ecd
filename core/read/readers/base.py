"""What every reader does: read a head sample, scan the whole table, describe its errors.

A reader turns one format into Polars frames *as stored*: text formats as
text (inference types them later), columnar formats with their own types.
:class:`Reader` is the small interface the table uses; each format has one
subclass, chosen once by :func:`core.read.readers.reader_for`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from typing import ClassVar

import polars as pl

from core.errors import CorruptFileError, EncodingError, ParseError, SourceError, first_line
from core.read.delimited import Dialect
from core.read.options import ReadOptions
from core.read.plan import Traits
from core.read.source import Source

__all__ = ["FULL_SCAN_BYTES", "INFER_SAMPLE_ROWS", "Reader"]

INFER_SAMPLE_ROWS = 20_000
# Up to this much plain content, inference checks every value of every column
# in one streaming pass; above it, a sample spread through the file.
FULL_SCAN_BYTES = 256 * 1024 * 1024


class Reader(abc.ABC):
    """One format's reader.

    Args:
        source: the file, with compression and encoding unwrapped.
        options: how to read it.

    Attributes:
        text: the format is text (its errors may be encoding errors).
        retype_text: its text columns are typed by inference.
        own_nulls: it writes missing values as a null of its own (JSON).
        warnings: what the user should know about how the file was read.
    """

    text: ClassVar[bool] = False
    retype_text: ClassVar[bool] = False
    own_nulls: ClassVar[bool] = False

    def __init__(self, source: Source, options: ReadOptions) -> None:
        self.source = source
        self.options = options
        self.path = source.path
        self.warnings: list[str] = []

    @abc.abstractmethod
    def scan(self) -> pl.LazyFrame:
        """The whole table as stored: text formats as text, binary formats typed."""

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        """The whole table as stored (see :meth:`scan`), about ``rows`` rows at a time."""
        yield from self.scan().collect_batches(chunk_size=rows)

    def head(self) -> pl.DataFrame:
        """Up to :data:`INFER_SAMPLE_ROWS` leading rows, as stored."""
        self.check(INFER_SAMPLE_ROWS)
        return self.scan().head(INFER_SAMPLE_ROWS).collect()

    def check(self, rows: int | None) -> None:
        """Make sure the file (or its first ``rows`` rows) can be decoded safely; no-op here."""
        return None

    def head_is_whole(self, sample: pl.DataFrame) -> bool:
        """Whether ``sample`` (the head) holds the whole table."""
        return sample.height < INFER_SAMPLE_ROWS

    def estimated_rows(self, sample: Callable[[], pl.DataFrame]) -> int | None:
        """Rows the table probably has, for progress bars (None: unknown without reading)."""
        return None

    def spread_sample(self, columns: list[str]) -> pl.DataFrame | None:
        """Rows spread through a file too large to check whole; None to check every value."""
        return None

    @property
    def dialect(self) -> Dialect | None:
        """The delimited-text dialect, for delimited text."""
        return None

    @property
    def sheet(self) -> str | None:
        """The sheet read, for workbooks."""
        return None

    @property
    def sheets(self) -> list[str]:
        """Every sheet of a workbook."""
        return []

    def traits(self) -> Traits:
        """What the format says about typing its columns."""
        dialect = self.dialect
        return Traits(
            retype_text=self.retype_text,
            decimal_comma=bool(dialect and dialect.decimal_comma),
            own_nulls=self.own_nulls,
        )

    def describe_error(self, exc: pl.exceptions.PolarsError) -> SourceError:
        """A Polars error as a SourceError naming the file."""
        message = str(exc).lower()
        if self.text and ("invalid utf-8" in message or "utf8" in message):
            return EncodingError(
                self.path,
                "the text is not valid UTF-8 throughout; pass --encoding (e.g. cp1252)",
            )
        if isinstance(exc, pl.exceptions.ComputeError | pl.exceptions.NoDataError):
            return ParseError(self.path, first_line(exc))
        return CorruptFileError(self.path, first_line(exc))
