"""JSON and NDJSON: arrays of records and one record per line.

Polars needs one type per field; real exports mix numbers, text and objects in
a field. When Polars refuses a file, :func:`read_records` reads it with the
standard library: a parse error with its line, or a table whose mixed fields
are text (objects as JSON) instead of failing the whole file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from core.errors import EmptyFileError, ParseError
from core.read.readers.base import FULL_SCAN_BYTES, INFER_SAMPLE_ROWS, Reader
from core.read.readers.lines import LineReader

__all__ = ["JsonReader", "NdjsonReader", "read_records"]


class JsonReader(Reader):
    """Reads a JSON array of records (whole, in memory)."""

    text = True
    retype_text = True
    own_nulls = True

    def scan(self) -> pl.LazyFrame:
        """The records as a table; fields typed as JSON types them."""
        plain = self.source.plain_path()
        try:
            return pl.read_json(plain, infer_schema_length=None).lazy()
        except pl.exceptions.PolarsError:
            return read_records(plain.read_bytes(), self.path, ndjson=False).lazy()


class NdjsonReader(LineReader):
    """Reads one JSON record per line."""

    own_nulls = True

    def head(self) -> pl.DataFrame:
        """The records of the head's complete lines (up to :data:`INFER_SAMPLE_ROWS`)."""
        head = self.head_bytes()
        if not self.at_eof:
            head = head[: head.rfind(b"\n") + 1]
        try:
            frame = pl.read_ndjson(io.BytesIO(head), infer_schema_length=None)
        except pl.exceptions.PolarsError:
            frame = read_records(head, self.path, ndjson=True)
        return frame.head(INFER_SAMPLE_ROWS)

    def scan(self) -> pl.LazyFrame:
        """Every line's record; fields typed from every line."""
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
            return read_records(plain.read_bytes(), self.path, ndjson=True).lazy()
        return frame


def read_records(data: bytes, path: Path, *, ndjson: bool) -> pl.DataFrame:
    """Read JSON that Polars refused: a parse error with its line, or a table of mixed columns.

    Args:
        data: the plain UTF-8 content.
        path: the file, for error messages.
        ndjson: one record per line, instead of an array of records.

    Raises:
        EmptyFileError: only blank lines.
        ParseError: invalid JSON, or not records.
    """
    text = data.decode("utf-8", "replace")
    if not text.strip():
        raise EmptyFileError(path, "the file holds only blank lines")
    records = _lines(text, path) if ndjson else _array(text, path)
    return _records_frame([r for r in records if isinstance(r, dict)])


def _lines(text: str, path: Path) -> list[object]:
    """The record of each non-blank line."""
    records: list[object] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ParseError(path, f"invalid JSON: {exc.msg}", line=number) from None
        if not isinstance(records[-1], dict):
            raise ParseError(path, "each line must be a JSON object", line=number)
    return records


def _array(text: str, path: Path) -> list[object]:
    """The records of a JSON array."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ParseError(path, "expected an array of records ([{...}, ...])")
    return value


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
