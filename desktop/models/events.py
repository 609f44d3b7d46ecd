"""A plain-Python event: callbacks connected to it run, in order, when it is emitted.

The desktop's models announce their changes with these, and the Qt panes
subscribe (as napari's components do with their ``events``); nothing here knows
about threads or Qt. :class:`SessionEvents` lists what an open dataset announces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

__all__ = ["Event", "SessionEvents"]

P = ParamSpec("P")


class Event(Generic[P]):
    """Something that happened, with the arguments its callbacks receive.

    ``Event[[str]]()`` is an event whose callbacks take one string.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, object]] = []

    def connect(self, callback: Callable[P, object]) -> None:
        """Call ``callback`` at every emission from now on."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, object]) -> None:
        """Stop calling ``callback`` (nothing happens if it was not connected)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every connected callback with the arguments given."""
        # A callback may connect or disconnect others: iterate over a copy.
        for callback in list(self._callbacks):
            callback(*args, **kwargs)


class SessionEvents:
    """What a ``DatasetSession`` announces; each is an :class:`Event`."""

    def __init__(self) -> None:
        #: the first rows are read (``shown`` holds them, ``info`` says how).
        self.previewed: Event[[]] = Event()
        #: all rows are read and shown.
        self.loaded: Event[[]] = Event()
        #: a request failed; the user's one line.
        self.failed: Event[[str]] = Event()
        #: the file is read again: what was shown of the old read is gone.
        self.cleared: Event[[]] = Event()
        #: the sort, filters or search changed, or their rows are being computed.
        self.query: Event[[]] = Event()
        #: the rows of the query are shown, or it failed (``query_error``).
        self.queried: Event[[]] = Event()
        #: the profile is ready.
        self.profiled: Event[[]] = Event()
        #: a column was selected (its name).
        self.selected: Event[[str]] = Event()
        #: the section shown changed.
        self.section: Event[[]] = Event()
        #: the charts asked for last are built (``charts.specs``).
        self.charts: Event[[]] = Event()
        #: the status line changed.
        self.status: Event[[]] = Event()
        #: a request started or ended (``busy`` may have changed).
        self.busy: Event[[]] = Event()
        #: the running request's progress, 0 to 1.
        self.progressed: Event[[float]] = Event()
        #: a file was written (its path).
        self.exported: Event[[str]] = Event()
        #: something to tell the user in passing.
        self.message: Event[[str]] = Event()
        #: the columns shown, their order or the frozen ones changed (``column_view``).
        self.columns: Event[[]] = Event()
