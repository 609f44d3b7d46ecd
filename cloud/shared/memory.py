"""The in-memory twin of the S3 store: objects in a dict, for tests of code that needs no URLs.

Like the deployed bucket it keeps versions: an overwritten or deleted object's
content stays behind as a noncurrent version until :meth:`MemoryStore.purge`.
"""

from __future__ import annotations

import hashlib
import threading

from cloud.errors import ConflictError, NotFoundError, StoreError
from cloud.shared.storage import Part, Stored

__all__ = ["MemoryStore"]


class MemoryStore:
    """An :class:`ObjectStore` in a dict (no URLs: those need a real endpoint)."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        # Noncurrent versions (and delete markers, as None), oldest first.
        self._noncurrent: list[tuple[str, bytes | None]] = []
        self._uploads: dict[str, dict[int, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Stored:
        with self._lock:
            if key not in self._objects:
                raise NotFoundError(f"no object {key}")
            data = self._objects[key]
        return Stored(data, _etag(data))

    def put(
        self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False
    ) -> str:
        with self._lock:
            current = self._objects.get(key)
            if if_absent and current is not None:
                raise ConflictError(f"{key} exists")
            if if_match is not None and (current is None or _etag(current) != if_match):
                raise ConflictError(f"{key} changed meanwhile")
            if current is not None:
                self._noncurrent.append((key, current))
            self._objects[key] = bytes(data)
        return _etag(data)

    def size(self, key: str) -> int:
        return len(self.get(key).data)

    def get_range(self, key: str, start: int, end: int) -> bytes:
        return self.get(key).data[start:end]

    def keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(k for k in self._objects if k.startswith(prefix))

    def presign_put(self, key: str, *, expires: int, size: int | None = None) -> str:
        raise StoreError("the in-memory store cannot make URLs")

    def presign_get(self, key: str, *, expires: int) -> str:
        raise StoreError("the in-memory store cannot make URLs")

    def delete(self, key: str) -> None:
        with self._lock:
            current = self._objects.pop(key, None)
            if current is not None:
                self._noncurrent += [(key, current), (key, None)]

    def purge(self, prefix: str) -> int:
        with self._lock:
            removed = [k for k in self._objects if k.startswith(prefix)]
            for key in removed:
                del self._objects[key]
            kept = [(k, v) for k, v in self._noncurrent if not k.startswith(prefix)]
            count = len(removed) + len(self._noncurrent) - len(kept)
            self._noncurrent = kept
        return count

    def versions(self, prefix: str) -> list[str]:
        """The key of every version under ``prefix``, current or not, delete markers included."""
        with self._lock:
            found = [k for k in self._objects if k.startswith(prefix)]
            found += [k for k, _ in self._noncurrent if k.startswith(prefix)]
        return sorted(found)

    def start_multipart(self, key: str) -> str:
        multipart_id = hashlib.sha256(f"{key}{len(self._uploads)}".encode()).hexdigest()
        with self._lock:
            self._uploads[multipart_id] = {}
        return multipart_id

    def presign_part(
        self, key: str, multipart_id: str, number: int, sha256: str, *, expires: int
    ) -> str:
        raise StoreError("the in-memory store cannot make URLs")

    def put_part(self, multipart_id: str, number: int, data: bytes) -> None:
        """Receive a part directly (what a PUT to a part URL does in S3)."""
        with self._lock:
            if multipart_id not in self._uploads:
                raise NotFoundError("the multipart upload has ended")
            self._uploads[multipart_id][number] = bytes(data)

    def parts(self, key: str, multipart_id: str) -> list[Part]:
        with self._lock:
            if multipart_id not in self._uploads:
                raise NotFoundError("the multipart upload has ended")
            received = dict(self._uploads[multipart_id])
        return [Part(n, len(received[n]), _etag(received[n])) for n in sorted(received)]

    def complete_multipart(self, key: str, multipart_id: str, parts: list[Part]) -> None:
        with self._lock:
            received = self._uploads.pop(multipart_id, None)
            if received is None:
                raise NotFoundError("the multipart upload has ended")
            if any(_etag(received.get(p.number, b"")) != p.etag for p in parts):
                self._uploads[multipart_id] = received
                raise ConflictError("the parts do not make a whole file (InvalidPart)")
            if key in self._objects:
                self._noncurrent.append((key, self._objects[key]))
            self._objects[key] = b"".join(received[p.number] for p in parts)

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        with self._lock:
            self._uploads.pop(multipart_id, None)


def _etag(data: bytes) -> str:
    """An S3-style etag: the quoted MD5 of the content."""
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'
