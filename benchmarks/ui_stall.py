"""Time to first rows and the longest UI stall while the desktop app opens and profiles a file.

A 10 ms QTimer runs on the GUI thread while Loupe reads and profiles the file
in its workers; the longest gap between ticks, less the 10 ms period, is the
longest time the window could not repaint or respond.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_stall.py FILE
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from desktop.qt_main_window import QtMainWindow


def main() -> None:
    """Open FILE, profile it, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    window = QtMainWindow(QSettings("/tmp/loupe-bench.ini", QSettings.Format.IniFormat))
    window.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    marks: dict[str, float] = {}
    start = time.perf_counter()
    timer.start()
    view = window.open_path(args.file)
    view.model.modelReset.connect(
        lambda: marks.setdefault("first rows", time.perf_counter() - start)
    )
    view.loaded.connect(
        lambda: (marks.setdefault("all rows", time.perf_counter() - start), view.start_profile())
    )
    view.profiled.connect(
        lambda: (marks.setdefault("profiled", time.perf_counter() - start), app.quit())
    )
    view.failed.connect(lambda message: (print("failed:", message), app.quit()))
    app.exec()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    worst = max(gaps) - 0.010 if gaps else float("nan")
    ordered = sorted(gaps)
    p99 = ordered[int(len(ordered) * 0.99)] - 0.010 if ordered else float("nan")
    worst_five = sorted(range(len(gaps)), key=lambda i: -gaps[i])[:5]
    for i in sorted(worst_five):
        print(f"stall of {gaps[i] * 1000:6.0f} ms at {ticks[i] - start:6.2f} s")
    for name, seconds in marks.items():
        print(f"{name:12} {seconds:8.2f} s")
    print(
        f"longest UI stall {worst * 1000:8.0f} ms; "
        f"99th percentile {p99 * 1000:.0f} ms; {len(ticks)} ticks"
    )


if __name__ == "__main__":
    main()
