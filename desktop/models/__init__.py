"""The desktop's state, without Qt: what a window shows, not how it draws it.

``events`` is the tiny callback mechanism the panes subscribe with; ``tasks``
runs work through a :class:`~desktop.models.tasks.Runner` (Qt's thread pool in
the app, the calling thread in tests) and keeps only the newest request of a
kind; ``session`` is one open dataset (path, reading options, rows, sort,
filters, search, profile, selection, busy); ``sections`` builds the charts of a
profile and what a click on them does, and ``section_charts`` keeps those of the
section shown; ``summaries`` words a profile for the side panel. None of these
modules imports PySide6 (an import-linter contract holds it).
"""

from __future__ import annotations

from desktop.models.events import Event, SessionEvents
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner, Newest, Runner, describe_error

__all__ = [
    "DatasetSession",
    "Event",
    "InlineRunner",
    "Newest",
    "Runner",
    "SessionEvents",
    "describe_error",
]
