"""Delimited text split by byte ranges: typed from ranged reads, each chunk parsing its own range.

Planning a plain UTF-8 CSV (or TSV, …) never holds or copies the whole file:

1. The head (the first 4 MiB, as the desktop reads it) is fetched and opened
   with Loupe's own reader: format, dialect, header and candidate types come
   from it. The encoding is told from the samples the desktop takes (head,
   eight chunks spread through the file, tail); other encodings, and
   compressed files, are typed whole instead (:mod:`cloud.workers.planning`).
2. The column types are fixed as the desktop fixes them. Up to 256 MB every
   value is checked: the file is read in blocks of at most 4 MiB of whole
   records, each parsed and its failures counted; the counts add up to those of
   one pass over the file. Larger files are typed from the head and 48 blocks of
   1 MiB spread through the file.
3. The file is cut into ranges of about ``chunk_rows`` rows, and every cut is a
   record boundary: a line break outside quotes. Polars splits records the same
   way: a line break is inside quotes when an odd number of quote characters
   comes before it. Up to 256 MB the blocks of step 2 are those ranges, so every
   cut is known to be outside quotes. Above, a cut is the first line break
   after its target offset, found with a small ranged read. That is a record
   boundary unless a quoted value holds a line break, so a file whose head shows
   one is typed whole instead, within that path's size limit. Each chunk also
   checks that it holds an even number of quote characters: a cut inside quotes
   fails the job in one line instead of miscounting.

Each chunk parses only its byte range, with the dialect, column names and types
the plan wrote (:class:`Reading`, ``reading.json``). A value that does not fit
its column's type can occur only above 256 MB, where types come from a sample:
it is read as missing, as on the desktop, and the chunk counts such values so
that the result says how many.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from cloud.shared.storage import ObjectStore
from cloud.workers.chunks import Chunk
from cloud.workers.limits import JobLimits
from core.errors import LoupeError, ParseError, first_line
from core.read.delimited import Dialect, last_record_end
from core.read.encoding import UTF8, detect_encoding, strip_bom
from core.read.formats import Compression, Format, detect
from core.read.infer import Candidate, ColumnType, Kind, cast_counting, choose, failure_counts
from core.read.info import ReadInfo
from core.read.options import ReadOptions
from core.read.plan import apply_types
from core.read.planner import Planner
from core.read.readers import reader_for
from core.read.readers.base import FULL_SCAN_BYTES
from core.read.readers.lines import HEAD_BYTES
from core.read.source import Source

__all__ = ["Reading", "plan_text_ranges", "read_text_range"]

# The largest block the plan parses at once while it checks every value.
SCAN_BLOCK = 4 * 1024 * 1024
# A record longer than this is refused rather than grown into memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024
# The first window searched for the line break after a cut of a large file.
_CUT_WINDOW = 64 * 1024
# As core.read.source and core.read.delimited sample a file on disk.
_ENCODING_CHUNK = 256 * 1024
_ENCODING_SPREAD = 8
_SPREAD_CHUNKS = 48
_SPREAD_BYTES = 1 << 20


@dataclass(frozen=True)
class Reading:
    """How the chunks read an upload, and what the result says of how it was read.

    Attributes:
        info: how the upload was read (:meth:`core.read.info.ReadInfo.to_dict`,
            without a path), for the result's ``source.read``.
        dialect: the delimited-text dialect (None when chunks are not byte ranges).
        names: the column names.
        columns: the type fixed for each column read from text.
    """

    info: dict[str, Any]
    dialect: Dialect | None = None
    names: tuple[str, ...] = ()
    columns: Mapping[str, ColumnType] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The reading as stored in ``reading.json``."""
        dialect = self.dialect
        return {
            "info": self.info,
            "dialect": None
            if dialect is None
            else {
                "delimiter": dialect.delimiter,
                "quote": dialect.quote,
                "has_header": dialect.has_header,
                "decimal_comma": dialect.decimal_comma,
            },
            "names": list(self.names),
            "columns": {name: _column_json(t) for name, t in self.columns.items()},
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Reading:
        """A reading as stored."""
        dialect = document.get("dialect")
        return cls(
            info=dict(document.get("info") or {}),
            dialect=None if dialect is None else Dialect(**dialect),
            names=tuple(document.get("names") or ()),
            columns={
                name: _column_from_json(name, item)
                for name, item in (document.get("columns") or {}).items()
            },
        )


def plan_text_ranges(
    store: ObjectStore,
    key: str,
    name: str,
    *,
    chunk_rows: int,
    limits: JobLimits,
    folder: Path,
) -> tuple[list[Chunk], Reading] | None:
    """Chunks of byte ranges of the delimited text at ``key``, and how to read them.

    Args:
        store: where the upload is.
        key: the upload's key.
        name: the file's name, for messages.
        chunk_rows: about how many rows each chunk gets.
        limits: the job's limits, checked before any chunk runs.
        folder: a scratch folder for the head of the file (at most 4 MiB).

    Returns:
        The chunks and the reading, or None when the file is not plain UTF-8
        delimited text that can be split so (see the module's documentation).

    Raises:
        SourceError: the head cannot be read as a table (a ragged row, say).
        RequestError: the file is over the job's limits.
    """
    size = store.size(key)
    head = store.get_range(key, 0, min(size, HEAD_BYTES + 1))
    # The head, under the upload's own name: detection reads the extension too.
    probe = folder / Path(key).name
    probe.write_bytes(head)
    try:
        return _plan(store, key, name, size, head, probe, chunk_rows, limits)
    finally:
        probe.unlink(missing_ok=True)


def _plan(
    store: ObjectStore,
    key: str,
    name: str,
    size: int,
    head: bytes,
    probe: Path,
    chunk_rows: int,
    limits: JobLimits,
) -> tuple[list[Chunk], Reading] | None:
    """:func:`plan_text_ranges` once the head is on disk as ``probe``."""
    at_eof = size <= HEAD_BYTES
    try:
        detected = detect(probe)
    except LoupeError:
        return None  # the converting path reads the whole file and names the problem
    if detected.format is not Format.DELIMITED or detected.compression is not Compression.NONE:
        return None
    encoding = detect_encoding(_encoding_samples(store, key, size, head))
    if strip_bom(encoding) != UTF8 or (not at_eof and b"\n" not in head[:HEAD_BYTES]):
        return None
    with Source(probe, encoding=encoding) as source:
        reader = reader_for(source, ReadOptions())
        dialect = reader.dialect
        assert dialect is not None  # a delimited reader has one
        sample = reader.head()
        names = tuple(sample.columns)
        quote = dialect.quote.encode() if dialect.quote else None
        # The head's whole records: all of it at the end of the file.
        end = len(head) if at_eof else head.rfind(b"\n") + 1
        per_row = _bytes_per_row(head, end, dialect.has_header)
        target = max(1, int(chunk_rows * per_row))
        planner = Planner(sample, ReadOptions(), path=Path(name), traits=reader.traits())
        proposal = planner.propose()
        if size <= FULL_SCAN_BYTES:
            checks = {**proposal.inferred, **proposal.forced}
            chunks, counts = _scan(store, key, size, target, dialect, names, checks, name)
            limits.check(name, rows=sum(c.rows for c in chunks), chunks=len(chunks))
            plan = planner.settle(
                proposal,
                choose(proposal.inferred, counts),
                counts,
                basis="every value",
                full_scan=True,
            )
        else:
            if quote is not None and _quoted_line_break(head, end, quote):
                return None
            count = max(1, math.ceil(size / target))
            limits.check(name, rows=int(size / per_row), chunks=count, about=True)
            chunks = _cut(store, key, size, count, per_row, head.find(b"\n") + 1)
            spread = _spread_sample(store, key, size, dialect, names)
            rows = pl.concat([sample, spread], how="vertical_relaxed")
            plan = planner.check(
                rows.lazy(),
                streaming=False,
                basis=f"a sample of {rows.height:,} rows spread through the file",
                full_scan=False,
            )
        info = ReadInfo.of(source, reader, plan).to_dict()
    info.update(path=None, size_bytes=size)
    return chunks, Reading(info, dialect, names, dict(plan.columns))


def read_text_range(
    store: ObjectStore, chunk: Chunk, reading: Reading, name: str
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows of a byte-range chunk, typed as the plan fixed, and the values each type lost.

    Raises:
        ParseError: the range does not parse, or a cut fell inside quotes.
    """
    dialect = reading.dialect
    if dialect is None:
        raise ParseError(Path(name), "the job's plan has no dialect for its byte ranges")
    data = store.get_range(chunk.source, chunk.start, chunk.end)
    if dialect.quote and data.count(dialect.quote.encode()) % 2:
        raise ParseError(
            Path(name),
            f"a quoted value spans lines near byte {chunk.start:,}, so the file cannot be "
            "split by byte ranges; send it as Parquet (loupe cloud does unless --no-convert)",
        )
    raw = _parse(data, dialect, reading.names, chunk.start == 0, name)
    del data
    typed_here = {
        c: t.candidate
        for c, t in reading.columns.items()
        if t.candidate.kind is not Kind.STR and raw.schema[c] == pl.String
    }
    cast, lost = cast_counting(raw, typed_here)
    frame = raw.with_columns(cast.get_columns()) if typed_here else raw
    rest = {c: t for c, t in reading.columns.items() if c not in typed_here}
    typed = apply_types(frame.lazy(), rest).collect() if rest else frame
    return typed, {c: n for c, n in lost.items() if n}


# -- planning ----------------------------------------------------------------------------


def _scan(
    store: ObjectStore,
    key: str,
    size: int,
    target: int,
    dialect: Dialect,
    names: tuple[str, ...],
    checks: Mapping[str, tuple[Candidate, ...]],
    name: str,
) -> tuple[list[Chunk], dict[str, dict[Candidate, int]]]:
    """Read the whole file in blocks of whole records: its chunks, and each candidate's failures."""
    quote = dialect.quote.encode() if dialect.quote else None
    counts = {c: dict.fromkeys(cands, 0) for c, cands in checks.items()}
    chunks: list[Chunk] = []
    start = position = rows = offset = 0
    while position < size:
        wanted = min(size, position + SCAN_BLOCK, max(start + target, position + 1))
        block = _records(store, key, position, wanted, size, quote, name)
        frame = _parse(block, dialect, names, position == 0, name)
        for column, found in failure_counts(frame.lazy(), checks, streaming=False).items():
            for candidate, lost in found.items():
                counts[column][candidate] += lost
        rows += frame.height
        position += len(block)
        if position - start >= target or position >= size:
            chunks.append(Chunk(len(chunks), offset, rows, key, start=start, end=position))
            offset, rows, start = offset + rows, 0, position
    return chunks, counts


def _records(
    store: ObjectStore,
    key: str,
    start: int,
    end: int,
    size: int,
    quote: bytes | None,
    name: str,
) -> bytes:
    """Bytes from ``start`` (a record boundary) to about ``end``, ending with a whole record."""
    while True:
        block = store.get_range(key, start, end)
        if end >= size:
            return block
        cut = last_record_end(block, quote)
        if cut > 0:
            return block[:cut]
        if end - start >= MAX_RECORD_BYTES:
            raise ParseError(
                Path(name), f"a record near byte {start:,} is over {MAX_RECORD_BYTES // 2**20} MiB"
            )
        end = min(size, start + 2 * (end - start))


def _quoted_line_break(head: bytes, end: int, quote: bytes) -> bool:
    """Whether a line break in the whole records ``head[:end]`` lies inside quotes."""
    odd = start = 0
    while (found := head.find(b"\n", start, end)) >= 0:
        odd ^= head.count(quote, start, found) % 2
        if odd:
            return True
        start = found + 1
    return False


def _bytes_per_row(head: bytes, end: int, has_header: bool) -> float:
    """Bytes per record in the whole records ``head[:end]``."""
    lines = head.count(b"\n", 0, end) + (0 if head[end - 1 : end] == b"\n" else 1)
    return end / max(1, lines - (1 if has_header else 0))


def _cut(
    store: ObjectStore, key: str, size: int, count: int, per_row: float, first_record: int
) -> list[Chunk]:
    """``count`` ranges of about equal size, each cut moved to the next line break."""
    bounds = [0]
    for i in range(1, count):
        cut = _next_line_start(store, key, max(size * i // count, first_record), size)
        if cut is not None and bounds[-1] < cut < size:
            bounds.append(cut)
    bounds.append(size)
    chunks: list[Chunk] = []
    offset = 0
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        rows = round((end - start) / per_row)
        chunks.append(Chunk(index, offset, rows, key, start=start, end=end))
        offset += rows
    return chunks


def _next_line_start(store: ObjectStore, key: str, position: int, size: int) -> int | None:
    """The offset just after the first line break at or after ``position - 1`` (None: none)."""
    start = max(0, position - 1)
    window = _CUT_WINDOW
    while start < size:
        found = store.get_range(key, start, min(size, start + window)).find(b"\n")
        if found >= 0:
            return start + found + 1
        if window >= MAX_RECORD_BYTES:
            return None
        start, window = start + window, window * 4
    return None


def _encoding_samples(store: ObjectStore, key: str, size: int, head: bytes) -> list[bytes]:
    """The head and chunks spread through the file, where the desktop samples them."""
    samples = [head[: 4 * _ENCODING_CHUNK]]
    if size > 8 * _ENCODING_CHUNK:
        for i in range(1, _ENCODING_SPREAD + 1):
            at = size * i // (_ENCODING_SPREAD + 1)
            samples.append(store.get_range(key, at, at + _ENCODING_CHUNK))
        samples.append(store.get_range(key, max(0, size - _ENCODING_CHUNK), size))
    return samples


def _spread_sample(
    store: ObjectStore, key: str, size: int, dialect: Dialect, names: tuple[str, ...]
) -> pl.DataFrame:
    """Rows from 1 MiB blocks spread through the file, where the desktop takes them."""
    frames: list[pl.DataFrame] = []
    for i in range(1, _SPREAD_CHUNKS + 1):
        at = size * i // (_SPREAD_CHUNKS + 1)
        block = store.get_range(key, at, min(size, at + _SPREAD_BYTES))
        start, end = block.find(b"\n") + 1, block.rfind(b"\n") + 1
        if start <= 0 or end <= start:
            continue
        try:
            frames.append(_parse(block[start:end], dialect, names, False, ""))
        except ParseError:
            continue  # a block starting inside a quoted value: skipped, as on the desktop
    empty = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    return pl.concat(frames) if frames else empty


# -- parsing -----------------------------------------------------------------------------


def _parse(
    data: bytes, dialect: Dialect, names: tuple[str, ...], first: bool, name: str
) -> pl.DataFrame:
    """Whole records as text columns, as the desktop's reader reads them.

    ``first`` says the bytes start the file (and so hold the header, if any).

    Raises:
        ParseError: Polars cannot read the records.
    """
    try:
        return pl.read_csv(
            io.BytesIO(data),
            has_header=first and dialect.has_header,
            separator=dialect.delimiter,
            quote_char=dialect.quote,
            infer_schema=False,
            new_columns=list(names),
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise ParseError(Path(name), first_line(exc)) from None


def _column_json(column: ColumnType) -> dict[str, Any]:
    """A column type as JSON."""
    cand = column.candidate
    return {
        "kind": cand.kind.value,
        "fmt": cand.fmt,
        "decimal_comma": cand.decimal_comma,
        "thousands": cand.thousands,
        "source": column.source,
        "lost": column.lost,
        "missing": list(column.missing),
    }


def _column_from_json(name: str, item: dict[str, Any]) -> ColumnType:
    """A column type from JSON."""
    candidate = Candidate(
        Kind(item["kind"]), item.get("fmt"), bool(item.get("decimal_comma")), item.get("thousands")
    )
    return ColumnType(
        name,
        candidate,
        source=str(item.get("source", "inferred")),
        lost=int(item.get("lost", 0)),
        missing=tuple(item.get("missing") or ()),
    )
