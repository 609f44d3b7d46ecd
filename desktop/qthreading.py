"""Background work on Qt's thread pool, with progress, cancellation and errors as messages.

A :class:`Worker` runs a plain function ``fn(progress, cancelled)`` from core on
``QThreadPool``. The function reports ``progress(phase, fraction)`` and polls
``cancelled()``; it knows nothing of threads. Every outcome arrives as a
signal on the GUI thread: ``finished(result)``, ``cancelled()`` or
``errored(message)``. An exception never escapes to a console: Loupe's own
errors become their one-line message, anything else "internal error: …".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import polars as pl
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import Shiboken

from core.errors import Cancelled, LoupeError

__all__ = ["Worker", "start"]

Task = Callable[[Callable[[str, float], None], Callable[[], bool]], Any]


class Worker(QObject, QRunnable):  # type: ignore[misc]
    """A task for the thread pool; see the module docstring."""

    progressed = Signal(str, float)
    finished = Signal(object)
    errored = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Task) -> None:
        QObject.__init__(self)
        QRunnable.__init__(self)
        self.setAutoDelete(False)
        self._fn = fn
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._stop.set()

    def run(self) -> None:  # Qt override, on a pool thread
        try:
            result = self._fn(self.progressed.emit, self._stop.is_set)
        except Cancelled:
            self.cancelled.emit()
        except LoupeError as exc:
            self.errored.emit(str(exc))
        except Exception as exc:  # the app must survive whatever a file does
            self.errored.emit(f"internal error: {type(exc).__name__}: {exc}")
        except pl.exceptions.PanicException as exc:  # a BaseException: a library's bug
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "panic"
            self.errored.emit(f"internal error: a library failed ({first})")
        else:
            if self._stop.is_set():
                self.cancelled.emit()
            else:
                self.finished.emit(result)


def start(
    fn: Task,
    *,
    owner: QObject,
    finished: Callable[[Any], None],
    errored: Callable[[str], None],
    cancelled: Callable[[], None],
    progressed: Callable[[str, float], None] | None = None,
) -> Worker:
    """Run ``fn`` on the global thread pool, its outcome going to the handlers given.

    The handlers are connected before the worker starts: a task that fails at
    once must not report before anyone listens. They are called only while
    ``owner`` (the widget that asked) still exists: a tab closed while its
    worker runs never hears back.
    """
    worker = Worker(fn)

    def guarded(handler: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any) -> None:
            if Shiboken.isValid(owner):
                handler(*args)

        return call

    worker.finished.connect(guarded(finished))
    worker.errored.connect(guarded(errored))
    worker.cancelled.connect(guarded(cancelled))
    if progressed is not None:
        worker.progressed.connect(guarded(progressed))
    QThreadPool.globalInstance().start(worker)
    return worker
