"""Signals by the tens of thousands never exhaust None's or True's references."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# More emissions than None and True have references at the start: without the
# guard, PySide6 6.12.0 on Python 3.11 aborts with "deallocating None" / "True or False".
_SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    rounds = 2 * max(sys.getrefcount(None), sys.getrefcount(True))
    {guard}

    class Source(QObject):
        fired = Signal(int)

    heard = []
    source = Source()
    source.fired.connect(heard.append)
    action = QAction("x")
    action.triggered.connect(lambda: heard.append(0))
    for number in range(rounds):
        source.fired.emit(number)  # Python emits: True loses a reference here
        action.trigger()  # Qt calls a Python slot: None loses one here
    assert len(heard) == 2 * rounds
    del app
    print("done", rounds)
    """
)


def _run(guard: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(guard=guard)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_the_desktop_package_guards_the_singletons() -> None:
    done = _run("import desktop")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("done") and "Fatal Python error" not in done.stderr
