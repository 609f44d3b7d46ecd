"""Arrow IPC files, Arrow streams and legacy Feather (v1) files."""

from __future__ import annotations

import warnings

import polars as pl

from core.read.readers.base import Reader
from core.read.readers.native import NativeReader

__all__ = ["ArrowReader", "ArrowStreamReader", "FeatherV1Reader"]


class ArrowReader(NativeReader):
    """Reads an Arrow IPC file (Feather v2), lazily."""

    def scan(self) -> pl.LazyFrame:
        """The whole file, typed as stored."""
        frame = pl.scan_ipc(self.source.plain_path())
        frame.collect_schema()
        return frame


class ArrowStreamReader(NativeReader):
    """Reads an Arrow IPC stream (whole: a stream has no index to scan by)."""

    reads_whole = True

    def scan(self) -> pl.LazyFrame:
        """The whole stream, typed as stored."""
        return pl.read_ipc_stream(self.source.plain_path()).lazy()


class FeatherV1Reader(Reader):
    """Reads a legacy Feather (v1) file through pyarrow (whole)."""

    def scan(self) -> pl.LazyFrame:
        """The whole file, typed as stored."""
        with warnings.catch_warnings():
            # Legacy files are what this reader exists for.
            warnings.simplefilter("ignore", DeprecationWarning)
            import pyarrow.feather as feather  # legacy files only: keep start-up light

            table = feather.read_table(str(self.source.plain_path()))
        return pl.DataFrame(pl.from_arrow(table)).lazy()
