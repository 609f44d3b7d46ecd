"""One reader per format, behind one small interface (:class:`Reader`).

:func:`reader_for` chooses the reader once, from the detected format:

    delimited   DelimitedReader     CSV, TSV and the like (dialect sniffed)
    jsonfile    JsonReader, NdjsonReader
    workbook    WorkbookReader      Excel and OpenDocument sheets
    parquet     ParquetReader       (pyarrow where Polars cannot)
    arrow       ArrowReader, ArrowStreamReader, FeatherV1Reader

``base`` holds the interface, ``lines`` what line-oriented text readers share,
``native`` the child-process safety check of the natively decoded formats.
"""

from __future__ import annotations

from core.errors import OptionError
from core.read.formats import Format
from core.read.options import ReadOptions
from core.read.readers.arrow import ArrowReader, ArrowStreamReader, FeatherV1Reader
from core.read.readers.base import INFER_SAMPLE_ROWS, Reader
from core.read.readers.delimited import DelimitedReader
from core.read.readers.jsonfile import JsonReader, NdjsonReader
from core.read.readers.parquet import ParquetReader
from core.read.readers.workbook import WorkbookReader
from core.read.source import Source

__all__ = ["INFER_SAMPLE_ROWS", "Reader", "reader_for"]

_READERS: dict[Format, type[Reader]] = {
    Format.DELIMITED: DelimitedReader,
    Format.JSON: JsonReader,
    Format.NDJSON: NdjsonReader,
    Format.EXCEL: WorkbookReader,
    Format.ODS: WorkbookReader,
    Format.PARQUET: ParquetReader,
    Format.ARROW: ArrowReader,
    Format.ARROW_STREAM: ArrowStreamReader,
    Format.FEATHER_V1: FeatherV1Reader,
}


def reader_for(source: Source, options: ReadOptions) -> Reader:
    """The reader of ``source``'s format.

    Raises:
        OptionError: ``sheet`` given for a file that is not a workbook.
        SourceError: the file cannot be opened as its format (see each reader).
    """
    reader = _READERS[source.format]
    if options.sheet is not None and reader is not WorkbookReader:
        raise OptionError(
            f"{source.path}: --sheet applies to workbooks, not {source.format.value} files"
        )
    return reader(source, options)
