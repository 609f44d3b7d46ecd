"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through fastexcel (calamine).

Cells are typed in a workbook, but spreadsheets store every number as a float
and every date as a datetime; :meth:`Workbook.read` gives whole-number float
columns back as integers and midnight-only datetime columns as dates, and types
each column from all its cells, not the first thousand.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import polars as pl

from core.errors import CorruptFileError, EncryptedFileError, SheetError

__all__ = ["Workbook"]


class Workbook:
    """A workbook opened read-only.

    Args:
        path: the workbook file.

    Raises:
        EncryptedFileError: the workbook is password-protected.
        CorruptFileError: the workbook cannot be opened.
        SheetError: it has no sheets.
    """

    def __init__(self, path: Path) -> None:
        import fastexcel  # workbooks only: keep start-up light

        self.path = path
        self._errors = fastexcel.FastExcelError
        try:
            self._reader = fastexcel.read_excel(path)
        except fastexcel.FastExcelError as exc:
            raise _translate(path, exc, None) from None
        self.sheet_names: list[str] = list(self._reader.sheet_names)
        if not self.sheet_names:
            raise SheetError(path, "the workbook has no sheets")

    def resolve(self, sheet: str | int | None) -> str:
        """The sheet to read: the given name or 0-based index, else the first visible sheet.

        Raises:
            SheetError: no such sheet.
        """
        available = ", ".join(repr(s) for s in self.sheet_names)
        if sheet is None:
            return self.sheet_names[0]
        if isinstance(sheet, int) or (
            isinstance(sheet, str) and sheet.isdigit() and sheet not in self.sheet_names
        ):
            index = int(sheet)
            if 0 <= index < len(self.sheet_names):
                return self.sheet_names[index]
            raise SheetError(self.path, f"no sheet number {index} (sheets: {available})")
        if sheet in self.sheet_names:
            return sheet
        folded = {s.casefold(): s for s in self.sheet_names}
        if sheet.casefold() in folded:
            return folded[sheet.casefold()]
        raise SheetError(self.path, f"no sheet named {sheet!r} (sheets: {available})")

    def read(
        self, sheet: str, *, rows: int | None = None, skip: int = 0, header: bool = True
    ) -> pl.DataFrame:
        """Read ``sheet`` (all rows, or the first ``rows``), typed from every cell.

        Args:
            sheet: the sheet's name.
            rows: read only this many rows.
            skip: sheet rows above the header (a title) to skip.
            header: whether the first row read names the columns.

        Raises:
            CorruptFileError: the sheet cannot be read.
        """
        try:
            frame = self._reader.load_sheet(
                sheet,
                header_row=skip if header else None,
                skip_rows=None if header else skip,
                n_rows=rows,
                schema_sample_rows=None,
                skip_whitespace_tail_rows=True,
            ).to_polars()
        except self._errors as exc:
            raise _translate(self.path, exc, sheet) from None
        if not header:
            # Named as delimited text without a header names its columns.
            frame.columns = [f"column_{i + 1}" for i in range(frame.width)]
        return _tidy(frame)


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Whole-number floats to integers and midnight datetimes to dates."""
    fixes: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = frame.get_column(name).drop_nulls()
        if column.is_empty():
            continue
        if dtype == pl.Float64:
            finite = column.is_finite().all()
            if finite and (column == column.floor()).all() and column.abs().max() < 2**53:  # type: ignore[operator]
                fixes.append(pl.col(name).cast(pl.Int64))
        elif isinstance(dtype, pl.Datetime) and (column.dt.time() == datetime.time(0)).all():
            fixes.append(pl.col(name).cast(pl.Date))
    return frame.with_columns(fixes) if fixes else frame


def _translate(
    path: Path, exc: Exception, sheet: str | None
) -> CorruptFileError | EncryptedFileError:
    """A fastexcel error as a one-line SourceError."""
    text = str(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return EncryptedFileError(
            path,
            "the workbook is password-protected; save an unprotected copy and open that",
            sheet=sheet,
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return CorruptFileError(path, f"cannot read the workbook ({first})", sheet=sheet)
