"""Profiles kept on disk, so reopening an unchanged file shows its last profile at once.

An entry is the profile's JSON document (never the data), under the user's
cache folder, named by a hash of what the profile depends on: the file's
resolved path, size and modification time, the reading options and the
profiling configuration. A changed file, other options or other thresholds
miss. Entries are written whole or not at all; the folder is kept under a
size cap by dropping the entries used least recently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from core.errors import OutputError
from core.output import write_text
from core.profiling.config import ProfileConfig
from core.profiling.document import Profile, Severity
from core.profiling.profile import dumps
from core.read.options import ReadOptions
from desktop.identity import cache_folder

__all__ = ["CachedProfile", "ProfileCache", "default_folder"]

#: The most the cache holds; the least recently used entries go first.
LIMIT_BYTES = 200_000_000
_SUFFIX = ".profile.json"


def default_folder() -> Path:
    """The ``profiles`` folder of the app's cache folder (see ``desktop.identity.cache_folder``)."""
    return cache_folder() / "profiles"


@dataclass(frozen=True)
class CachedProfile:
    """A profile found in the cache: the document, how long it took, when it was made."""

    profile: Profile
    seconds: float
    saved: datetime


def _plain(value: Any) -> Any:
    """``value`` (options, configuration) as JSON-ready data, for the key."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict | tuple | list) or hasattr(value, "items"):
        items = value.items() if hasattr(value, "items") else enumerate(value)
        return {str(k): _plain(v) for k, v in items}
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


class ProfileCache:
    """Profiles on disk in ``folder``, keyed as the module docstring says.

    Args:
        folder: where the entries live (created when first written).
        limit: the most bytes the entries may take together.
    """

    def __init__(self, folder: Path | None = None, limit: int = LIMIT_BYTES) -> None:
        self.folder = folder or default_folder()
        self.limit = limit

    def key(self, path: Path, options: ReadOptions, config: ProfileConfig) -> str | None:
        """The entry's name for ``path`` read and profiled so (None: the file is gone)."""
        try:
            stat = path.stat()
            resolved = str(path.resolve())
        except OSError:
            return None
        what = {
            "path": resolved,
            "size": stat.st_size,
            "modified": stat.st_mtime_ns,
            "options": _plain(options),
            "config": _plain(config),
        }
        text = json.dumps(what, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, path: Path, options: ReadOptions, config: ProfileConfig) -> CachedProfile | None:
        """The profile kept for ``path`` as it is now, or None."""
        key = self.key(path, options, config)
        if key is None:
            return None
        entry = self.folder / f"{key}{_SUFFIX}"
        try:
            kept = json.loads(entry.read_text(encoding="utf-8"))
            profile = cast(Profile, kept["profile"])
            for alert in profile.get("alerts", []):
                alert["severity"] = Severity(alert["severity"])
            found = CachedProfile(
                profile, float(kept["seconds"]), datetime.fromisoformat(kept["saved"])
            )
            os.utime(entry)  # recently used: dropped last
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return found

    def put(
        self,
        path: Path,
        options: ReadOptions,
        config: ProfileConfig,
        profile: Profile,
        seconds: float,
    ) -> None:
        """Keep ``profile`` for ``path`` (silently not, when the folder cannot be written)."""
        key = self.key(path, options, config)
        if key is None:
            return
        saved = datetime.now(UTC).isoformat(timespec="seconds")
        document = f'{{"saved": "{saved}", "seconds": {seconds!r}, "profile": {dumps(profile)}}}'
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text(self.folder / f"{key}{_SUFFIX}", document)
        except (OSError, ValueError, OutputError):
            return
        self._trim()

    def size(self) -> int:
        """The bytes the entries take."""
        return sum(size for _, size, _ in self._entries())

    def clear(self) -> None:
        """Drop every entry."""
        for entry, _, _ in self._entries():
            entry.unlink(missing_ok=True)

    def _entries(self) -> list[tuple[Path, int, float]]:
        """Every entry with its size and last use, least recently used first."""
        found = []
        for entry in self.folder.glob(f"*{_SUFFIX}"):
            try:
                stat = entry.stat()
            except OSError:
                continue
            found.append((entry, stat.st_size, stat.st_mtime))
        return sorted(found, key=lambda e: e[2])

    def _trim(self) -> None:
        """Drop the least recently used entries until the rest fit the limit."""
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        for entry, size, _ in entries:
            if total <= self.limit:
                break
            entry.unlink(missing_ok=True)
            total -= size
