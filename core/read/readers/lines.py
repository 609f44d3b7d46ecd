"""Line-oriented text (delimited text, NDJSON): a head of whole lines, read once.

Such files are sniffed, sampled and sized from their first bytes: the head is
grown until it holds a complete first line, within a bound, so that a file with
no line break is an error instead of a read of gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from core.errors import ParseError
from core.read.formats import Compression
from core.read.readers.base import INFER_SAMPLE_ROWS, Reader

__all__ = ["HEAD_BYTES", "MAX_HEAD_BYTES", "LineReader"]

HEAD_BYTES = 4 * 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024 * 1024


class LineReader(Reader):
    """A reader of line-oriented text; see :class:`Reader`."""

    text = True
    retype_text = True
    _head: bytes | None = None
    _at_eof = False

    def head_bytes(self) -> bytes:
        """The plain head, grown until it holds a complete first line (bounded).

        Raises:
            ParseError: no line break within :data:`MAX_HEAD_BYTES`.
        """
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
            self._head, self._at_eof = head[:size], at_eof
        return self._head

    @property
    def at_eof(self) -> bool:
        """Whether the head is the whole file."""
        self.head_bytes()
        return self._at_eof

    def head_is_whole(self, sample: pl.DataFrame) -> bool:
        """Whether ``sample`` holds the whole table: the head reached the end, and fit."""
        return self.at_eof and sample.height < INFER_SAMPLE_ROWS

    def estimated_rows(self, sample: Callable[[], pl.DataFrame]) -> int | None:
        """Rows the table probably has, from the head's bytes per row (exact for a whole head)."""
        rows = sample()
        if self.head_is_whole(rows):
            return rows.height
        head = self.head_bytes()
        # The head's own lines give its bytes per row: the sample may hold fewer
        # rows than the head does (it stops at the inference sample's size).
        lines = head.count(b"\n")
        if not rows.height or not head or not lines:
            return None
        plain_size = self.source.size * (
            4 if self.source.compression is not Compression.NONE else 1
        )
        return int(plain_size * lines / len(head))
