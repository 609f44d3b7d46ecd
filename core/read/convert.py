"""Writing a table to Parquet, CSV, Arrow IPC or NDJSON, streaming; rows in memory also to Excel.

The output format follows the destination's extension. :func:`convert` streams
a table through Polars' sinks, so memory stays bounded whatever the input size;
:func:`write_frame` writes rows already in memory (a filtered, sorted view),
and can also write an Excel workbook. Either way the file appears under its
name only when complete (written beside it, then renamed; a symbolic link is
followed and stays a link), a special destination such as ``/dev/stdout`` or a
named pipe is written through once the content is complete (see
:mod:`core.output`), and the source file can never be the destination.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

from core.errors import OptionError, OutputError
from core.output import output_path
from core.read.plan import apply_types
from core.read.table import Table

__all__ = [
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "FRAME_FORMATS",
    "OUTPUT_FORMATS",
    "convert",
    "write_frame",
]

OUTPUT_FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".ipc": "arrow",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
# In-memory rows can also go to a workbook (no streaming writer exists for one).
FRAME_FORMATS = {**OUTPUT_FORMATS, ".xlsx": "xlsx"}
# A worksheet's limits, the header row included.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


def convert(table: Table, destination: str | os.PathLike[str]) -> Path:
    """Write ``table`` to ``destination`` in the format its extension names.

    Args:
        table: an open table.
        destination: the output path (.parquet, .csv, .arrow/.feather, .ndjson/.jsonl).

    Returns:
        The written path.

    Raises:
        OptionError: an unknown output extension.
        OutputError: the destination is the source, or cannot be written.
        SourceError: the source fails while being read.
    """
    dst, kind = _destination(destination, OUTPUT_FORMATS, table.path)
    table.lazy()  # settles the plan
    # The rows are only streamed through: numbers are trimmed only in batches that need it.
    frame = apply_types(table.raw_lazy(), table.plan.columns, by_batch=True)

    def sink(tmp: Path) -> None:
        with table.reading():
            _sink(frame, tmp, kind)

    return _write_whole(dst, sink)


def write_frame(
    frame: pl.DataFrame,
    destination: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str] | None = None,
) -> Path:
    """Write rows held in memory to ``destination`` (.parquet, .csv, .arrow, .ndjson or .xlsx).

    Args:
        frame: the rows to write.
        destination: the output path; its extension names the format.
        source: the file the rows came from, which is never overwritten.

    Returns:
        The written path.

    Raises:
        OptionError: an unknown output extension.
        OutputError: the destination is the source, cannot be written, or the
            rows do not fit in a worksheet.
    """
    dst, kind = _destination(destination, FRAME_FORMATS, source)
    if kind == "xlsx" and (frame.height + 1 > EXCEL_MAX_ROWS or frame.width > EXCEL_MAX_COLUMNS):
        raise OutputError(
            f"{dst}: {frame.height:,} rows × {frame.width:,} columns do not fit in a worksheet "
            f"(at most {EXCEL_MAX_ROWS - 1:,} rows × {EXCEL_MAX_COLUMNS:,} columns); "
            "filter the rows or export to CSV or Parquet"
        )

    def write(tmp: Path) -> None:
        if kind == "xlsx":
            frame.write_excel(tmp, worksheet="data", autofit=frame.height <= 10_000)
        else:
            _sink(frame.lazy(), tmp, kind)

    return _write_whole(dst, write)


def _destination(
    destination: str | os.PathLike[str],
    formats: dict[str, str],
    source: str | os.PathLike[str] | None,
) -> tuple[Path, str]:
    """The checked output path and its format."""
    dst = Path(destination).expanduser()
    kind = formats.get(dst.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(formats))
        raise OptionError(
            f"{dst}: unknown output format {dst.suffix or '(none)'}; use one of {known}"
        )
    if source is not None and _same_file(dst, Path(source)):
        raise OutputError(f"{dst}: refusing to overwrite the source file")
    if not dst.parent.is_dir():
        raise OutputError(f"{dst}: the folder {dst.parent} does not exist")
    return dst, kind


def _same_file(dst: Path, source: Path) -> bool:
    """Whether ``dst`` is ``source``: through symbolic links, hard links or ``/dev/fd/N``."""
    try:
        return dst.exists() and (os.path.samefile(dst, source) or dst.resolve() == source.resolve())
    except OSError:
        return False


def _write_whole(dst: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` into a temporary path, then put it in place (see :func:`output_path`)."""
    with output_path(dst) as tmp:
        write(tmp)
    return dst


def _sink(frame: pl.LazyFrame, path: Path, kind: str) -> None:
    """Stream ``frame`` into ``path``."""
    match kind:
        case "parquet":
            frame.sink_parquet(path, compression="zstd", statistics=True)
        case "csv":
            frame.sink_csv(path)
        case "arrow":
            frame.sink_ipc(path, compression="zstd")
        case "ndjson":
            frame.sink_ndjson(path)
