"""``loupe --smoke``: prove an installed Loupe works, step by step, in its real window.

Opens the bundled sample, profiles it, draws its overview charts in the
embedded browser and checks in the page that plotly.js drew them, then loads
the keyring backend. Prints one line per step with its seconds and exits 0;
any failure, or no answer within :data:`TIMEOUT_S`, prints one line naming the
step and exits 1. The settings it writes go to a temporary folder: the user's
recent files stay as they were.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication

from core.samples import SAMPLE_CSV
from desktop.models.ai import AIAccess, AISettings, ApiKeys
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.startup import since_start

__all__ = ["CHART_CHECK", "TIMEOUT_S", "QtSmokeTest", "keyring_backend"]

TIMEOUT_S = 120
# How many of plotly.js's drawn graphs the page holds (0 before it drew).
CHART_CHECK = (
    "[...document.querySelectorAll('.js-plotly-plot')]"
    ".filter((graph) => graph.querySelector('.main-svg')).length"
)
# The page loads before plotly.js has drawn a heavy figure: look again this often.
_RECHECK_MS = 100


def keyring_backend() -> tuple[str, bool]:
    """The keyring backend's name, and whether it keeps secrets (False: the "fail" backend)."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    backend = keyring.get_keyring()
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}", not isinstance(backend, NoKeyring)


class QtSmokeTest(QObject):
    """Runs the steps on ``window`` one after the other, as its signals arrive.

    Attributes:
        code: the exit code once finished (None while running).
        lines: what was printed.

    Signals:
        finished(int): the exit code, once the last step passed or one failed.
    """

    finished = Signal(int)

    def __init__(
        self,
        window: QtMainWindow,
        write: Callable[[str], object] = sys.stdout.write,
        sample: Path = SAMPLE_CSV,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.sample = sample
        self.code: int | None = None
        self.lines: list[str] = []
        self._write = write
        self._step = "starting"
        self._step_started = time.perf_counter()
        self._view: QtDatasetView | None = None
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(lambda: self._fail(f"no answer within {timeout_s:g} s"))
        self._timeout.start(int(timeout_s * 1000))

    def start(self) -> None:
        """Show the window and open the sample."""
        self._guarded(self._open)

    # -- the steps --------------------------------------------------------------------

    def _open(self) -> None:
        self._begin(f"opening {self.sample.name}")
        self.window.show()
        view = self._view = self.window.open_path(self.sample)
        view.failed.connect(self._fail)
        view.loaded.connect(lambda: self._guarded(self._on_loaded))

    def _on_loaded(self) -> None:
        view = self._need_view()
        base = view.session.base
        rows = base.height if base is not None else 0
        self._done(f"opened {self.sample.name} ({rows:,} rows)")
        self._begin(f"profiling {self.sample.name}")
        view.profiled.connect(lambda: self._guarded(self._on_profiled))
        view.start_profile()

    def _on_profiled(self) -> None:
        view = self._need_view()
        profile = view.profile
        columns = len(profile["columns"]) if profile is not None else 0
        self._done(f"profiled {self.sample.name} ({columns} columns)")
        self._begin("drawing a chart")
        view.charted.connect(lambda: self._guarded(self._check_chart))

    def _check_chart(self) -> None:
        if self._step != "drawing a chart":
            return
        page = self._need_view().charts.page()
        page.runJavaScript(CHART_CHECK, 0, lambda drawn: self._guarded(self._on_chart, drawn))

    def _on_chart(self, drawn: Any) -> None:
        if self._step != "drawing a chart":
            return
        if not isinstance(drawn, int | float) or drawn < 1:
            QTimer.singleShot(_RECHECK_MS, lambda: self._guarded(self._check_chart))
            return
        self._done(f"chart drawn ({int(drawn)} graphs)")
        self._begin("loading the keyring backend")
        name, keeps = keyring_backend()
        note = "" if keeps else " (note: no OS keyring here; API keys would last a session)"
        self._done(f"keyring backend {name}{note}")
        self._finish()

    # -- bookkeeping --------------------------------------------------------------------

    def _need_view(self) -> QtDatasetView:
        if self._view is None:
            raise RuntimeError("the sample's tab is gone")
        return self._view

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        """Run ``step``; an exception ends the smoke test with its line."""
        if self.code is not None:
            return
        try:
            step(*args)
        except Exception as exc:
            self._fail(f"{type(exc).__name__}: {exc}")

    def _begin(self, step: str) -> None:
        self._step, self._step_started = step, time.perf_counter()

    def _done(self, what: str) -> None:
        self._say(f"smoke: {what} in {time.perf_counter() - self._step_started:.2f} s")

    def _say(self, line: str) -> None:
        self.lines.append(line)
        self._write(line + "\n")

    def _finish(self) -> None:
        seconds, _ = since_start()
        self._say(f"smoke: ok in {seconds:.1f} s")
        self._end(0)

    def _fail(self, reason: str) -> None:
        if self.code is not None:
            return
        first = reason.strip().splitlines()[0] if reason.strip() else "unknown error"
        self._say(f"smoke: failed while {self._step}: {first}")
        self._end(1)

    def _end(self, code: int) -> None:
        self.code = code
        self._timeout.stop()
        self.finished.emit(code)


def main() -> int:
    """Run the smoke test in a real window; return the exit code."""
    from desktop.app import check_platform, identify

    failed = check_platform()
    if failed is not None:
        return failed
    from desktop.qt_gc import QtGarbageCollector

    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify(app)
    collector = QtGarbageCollector(app)
    with tempfile.TemporaryDirectory(prefix="loupe-smoke-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = QtMainWindow(settings, ai=AIAccess(AISettings(), ApiKeys(None)))
        smoke = QtSmokeTest(window)
        smoke.finished.connect(app.exit)
        QTimer.singleShot(0, smoke.start)
        try:
            app.exec()
        finally:
            window.close()
            collector.stop()
        return 1 if smoke.code is None else smoke.code
