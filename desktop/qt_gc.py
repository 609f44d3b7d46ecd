"""Garbage collection on the GUI thread alone.

Python collects reference cycles in whichever thread happens to allocate when a
threshold is crossed, so a worker building charts can be the one that frees a
closed window or dialog — and Qt objects destroyed off the GUI thread crash the
app. As pyqtgraph's ``GarbageCollector`` does, :class:`QtGarbageCollector` turns
automatic collection off and collects from a timer on the GUI thread instead, as
often as Python's own thresholds would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["QtGarbageCollector"]

# Collectors running: automatic collection comes back when the last one stops.
_running = 0


class QtGarbageCollector(QObject):
    """Collects garbage every ``interval`` ms on the thread it lives on (the GUI's)."""

    def __init__(self, parent: QObject | None = None, interval: int = 1000) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval)
        self._timer.timeout.connect(self._on_timeout)
        self.start()

    def start(self) -> None:
        """Collect here from now on (again, after :meth:`stop`); Python no longer collects."""
        if self._timer.isActive():
            return
        self._timer.start()
        global _running
        _running += 1
        gc.disable()

    def _on_timeout(self) -> None:
        """Collect the generations Python would have collected by now."""
        thresholds, counts = gc.get_threshold(), gc.get_count()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """Stop collecting here; Python collects on its own again once no collector runs."""
        global _running
        if not self._timer.isActive():
            return
        self._timer.stop()
        _running -= 1
        if _running == 0:
            gc.enable()
