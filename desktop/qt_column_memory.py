"""Each file's columns remembered in the app's ``QSettings``: opened again, it looks as it was left.

A file's column view (order, hidden columns, how many are frozen) and its
columns' widths are kept under a key made from a hash of its resolved path
(``columns/<hash>``) when its tab closes, for the last :data:`KEPT` files. They
come back once the file's first rows are read again; names the file no longer
has are ignored. Files are never reopened by this.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from desktop.models.columns import ColumnView
from desktop.qt_grid_pane import QtGridPane

__all__ = ["KEPT", "QtColumnMemory"]

#: How many files' columns are kept (the oldest go first).
KEPT = 50
_ORDER = "columns/files"


def _key(path: Path) -> str:
    """The settings key of ``path``'s columns."""
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]


class QtColumnMemory:
    """Keeps and restores files' columns in ``settings``."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def keep(self, path: Path, pane: QtGridPane) -> None:
        """Remember the columns ``pane`` shows for ``path`` (nothing before its rows are read)."""
        session = pane.session
        if not session.shown.width:
            return
        view = session.column_view
        names = set(session.shown.columns)
        kept = {
            "order": view.ordered(session.shown.columns),
            "hidden": sorted(view.hidden & names),
            "frozen": view.frozen,
            "widths": {n: w for n, w in pane.column_widths().items() if n in names},
        }
        key = _key(path)
        self.settings.setValue(f"columns/{key}", json.dumps(kept))
        order = [k for k in self._order() if k != key] + [key]
        for old in order[:-KEPT]:
            self.settings.remove(f"columns/{old}")
        self.settings.setValue(_ORDER, order[-KEPT:])

    def restore(self, path: Path, pane: QtGridPane) -> None:
        """Show ``path``'s columns as they were left, once its first rows are read."""
        kept = self._kept(path)
        if kept is None:
            return
        session = pane.session
        restored = False

        def apply() -> None:
            nonlocal restored
            if restored:
                return
            restored = True
            names = session.shown.columns
            known = set(names)
            hidden = frozenset(str(n) for n in kept.get("hidden", []) if n in known)
            if len(hidden) >= len(known):
                hidden = frozenset()
            order = tuple(str(n) for n in kept.get("order", []) if n in known)
            view = ColumnView(order=order, hidden=hidden)
            frozen = int(kept.get("frozen", 0))
            view = view.freeze(max(0, min(frozen, len(view.shown(names)) - 1)))
            widths = kept.get("widths", {})
            pane.set_column_widths(
                {str(n): int(w) for n, w in widths.items() if n in known and int(w) > 0}
            )
            session.set_column_view(view)

        session.events.previewed.connect(apply)

    def _kept(self, path: Path) -> dict[str, Any] | None:
        """What was kept for ``path``, if anything readable."""
        value = self.settings.value(f"columns/{_key(path)}")
        if not isinstance(value, str):
            return None
        try:
            kept = json.loads(value)
        except ValueError:
            return None
        return kept if isinstance(kept, dict) else None

    def _order(self) -> list[str]:
        """The keys kept, oldest first."""
        value = self.settings.value(_ORDER, [])
        return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []
