"""An object in the store read as a seekable file, so Parquet readers fetch only what they use."""

from __future__ import annotations

import io
from typing import Any

from cloud.shared.storage import ObjectStore

__all__ = ["RangedFile"]


class RangedFile(io.RawIOBase):
    """An object in the store read as a seekable file: each read is one ranged GET.

    ``fetched`` counts the bytes transferred, so callers can tell what they read.
    """

    def __init__(self, store: ObjectStore, key: str) -> None:
        super().__init__()
        self._store = store
        self._key = key
        self._size = store.size(key)
        self._position = 0
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._size - self._position)
        if count <= 0:
            return 0
        data = self._store.get_range(self._key, self._position, self._position + count)
        buffer[: len(data)] = data
        self._position += len(data)
        self.fetched += len(data)
        return len(data)
