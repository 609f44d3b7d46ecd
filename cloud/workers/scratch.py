"""Where the steps keep temporary files: one root per process, removed when it stops.

Every step's temporary folder lives under :func:`scratch_root`, so whatever a
step had on disk when the process was told to stop (a Parquet chunk, the head
of an upload) goes with one :func:`remove_scratch`. It is also registered to
run at interpreter exit; a server that handles SIGTERM itself should call it
as it stops, after its job threads.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["remove_scratch", "scratch_dir", "scratch_root"]

_lock = threading.Lock()
_root: Path | None = None


def scratch_root() -> Path:
    """This process's folder for the steps' temporary files (made on first use)."""
    global _root
    with _lock:
        if _root is None or not _root.is_dir():
            _root = Path(tempfile.mkdtemp(prefix=f"loupe-work-{os.getpid()}-"))
        return _root


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder under :func:`scratch_root`, removed when the block ends."""
    # The folder is gone already when the process stopped meanwhile (remove_scratch).
    with tempfile.TemporaryDirectory(
        prefix=prefix, dir=scratch_root(), ignore_cleanup_errors=True
    ) as folder:
        yield Path(folder)


def remove_scratch() -> None:
    """Remove this process's scratch folder and everything in it (nothing happens if absent)."""
    global _root
    with _lock:
        root, _root = _root, None
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


atexit.register(remove_scratch)
