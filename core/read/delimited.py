"""Delimited text: dialect sniffing, ragged-row checks, and lazy scanning.

The dialect (delimiter, quote character, header, decimal comma) is sniffed
from the head of the file with the standard library's CSV parser; reading is
Polars' CSV reader with every column as text, so that :mod:`core.read.infer` can
decide the types from the whole column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from core.errors import ParseError, RaggedRowsError, UnclosedQuoteError

__all__ = [
    "Dialect",
    "RowProblem",
    "check_rows",
    "find_ragged_line",
    "last_record_end",
    "quotes_unpaired",
    "read_blocks",
    "read_text",
    "scan",
    "skip_lines",
    "sniff_dialect",
    "spread_sample",
    "unique_names",
]

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_RECORDS = 500
_SNIFF_CHARS = 256 * 1024
_TYPED = re.compile(
    r"^\s*(?:[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*"
    r"|true|false|TRUE|FALSE|True|False)\s*$"
)
_COMMA_DECIMAL = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+\s*$")
_DOT_DECIMAL = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+\s*$")
# 1.234 is a decimal in one locale and a thousand in another: it does not vote.
_AMBIGUOUS = re.compile(r"^\s*[+-]?\d{1,3}[.,]\d{3}\s*$")


@dataclass(frozen=True)
class Dialect:
    """How a delimited file is written.

    Attributes:
        delimiter: the field separator.
        quote: the quote character, or None when fields are never quoted.
        has_header: whether the first record names the columns.
        decimal_comma: whether numbers use a decimal comma (``3,14``).
    """

    delimiter: str = ","
    quote: str | None = '"'
    has_header: bool = True
    decimal_comma: bool = False

    def describe(self) -> str:
        """A one-line description for ``loupe preview``."""
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        parts = [f"delimiter {names.get(self.delimiter, repr(self.delimiter))}"]
        parts.append(f"quote {self.quote!r}" if self.quote else "no quoting")
        parts.append("header" if self.has_header else "no header")
        if self.decimal_comma:
            parts.append("decimal comma")
        return ", ".join(parts)


def _complete_lines(text: str, *, at_eof: bool) -> str:
    """Drop a final line cut by the sample's end."""
    if at_eof:
        return text
    cut = text.rfind("\n")
    return text[: cut + 1] if cut >= 0 else text


def _records(text: str, delimiter: str, quote: str | None, limit: int) -> list[list[str]]:
    """Up to ``limit`` non-blank records of ``text`` parsed with the given dialect."""
    reader = _reader(io.StringIO(text), delimiter, quote)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_dialect(
    text: str,
    *,
    at_eof: bool,
    extension: str = "",
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> Dialect:
    """Guess the dialect of delimited text from its head.

    Args:
        text: the head of the file, decoded.
        at_eof: whether ``text`` is the whole file.
        extension: the file's extension, a hint (``.tsv`` favours tabs).
        delimiter: force the delimiter.
        has_header: force the header choice.

    Returns:
        The dialect. A file with one column gets ``,`` as delimiter.
    """
    # The first lines tell the dialect; scanning megabytes of regexes would not tell more.
    if len(text) > _SNIFF_CHARS:
        text, at_eof = text[:_SNIFF_CHARS], False
    text = _complete_lines(text, at_eof=at_eof)
    quote = _sniff_quote(text)
    if delimiter is None:
        delimiter = _sniff_delimiter(text, quote, extension)
    rows = _records(text, delimiter, quote, _SNIFF_RECORDS)
    if has_header is None:
        has_header = _sniff_header(rows)
    body = rows[1:] if has_header else rows
    decimal_comma = delimiter != "," and _sniff_decimal_comma(body)
    return Dialect(delimiter, quote, has_header, decimal_comma)


def _sniff_quote(text: str) -> str | None:
    """Double quotes unless single quotes clearly wrap the fields."""
    double = len(re.findall(r'(?:^|[,;\t|])"', text, re.MULTILINE))
    single = len(re.findall(r"(?:^|[,;\t|])'[^'\n]*'(?=[,;\t|]|$)", text, re.MULTILINE))
    return "'" if single > 2 * max(double, 1) else '"'


def _sniff_delimiter(text: str, quote: str | None, extension: str) -> str:
    """The candidate that splits records into the most consistent number of fields > 1."""
    best, best_score = ",", (0.0, 0)
    preferred = "\t" if extension in (".tsv", ".tab") else "|" if extension == ".psv" else None
    for delim in _DELIMITERS:
        rows = _records(text, delim, quote, 200)
        if not rows:
            continue
        widths = Counter(len(r) for r in rows)
        width, freq = widths.most_common(1)[0]
        if width < 2:
            continue
        consistency = freq / len(rows)
        score = (consistency + (0.5 if delim == preferred else 0.0), width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _sniff_header(rows: Sequence[Sequence[str]]) -> bool:
    """A header when some column is typed in the body but not in the first row."""
    if len(rows) < 2:
        return True
    first, body = rows[0], rows[1:]
    if any(not cell.strip() for cell in first) and not any(_TYPED.match(c) for c in first):
        return True
    votes = 0
    for col, head_cell in enumerate(first):
        cells = [r[col] for r in body if col < len(r) and r[col].strip()]
        if not cells:
            continue
        typed = sum(1 for c in cells if _TYPED.match(c)) / len(cells)
        if typed >= 0.9:
            votes += -1 if _TYPED.match(head_cell) else 1
    if votes < 0:
        return False
    # Repeated values in the first row, and no typed column to vote: data, not names.
    return not (votes == 0 and len(set(first)) < len(first))


def _sniff_decimal_comma(body: Sequence[Sequence[str]]) -> bool:
    """Decimal commas outnumber decimal points in the sampled cells."""
    commas = dots = 0
    for row in body:
        for cell in row:
            if _AMBIGUOUS.match(cell):
                continue
            if _COMMA_DECIMAL.match(cell):
                commas += 1
            elif _DOT_DECIMAL.match(cell):
                dots += 1
    return commas > 0 and commas > dots


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made non-empty and unique (``a``, ``a_2``, ``column_3``)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = raw.strip() or f"column_{i + 1}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        out.append(name)
    return out


def _header_names(text: str, dialect: Dialect) -> list[str]:
    """Column names from the first record, or ``column_N`` without a header."""
    rows = _records(text, dialect.delimiter, dialect.quote, 1)
    if not rows:
        return []
    if dialect.has_header:
        return unique_names(rows[0])
    return [f"column_{i + 1}" for i in range(len(rows[0]))]


def _csv_options(
    dialect: Dialect, names: Sequence[str], *, lenient: bool, skip: int = 0
) -> dict[str, object]:
    """Keyword arguments shared by Polars' CSV readers."""
    return {
        "skip_lines": skip,
        "has_header": dialect.has_header,
        "separator": dialect.delimiter,
        "quote_char": dialect.quote,
        "infer_schema": False,
        "new_columns": list(names),
        "truncate_ragged_lines": lenient,
        "raise_if_empty": False,
    }


def _reader(lines: Iterable[str], delimiter: str, quote: str | None) -> Any:
    """The standard library's CSV reader for a dialect (lenient about stray quotes)."""
    return csv.reader(
        lines,
        delimiter=delimiter,
        quotechar=quote or '"',
        quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
        strict=False,
    )


@dataclass(frozen=True)
class RowProblem:
    """The first record that does not fit the header.

    Attributes:
        line: the file line the record starts on.
        fields: its number of fields.
        expected: the header's.
        unclosed_quote: the record runs over several lines because a quote opened
            on its first line is never closed where it should be.
    """

    line: int
    fields: int
    expected: int
    unclosed_quote: bool = False

    def error(self, path: Path) -> ParseError:
        """The error to report for this record."""
        if self.unclosed_quote:
            return unclosed_quote_error(path, self.line)
        return ragged_error(path, self.line, self.fields, self.expected)


def _first_problem(
    lines: Iterable[str], dialect: Dialect, *, at_eof: bool, first_line: int
) -> RowProblem | None:
    """The first record whose width differs from the first record's.

    A record that runs over several lines and does not fit is a quote opened and
    never closed: the lines after it ran into one field. At the end of a head
    sample (not ``at_eof``) such a record may be a long quoted field cut by the
    sample, and is no problem.
    """
    reader = _reader(lines, dialect.delimiter, dialect.quote)
    expected: int | None = None
    start = 1
    pending: RowProblem | None = None
    for row in reader:
        if pending is not None:
            return pending
        if row:
            if expected is None:
                expected = len(row)
            elif len(row) != expected:
                spans = reader.line_num > start and dialect.quote is not None
                problem = RowProblem(start + first_line - 1, len(row), expected, spans)
                if not spans or at_eof:
                    return problem
                pending = problem
        start = reader.line_num + 1
    return None


def _first_unquoted_problem(text: str, delimiter: str, *, first_line: int) -> RowProblem | None:
    """:func:`_first_problem` for text without quote marks, NUL or lone carriage returns.

    Each line is then a record.

    Counting delimiters per line gives the CSV reader's answer without building rows.
    """
    expected: int | None = None
    lines = text.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, start=first_line):
        if not line:
            continue
        fields = line.count(delimiter) + 1
        if expected is None:
            expected = fields
        elif fields != expected:
            return RowProblem(number, fields, expected)
    return None


def check_rows(
    path: Path, text: str, dialect: Dialect, *, at_eof: bool, first_line: int = 1
) -> RowProblem | None:
    """First record in the head ``text`` whose field count differs from the header's.

    Args:
        path: the file, for the error.
        text: the head of the file, decoded.
        dialect: how it is written.
        at_eof: whether ``text`` is the whole file.
        first_line: the file line ``text`` starts on (after skipped lines).

    Raises:
        ParseError: the text is not parseable CSV at all.
    """
    complete = _complete_lines(text, at_eof=at_eof)
    if (
        (dialect.quote is None or dialect.quote not in complete)
        and "\x00" not in complete
        # A carriage return outside a line break is a CSV error: the reader reports it.
        and complete.count("\r") == complete.count("\r\n")
    ):
        return _first_unquoted_problem(complete, dialect.delimiter, first_line=first_line)
    try:
        return _first_problem(
            io.StringIO(complete),
            dialect,
            at_eof=at_eof,
            first_line=first_line,
        )
    except csv.Error as exc:
        raise ParseError(path, str(exc)) from None


def quotes_unpaired(path: Path, quote: str, *, chunk_bytes: int = 16 << 20) -> bool:
    """Whether a plain UTF-8 file holds an odd number of ``quote`` characters.

    Quoted fields and doubled quotes inside them come in pairs: an odd count
    proves a quote that is never closed (the converse does not hold).
    """
    mark = quote.encode()
    count = 0
    with path.open("rb") as fh:
        while block := fh.read(chunk_bytes):
            count += block.count(mark)
    return count % 2 == 1


def without_quoting(dialect: Dialect) -> Dialect:
    """``dialect`` reading quote marks as text."""
    return replace(dialect, quote=None)


def skip_lines(data: bytes, lines: int) -> bytes:
    """``data`` after its first ``lines`` lines."""
    start = 0
    for _ in range(lines):
        cut = data.find(b"\n", start)
        if cut < 0:
            return b""
        start = cut + 1
    return data[start:]


def find_ragged_line(
    path: Path, display: Path, dialect: Dialect, *, skip: int = 0
) -> ParseError | None:
    """Scan a whole plain UTF-8 file for its first malformed or ragged record.

    The slow path of errors: Polars says a file is malformed without saying
    where; this finds the line and says what is wrong in the user's terms.
    ``skip`` lines before the header are not read.
    """
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        for _ in range(skip):
            fh.readline()
        reader = csv.reader(
            fh,
            delimiter=dialect.delimiter,
            quotechar=dialect.quote or '"',
            quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE,
            strict=True,
        )
        expected: int | None = None
        start = 1
        try:
            for row in reader:
                if row:
                    if expected is None:
                        expected = len(row)
                    elif len(row) != expected:
                        if reader.line_num > start and dialect.quote:
                            return unclosed_quote_error(display, start + skip)
                        return ragged_error(display, reader.line_num + skip, len(row), expected)
                start = reader.line_num + 1
        except csv.Error as exc:
            reason = str(exc)
            if "expected after" in reason or "end of data" in reason or "EOF" in reason:
                # A quote opened on ``start`` runs to the end of the file, or closes
                # and is followed by more text: either way it was never closed where
                # it should have been.
                return unclosed_quote_error(display, start + skip)
            return ParseError(display, reason, line=start + skip)
    return None


def unclosed_quote_error(path: Path, line: int) -> UnclosedQuoteError:
    """The error for a quote that is never closed, with the hint to read leniently."""
    return UnclosedQuoteError(
        path,
        "a quote opened on this line is never closed, so the lines after it run into one "
        "field (read it leniently to keep such quotes as text: --lenient on the command "
        "line, Read anyway in the app)",
        line=line,
    )


def ragged_error(path: Path, line: int, fields: int, expected: int) -> RaggedRowsError:
    """The error for a ragged record, with the hint to read leniently (or skip a title)."""
    if expected == 1 and fields > 1:
        # One field, then wider rows: a title line above the table.
        hint = (
            "a title above the table? skip its lines: --skip-rows on the command line, "
            "Reading options in the app"
        )
    else:
        hint = (
            "read it leniently to pad or cut such rows: --lenient on the command line, "
            "Read anyway in the app"
        )
    return RaggedRowsError(
        path, f"this row has {fields} fields where the header has {expected} ({hint})", line=line
    )


def read_text(
    data: bytes, dialect: Dialect, *, at_eof: bool, rows: int | None, lenient: bool
) -> pl.DataFrame:
    """Parse the head of a file (UTF-8 bytes) into a text-typed DataFrame."""
    text = data.decode("utf-8", "replace")
    names = _header_names(text, dialect)
    if not names:
        return pl.DataFrame()
    if not at_eof:
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else data
    return pl.read_csv(
        io.BytesIO(data),
        n_rows=rows,
        **_csv_options(dialect, names, lenient=lenient),  # type: ignore[arg-type]
    )


def scan(
    path: Path, head: bytes, dialect: Dialect, *, lenient: bool, skip: int = 0
) -> pl.LazyFrame:
    """A lazy, text-typed scan of a plain UTF-8 delimited file.

    ``head`` starts after the ``skip`` lines that the scan skips.
    """
    names = _header_names(head.decode("utf-8", "replace"), dialect)
    options = _csv_options(dialect, names, lenient=lenient, skip=skip)
    return pl.scan_csv(path, **options)  # type: ignore[arg-type]


def read_blocks(
    path: Path,
    head: bytes,
    dialect: Dialect,
    *,
    lenient: bool,
    skip: int = 0,
    block_bytes: int = 16 << 20,
) -> Iterator[pl.DataFrame]:
    """The records of a plain UTF-8 delimited file as text frames, a block of bytes at a time.

    The same rows as :func:`scan`, but Polars' batched scan reads a few hundred
    megabytes ahead of its reader; this holds one block and its rows, so memory
    follows ``block_bytes``. Each block ends at a record boundary (see
    :func:`last_record_end`); a record longer than a block grows the block.

    Args:
        path: the file.
        head: its head, starting after the ``skip`` lines (as :func:`scan` takes it).
        dialect: how it is written.
        lenient: pad short rows and cut long ones instead of failing.
        skip: lines before the header (or the first record) to leave out.
        block_bytes: bytes read at a time.
    """
    names = _header_names(head.decode("utf-8", "replace"), dialect)
    if not names:
        return
    options = {**_csv_options(dialect, names, lenient=lenient), "has_header": False}
    quote = dialect.quote.encode() if dialect.quote else None
    with path.open("rb") as fh:
        buffer = _after_header(fh, skip, has_header=dialect.has_header, quote=quote)
        at_end = False
        while True:
            while not at_end and len(buffer) < block_bytes:
                more = fh.read(block_bytes)
                at_end = not more
                buffer += more
            if at_end and len(buffer) <= block_bytes:
                if buffer.strip():
                    yield pl.read_csv(io.BytesIO(buffer), **options)  # type: ignore[arg-type]
                return
            # The last whole record in the first block's worth, else in all that was read.
            end = last_record_end(buffer, quote, stop=block_bytes) or last_record_end(buffer, quote)
            if end == 0:  # one record longer than all read so far: read on
                more = fh.read(block_bytes)
                at_end = not more
                buffer += more
                if at_end:
                    yield pl.read_csv(io.BytesIO(buffer), **options)  # type: ignore[arg-type]
                    return
                continue
            yield pl.read_csv(io.BytesIO(buffer[:end]), **options)  # type: ignore[arg-type]
            buffer = buffer[end:]


def _after_header(fh: BinaryIO, skip: int, *, has_header: bool, quote: bytes | None) -> bytes:
    """Move ``fh`` past ``skip`` lines and the header record; the bytes read past them."""
    data = b""
    start = 0

    def line_end() -> int:
        """The next line break from ``start``, reading on as needed (-1 at the end)."""
        nonlocal data
        while (cut := data.find(b"\n", start)) < 0:
            more = fh.read(1 << 20)
            if not more:
                return -1
            data += more
        return cut

    for _ in range(skip):
        if (cut := line_end()) < 0:
            return b""
        start = cut + 1
    if has_header:
        header = start
        while True:
            if (cut := line_end()) < 0:
                return b""
            start = cut + 1
            # A line break inside quotes does not end the header's record.
            if quote is None or not data.count(quote, header, cut) % 2:
                break
    return data[start:]


def last_record_end(block: bytes, quote: bytes | None, *, stop: int | None = None) -> int:
    """The offset just after the last line break outside quotes in ``block`` (0 if none).

    ``block`` starts at a record boundary. A line break is inside quotes when an
    odd number of quote characters comes before it, as Polars splits records.
    ``stop`` looks only at the line breaks before that offset.
    """
    end = block.rfind(b"\n", 0, len(block) if stop is None else stop)
    if quote is None or end < 0:
        return end + 1
    odd = block.count(quote, 0, end) % 2
    while odd:  # inside quotes: step back a line at a time, keeping count
        previous = block.rfind(b"\n", 0, end)
        if previous < 0:
            return 0
        odd ^= block.count(quote, previous, end) % 2
        end = previous
    return end + 1


def spread_sample(
    path: Path,
    dialect: Dialect,
    names: Sequence[str],
    *,
    chunks: int = 48,
    chunk_bytes: int = 1 << 20,
) -> pl.DataFrame:
    """Rows from byte ranges spread through a large file, for type inference.

    Each range starts after a newline; ranges that do not parse cleanly (a cut
    inside a quoted field) are skipped.
    """
    size = path.stat().st_size
    frames: list[pl.DataFrame] = []
    with path.open("rb") as fh:
        for i in range(1, chunks + 1):
            fh.seek(size * i // (chunks + 1))
            block = fh.read(chunk_bytes)
            start, end = block.find(b"\n") + 1, block.rfind(b"\n") + 1
            if start <= 0 or end <= start:
                continue
            try:
                frame = pl.read_csv(
                    io.BytesIO(block[start:end]),
                    has_header=False,
                    new_columns=list(names),
                    separator=dialect.delimiter,
                    quote_char=dialect.quote,
                    schema=dict.fromkeys(names, pl.String),
                    truncate_ragged_lines=False,
                )
            except pl.exceptions.PolarsError:
                continue
            frames.append(frame)
    return pl.concat(frames) if frames else pl.DataFrame(schema=dict.fromkeys(names, pl.String))
