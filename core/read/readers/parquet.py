"""Parquet: scanned lazily by Polars, or read whole by pyarrow where Polars cannot.

A valid file may hold a type Polars does not know (a decimal wider than 38
digits); :func:`core.read.readers.native.decode_native` finds that out, and
:class:`ParquetReader` then reads it with pyarrow, converting those columns.
"""

from __future__ import annotations

import polars as pl

from core.errors import CorruptFileError
from core.read.readers.base import INFER_SAMPLE_ROWS
from core.read.readers.native import NativeReader, decode_native

__all__ = ["ParquetReader"]


class ParquetReader(NativeReader):
    """Reads a Parquet file; see :class:`NativeReader`."""

    _decided = False  # whether the library was chosen (files not checked in a child)
    _by_pyarrow: pl.DataFrame | None = None

    def scan(self) -> pl.LazyFrame:
        """The whole file, typed as stored.

        Raises:
            CorruptFileError: the file is cut short.
        """
        self._check_footer()
        if self.library == "pyarrow":
            return self._read_by_pyarrow()
        frame = pl.scan_parquet(self.source.plain_path())
        frame.collect_schema()
        return frame

    def _trust(self) -> None:
        """Trusted files: no child, but a valid file that Polars refuses still reads."""
        if not self._decided:
            self.library = decode_native(
                str(self.source.plain_path()), self.source.format.value, INFER_SAMPLE_ROWS
            )
            self._decided = True

    def _before_decoding(self) -> None:
        """A cut file fails here, before a child is started for it."""
        self._check_footer()

    def _check_footer(self) -> None:
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

    def _read_by_pyarrow(self) -> pl.LazyFrame:
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
                self.warnings.append(
                    f"column {name!r}: {array.type} has no Polars type; read as {how}"
                )
                series = pl.Series(name, array.cast(target))
            columns.append(series)
        self._by_pyarrow = pl.DataFrame(columns)
        return self._by_pyarrow.lazy()
