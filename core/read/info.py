"""What the user is shown about how a file was read: :class:`ReadInfo`, and :class:`Preview`.

A :class:`ReadInfo` is derived, never updated: :meth:`ReadInfo.of` builds it
from the source (format, compression, encoding), the reader (dialect, sheet,
warnings) and the current :class:`~core.read.plan.TypePlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from core.read.delimited import Dialect
from core.read.formats import Compression, Format
from core.read.infer import ColumnType
from core.read.plan import TypePlan
from core.read.readers import Reader
from core.read.source import Source

__all__ = ["Preview", "ReadInfo"]


@dataclass(frozen=True)
class ReadInfo:
    """How a file was read, for reports and the ``preview`` command.

    Attributes:
        path: the file.
        format: table format.
        compression: the compression around it.
        size_bytes: size on disk.
        encoding: text encoding, for text formats.
        dialect: the delimited-text dialect.
        sheet: the sheet read, for workbooks.
        sheets: every sheet of a workbook.
        inference: what the column types were inferred from.
        column_types: the type chosen for each text column.
        missing_tokens: the file's missing markers (see :func:`core.read.infer.file_markers`),
            or those given with ``na``.
        missing_source: where they come from: ``file`` (found in the typed
            columns), ``option`` (given) or ``none`` (tokens kept as values).
        warnings: things the user should know (lenient reading, lost values).
    """

    path: Path
    format: Format
    compression: Compression
    size_bytes: int
    encoding: str | None = None
    dialect: Dialect | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    inference: str = ""
    column_types: dict[str, ColumnType] = field(default_factory=dict)
    missing_tokens: list[str] = field(default_factory=list)
    missing_source: str = "file"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "path": str(self.path),
            "format": self.format.value,
            "compression": self.compression.value,
            "size_bytes": self.size_bytes,
            "encoding": self.encoding,
            "dialect": None
            if self.dialect is None
            else {
                "delimiter": self.dialect.delimiter,
                "quote": self.dialect.quote,
                "has_header": self.dialect.has_header,
                "decimal_comma": self.dialect.decimal_comma,
            },
            "sheet": self.sheet,
            "sheets": self.sheets,
            "inference": self.inference,
            "column_types": {
                name: {
                    "type": t.candidate.describe(),
                    "source": t.source,
                    "lost": t.lost,
                    "missing_tokens": list(t.missing),
                    "how": t.describe(),
                }
                for name, t in self.column_types.items()
            },
            "missing_tokens": self.missing_tokens,
            "missing_source": self.missing_source,
            "warnings": self.warnings,
        }

    @classmethod
    def of(cls, source: Source, reader: Reader, plan: TypePlan) -> ReadInfo:
        """How ``source`` was read by ``reader``, with the column types of ``plan``."""
        return cls(
            path=source.path,
            format=source.format,
            compression=source.compression,
            size_bytes=source.size,
            encoding=source.encoding,
            dialect=reader.dialect,
            sheet=reader.sheet,
            sheets=list(reader.sheets),
            inference=plan.basis,
            column_types=dict(plan.columns),
            missing_tokens=list(plan.markers.tokens),
            missing_source=plan.markers.source,
            warnings=[*reader.warnings, *plan.warnings],
        )


@dataclass(frozen=True)
class Preview:
    """The first rows of a table and how they were read.

    Attributes:
        frame: the rows, typed.
        info: how the file was read.
        truncated: whether the file has more rows than shown (False when unknown
            to be more, e.g. the whole file fit in the preview).
    """

    frame: pl.DataFrame
    info: ReadInfo
    truncated: bool
