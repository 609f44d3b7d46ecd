"""Writing a table to Parquet, CSV, Arrow IPC or NDJSON, streaming.

The output format follows the destination's extension. Data flows through
Polars' streaming sinks, so memory stays bounded whatever the input size. The
file appears under its name only when complete (written beside it, then
renamed), and the source file can never be the destination.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import polars as pl

from core.errors import OptionError, OutputError
from core.table import Table

__all__ = ["OUTPUT_FORMATS", "convert"]

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
    dst = Path(destination).expanduser()
    kind = OUTPUT_FORMATS.get(dst.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(OUTPUT_FORMATS))
        raise OptionError(
            f"{dst}: unknown output format {dst.suffix or '(none)'}; use one of {known}"
        )
    if dst.exists() and dst.resolve() == table.path.resolve():
        raise OutputError(f"{dst}: refusing to overwrite the source file")
    if not dst.parent.is_dir():
        raise OutputError(f"{dst}: the folder {dst.parent} does not exist")
    frame = table.lazy()
    # The sink creates the file itself, so it gets the user's usual permissions
    # (mkstemp would make it private); the random part keeps concurrent runs apart.
    tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        with table.reading():
            _sink(frame, tmp, kind)
        os.replace(tmp, dst)
    except PermissionError:
        raise OutputError(f"{dst}: permission denied") from None
    except OSError as exc:
        raise OutputError(f"{dst}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
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
