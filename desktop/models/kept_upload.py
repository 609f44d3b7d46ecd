"""Interrupted uploads kept per file and endpoint, so a tab can resume them, without Qt.

When a multipart upload of a tab's file stops part-way (the connection
dropped, the app was closed), its upload id is kept in an :class:`UploadMemory`
under the endpoint and the file's path, with the file's size and modification
time: a file changed since cannot resume. Nothing secret is kept (an upload id
is useless without the user's token). The app keeps it in its settings;
:class:`DictUploadMemory` is the in-memory twin.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["DictUploadMemory", "KeptUpload", "UploadMemory", "upload_key"]


class UploadMemory(Protocol):
    """Where kept uploads are remembered (plain JSON text per key)."""

    def load(self, key: str) -> str | None:
        """The text kept under ``key``, if any."""
        ...

    def save(self, key: str, text: str | None) -> None:
        """Keep ``text`` under ``key`` (None forgets)."""
        ...


class DictUploadMemory:
    """Kept uploads in a dict: the in-memory twin of the app's settings."""

    def __init__(self) -> None:
        self.saved: dict[str, str] = {}

    def load(self, key: str) -> str | None:
        """The text kept under ``key``, if any."""
        return self.saved.get(key)

    def save(self, key: str, text: str | None) -> None:
        """Keep ``text`` under ``key`` (None forgets)."""
        if text is None:
            self.saved.pop(key, None)
        else:
            self.saved[key] = text


def upload_key(endpoint: str, path: Path) -> str:
    """The key an upload of ``path`` to ``endpoint`` is kept under."""
    return json.dumps([endpoint, str(path.resolve())])


@dataclass(frozen=True)
class KeptUpload:
    """An interrupted upload: its id, the file as it was, and how far it got (bytes sent)."""

    upload_id: str
    size: int
    mtime_ns: int
    done: int
    total: int

    def to_text(self) -> str:
        """As kept in the memory."""
        return json.dumps(asdict(self))

    @classmethod
    def from_text(cls, text: str | None) -> KeptUpload | None:
        """What the memory kept; None when nothing (or nothing readable) is kept."""
        try:
            data = json.loads(text or "")
            return cls(
                str(data["upload_id"]),
                int(data["size"]),
                int(data["mtime_ns"]),
                int(data["done"]),
                int(data["total"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def matches(self, path: Path) -> bool:
        """True when ``path`` is still the file that was being sent (same size and mtime)."""
        try:
            stat = path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)
