"""Delimited text (CSV, TSV, …): the dialect sniffed once, every column read as text.

The dialect and the ragged-row check come from :mod:`core.read.delimited`; a
file too large to check whole gives inference a sample spread through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from core.errors import EmptyFileError, SourceError
from core.read import delimited
from core.read.delimited import Dialect
from core.read.formats import Compression
from core.read.options import ReadOptions
from core.read.readers.base import FULL_SCAN_BYTES, INFER_SAMPLE_ROWS
from core.read.readers.lines import LineReader
from core.read.source import Source

__all__ = ["DelimitedReader"]


class DelimitedReader(LineReader):
    """Reads delimited text; sniffs its dialect from the head on opening.

    Raises:
        EmptyFileError: the file holds only blank lines.
        RaggedRowsError: a row of the head has more or fewer fields than the
            header (unless ``lenient``).
        UnclosedQuoteError: a quote in the head is never closed (unless ``lenient``;
            then quote marks are read as text).
    """

    def __init__(self, source: Source, options: ReadOptions) -> None:
        super().__init__(source, options)
        text = self.head_bytes().decode("utf-8", "replace")
        if not text.strip():
            raise EmptyFileError(self.path, "the file holds only blank lines")
        self._dialect = delimited.sniff_dialect(
            text,
            at_eof=self.at_eof,
            extension=self.path.suffix.lower()
            if source.compression is Compression.NONE
            else Path(self.path.stem).suffix.lower(),
            delimiter=options.delimiter,
            has_header=options.has_header,
        )
        problem = delimited.check_rows(
            self.path,
            text,
            self._dialect,
            at_eof=self.at_eof,
            first_line=options.skip_rows + 1,
        )
        if problem is not None and not options.lenient:
            raise problem.error(self.path)
        if problem is not None and problem.unclosed_quote:
            self._read_quotes_as_text(f"line {problem.line} opens a quote that is never closed")
        elif problem is not None:
            self.warnings.append(
                f"ragged rows read leniently: line {problem.line} has {problem.fields} fields, "
                f"the header {problem.expected}; short rows are padded with missing values, "
                "long rows cut"
            )
        if (
            options.lenient
            and self._dialect.quote is not None
            and delimited.quotes_unpaired(self.source.plain_path(), self._dialect.quote)
        ):
            self._read_quotes_as_text("the file's quote marks do not pair up")

    def _read_quotes_as_text(self, why: str) -> None:
        """Read without quoting (lenient reading of a quote that is never closed)."""
        self._dialect = delimited.without_quoting(self._dialect)
        self.warnings.append(
            f"{why}: read without quoting, so quote marks stay in the values, a field "
            "quoted around the delimiter is split, and rows left too long are cut"
        )

    def head_bytes(self) -> bytes:
        """The plain head, after the lines to skip."""
        return delimited.skip_lines(super().head_bytes(), self.options.skip_rows)

    @property
    def dialect(self) -> Dialect:
        """The sniffed (or given) dialect."""
        return self._dialect

    def head(self) -> pl.DataFrame:
        """Up to :data:`INFER_SAMPLE_ROWS` leading rows, as text."""
        return delimited.read_text(
            self.head_bytes(),
            self._dialect,
            at_eof=self.at_eof,
            rows=INFER_SAMPLE_ROWS,
            lenient=self.options.lenient,
        )

    def scan(self) -> pl.LazyFrame:
        """The whole file, lazily, every column as text."""
        return delimited.scan(
            self.source.plain_path(),
            self.head_bytes(),
            self._dialect,
            lenient=self.options.lenient,
            skip=self.options.skip_rows,
        )

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        """The whole file as text, about ``rows`` rows at a time, one block of bytes in memory.

        Blocks are sized from the head's bytes per line (4 KiB to 256 MiB).
        """
        head = self.head_bytes()
        per_row = len(head) / max(1, head.count(b"\n"))
        block_bytes = int(min(max(rows * per_row, 4 << 10), 256 << 20))
        return self.blocks(block_bytes)

    def blocks(self, block_bytes: int) -> Iterator[pl.DataFrame]:
        """The rows of :meth:`scan`, ``block_bytes`` at a time (:func:`delimited.read_blocks`)."""
        return delimited.read_blocks(
            self.source.plain_path(),
            self.head_bytes(),
            self._dialect,
            lenient=self.options.lenient,
            skip=self.options.skip_rows,
            block_bytes=block_bytes,
        )

    def spread_sample(self, columns: list[str]) -> pl.DataFrame | None:
        """Rows spread through the file when it is too large to check whole."""
        if self.source.plain_size() <= FULL_SCAN_BYTES:
            return None
        return delimited.spread_sample(self.source.plain_path(), self._dialect, columns)

    def describe_error(self, exc: pl.exceptions.PolarsError) -> SourceError:
        """A Polars error as a SourceError naming the file, and the ragged line if any."""
        if isinstance(exc, pl.exceptions.ComputeError):
            # Polars says what but not where: find the line (a slow scan, errors only).
            found = delimited.find_ragged_line(
                self.source.plain_path(), self.path, self._dialect, skip=self.options.skip_rows
            )
            if found is not None:
                return found
        return super().describe_error(exc)
