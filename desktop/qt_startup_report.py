"""Says when the main window is first painted (see :mod:`desktop.startup`)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.startup import since_start

__all__ = ["QtStartupReport"]


class QtStartupReport(QObject):
    """Prints ``startup: first paint after X.XX s`` at ``window``'s first paint.

    With ``quit_after``, the application then quits (exit code 0).
    """

    def __init__(
        self,
        window: QWidget,
        *,
        quit_after: bool = False,
        write: Callable[[str], object] = sys.stderr.write,
    ) -> None:
        super().__init__(window)
        self.seconds: float | None = None
        self._window = window
        self._quit_after = quit_after
        self._write = write
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint and self.seconds is None:
            self.seconds, source = since_start()
            self._window.removeEventFilter(self)
            self._write(f"startup: first paint after {self.seconds:.2f} s (since {source})\n")
            if self._quit_after:
                # After this paint has finished.
                QTimer.singleShot(0, self._window.close)
                QTimer.singleShot(0, QApplication.quit)
        return False
