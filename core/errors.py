"""Errors raised by Loupe's core.

Every error a user can cause with a file is a :class:`LoupeError`; its ``str()``
is a single line that names the file and, where known, the line or sheet, so the
CLI and the desktop app can show it as it is::

    LoupeError
    ├── SourceError                 a file that cannot be read as a table
    │   ├── FileAccessError         missing, a directory, no permission
    │   ├── EmptyFileError          zero bytes, or nothing but blank lines
    │   ├── UnsupportedFormatError  binary junk, or a format Loupe does not read
    │   ├── FormatMismatchError     the content is not what the extension says
    │   ├── EncryptedFileError      a password-protected workbook
    │   ├── CorruptFileError        a truncated or damaged Parquet/Arrow/zip/Excel file
    │   ├── EncodingError           text that cannot be decoded
    │   ├── ParseError              malformed CSV or JSON; carries the line number
    │   │   ├── RaggedRowsError     a CSV row with more or fewer fields than the header
    │   │   └── UnclosedQuoteError  a CSV quote that is never closed
    │   └── SheetError              a sheet that does not exist, or a workbook with none
    ├── OptionError                 a bad option or setting: unknown column or type, no token
    ├── OutputError                 the destination cannot be written
    ├── ProfileError                an unreadable profile file, or profiles that cannot merge
    │   └── StateError              a saved mergeable state of another version, or damaged
    └── Cancelled                   the user cancelled the work

    TypesChanged                    not an error: a batch contradicted the planned column
                                    types, and the engine reads again with the corrected plan
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "Cancelled",
    "CorruptFileError",
    "EmptyFileError",
    "EncodingError",
    "EncryptedFileError",
    "FileAccessError",
    "FormatMismatchError",
    "LoupeError",
    "OptionError",
    "OutputError",
    "ParseError",
    "ProfileError",
    "RaggedRowsError",
    "SheetError",
    "SourceError",
    "StateError",
    "TypesChanged",
    "UnclosedQuoteError",
    "UnsupportedFormatError",
    "first_line",
]


class LoupeError(Exception):
    """Base of every error Loupe reports to a user."""


class SourceError(LoupeError):
    """A file that cannot be read as a table.

    Args:
        path: the file.
        reason: what is wrong, in a few words, without the file name.
        line: 1-based line number in the file, where known.
        sheet: sheet name for workbooks, where known.
    """

    def __init__(
        self,
        path: str | Path,
        reason: str,
        *,
        line: int | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.reason = _one_line(reason)
        self.line = line
        self.sheet = sheet
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.sheet is not None:
            where += f" [sheet {self.sheet!r}]"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.reason}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments do not survive the default pickling, and errors
        # cross process boundaries in the engines.
        return (_rebuild, (type(self), self.path, self.reason, self.line, self.sheet))


def _rebuild(
    cls: type[SourceError], path: Path, reason: str, line: int | None, sheet: str | None
) -> SourceError:
    """Recreate a pickled SourceError."""
    return cls(path, reason, line=line, sheet=sheet)


class FileAccessError(SourceError):
    """The file does not exist, is a directory, or cannot be opened."""


class EmptyFileError(SourceError):
    """The file holds no data at all (not even a header)."""


class UnsupportedFormatError(SourceError):
    """The content is binary junk or a format Loupe does not read."""


class FormatMismatchError(SourceError):
    """The extension promises one format and the content is another."""


class EncryptedFileError(SourceError):
    """A password-protected workbook."""


class CorruptFileError(SourceError):
    """A truncated or damaged binary file."""


class EncodingError(SourceError):
    """Text that cannot be decoded in any encoding Loupe recognises."""


class ParseError(SourceError):
    """Malformed CSV or JSON."""


class RaggedRowsError(ParseError):
    """A delimited row whose field count differs from the header's."""


class UnclosedQuoteError(ParseError):
    """A CSV quote that is never closed; reading leniently keeps it as text."""


class SheetError(SourceError):
    """A sheet that does not exist, or a workbook without sheets."""


class OptionError(LoupeError):
    """An option or setting that cannot be used: an unknown column or type name, no token."""


class OutputError(LoupeError):
    """The destination file cannot be written."""


class ProfileError(LoupeError):
    """A profile file that cannot be read, or profiles that cannot be merged."""


class StateError(ProfileError):
    """A serialized partial profile that cannot be used (other version, damaged)."""


class Cancelled(LoupeError):
    """The user cancelled the work."""


class TypesChanged(Exception):
    """A batch showed that some columns' inferred types were wrong; they were corrected.

    A signal between the table and the engine, not a :class:`LoupeError`: should it
    ever escape, it is reported as the internal error it then is.

    Attributes:
        columns: the columns whose types changed.
    """

    def __init__(self, columns: list[str]) -> None:
        super().__init__(f"types changed for {', '.join(columns)}")
        self.columns = columns


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _one_line(text: str) -> str:
    """Collapse a message to one line, trimmed to a readable length."""
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:297] + "..."
