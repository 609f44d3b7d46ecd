"""Splitter sizes kept in the app's ``QSettings``: moved in one tab, found again in the next.

Each splitter is kept under a key of its own (``layout/<key>``); a splitter
moved by the user writes its sizes at once, and a new view restores them.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSplitter

__all__ = ["QtLayoutMemory"]


class QtLayoutMemory:
    """Where a window's splitter sizes are remembered (nothing is kept without settings)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings

    def sizes(self, key: str) -> list[int] | None:
        """The sizes last kept for ``key``, if any (and readable)."""
        if self.settings is None:
            return None
        value = self.settings.value(f"layout/{key}")
        if not isinstance(value, list) or len(value) < 2:
            return None
        try:
            sizes = [int(v) for v in value]
        except (TypeError, ValueError):
            return None
        return sizes if all(s >= 0 for s in sizes) and any(sizes) else None

    def keep(self, splitter: QSplitter, key: str) -> None:
        """Remember ``splitter``'s sizes whenever the user moves it."""
        if self.settings is not None:
            settings = self.settings
            splitter.splitterMoved.connect(
                lambda *_: settings.setValue(f"layout/{key}", splitter.sizes())
            )

    def restore(self, splitter: QSplitter, key: str, default: list[int]) -> None:
        """Give ``splitter`` the sizes kept for ``key``, or ``default``."""
        sizes = self.sizes(key)
        splitter.setSizes(sizes if sizes is not None and len(sizes) == len(default) else default)
