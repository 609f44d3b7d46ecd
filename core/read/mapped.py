"""A typed table kept on disk and memory-mapped, instead of held in memory.

A window over ten million rows needs the rows it shows, not all of them in
memory at once. :class:`MappedRows` writes a typed table batch by batch, as it
is read, into uncompressed Arrow IPC files and maps each back with pyarrow,
which Polars takes without copying: the table's pages are the operating
system's file cache, read when a window of rows is shown and given back under
memory pressure, so several big files can be open at once, and the whole
table is never in the process's own memory.

The files live in a folder of the caller's (never beside the user's data) and
are removed as soon as they are mapped where the system allows it (POSIX keeps
a mapped file until it is unmapped); elsewhere :func:`sweep` removes the
copies no process holds any more.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from pathlib import Path

import polars as pl

__all__ = ["KeptRows", "MappedRows", "sweep"]

_SUFFIX = ".arrow"
# A copy untouched for this long belongs to no running writer (a big file writes
# its copy in seconds, updating the file as it goes): one a crash left behind.
_STALE_SECONDS = 3600.0


class KeptRows:
    """Batches of a table kept in memory, in order; :class:`MappedRows` keeps them on disk."""

    def __init__(self) -> None:
        self._parts: list[pl.DataFrame] = []

    def add(self, batch: pl.DataFrame) -> None:
        """Keep ``batch``."""
        self._parts.append(batch)

    def discard(self) -> None:
        """Drop every batch added."""
        self._parts = []

    def frame(self) -> pl.DataFrame | None:
        """The batches added, as one frame (None when none was added)."""
        if not self._parts:
            return None
        return pl.concat(self._parts, how="vertical", rechunk=False)


class MappedRows(KeptRows):
    """Batches of a table, each written to a file in ``folder`` and mapped back.

    Build one with :meth:`open`, :meth:`add` the batches in order, then take
    :meth:`frame`; :meth:`discard` drops what was added (to start again). A
    batch that cannot be written (the disk filled up) is kept in memory
    instead, so nothing read is lost.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self._on_disk = True

    @classmethod
    def open(cls, folder: Path, *, room: int = 0) -> MappedRows | None:
        """A store in ``folder``; None when it cannot be written or has not twice ``room`` free."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if room and shutil.disk_usage(folder).free < 2 * room:
                return None
        except OSError:
            return None
        sweep(folder)
        return cls(folder)

    def add(self, batch: pl.DataFrame) -> None:
        """Keep ``batch``: on disk, mapped, or in memory once the disk has failed."""
        if self._on_disk:
            # Imported here: pyarrow costs a tenth of a second, and only big files map.
            import pyarrow as pa

            path = self.folder / f"{uuid.uuid4().hex}{_SUFFIX}"
            try:
                batch.write_ipc(path, compression="uncompressed")
                table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
                mapped = pl.from_arrow(table, rechunk=False)
                assert isinstance(mapped, pl.DataFrame)
                batch = mapped
            except OSError:
                self._on_disk = False
            finally:
                # POSIX: the mapping keeps the data until it is dropped. Windows
                # refuses while the file is mapped; sweep() removes it later.
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
        super().add(batch)


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
