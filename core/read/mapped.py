"""A typed table kept on disk and memory-mapped, instead of held in memory.

A window over ten million rows needs the rows it shows, not all of them in
memory at once. :func:`mapped_table` streams a typed LazyFrame into an
uncompressed Arrow IPC file (Polars' streaming sink, so the whole table is
never in memory while it is written) and maps that file back with pyarrow,
which Polars takes without copying: the table's pages are the operating
system's file cache, read when a window of rows is shown and given back under
memory pressure, so several big files can be open at once.

The file lives in a folder of the caller's (never beside the user's data) and
is removed as soon as it is mapped where the system allows it (POSIX keeps a
mapped file until it is unmapped); elsewhere :func:`sweep` removes the copies
no process holds any more.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from pathlib import Path

import polars as pl
import pyarrow as pa

__all__ = ["mapped_table", "sweep"]

_SUFFIX = ".arrow"
# A copy untouched for this long belongs to no running writer (a big file writes
# its copy in seconds, updating the file as it goes): one a crash left behind.
_STALE_SECONDS = 3600.0


def mapped_table(lazy: pl.LazyFrame, folder: Path, *, room: int = 0) -> pl.DataFrame | None:
    """``lazy`` collected into a memory-mapped file in ``folder``; None when it cannot be.

    Args:
        lazy: the typed table.
        folder: where the copy is written (created if needed).
        room: bytes the copy may need; None is returned at once when the
            folder's disk has less than twice that free.

    Returns:
        The table, its buffers mapped from the file, or None when the disk is
        short of room or the folder cannot be written (the caller then keeps
        the table in memory).

    Raises:
        polars.exceptions.PolarsError: reading the source failed (the caller names the file).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if room and shutil.disk_usage(folder).free < 2 * room:
            return None
    except OSError:
        return None
    sweep(folder)
    path = folder / f"{uuid.uuid4().hex}{_SUFFIX}"
    try:
        try:
            lazy.sink_ipc(path, compression=None)
        except OSError:
            return None
        table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
        frame = pl.from_arrow(table, rechunk=False)
    finally:
        # POSIX: the mapping keeps the data until it is dropped. Windows refuses
        # while the file is mapped; sweep() removes it on a later call.
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    assert isinstance(frame, pl.DataFrame)
    return frame


def sweep(folder: Path) -> None:
    """Remove the copies in ``folder`` left by a process that ended without removing them.

    Only copies untouched for an hour go: a copy being written is never removed,
    and one still mapped (where the system refuses) stays until the next sweep.
    """
    now = time.time()
    with contextlib.suppress(OSError):
        for path in folder.glob(f"*{_SUFFIX}"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > _STALE_SECONDS:
                    path.unlink()
