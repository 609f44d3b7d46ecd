"""Background work on Qt's thread pool, with progress, cancellation and errors as objects.

A :class:`Worker` stands for a plain task ``fn(progress, cancelled)`` from core
run on ``QThreadPool``, following :func:`desktop.models.tasks.execute`: every
outcome arrives as a signal on the GUI thread, ``finished(result)``,
``cancelled()`` or ``errored(exception)``; the exception's traceback is
logged, and :func:`desktop.models.tasks.describe_error` gives the user's line.
:class:`QtRunner` is the :class:`~desktop.models.tasks.Runner` the sessions
use in the app.

A finished worker and its task are freed, on the GUI thread. The pool thread
never holds a Qt object: it runs a :class:`_Job` (plain Python: the task, its
stop flag, its outcome) and tells one relay that lives as long as the
application "job n made progress" or "job n ended". The GUI thread then takes
the task and the outcome out of the job before it reports them, so the last
reference to them, and to the worker and the handlers, is dropped there; a Qt
object (or a widget the handlers hold) is never deleted from a pool thread.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot
from shiboken6 import Shiboken

from desktop.models.tasks import Progress, Task, execute

__all__ = ["QtRunner", "Worker", "start"]


class _Job:
    """A task, its stop flag and its outcome: what a pool thread touches."""

    __slots__ = ("outcome", "stop", "task")

    def __init__(self, task: Task) -> None:
        self.task: Task | None = task
        self.stop = threading.Event()
        self.outcome: tuple[str, tuple[Any, ...]] | None = None

    def run(self, progressed: Progress) -> None:
        """Run the task and keep its outcome (on whichever thread calls it)."""
        task = self.task
        if task is None:
            return

        def outcome(name: str) -> Callable[..., None]:
            def keep(*args: Any) -> None:
                self.outcome = (name, args)

            return keep

        execute(
            task,
            self.stop,
            progressed=progressed,
            finished=outcome("finished"),
            errored=outcome("errored"),
            cancelled=outcome("cancelled"),
        )

    def take(self) -> tuple[str, tuple[Any, ...]] | None:
        """The outcome, leaving the job empty (its task and outcome are let go of here)."""
        outcome, self.outcome, self.task = self.outcome, None, None
        return outcome


class Worker(QObject):
    """A task and the signals its outcome arrives by; see the module docstring."""

    progressed = Signal(str, float)
    finished = Signal(object)
    errored = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: Task) -> None:
        super().__init__()
        self._job = _Job(fn)

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._job.stop.set()

    def run(self) -> None:
        """Run the task on this thread and report its outcome (:func:`start` uses the pool)."""
        self._job.run(self.progressed.emit)
        self._report()

    def _report(self) -> None:
        """Emit the outcome's signal, once the job has let go of it."""
        outcome = self._job.take()
        if outcome is not None:
            name, args = outcome
            getattr(self, name).emit(*args)


class _Relay(QObject):
    """Carries the pool threads' news to the GUI thread, for as long as the application lives."""

    progressed = Signal(int, str, float)
    ended = Signal(int)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._workers: dict[int, Worker] = {}
        self._keys = itertools.count()
        # Emitted on pool threads, these reach the slots on the relay's thread, the GUI's.
        self.progressed.connect(self._on_progressed)
        self.ended.connect(self._on_ended)

    def submit(self, worker: Worker) -> None:
        """Run ``worker``'s job on the global thread pool."""
        key = next(self._keys) % 2**31
        self._workers[key] = worker
        job, progressed, ended = worker._job, self.progressed.emit, self.ended.emit

        def run() -> None:  # on a pool thread: touches the job and the relay's signals only
            try:
                job.run(lambda phase, fraction: progressed(key, phase, fraction))
            finally:
                ended(key)

        QThreadPool.globalInstance().start(run)

    @Slot(int, str, float)
    def _on_progressed(self, key: int, phase: str, fraction: float) -> None:
        """Pass a job's progress on to its worker."""
        worker = self._workers.get(key)
        if worker is not None:
            worker.progressed.emit(phase, fraction)

    @Slot(int)
    def _on_ended(self, key: int) -> None:
        """Report a job's outcome, and let go of its worker."""
        worker = self._workers.pop(key, None)
        if worker is not None:
            worker._report()


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    """The application's relay, made on first use (on the GUI thread)."""
    global _relay
    if _relay is None or not Shiboken.isValid(_relay):
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("workers need a QApplication")
        _relay = _Relay(app)
    return _relay


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
    _the_relay().submit(worker)
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
