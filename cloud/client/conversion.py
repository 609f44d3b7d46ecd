"""What the client uploads: a Parquet copy of text files and workbooks, typed once here."""

from __future__ import annotations

from pathlib import Path

from core.read.convert import convert
from core.read.formats import detect
from core.read.table import open_table

__all__ = ["parquet_copy"]

# Text formats and workbooks shrink several-fold as Parquet, and typing them once
# on the client spares the server a second inference.
_CONVERTED = {"delimited", "excel", "ods", "json", "ndjson"}


def parquet_copy(path: Path, folder: Path) -> Path:
    """What to upload for ``path``: a Parquet copy in ``folder`` when that is smaller.

    Files already columnar, or that Parquet would not shrink, are sent as they
    are (once they open as a table). The copy is deterministic, so an interrupted
    upload of it resumes.

    Raises:
        core.errors.LoupeError: the file cannot be read (named, one line).
    """
    if detect(path).format.value not in _CONVERTED:
        # Sent as it is: opened here first, so a damaged file is refused (in one line)
        # before anything leaves the machine.
        with open_table(path) as table:
            table.lazy().collect_schema()
        return path
    copy = folder / (path.stem + ".parquet")
    with open_table(path) as table:
        convert(table, copy)
    return copy if copy.stat().st_size < path.stat().st_size else path
