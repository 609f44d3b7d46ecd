"""Files that make a reader crash the whole process instead of raising.

Tests use them to prove that :mod:`core.read.isolation` turns such a crash into a
one-line :class:`~core.errors.CorruptFileError`, and that the file still
crashes the reader in-process (so the isolation is still needed).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["aborting_parquet", "panicking_parquet"]

_ROWS = 32
_ROW_GROUP_ROWS = 16

# Thrift compact protocol type ids used by a v1 data page's PageHeader.
_I32 = 5
_STRUCT = 12
_DATA_PAGE_HEADER = 5  # PageHeader field 5: DataPageHeader


def aborting_parquet(path: Path) -> Path:
    """Write a 2-column, 2-row-group Parquet file that makes Polars abort.

    pyarrow writes two int64 columns ``a`` and ``b`` of 32 rows each in row
    groups of 16 rows, uncompressed, without dictionaries or statistics, with
    version 1 data pages. Then a single byte changes: the ``num_values`` field
    of the ``DataPageHeader`` of the first data page of column ``a`` in row
    group 0 (found by walking the page's Thrift compact header from the
    column chunk's ``data_page_offset``) goes from 16 (zigzag varint ``0x20``)
    to -1 (``0x01``). The file metadata stays valid.

    With Polars 2.1.0, ``pl.read_parquet(path)``, ``pl.scan_parquet(path).collect()``
    and ``.collect(engine="streaming")`` all abort the process with SIGABRT
    (returncode -6; stderr says ``memory allocation of 2305843009213693952 bytes
    failed``: the negative count becomes a huge capacity and Rust aborts on the
    failed allocation rather than panicking). Other negative values, the first
    page of row group 1, snappy/zstd compression and dictionary-encoded columns
    do the same (version 2 data pages do not: Polars reads them fine); a positive
    count that is too large (60) raises a caught ``PanicException`` instead.
    ``pyarrow.parquet.read_table(path)`` raises ``OSError: Invalid page header
    (negative number of values)``, so validating with pyarrow first would catch
    this file (at the cost of a second full read).

    Args:
        path: where to write the file (overwritten).

    Returns:
        ``path``.
    """
    return _with_num_values(path, -1)


def panicking_parquet(path: Path) -> Path:
    """Write the file of :func:`aborting_parquet` with ``num_values`` 60 instead of -1.

    The first data page of column ``a`` then claims 60 values where it holds 16.
    With Polars 2.1.0 all three reads raise ``PanicException`` (a Rust panic,
    ``assertion failed`` in polars-arrow's bitmap code, caught by PyO3) rather
    than aborting; ``PanicException`` derives from ``BaseException``, not
    ``Exception``, and cannot be pickled.

    Args:
        path: where to write the file (overwritten).

    Returns:
        ``path``.
    """
    return _with_num_values(path, 60)


def _with_num_values(path: Path, num_values: int) -> Path:
    """Write the two-column file and set its first page's ``num_values``."""
    if not -64 <= num_values < 64:
        raise ValueError("num_values must fit a one-byte zigzag varint")
    table = pa.table(
        {
            "a": pa.array(range(_ROWS), pa.int64()),
            "b": pa.array(range(_ROWS, 2 * _ROWS), pa.int64()),
        }
    )
    pq.write_table(
        table,
        path,
        row_group_size=_ROW_GROUP_ROWS,
        compression="none",
        use_dictionary=False,
        write_statistics=False,
        data_page_version="1.0",
    )
    page_offset = pq.ParquetFile(path).metadata.row_group(0).column(0).data_page_offset
    data = bytearray(path.read_bytes())
    at = _num_values_offset(data, page_offset)
    if data[at] != _ROW_GROUP_ROWS << 1:  # zigzag of 16, one byte
        raise AssertionError(f"unexpected num_values byte {data[at]:#x} at {at}")
    data[at] = (num_values << 1) ^ (num_values >> 63)  # zigzag
    path.write_bytes(bytes(data))
    return path


def _num_values_offset(data: bytes | bytearray, pos: int) -> int:
    """Offset of the ``num_values`` varint of the v1 data page header at ``pos``."""
    field = 0
    while True:
        header = data[pos]
        pos += 1
        delta, kind = header >> 4, header & 0x0F
        if header == 0 or delta == 0:
            raise AssertionError(f"unexpected page header byte {header:#x}")
        field += delta
        if kind == _STRUCT and field == _DATA_PAGE_HEADER:
            # DataPageHeader field 1 (num_values) is an i32, delta 1 from field 0.
            if data[pos] != (1 << 4 | _I32):
                raise AssertionError(f"unexpected DataPageHeader byte {data[pos]:#x}")
            return pos + 1
        if kind != _I32:
            raise AssertionError(f"unexpected field type {kind} in the page header")
        while data[pos] & 0x80:  # skip the varint
            pos += 1
        pos += 1
