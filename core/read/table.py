"""Opening a file as a table: :func:`open_table` and :class:`Table`.

A :class:`Table` is cheap to create: it detects the format, the encoding and
(for delimited text) the dialect from the first bytes, and picks the format's
reader (:mod:`core.read.readers`). :meth:`Table.preview` returns the first rows
without reading the whole file; :meth:`Table.lazy` returns the whole table as a
typed Polars ``LazyFrame`` for the engines. Column types come from a
:class:`~core.read.plan.TypePlan` made by :mod:`core.read.planner`, which the
table applies; :attr:`Table.info` is derived from it. Any failure, early or
while the engines collect, surfaces as a :class:`~core.errors.SourceError`
naming the file (use :meth:`Table.reading` around a collect).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from core.errors import Cancelled, CorruptFileError, LoupeError, TypesChanged, first_line
from core.read.batches import BatchCheck
from core.read.formats import Format
from core.read.info import Preview, ReadInfo
from core.read.mapped import KeptRows, MappedRows
from core.read.options import ReadOptions, with_given_missing
from core.read.plan import Proposal, TypePlan, apply_types
from core.read.planner import Planner
from core.read.readers import INFER_SAMPLE_ROWS, reader_for
from core.read.source import Source

__all__ = ["INFER_SAMPLE_ROWS", "Preview", "ReadInfo", "ReadOptions", "Table", "open_table"]

# Rows per batch when a full read reports its progress: about a hundredth of
# the table, within these bounds.
_MIN_CHUNK_ROWS = 10_000
_PROGRESS_CHUNK_ROWS = 500_000


def open_table(path: str | os.PathLike[str], options: ReadOptions | None = None) -> Table:
    """Open ``path`` as a table (read-only).

    Args:
        path: the file.
        options: how to read it; detection where left out.

    Returns:
        A :class:`Table`; close it (or use it as a context manager) to delete
        temporary copies of compressed or non-UTF-8 files.

    Raises:
        SourceError: the file cannot be read as a table.
        OptionError: an option does not fit the file.
    """
    return Table(path, options or ReadOptions())


class Table:
    """A file opened as a table. See :func:`open_table`.

    Attributes:
        options: how the file is read.
        source: the file, compression and encoding unwrapped.
        path: the file.
        plan: the column types last planned (empty until something was read).
    """

    def __init__(self, path: str | os.PathLike[str], options: ReadOptions) -> None:
        self.options = options
        self.source = Source(path, encoding=options.encoding)
        self.path = self.source.path
        self.plan = TypePlan()
        self._reader = reader_for(self.source, options)
        self._sample: pl.DataFrame | None = None
        self._planner: Planner | None = None
        self._lazy: pl.LazyFrame | None = None
        # What the streaming path tries; each TypesChanged replaces it with the next.
        self._stream_proposal: Proposal | None = None

    @property
    def format(self) -> Format:
        """The table format."""
        return self.source.format

    @property
    def info(self) -> ReadInfo:
        """How the file was read so far, derived from the source, the reader and the plan."""
        return ReadInfo.of(self.source, self._reader, self.plan)

    def close(self) -> None:
        """Release temporary copies."""
        self.source.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------

    def preview(self, rows: int = 50) -> Preview:
        """The first ``rows`` rows, typed from a larger head sample, without a full read.

        Asking for more rows than the head sample holds reads (and types) the
        whole table instead.

        Raises:
            SourceError: the head of the file cannot be read.
        """
        sample = self._head_sample()
        whole = self._reader.head_is_whole(sample)
        if rows > sample.height and not whole:
            # More rows than the head sample holds: read them from the whole table.
            lazy = self.lazy()
            with self.reading():
                frame = lazy.head(rows + 1).collect()
            return Preview(frame.head(rows), self.info, frame.height > rows)
        with self.reading():
            frame, self.plan = self._planned().type_frame(
                sample, basis=f"first {sample.height:,} rows", full_scan=whole
            )
        return Preview(frame.head(rows), self.info, sample.height > rows or not whole)

    def lazy(self) -> pl.LazyFrame:
        """The whole table, typed, as a LazyFrame (inference runs once, then cached).

        Collect it inside :meth:`reading` so failures name the file.

        Raises:
            SourceError: the file cannot be read.
        """
        if self._lazy is None:
            with self.reading():
                self._reader.check(None)
                raw = self._raw()
                sample = self._head_sample()
                spread = self._reader.spread_sample(sample.columns)
                if spread is None:
                    self.plan = self._planned().check(
                        raw, streaming=True, basis="every value", full_scan=True
                    )
                else:
                    rows = pl.concat([sample, spread], how="vertical_relaxed")
                    self.plan = self._planned().check(
                        with_given_missing(rows, self.options.na),
                        streaming=False,
                        basis=f"a sample of {rows.height:,} rows spread through the file",
                        full_scan=False,
                    )
                self._lazy = apply_types(raw, self.plan.columns)
        return self._lazy

    def raw_lazy(self) -> pl.LazyFrame:
        """The whole table as stored, before type inference (text formats as text).

        With :meth:`typed`, lets a caller that reads everything into memory anyway
        parse the file once: inference then checks the values in memory instead
        of reading the file a second time.
        """
        with self.reading():
            self._reader.check(None)
            return self._raw()

    def typed(self, raw: pl.DataFrame) -> pl.DataFrame:
        """``raw`` (rows of :meth:`raw_lazy`) with the inferred column types.

        Every value of ``raw`` is checked, so no value is lost to a wrong type.
        """
        with self.reading():
            frame, self.plan = self._planned().type_frame(raw, basis="every value", full_scan=True)
            self._lazy = apply_types(self._raw(), self.plan.columns)
            return frame

    def batches(self, chunk_rows: int, *, limit: int | None = None) -> Iterator[pl.DataFrame]:
        """The whole table, typed, in batches of about ``chunk_rows`` rows, reading the file once.

        Each batch is checked as it is cast. When a batch holds a value that does
        not fit a column's inferred type, that column moves to its next candidate
        type and :class:`TypesChanged` is raised: the caller discards what it has
        accumulated and iterates again.

        Args:
            chunk_rows: rows per batch.
            limit: stop after this many rows.

        Raises:
            TypesChanged: start again; types were corrected.
            SourceError: the file fails while being read.
        """
        with self.reading():
            self._reader.check(None)
            if self._stream_proposal is None:
                self._stream_proposal = self._planned().propose()
            proposal = self._stream_proposal
            check = BatchCheck(self._planned(), proposal)
            stream = self._reader.batches(chunk_rows)
        left = limit
        try:
            while left is None or left > 0:
                with self.reading():
                    batch = next(stream, None)
                    if batch is None:
                        break
                    if left is not None:
                        batch = batch.head(left)
                        left -= batch.height
                    if self.options.na:
                        batch = with_given_missing(batch, self.options.na).collect()
                    try:
                        typed = check.cast(batch)
                    except TypesChanged as change:
                        self._stream_proposal = proposal.without_first(change.columns)
                        raise
                yield typed
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        self.plan = check.plan()

    def estimated_rows(self) -> int | None:
        """Rows the table probably has, from the head's bytes per row (None if unknown).

        Exact for files whose head sample is the whole table; meant for progress bars.
        """
        return self._reader.estimated_rows(self._head_sample)

    def collect(
        self,
        progress: Callable[[float], None] | None = None,
        *,
        cancelled: Callable[[], bool] = lambda: False,
        mapped_in: Path | None = None,
    ) -> pl.DataFrame:
        """The whole table in memory, or mapped from files in ``mapped_in``.

        Args:
            progress: called with the share of the table read so far (0 to 1),
                from the rows read and the rows expected; the table is then read
                once in batches, each checked as it is typed.
            cancelled: polled between batches.
            mapped_in: a folder where the rows are written as they are read and
                mapped back (see :mod:`core.read.mapped`); in memory when it
                cannot take them.

        Raises:
            Cancelled: ``cancelled()`` said so.
            SourceError: the file cannot be read.
        """
        store = None
        if mapped_in is not None:
            store = MappedRows.open(mapped_in, room=self.source.size)
        if progress is None and store is None:
            lazy = self.lazy()
            with self.reading():
                return lazy.collect()
        told = progress or (lambda fraction: None)
        kept = store if store is not None else KeptRows()
        expected = self.estimated_rows()
        chunk_rows = _PROGRESS_CHUNK_ROWS
        if expected:
            # About 25 steps: each batch costs a fixed check besides its rows.
            chunk_rows = min(max(expected // 25, _MIN_CHUNK_ROWS), _PROGRESS_CHUNK_ROWS)
        while True:
            told(0.0)
            kept.discard()
            rows = 0
            try:
                for batch in self.batches(chunk_rows):
                    if cancelled():
                        raise Cancelled("reading cancelled")
                    kept.add(batch)
                    rows += batch.height
                    if expected:
                        # The estimate is the head's bytes per row: cap short of done.
                        told(min(0.99, rows / expected))
            except TypesChanged:
                # A late value proved a column's type wrong: read again, one
                # candidate fewer (this ends).
                continue
            except BaseException:
                kept.discard()
                raise
            break
        told(1.0)
        frame = kept.frame()
        if frame is None:
            return self.lazy().collect()
        return frame

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn any failure while reading into a :class:`SourceError` naming the file."""
        try:
            yield
        except LoupeError:
            raise
        except pl.exceptions.PolarsError as exc:
            raise self._reader.describe_error(exc) from None
        except pl.exceptions.PanicException as exc:
            # A panic that Polars caught: the file broke an assumption of its reader.
            raise CorruptFileError(
                self.path, f"the reader failed on this file ({first_line(exc)})"
            ) from None
        except (OSError, ValueError) as exc:
            # pyarrow's errors derive from these too (ArrowInvalid, ArrowIOError).
            raise CorruptFileError(self.path, first_line(exc)) from None

    # -- helpers ---------------------------------------------------------------

    def _head_sample(self) -> pl.DataFrame:
        """Up to INFER_SAMPLE_ROWS leading rows, text columns still text (``na`` tokens missing)."""
        if self._sample is None:
            with self.reading():
                head = self._reader.head()
                self._sample = (
                    with_given_missing(head, self.options.na).collect() if self.options.na else head
                )
        return self._sample

    def _planned(self) -> Planner:
        """The planner of this table's column types, made from the head sample once."""
        if self._planner is None:
            self._planner = Planner(
                self._head_sample(),
                self.options,
                path=self.path,
                traits=self._reader.traits(),
            )
        return self._planner

    def _raw(self) -> pl.LazyFrame:
        """The whole table as stored (the ``na`` tokens read as missing)."""
        return with_given_missing(self._reader.scan(), self.options.na)
