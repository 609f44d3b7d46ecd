"""Which columns the grid shows, in which order, and how many stay in view: :class:`ColumnView`.

Plain data, kept by the session: the grid draws it, and exporting the rows or
the view as code honours it. Names it does not know (a column of a new read)
are shown after the ordered ones, in the table's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

__all__ = ["ColumnView"]


@dataclass(frozen=True)
class ColumnView:
    """The columns shown of a table.

    Attributes:
        order: the columns in the order the user put them (empty: the table's order).
        hidden: the columns not shown.
        frozen: how many of the first columns shown stay in view when scrolling sideways.
    """

    order: tuple[str, ...] = ()
    hidden: frozenset[str] = field(default_factory=frozenset)
    frozen: int = 0

    def ordered(self, names: Sequence[str]) -> list[str]:
        """Every column of ``names`` (hidden ones too), in the user's order."""
        known = set(names)
        first = [n for n in self.order if n in known]
        placed = set(first)
        return first + [n for n in names if n not in placed]

    def shown(self, names: Sequence[str]) -> list[str]:
        """The columns of ``names`` shown, in order."""
        return [n for n in self.ordered(names) if n not in self.hidden]

    def hide(self, name: str) -> ColumnView:
        """This view with ``name`` hidden."""
        return replace(self, hidden=self.hidden | {name})

    def show(self, name: str | None = None) -> ColumnView:
        """This view with ``name`` (None: every column) shown again."""
        return replace(self, hidden=frozenset() if name is None else self.hidden - {name})

    def move(self, names: Sequence[str], name: str, to: int) -> ColumnView:
        """This view with ``name`` moved to position ``to`` among the columns shown.

        Args:
            names: the table's columns.
            name: the column to move.
            to: its new place among the shown columns (clamped).
        """
        shown = self.shown(names)
        if name not in shown:
            return self
        shown.remove(name)
        shown.insert(max(0, min(to, len(shown))), name)
        # A hidden column stays just after the column it followed.
        order = list(shown)
        before: str | None = None
        for current in self.ordered(names):
            if current in self.hidden:
                order.insert(0 if before is None else order.index(before) + 1, current)
            before = current
        return replace(self, order=tuple(order))

    def freeze(self, count: int) -> ColumnView:
        """This view with its first ``count`` shown columns kept in view (0: none)."""
        return replace(self, frozen=max(0, count))
