"""Workers on Qt's thread pool: outcomes arrive as signals, errors as the exception object."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

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
