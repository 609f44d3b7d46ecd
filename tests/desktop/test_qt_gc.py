"""Garbage is freed on the GUI thread, never by whichever worker happens to allocate."""

from __future__ import annotations

import gc
import threading
from typing import Any, ClassVar

from desktop.qt_gc import QtGarbageCollector


class _Cycle:
    """An object in a reference cycle that says on which thread it was freed."""

    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_are_freed_by_the_timer_on_the_gui_thread(
    qtbot: Any, qapp: Any, gui_thread_garbage: QtGarbageCollector
) -> None:
    gui_thread_garbage.stop()  # this test's collector alone
    assert gc.isenabled()
    try:
        collector = QtGarbageCollector(qapp, interval=50)
        try:
            _collect_on_the_gui_thread(qtbot)
        finally:
            collector.stop()
        assert gc.isenabled()  # back to Python's own collection
    finally:
        gui_thread_garbage.start()


def _collect_on_the_gui_thread(qtbot: Any) -> None:
    """A cycle becomes garbage while a worker allocates: the timer frees it, not the worker."""
    assert not gc.isenabled()  # a worker's allocations never start a collection
    _Cycle.freed_on.clear()
    _Cycle()  # now garbage, held only by its own cycle

    kept: list[list[int]] = []

    def allocate() -> None:  # a worker allocating well past the threshold
        kept.extend([] for _ in range(gc.get_threshold()[0] * 3))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert _Cycle.freed_on == []  # not collected by the worker
    qtbot.waitUntil(lambda: _Cycle.freed_on != [], timeout=5000)
    assert _Cycle.freed_on == [threading.main_thread().name]
