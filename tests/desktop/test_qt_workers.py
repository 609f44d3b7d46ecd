"""Workers on Qt's thread pool: outcomes arrive as signals, errors as the exception object."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from core.errors import Cancelled
from desktop.qt_workers import QtRunner, Worker

LONG = 60_000


def test_an_error_arrives_as_the_exception_object(qtbot: Any) -> None:
    boom = KeyError("amount")

    def fails(progress: Any, cancelled: Any) -> None:
        progress("reading", 0.5)
        raise boom

    worker = Worker(fails)
    with qtbot.waitSignal(worker.errored, timeout=LONG) as errored:
        worker.run()
    assert errored.args[0] is boom and boom.__traceback__ is not None


def test_the_runner_reports_to_its_owner_on_the_gui_thread(qtbot: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    results: list[Any] = []
    progress: list[tuple[str, float]] = []
    on_gui_thread: list[bool] = []

    def heard(record: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any) -> None:
            on_gui_thread.append(threading.current_thread() is threading.main_thread())
            record(*args)

        return call

    def counts(report: Any, cancelled: Any) -> int:
        report("counting", 1.0)
        return 42

    # The handlers are connected before the worker starts: none of its signals is missed.
    QtRunner(owner).run(
        counts,
        finished=heard(results.append),
        errored=heard(results.append),
        cancelled=heard(lambda: results.append("cancelled")),
        progressed=heard(lambda phase, fraction: progress.append((phase, fraction))),
    )
    qtbot.waitUntil(lambda: bool(results), timeout=LONG)
    assert results == [42] and progress == [("counting", 1.0)]

    def stops(report: Any, cancelled: Any) -> None:
        raise Cancelled("stopped")

    QtRunner(owner).run(
        stops,
        finished=heard(results.append),
        errored=heard(results.append),
        cancelled=heard(lambda: results.append("cancelled")),
    )
    qtbot.waitUntil(lambda: len(results) == 2, timeout=LONG)
    assert results == [42, "cancelled"]
    assert on_gui_thread == [True, True, True]


class _Rows:
    """Stands in for a large table a task works on."""


def test_a_finished_worker_and_its_task_are_freed(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test's log capture keeps records, and the error's with them: keep them out.
    monkeypatch.setattr(logging.getLogger("desktop"), "propagate", False)
    owner = QWidget()
    qtbot.addWidget(owner)
    results: list[Any] = []
    held: list[weakref.ref[Any]] = []

    def run_one(raises: bool) -> None:
        rows = _Rows()

        def task(report: Any, cancelled: Any) -> int:
            report("counting", 0.5)
            if raises:
                raise ValueError("no rows")  # its traceback holds the task's frame
            return len([rows])

        worker = QtRunner(owner).run(
            task,
            finished=results.append,
            errored=results.append,
            cancelled=lambda: results.append("cancelled"),
            progressed=lambda phase, fraction: None,
        )
        held.extend([weakref.ref(rows), weakref.ref(task), weakref.ref(worker)])

    run_one(raises=False)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=LONG)
    run_one(raises=True)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=LONG)
    assert results[0] == 1 and isinstance(results[1], ValueError)
    results.clear()  # the error's traceback is the test's to let go of
    # Freed once its outcome was heard (no sleeping: the check is polled with the event loop).
    qtbot.waitUntil(lambda: gc.collect() >= 0 and all(ref() is None for ref in held), timeout=5_000)
