"""Work that runs in the background, and the rule that only the newest request counts.

A task is a plain function ``task(progress, cancelled)`` from core: it reports
``progress(phase, fraction)`` and polls ``cancelled()``; it knows nothing of
threads. A :class:`Runner` starts it and reports exactly one outcome:
``finished(result)``, ``errored(exception)`` or ``cancelled()``. The app's
runner is Qt's thread pool (``desktop.qt_workers``); :class:`InlineRunner` runs
the task on the calling thread, for tests and scripts. Both follow
:func:`execute`, so an exception never escapes: it is logged (Loupe's own errors,
a bad file or filter, as one line at INFO; anything else at ERROR with its
traceback) and handed over as the object, and :func:`describe_error` gives the
user's one line.

:class:`Newest` keeps one kind of request (reading, the rows of a query, the
charts of a section) where a new request makes the answers of older ones moot.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import polars as pl

from core.errors import Cancelled, LoupeError

__all__ = [
    "MESSAGE_LENGTH",
    "Handle",
    "InlineRunner",
    "Newest",
    "Progress",
    "Runner",
    "Task",
    "describe_error",
    "execute",
]

_log = logging.getLogger(__name__)

#: The longest message a user reads for an error not of Loupe's (a status line's worth).
MESSAGE_LENGTH = 200

Progress = Callable[[str, float], None]
Task = Callable[[Progress, Callable[[], bool]], Any]


class Handle(Protocol):
    """A started task."""

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""


class Runner(Protocol):
    """Starts tasks; each reports one outcome to the handlers given, on the caller's thread."""

    def run(
        self,
        task: Task,
        *,
        finished: Callable[[Any], None],
        errored: Callable[[BaseException], None],
        cancelled: Callable[[], None],
        progressed: Progress | None = None,
    ) -> Handle:
        """Start ``task``; its outcome goes to the handlers."""
        ...


def describe_error(error: BaseException) -> str:
    """The one line a user reads for ``error``.

    Loupe's own errors say what happened to which file and what to do, in a
    line meant to be read whole; anything else is a bug of ours or of a
    library, said as such (the traceback is in the log), its message cut to its
    first line (Polars appends its query plan) and to :data:`MESSAGE_LENGTH`
    characters.
    """
    text = _first_line(str(error))
    if isinstance(error, LoupeError):
        return text or type(error).__name__
    if isinstance(error, pl.exceptions.PanicException):
        message = f"internal error: a library failed ({text or 'panic'})"
    else:
        name = type(error).__name__
        message = f"internal error: {name}: {text}" if text else f"internal error: {name}"
    if len(message) > MESSAGE_LENGTH:
        message = message[: MESSAGE_LENGTH - 1].rstrip() + "…"
    return message


def _first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, trimmed."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def execute(
    task: Task,
    stop: threading.Event,
    *,
    progressed: Progress,
    finished: Callable[[Any], None],
    errored: Callable[[BaseException], None],
    cancelled: Callable[[], None],
) -> None:
    """Run ``task`` and report its one outcome; see the module docstring.

    Args:
        task: the work.
        stop: set to ask the task to stop; a task that returns after it was set
            counts as cancelled.
        progressed, finished, errored, cancelled: where the outcome goes.
    """
    try:
        result = task(progressed, stop.is_set)
    except Cancelled:
        cancelled()
    except LoupeError as exc:
        # A bad file or a bad filter is the user's to fix, not a bug: one line, no traceback.
        _log.info("%s", describe_error(exc))
        errored(exc)
    # A PanicException is a BaseException (a library's bug); the app must survive it too.
    except (Exception, pl.exceptions.PanicException) as exc:
        _log.error("%s", describe_error(exc), exc_info=exc)
        errored(exc)
    else:
        if stop.is_set():
            cancelled()
        else:
            finished(result)


class _Stop:
    """The handle of a task run inline: cancelling it sets its stop flag."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop."""
        self.event.set()


class InlineRunner:
    """Runs each task at once on the calling thread: the in-memory twin of the thread pool."""

    def run(
        self,
        task: Task,
        *,
        finished: Callable[[Any], None],
        errored: Callable[[BaseException], None],
        cancelled: Callable[[], None],
        progressed: Progress | None = None,
    ) -> Handle:
        """Run ``task`` now; its outcome reaches the handlers before this returns."""
        handle = _Stop()
        execute(
            task,
            handle.event,
            progressed=progressed or (lambda phase, fraction: None),
            finished=finished,
            errored=errored,
            cancelled=cancelled,
        )
        return handle


class Newest:
    """Requests of one kind of which only the newest counts.

    Starting a request makes every earlier one moot: their outcomes and
    progress are dropped when they arrive. :attr:`running` is True from the
    start of the newest request until its outcome, which is what "busy" means.

    Args:
        runner: starts the tasks.
        changed: called whenever :attr:`running` may have changed.
    """

    def __init__(self, runner: Runner, changed: Callable[[], None] | None = None) -> None:
        self._runner = runner
        self._changed = changed or (lambda: None)
        self._token: object | None = None
        self._handle: Handle | None = None
        self.phase = ""

    @property
    def running(self) -> bool:
        """True while the newest request has no outcome yet."""
        return self._token is not None

    @property
    def handle(self) -> Handle | None:
        """The newest request while it runs."""
        return self._handle

    def start(
        self,
        task: Task,
        phase: str,
        *,
        finished: Callable[[Any], None],
        errored: Callable[[BaseException], None],
        cancelled: Callable[[], None] = lambda: None,
        progressed: Progress | None = None,
    ) -> None:
        """Start ``task`` (described by ``phase``); only its outcome will count."""
        token = object()
        self._token, self._handle, self.phase = token, None, phase
        self._changed()

        def current() -> bool:
            return self._token is token

        def ending(handler: Callable[..., None]) -> Callable[..., None]:
            def call(*args: Any) -> None:
                if current():
                    self._token, self._handle, self.phase = None, None, ""
                    self._changed()
                    handler(*args)

            return call

        def progress(phase: str, fraction: float) -> None:
            if current() and progressed is not None:
                progressed(phase, fraction)

        handle = self._runner.run(
            task,
            finished=ending(finished),
            errored=ending(errored),
            cancelled=ending(cancelled),
            progressed=progress,
        )
        # An inline runner has already reported: its request is no longer running.
        if current():
            self._handle = handle

    def cancel(self) -> None:
        """Ask the newest request to stop (its ``cancelled`` handler follows)."""
        if self._handle is not None:
            self._handle.cancel()

    def invalidate(self) -> None:
        """Make every request started so far moot, the newest too.

        Their outcomes and progress are dropped when they arrive (the newest is
        asked to stop as well), and :attr:`running` is False until the next
        :meth:`start`. For when the data they work on is gone.
        """
        if self._handle is not None:
            self._handle.cancel()
        was_running = self.running
        self._token, self._handle, self.phase = None, None, ""
        if was_running:
            self._changed()
