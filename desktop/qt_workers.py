"""Background work on Qt's thread pool, with progress, cancellation and errors as objects.

A :class:`Worker` runs a plain task ``fn(progress, cancelled)`` from core on
``QThreadPool`` and follows :func:`desktop.models.tasks.execute`: every outcome
arrives as a signal on the GUI thread, ``finished(result)``, ``cancelled()``
or ``errored(exception)``; the exception's traceback is logged, and
:func:`desktop.models.tasks.describe_error` gives the user's line.
:class:`QtRunner` is the :class:`~desktop.models.tasks.Runner` the sessions
use in the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import Shiboken

from desktop.models.tasks import Progress, Task, execute

__all__ = ["QtRunner", "Worker", "start"]


class Worker(QObject, QRunnable):
    """A task for the thread pool; see the module docstring."""

    progressed = Signal(str, float)
    finished = Signal(object)
    errored = Signal(object)
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
        execute(
            self._fn,
            self._stop,
            progressed=self.progressed.emit,
            finished=self.finished.emit,
            errored=self.errored.emit,
            cancelled=self.cancelled.emit,
        )


def start(
    fn: Task,
    *,
    owner: QObject,
    finished: Callable[[Any], None],
    errored: Callable[[BaseException], None],
    cancelled: Callable[[], None],
    progressed: Progress | None = None,
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


class QtRunner:
    """Runs tasks on Qt's thread pool for ``owner``, whose deletion silences them."""

    def __init__(self, owner: QObject) -> None:
        self._owner = owner

    def run(
        self,
        task: Task,
        *,
        finished: Callable[[Any], None],
        errored: Callable[[BaseException], None],
        cancelled: Callable[[], None],
        progressed: Progress | None = None,
    ) -> Worker:
        """Start ``task`` in a :class:`Worker`; its outcome arrives on the GUI thread."""
        return start(
            task,
            owner=self._owner,
            finished=finished,
            errored=errored,
            cancelled=cancelled,
            progressed=progressed,
        )
