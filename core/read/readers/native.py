"""Binary formats decoded by native code (Parquet, Arrow): a safety check in a child process.

A crafted Parquet or Arrow file can make the native readers abort the whole
process instead of raising. :class:`NativeReader` decodes such a file (or its
first rows) in a child first (:func:`core.read.isolation.run_isolated`), where a
crash is one error naming the file. What has been decoded safely once is not
decoded again (per file version). The check also tells which library reads the
file (see :func:`decode_native`).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import polars as pl

from core.read.formats import Format
from core.read.isolation import run_isolated
from core.read.memory import AUTO_MEMORY_MAX_BYTES, available_memory
from core.read.readers.base import Reader

__all__ = ["NativeReader", "decode_native"]

_CHECK_WHOLE_BYTES = 64 * 1024 * 1024
_ALL = -1
# Files decoded safely in a child: (path, size, mtime, inode) -> (rows checked, reader).
_CHECKED: dict[tuple[str, int, int, int], tuple[int, str]] = {}


class NativeReader(Reader):
    """A reader of a format decoded by native code; see :class:`Reader`.

    Attributes:
        library: which library reads the file: ``polars``, or ``pyarrow`` for a
            valid Parquet file that Polars refuses.
    """

    # Formats that cannot be read in part: a check covers the whole file.
    reads_whole: ClassVar[bool] = False
    library = "polars"

    def check(self, rows: int | None) -> None:
        """Decode the file (or its first ``rows`` rows) in a child process, once per version.

        Raises:
            CorruptFileError: the file crashed the reader, or cannot be decoded.
        """
        if not self.options.isolate:
            self._trust()
            return
        stat = self.source.path.stat()
        key = (str(self.source.path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
        checked, self.library = _CHECKED.get(key, (0, "polars"))
        if checked == _ALL or (rows is not None and checked >= rows):
            return
        whole = self.reads_whole or self.library == "pyarrow"
        if rows is not None and (stat.st_size <= _CHECK_WHOLE_BYTES or whole):
            rows = None
        self._before_decoding()
        self.library = run_isolated(
            decode_native,
            str(self.source.plain_path()),
            self.source.format.value,
            rows,
            path=self.path,
        )
        if self.library == "pyarrow" and rows is not None:
            # pyarrow reads the whole file at once: check it whole before that.
            _CHECKED[key] = (rows, self.library)
            self.check(None)
            return
        _CHECKED[key] = (_ALL if rows is None else rows, self.library)

    def _trust(self) -> None:
        """Prepare to read a trusted file without a child; nothing to do here."""

    def _before_decoding(self) -> None:
        """Checks cheaper than decoding; none here."""


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
