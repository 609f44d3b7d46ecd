"""Opening a file as a table: :func:`open_table` and :class:`Table`.

A :class:`Table` is cheap to create: it detects the format, the encoding and
(for delimited text) the dialect from the first bytes. :meth:`Table.preview`
returns the first rows without reading the whole file; :meth:`Table.lazy`
returns the whole table as a typed Polars ``LazyFrame`` for the engines. Any
failure, early or while the engines collect, surfaces as a
:class:`~core.errors.SourceError` naming the file (use :meth:`Table.reading`
around a collect).
"""

from __future__ import annotations

import io
import json
import os
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from core.errors import (
    CorruptFileError,
    EmptyFileError,
    EncodingError,
    LoupeError,
    OptionError,
    ParseError,
    SourceError,
    TypesChanged,
)
from core.read import delimited, excel, infer
from core.read.delimited import Dialect
from core.read.formats import Compression, Format
from core.read.infer import Candidate, ColumnType, Kind
from core.read.isolation import run_isolated
from core.read.memory import AUTO_MEMORY_MAX_BYTES, available_memory
from core.read.source import Source

__all__ = ["Preview", "ReadInfo", "ReadOptions", "Table", "open_table"]

HEAD_BYTES = 4 * 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024 * 1024
INFER_SAMPLE_ROWS = 20_000
# Up to this much plain content, inference checks every value of every column
# in one streaming pass; above it, a sample spread through the file.
FULL_SCAN_BYTES = 256 * 1024 * 1024


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


@dataclass
class ReadInfo:
    """How a file was read, for reports and the ``preview`` command.

    Attributes:
        path: the file.
        format: table format.
        compression: the compression around it.
        size_bytes: size on disk.
        encoding: text encoding, for text formats.
        dialect: the delimited-text dialect.
        sheet: the sheet read, for workbooks.
        sheets: every sheet of a workbook.
        inference: what the column types were inferred from.
        column_types: the type chosen for each text column.
        missing_tokens: the file's missing markers (see :func:`core.read.infer.file_markers`),
            or those given with ``na``.
        missing_source: where they come from: ``file`` (found in the typed
            columns), ``option`` (given) or ``none`` (tokens kept as values).
        warnings: things the user should know (lenient reading, lost values).
    """

    path: Path
    format: Format
    compression: Compression
    size_bytes: int
    encoding: str | None = None
    dialect: Dialect | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    inference: str = ""
    column_types: dict[str, ColumnType] = field(default_factory=dict)
    missing_tokens: list[str] = field(default_factory=list)
    missing_source: str = "file"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "path": str(self.path),
            "format": self.format.value,
            "compression": self.compression.value,
            "size_bytes": self.size_bytes,
            "encoding": self.encoding,
            "dialect": None
            if self.dialect is None
            else {
                "delimiter": self.dialect.delimiter,
                "quote": self.dialect.quote,
                "has_header": self.dialect.has_header,
                "decimal_comma": self.dialect.decimal_comma,
            },
            "sheet": self.sheet,
            "sheets": self.sheets,
            "inference": self.inference,
            "column_types": {
                name: {
                    "type": t.candidate.describe(),
                    "source": t.source,
                    "lost": t.lost,
                    "missing_tokens": list(t.missing),
                    "how": t.describe(),
                }
                for name, t in self.column_types.items()
            },
            "missing_tokens": self.missing_tokens,
            "missing_source": self.missing_source,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Preview:
    """The first rows of a table and how they were read.

    Attributes:
        frame: the rows, typed.
        info: how the file was read.
        truncated: whether the file has more rows than shown (False when unknown
            to be more, e.g. the whole file fit in the preview).
    """

    frame: pl.DataFrame
    info: ReadInfo
    truncated: bool


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
    """A file opened as a table. See :func:`open_table`."""

    def __init__(self, path: str | os.PathLike[str], options: ReadOptions) -> None:
        self.options = options
        self.source = Source(path, encoding=options.encoding)
        self.path = self.source.path
        self.info = ReadInfo(
            path=self.path,
            format=self.source.format,
            compression=self.source.compression,
            size_bytes=self.source.size,
            encoding=self.source.encoding,
        )
        self._head: bytes | None = None
        self._head_at_eof = False
        self._sample: pl.DataFrame | None = None
        self._lazy: pl.LazyFrame | None = None
        self._workbook: excel.Workbook | None = None
        # Which library reads a Parquet file: pyarrow where Polars cannot (see decode_native).
        self._reader = "polars"
        self._by_pyarrow: pl.DataFrame | None = None
        self._decided = False  # whether the reader was chosen (files not checked in a child)
        self._stream_plan: (
            tuple[
                dict[str, list[Candidate]],
                dict[str, list[Candidate]],
                dict[str, tuple[Kind, str | None]],
            ]
            | None
        ) = None
        if options.sheet is not None and self.format not in (Format.EXCEL, Format.ODS):
            raise OptionError(
                f"{self.path}: --sheet applies to workbooks, not {self.format.value} files"
            )
        if self.format is Format.DELIMITED:
            self._init_delimited()
        elif self.format in (Format.EXCEL, Format.ODS):
            self._workbook = excel.Workbook(self.path)
            self.info.sheets = self._workbook.sheet_names
            self.info.sheet = self._workbook.resolve(options.sheet)

    @property
    def format(self) -> Format:
        """The table format."""
        return self.source.format

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
        if rows > sample.height and not self._sample_is_whole():
            # More rows than the head sample holds: read them from the whole table.
            lazy = self.lazy()
            with self.reading():
                frame = lazy.head(rows + 1).collect()
            return Preview(frame.head(rows), self.info, frame.height > rows)
        with self.reading():
            frame = self._typed_frame(sample).head(rows)
        self.info.inference = f"first {sample.height:,} rows"
        truncated = sample.height > rows or not self._sample_is_whole()
        return Preview(frame, self.info, truncated)

    def lazy(self) -> pl.LazyFrame:
        """The whole table, typed, as a LazyFrame (inference runs once, then cached).

        Collect it inside :meth:`reading` so failures name the file.

        Raises:
            SourceError: the file cannot be read.
        """
        if self._lazy is None:
            self._check_native(None)
            with self.reading():
                raw = self._raw_lazy()
                sample = self._head_sample()
                check, streaming, basis = self._verification_frame(raw, sample)
                chosen = self._infer(sample, check, streaming=streaming)
                self.info.inference = basis
                self._lazy = self._apply(raw, chosen)
        return self._lazy

    def raw_lazy(self) -> pl.LazyFrame:
        """The whole table as stored, before type inference (text formats as text).

        With :meth:`typed`, lets a caller that reads everything into memory anyway
        parse the file once: inference then checks the values in memory instead
        of reading the file a second time.
        """
        self._check_native(None)
        with self.reading():
            return self._raw_lazy()

    def typed(self, raw: pl.DataFrame) -> pl.DataFrame:
        """``raw`` (rows of :meth:`raw_lazy`) with the inferred column types.

        Every value of ``raw`` is checked, so no value is lost to a wrong type.
        """
        with self.reading():
            frame = self._typed_frame(raw)
            self.info.inference = "every value"
            self._lazy = self._apply(self._raw_lazy(), self.info.column_types)
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
        self._check_native(None)
        with self.reading():
            if self._stream_plan is None:
                self._stream_plan = self._plan(self._head_sample())
            plan, forced, overrides = self._stream_plan
            trying = {c: cands[0] if cands else Candidate(Kind.STR) for c, cands in plan.items()}
            picked = {c: cands[0] for c, cands in forced.items()}
            rest = {
                c: ColumnType(c, Candidate(k, f), "override")
                for c, (k, f) in overrides.items()
                if c not in forced
            }
            lost = dict.fromkeys(forced, 0)
            kinds = {c: cand.kind for c, cand in {**trying, **picked}.items()}
            for c, (k, _) in overrides.items():
                kinds.setdefault(c, k)
            markers = self._text_missing(kinds)
            rest.update(
                {c: ColumnType(c, Candidate(Kind.STR), missing=t) for c, t in markers.items()}
            )
            raw = self._raw_lazy()
            if limit is not None:
                raw = raw.head(limit)
            stream = raw.collect_batches(chunk_size=chunk_rows)
        try:
            while True:
                with self.reading():
                    batch = next(stream, None)
                    if batch is None:
                        break
                    cast, losses = infer.cast_counting(batch, {**trying, **picked})
                    wrong = [c for c in trying if losses[c]]
                    if wrong:
                        for c in wrong:
                            plan[c] = plan[c][1:]
                        raise TypesChanged(wrong)
                    for c in picked:
                        lost[c] += losses[c]
                    typed = batch.with_columns(cast.get_columns())
                    if rest:
                        typed = self._apply(typed.lazy(), rest).collect()
                yield typed
        finally:
            stop = getattr(stream, "stop", None)
            if stop is not None:
                stop()
        counts = {c: {picked[c]: lost[c]} for c in picked}
        self._settle(trying, {c: [picked[c]] for c in picked}, counts, overrides)
        self.info.inference = "every value"

    def _typed_frame(self, raw: pl.DataFrame) -> pl.DataFrame:
        """Infer types from, check them against, and apply them to in-memory rows."""
        plan, forced, overrides = self._plan(self._head_sample())
        # One parse per column: the cast itself tells whether any value was lost.
        frame, picked = infer.cast_checked(raw, plan)
        counts = infer.failure_counts(raw.lazy(), forced, streaming=False)
        chosen = self._settle(picked, forced, counts, overrides)
        rest = {c: t for c, t in chosen.items() if c not in picked or t.missing}
        return self._apply(frame.lazy(), rest).collect() if rest else frame

    def estimated_rows(self) -> int | None:
        """Rows the table probably has, from the head's bytes per row (None if unknown).

        Exact for files whose head sample is the whole table; meant for progress bars.
        """
        if self.format not in (Format.DELIMITED, Format.NDJSON):
            return None
        sample = self._head_sample()
        if self._sample_is_whole():
            return sample.height
        head = self._head_bytes()
        if not sample.height or not head:
            return None
        plain_size = self.source.size * (
            4 if self.source.compression is not Compression.NONE else 1
        )
        return int(plain_size * sample.height / len(head))

    def collect(self) -> pl.DataFrame:
        """The whole table in memory."""
        lazy = self.lazy()
        with self.reading():
            return lazy.collect()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn any failure while reading into a :class:`SourceError` naming the file."""
        try:
            yield
        except LoupeError:
            raise
        except pl.exceptions.PolarsError as exc:
            raise self._translate(exc) from None
        except pl.exceptions.PanicException as exc:
            # A panic that Polars caught: the file broke an assumption of its reader.
            raise CorruptFileError(
                self.path, f"the reader failed on this file ({_first_line(exc)})"
            ) from None
        except (OSError, ValueError) as exc:
            # pyarrow's errors derive from these too (ArrowInvalid, ArrowIOError).
            raise CorruptFileError(self.path, _first_line(exc)) from None

    # -- per-format raw frames ---------------------------------------------------

    def _check_native(self, rows: int | None) -> None:
        """Decode a binary file (or its first ``rows`` rows) in a child process first.

        A crafted Parquet or Arrow file can make the native readers abort the whole
        process instead of raising; in a child, that is one error naming the file.
        What has been decoded safely once is not decoded again (per file version).
        The check also tells which library reads the file (see :func:`decode_native`).
        """
        if self.format not in _NATIVE:
            return
        if not self.options.isolate:
            # Trusted files: no child, but a valid file that Polars refuses still reads.
            if self.format is Format.PARQUET and not self._decided:
                with self.reading():
                    self._reader = decode_native(
                        str(self.source.plain_path()), self.format.value, INFER_SAMPLE_ROWS
                    )
                self._decided = True
            return
        stat = self.source.path.stat()
        key = (str(self.source.path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
        checked, self._reader = _CHECKED.get(key, (0, "polars"))
        if checked == _ALL or (rows is not None and checked >= rows):
            return
        if rows is not None and (
            stat.st_size <= _CHECK_WHOLE_BYTES
            or self.format is Format.ARROW_STREAM  # read whole whatever is asked
            or self._reader == "pyarrow"  # likewise
        ):
            rows = None
        if self.format is Format.PARQUET:
            self._check_parquet_footer()
        with self.reading():
            self._reader = run_isolated(
                decode_native,
                str(self.source.plain_path()),
                self.format.value,
                rows,
                path=self.path,
            )
        if self._reader == "pyarrow" and rows is not None:
            # pyarrow reads the whole file at once: check it whole before that.
            _CHECKED[key] = (rows, self._reader)
            self._check_native(None)
            return
        _CHECKED[key] = (_ALL if rows is None else rows, self._reader)

    def _init_delimited(self) -> None:
        """Sniff the dialect from the head."""
        head = self._head_bytes()
        text = head.decode("utf-8", "replace")
        if not text.strip():
            raise EmptyFileError(self.path, "the file holds only blank lines")
        self.info.dialect = delimited.sniff_dialect(
            text,
            at_eof=self._head_at_eof,
            extension=self.path.suffix.lower()
            if self.source.compression is Compression.NONE
            else Path(self.path.stem).suffix.lower(),
            delimiter=self.options.delimiter,
            has_header=self.options.has_header,
        )
        ragged = delimited.check_ragged(
            self.path, text, self.info.dialect, at_eof=self._head_at_eof
        )
        if ragged is not None:
            line, fields, expected = ragged
            if not self.options.lenient:
                raise delimited.ragged_error(self.path, line, fields, expected)
            self.info.warnings.append(
                f"ragged rows read leniently: line {line} has {fields} fields, the header "
                f"{expected}; short rows are padded with missing values, long rows cut"
            )

    def _head_bytes(self) -> bytes:
        """The plain head, grown until it holds a complete first line (bounded)."""
        if self._head is None:
            size = HEAD_BYTES
            while True:
                head = self.source.head(size + 1)
                at_eof = len(head) <= size
                if at_eof or b"\n" in head[:size] or size >= MAX_HEAD_BYTES:
                    break
                size *= 4
            if not at_eof and b"\n" not in head[:size]:
                raise ParseError(
                    self.path,
                    f"no line break in the first {MAX_HEAD_BYTES // 2**20} MB; "
                    "this is not line-oriented text",
                    line=1,
                )
            self._head, self._head_at_eof = head[:size], at_eof
        return self._head

    def _sample_is_whole(self) -> bool:
        """Whether the head sample holds the whole table."""
        if self.format in (Format.DELIMITED, Format.NDJSON):
            self._head_bytes()
            return self._head_at_eof and (
                self._sample is None or self._sample.height < INFER_SAMPLE_ROWS
            )
        return self._sample is not None and self._sample.height < INFER_SAMPLE_ROWS

    def _head_sample(self) -> pl.DataFrame:
        """Up to INFER_SAMPLE_ROWS leading rows, text columns still text."""
        if self._sample is None:
            with self.reading():
                self._sample = self._read_head_sample()
        return self._sample

    def _read_head_sample(self) -> pl.DataFrame:
        """The head sample, with the tokens given as missing read as missing."""
        frame = self._read_format_head()
        return self._given_missing(frame).collect() if self.options.na else frame

    def _given_missing(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
        """``frame`` with the ``na`` tokens read as missing in its text columns."""
        lazy = frame.lazy()
        tokens = list(self.options.na)
        if not tokens:
            return lazy
        text = [n for n, t in lazy.collect_schema().items() if t == pl.String]
        return lazy.with_columns(
            pl.when(pl.col(n).str.strip_chars().is_in(tokens))
            .then(pl.lit(None, pl.String))
            .otherwise(pl.col(n))
            .alias(n)
            for n in text
        )

    def _read_format_head(self) -> pl.DataFrame:
        """Format-specific head read."""
        match self.format:
            case Format.DELIMITED:
                assert self.info.dialect is not None
                try:
                    return delimited.read_text(
                        self._head_bytes(),
                        self.info.dialect,
                        at_eof=self._head_at_eof,
                        rows=INFER_SAMPLE_ROWS,
                        lenient=self.options.lenient,
                    )
                except pl.exceptions.PolarsError as exc:
                    raise self._translate(exc) from None
            case Format.NDJSON:
                head = self._head_bytes()
                if not self._head_at_eof:
                    head = head[: head.rfind(b"\n") + 1]
                try:
                    frame = pl.read_ndjson(io.BytesIO(head), infer_schema_length=None)
                except pl.exceptions.PolarsError:
                    frame = self._json_fallback(head, ndjson=True)
                return frame.head(INFER_SAMPLE_ROWS)
            case Format.EXCEL | Format.ODS:
                assert self._workbook is not None and self.info.sheet is not None
                return self._workbook.read(self.info.sheet, rows=INFER_SAMPLE_ROWS)
            case _:
                self._check_native(INFER_SAMPLE_ROWS)
                return self._raw_lazy().head(INFER_SAMPLE_ROWS).collect()

    def _raw_lazy(self) -> pl.LazyFrame:
        """The whole table as stored (the ``na`` tokens read as missing)."""
        return self._given_missing(self._raw_lazy_format())

    def _raw_lazy_format(self) -> pl.LazyFrame:
        """The whole table as stored: text formats as text, binary formats typed."""
        match self.format:
            case Format.DELIMITED:
                assert self.info.dialect is not None
                return delimited.scan(
                    self.source.plain_path(),
                    self._head_bytes(),
                    self.info.dialect,
                    lenient=self.options.lenient,
                )
            case Format.NDJSON:
                plain = self.source.plain_path()
                try:
                    # Typing from every line: a late float in an int field must widen it.
                    if plain.stat().st_size <= FULL_SCAN_BYTES:
                        # Read now: a field whose types clash fails only when
                        # collected, and the fallback must get its chance.
                        return pl.read_ndjson(plain, infer_schema_length=None).lazy()
                    frame = pl.scan_ndjson(plain, infer_schema_length=None)
                    frame.collect_schema()
                except pl.exceptions.PolarsError:
                    return self._json_fallback(plain.read_bytes(), ndjson=True).lazy()
                return frame
            case Format.JSON:
                plain = self.source.plain_path()
                try:
                    return pl.read_json(plain, infer_schema_length=None).lazy()
                except pl.exceptions.PolarsError:
                    return self._json_fallback(plain.read_bytes(), ndjson=False).lazy()
            case Format.PARQUET:
                self._check_parquet_footer()
                if self._reader == "pyarrow":
                    return self._parquet_by_pyarrow()
                frame = pl.scan_parquet(self.source.plain_path())
                frame.collect_schema()
                return frame
            case Format.ARROW:
                frame = pl.scan_ipc(self.source.plain_path())
                frame.collect_schema()
                return frame
            case Format.ARROW_STREAM:
                return pl.read_ipc_stream(self.source.plain_path()).lazy()
            case Format.FEATHER_V1:
                with warnings.catch_warnings():
                    # Legacy files are what this branch exists for.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    import pyarrow.feather as feather  # legacy files only: keep start-up light

                    table = feather.read_table(str(self.source.plain_path()))
                return pl.DataFrame(pl.from_arrow(table)).lazy()
            case Format.EXCEL | Format.ODS:
                assert self._workbook is not None and self.info.sheet is not None
                return self._workbook.read(self.info.sheet).lazy()

    def _parquet_by_pyarrow(self) -> pl.LazyFrame:
        """A valid Parquet file that Polars refuses, read by pyarrow (whole, in memory).

        Columns of a type Polars cannot hold are converted, and the user told: decimals
        wider than 38 digits to floating point, anything else to text.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._by_pyarrow is not None:
            return self._by_pyarrow.lazy()
        table = pq.read_table(self.source.plain_path())
        columns: list[pl.Series] = []
        for name, array in zip(table.column_names, table.columns, strict=True):
            wide = pa.types.is_decimal(array.type) and array.type.precision > 38
            try:
                if wide:
                    raise TypeError("wider than Polars' decimals")
                series = pl.Series(name, array)
            except (pl.exceptions.PolarsError, pl.exceptions.PanicException, TypeError, ValueError):
                target = pa.float64() if pa.types.is_decimal(array.type) else pa.string()
                how = "floating-point numbers" if target == pa.float64() else "text"
                self.info.warnings.append(
                    f"column {name!r}: {array.type} has no Polars type; read as {how}"
                )
                series = pl.Series(name, array.cast(target))
            columns.append(series)
        self._by_pyarrow = pl.DataFrame(columns)
        return self._by_pyarrow.lazy()

    def _check_parquet_footer(self) -> None:
        """A Parquet file ends with its footer and ``PAR1``; a cut file does not."""
        path = self.source.plain_path()
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(max(0, size - 4))
            if size < 12 or fh.read(4) != b"PAR1":
                raise CorruptFileError(
                    self.path,
                    "truncated Parquet file (the footer is missing); re-copy or re-export it",
                )

    def _verification_frame(
        self, raw: pl.LazyFrame, sample: pl.DataFrame
    ) -> tuple[pl.LazyFrame, bool, str]:
        """What inference checks candidates against: every value, or a spread sample."""
        if self.format is Format.DELIMITED and self.source.plain_size() > FULL_SCAN_BYTES:
            assert self.info.dialect is not None
            spread = delimited.spread_sample(
                self.source.plain_path(), self.info.dialect, sample.columns
            )
            rows = pl.concat([sample, spread], how="vertical_relaxed")
            basis = f"a sample of {rows.height:,} rows spread through the file"
            return self._given_missing(rows), False, basis
        return raw, True, "every value"

    # -- inference -------------------------------------------------------------

    def _infer(
        self, sample: pl.DataFrame, check: pl.LazyFrame, *, streaming: bool
    ) -> dict[str, ColumnType]:
        """Choose a type for every text column (and apply overrides), checked against ``check``."""
        plan, forced, overrides = self._plan(sample)
        counts = infer.failure_counts(check, {**plan, **forced}, streaming=streaming)
        return self._settle(infer.choose(plan, counts), forced, counts, overrides)

    def _plan(
        self, sample: pl.DataFrame
    ) -> tuple[
        dict[str, list[Candidate]], dict[str, list[Candidate]], dict[str, tuple[Kind, str | None]]
    ]:
        """Candidate types per text column, override candidates, and the overrides."""
        overrides = self._overrides(sample.columns)
        decimal_comma = bool(self.info.dialect and self.info.dialect.decimal_comma)
        schema = sample.schema
        text_columns = [c for c, t in schema.items() if t == pl.String and c not in overrides]
        # Columnar formats store real types: a string column there is text on
        # purpose (or a problem for the profile's alerts to show), not to be retyped.
        plan: dict[str, list[Candidate]] = (
            infer.candidates(sample, text_columns, decimal_comma=decimal_comma)
            if self.options.infer and self.format in _TEXT_TYPED
            else {}
        )
        forced = {
            c: infer.override_candidates(kind, fmt, decimal_comma=decimal_comma)
            for c, (kind, fmt) in overrides.items()
            if schema[c] == pl.String
        }
        return plan, forced, overrides

    def _settle(
        self,
        picked: Mapping[str, Candidate],
        forced: Mapping[str, list[Candidate]],
        counts: Mapping[str, Mapping[Candidate, int]],
        overrides: Mapping[str, tuple[Kind, str | None]],
    ) -> dict[str, ColumnType]:
        """The final column types: inferred ones, then overrides (warning of lost values)."""
        chosen = {c: ColumnType(c, cand) for c, cand in picked.items()}
        for c, cands in forced.items():
            best = min(cands, key=lambda cand: counts[c][cand])
            chosen[c] = ColumnType(c, best, source="override", lost=counts[c][best])
            if counts[c][best]:
                self.info.warnings.append(
                    f"column {c!r}: {counts[c][best]:,} values could not be read as "
                    f"{best.describe()} and are shown as missing"
                )
        for c, (kind, fmt) in overrides.items():
            if c not in forced:
                chosen[c] = ColumnType(c, Candidate(kind, fmt), source="override")
        markers = self._text_missing({c: t.candidate.kind for c, t in chosen.items()})
        for c, tokens in markers.items():
            chosen[c] = replace(chosen[c], missing=tokens)
        self.info.column_types = chosen
        return chosen

    def _text_missing(self, kinds: Mapping[str, Kind]) -> dict[str, tuple[str, ...]]:
        """The missing-value tokens of each text column, from the file's markers.

        Args:
            kinds: the kind chosen (or being tried) for each column read from text.
        """
        sample = self._head_sample()
        if self.options.na:
            self.info.missing_tokens, self.info.missing_source = list(self.options.na), "option"
            # Read as missing where the file was read; nothing is left to find.
            return {}
        typed = [c for c, k in kinds.items() if k is not Kind.STR]
        text = [c for c, k in kinds.items() if k is Kind.STR]
        # JSON has a null of its own: there, a text "NA" is a missing marker only where
        # the file also writes it in its typed fields.
        unmistakable = [] if self.format in (Format.JSON, Format.NDJSON) else text
        self.info.missing_tokens = infer.file_markers(sample, typed, unmistakable)
        if self.options.keep_na:
            self.info.missing_source = "none"
            return {}
        self.info.missing_source = "file"
        return infer.text_markers(sample, text, self.info.missing_tokens)

    def _overrides(self, columns: list[str]) -> dict[str, tuple[Kind, str | None]]:
        """The user's type overrides, checked against the columns."""
        parsed: dict[str, tuple[Kind, str | None]] = {}
        for name, spec in self.options.types.items():
            _, kind, fmt = infer.parse_override(f"{name}={spec}")
            if name not in columns:
                shown = ", ".join(columns[:20])
                raise OptionError(f"{self.path}: no column named {name!r} (columns: {shown})")
            parsed[name] = (kind, fmt)
        return parsed

    def _apply(self, frame: pl.LazyFrame, chosen: Mapping[str, ColumnType]) -> pl.LazyFrame:
        """Cast the frame's columns to their chosen types."""
        schema = frame.collect_schema()
        exprs = []
        for name, col_type in chosen.items():
            cand = col_type.candidate
            if cand.kind is Kind.STR and schema[name] == pl.String:
                if col_type.missing:
                    value = pl.col(name)
                    exprs.append(
                        pl.when(value.str.strip_chars().is_in(list(col_type.missing)))
                        .then(pl.lit(None, pl.String))
                        .otherwise(value)
                        .alias(name)
                    )
                continue
            if schema[name] == pl.String:
                exprs.append(infer.cast_expr(name, cand))
            else:
                exprs.append(pl.col(name).cast(_DTYPES[cand.kind], strict=False))
        return frame.with_columns(exprs) if exprs else frame

    # -- errors ----------------------------------------------------------------

    def _translate(self, exc: pl.exceptions.PolarsError) -> SourceError:
        """A Polars error as a SourceError naming the file (and line where possible)."""
        message = str(exc)
        if self.format is Format.DELIMITED and isinstance(exc, pl.exceptions.ComputeError):
            # Polars says what but not where: find the line (a slow scan, errors only).
            assert self.info.dialect is not None
            found = delimited.find_ragged_line(
                self.source.plain_path(), self.path, self.info.dialect
            )
            if found is not None:
                return found
        text_format = self.format in (Format.DELIMITED, Format.JSON, Format.NDJSON)
        if text_format and ("invalid utf-8" in message.lower() or "utf8" in message.lower()):
            return EncodingError(
                self.path,
                "the text is not valid UTF-8 throughout; pass --encoding (e.g. cp1252)",
            )
        if isinstance(exc, pl.exceptions.ComputeError | pl.exceptions.NoDataError):
            return ParseError(self.path, _first_line(exc))
        return CorruptFileError(self.path, _first_line(exc))

    def _json_fallback(self, data: bytes, *, ndjson: bool) -> pl.DataFrame:
        """Read JSON that Polars refused: a parse error with its line, or a table of mixed columns.

        Polars needs one type per field; real exports mix numbers, text and
        objects in a field. Such fields become text (objects as JSON) instead
        of failing the whole file.
        """
        text = data.decode("utf-8", "replace")
        if not text.strip():
            raise EmptyFileError(self.path, "the file holds only blank lines")
        records: list[object] = []
        if ndjson:
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ParseError(self.path, f"invalid JSON: {exc.msg}", line=number) from None
                if not isinstance(records[-1], dict):
                    raise ParseError(self.path, "each line must be a JSON object", line=number)
        else:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ParseError(self.path, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                raise ParseError(self.path, "expected an array of records ([{...}, ...])")
            records = value
        return _records_frame([r for r in records if isinstance(r, dict)])


def _records_frame(records: list[dict[str, object]]) -> pl.DataFrame:
    """Columns from JSON records; a field whose values do not share a type becomes text."""
    names = list(dict.fromkeys(key for record in records for key in record))
    columns: list[pl.Series] = []
    for name in names:
        values = [record.get(name) for record in records]
        try:
            columns.append(pl.Series(name, values))
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            columns.append(
                pl.Series(
                    name,
                    [
                        v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                        for v in values
                    ],
                    dtype=pl.String,
                )
            )
    return pl.DataFrame(columns)


_TEXT_TYPED = {Format.DELIMITED, Format.JSON, Format.NDJSON, Format.EXCEL, Format.ODS}
# Formats decoded by native readers that a crafted file can crash (see _check_native).
_NATIVE = {Format.PARQUET, Format.ARROW, Format.ARROW_STREAM}
_CHECK_WHOLE_BYTES = 64 * 1024 * 1024
_ALL = -1
# Files decoded safely in a child: (path, size, mtime, inode) -> (rows checked, reader).
_CHECKED: dict[tuple[str, int, int, int], tuple[int, str]] = {}


def decode_native(path: str, fmt: str, rows: int | None) -> str:
    """Decode a Parquet or Arrow file batch by batch (at most ``rows`` rows), keeping nothing.

    Runs in a child process (see :func:`core.read.isolation.run_isolated`). Returns the
    reader that can read the file: ``polars``, or ``pyarrow`` for a valid Parquet
    file that Polars refuses (a type it does not know, such as a 60-digit decimal).
    """
    try:
        _decode_polars(path, Format(fmt), rows)
    except pl.exceptions.PolarsError:
        if Format(fmt) is not Format.PARQUET:
            raise
        import pyarrow.parquet as pq

        try:
            read = 0
            for batch in pq.ParquetFile(path).iter_batches():
                read += batch.num_rows
                if rows is not None and read >= rows:
                    break
        except Exception:
            raise_polars = True
        else:
            raise_polars = False
        if raise_polars:
            raise
        return "pyarrow"
    return "polars"


def _decode_polars(path: str, fmt: Format, rows: int | None) -> None:
    """Decode with Polars, as the engines will (see :func:`decode_native`)."""
    match fmt:
        case Format.PARQUET:
            frame = pl.scan_parquet(path)
        case Format.ARROW:
            frame = pl.scan_ipc(path)
        case _:
            frame = pl.read_ipc_stream(path, n_rows=rows).lazy()
    if rows is not None:
        frame = frame.head(rows)
    for _ in frame.collect_batches():
        pass
    if rows is None and fmt is Format.PARQUET and _fits_in_memory(path):
        # The in-memory engine decodes in parallel, along other paths than batches do.
        frame.collect()


def _fits_in_memory(path: str) -> bool:
    """Whether the in-memory engine may read this Parquet file whole (as the engine would)."""
    import pyarrow.parquet as pq

    if Path(path).stat().st_size > AUTO_MEMORY_MAX_BYTES:
        return False
    try:
        metadata = pq.read_metadata(path)
        decoded = sum(
            int(metadata.row_group(i).total_byte_size) for i in range(metadata.num_row_groups)
        )
    except Exception:  # a footer pyarrow cannot describe (128-bit integers): guess
        decoded = Path(path).stat().st_size * 10
    return decoded * 3 < available_memory()


_DTYPES: dict[Kind, pl.DataType] = {
    Kind.STR: pl.String(),
    Kind.INT: pl.Int64(),
    Kind.FLOAT: pl.Float64(),
    Kind.BOOL: pl.Boolean(),
    Kind.DATE: pl.Date(),
    Kind.DATETIME: pl.Datetime("us"),
}


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
