"""Row hashes for exact duplicate counts, in bounded memory.

Up to a number of rows the 64-bit hashes are kept in memory; past it they are
spilled to temporary files, partitioned by their top bits, so that counting
the distinct hashes needs only one partition (1/64 of them) in memory at a
time. The files are deleted when the object is closed or collected.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import polars as pl

__all__ = ["RowHashes"]

_PARTITION_BITS = 6
_PARTITIONS = 1 << _PARTITION_BITS


class RowHashes:
    """A multiset of 64-bit row hashes that counts its distinct values exactly.

    Args:
        memory_rows: hashes kept in memory before spilling to disk.
    """

    def __init__(self, memory_rows: int = 4_000_000) -> None:
        self.memory_rows = memory_rows
        self.count = 0
        self._memory: list[np.ndarray[Any, Any]] = []
        self._in_memory = 0
        self._folded = True
        self._dir: Path | None = None
        self._files: list[BinaryIO] = []

    @property
    def spilled(self) -> bool:
        """Whether hashes went to disk."""
        return self._dir is not None

    def add(self, hashes: np.ndarray[Any, Any]) -> None:
        """Add hashes (uint64)."""
        if not hashes.size:
            return
        self.count += int(hashes.size)
        if self._dir is not None:
            self._spill(hashes)
            return
        self._memory.append(hashes)
        self._in_memory += int(hashes.size)
        self._folded = False  # even one block may repeat a hash
        if self._in_memory > self.memory_rows:
            self._open_spill()
            for block in self._memory:
                self._spill(block)
            self._memory, self._in_memory = [], 0

    def extend(self, other: RowHashes) -> None:
        """Add every hash of ``other``."""
        for block in other._blocks():
            self.add(block)

    def distinct(self) -> int:
        """The number of distinct hashes."""
        if self._dir is None:
            return int(self.unique().size)
        for handle in self._files:
            handle.flush()
        total = 0
        for i in range(_PARTITIONS):
            part = np.fromfile(self._dir / f"{i}.u64", dtype=np.uint64)
            total += pl.Series(part, dtype=pl.UInt64).n_unique() if part.size else 0
        return total

    def unique(self) -> np.ndarray[Any, Any]:
        """The distinct hashes, sorted (in memory only; not for spilled sets)."""
        if self._dir is not None:
            raise ValueError("the hashes were spilled to disk")
        if not self._memory:
            return np.zeros(0, np.uint64)
        if not self._folded:
            # Polars sorts in parallel: an order of magnitude faster than np.unique here.
            merged = pl.Series(np.concatenate(self._memory), dtype=pl.UInt64)
            self._memory = [merged.unique().sort().to_numpy()]
            self._folded = True
        return self._memory[0]

    def close(self) -> None:
        """Delete spilled files."""
        for handle in self._files:
            handle.close()
        self._files = []
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    def _blocks(self) -> list[np.ndarray[Any, Any]]:
        """All hashes, block by block (spilled partitions read back)."""
        if self._dir is None:
            return list(self._memory)
        for handle in self._files:
            handle.flush()
        return [np.fromfile(self._dir / f"{i}.u64", dtype=np.uint64) for i in range(_PARTITIONS)]

    def _open_spill(self) -> None:
        """Create the partition files."""
        self._dir = Path(tempfile.mkdtemp(prefix="loupe-hashes-"))
        self._files = [(self._dir / f"{i}.u64").open("ab") for i in range(_PARTITIONS)]
        weakref.finalize(self, _remove, self._files, self._dir)

    def _spill(self, hashes: np.ndarray[Any, Any]) -> None:
        """Append hashes to their partitions."""
        # Small keys: NumPy's stable sort of bytes is a radix sort, several times faster.
        part = (hashes >> np.uint64(64 - _PARTITION_BITS)).astype(np.uint8)
        order = np.argsort(part, kind="stable")
        ordered, keys = hashes[order], part[order]
        bounds = np.searchsorted(keys, np.arange(_PARTITIONS + 1))
        for i in range(_PARTITIONS):
            start, end = bounds[i], bounds[i + 1]
            if end > start:
                self._files[i].write(ordered[start:end].astype("<u8").tobytes())


def _remove(files: list[BinaryIO], folder: Path) -> None:
    """Close and delete spilled files (at collection)."""
    for handle in files:
        handle.close()
    shutil.rmtree(folder, ignore_errors=True)
