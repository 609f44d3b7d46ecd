"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods): one sheet, read through :mod:`core.read.excel`."""

from __future__ import annotations

import polars as pl

from core.read.excel import Workbook
from core.read.options import ReadOptions
from core.read.readers.base import INFER_SAMPLE_ROWS, Reader
from core.read.source import Source

__all__ = ["WorkbookReader"]


class WorkbookReader(Reader):
    """Reads one sheet of a workbook (the ``sheet`` option, else the first).

    ``skip_rows`` skips sheet rows above the header (a title); ``has_header=False``
    reads the first row as data.

    Raises:
        EncryptedFileError: the workbook is password-protected.
        CorruptFileError: the workbook cannot be opened.
        SheetError: no such sheet, or no sheets at all.
    """

    retype_text = True

    def __init__(self, source: Source, options: ReadOptions) -> None:
        super().__init__(source, options)
        self._workbook = Workbook(self.path)
        self._sheet = self._workbook.resolve(options.sheet)

    @property
    def sheet(self) -> str:
        """The sheet read."""
        return self._sheet

    @property
    def sheets(self) -> list[str]:
        """Every sheet of the workbook."""
        return self._workbook.sheet_names

    def head(self) -> pl.DataFrame:
        """The sheet's first :data:`INFER_SAMPLE_ROWS` rows."""
        return self._read(INFER_SAMPLE_ROWS)

    def scan(self) -> pl.LazyFrame:
        """The whole sheet (read in memory: workbooks cannot be scanned)."""
        return self._read(None).lazy()

    def _read(self, rows: int | None) -> pl.DataFrame:
        """The sheet's rows (the first ``rows``), after the rows to skip."""
        header = self.options.has_header is not False
        return self._workbook.read(
            self._sheet, rows=rows, skip=self.options.skip_rows, header=header
        )
