"""Time to first rows, the longest UI stall and memory while the desktop app works on a big file.

A 10 ms QTimer runs on the GUI thread while Loupe reads and profiles the file
in its workers, then sorts the grid by a column, filters it, searches it and
exports the rows shown; the longest gap between ticks, less the 10 ms period,
is the longest time the window could not repaint or respond. After each step
the process's resident memory is printed (Linux): all of it, the part that is
the program's own (anonymous) and the part that is mapped files, which the
system can take back under memory pressure; and at the end the peak.

All times count from the moment the window is asked to open the file
(``open_path``). "first rows" is when the grid's model first holds rows; "first
rows painted" is when the grid's viewport has finished its first paint with them.
"profiled" less "all rows" is the desktop's profile (it starts once all rows are
in). With ``--cli``, ``loupe profile FILE --json OUT`` then runs as a whole process
on the same file, and both profile times are printed side by side.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_stall.py FILE [--cli]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from timing import run

from desktop.qt_main_window import QtMainWindow


class _FirstPaint(QObject):
    """Calls back once, when a paint of the watched widget with rows in it has finished."""

    def __init__(self, has_rows: Callable[[], bool], done: Callable[[], object]) -> None:
        super().__init__()
        self._has_rows, self._done, self._fired = has_rows, done, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the first paint event with rows, call back as soon as the paint is over."""
        if not self._fired and event.type() == QEvent.Type.Paint and self._has_rows():
            self._fired = True
            QTimer.singleShot(0, self._done)  # runs after this paint event is handled
        return False


def main() -> None:
    """Open FILE, profile it, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--sort", default="amount", help="column to sort by")
    parser.add_argument("--filter", default="channel=web", help="COLUMN=FILTER TEXT")
    parser.add_argument("--search", default="Nairobi", help="quick-search text")
    parser.add_argument(
        "--cli", action="store_true", help="then time `loupe profile` on the same file"
    )
    args = parser.parse_args()
    filter_column, filter_text = args.filter.split("=", 1)
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
        lambda: (
            view.model.rowCount() > 0
            and marks.setdefault("first rows", time.perf_counter() - start)
        )
    )
    painted = _FirstPaint(
        lambda: view.model.rowCount() > 0,
        lambda: marks.setdefault("first rows painted", time.perf_counter() - start),
    )
    view.grid.viewport().installEventFilter(painted)

    def all_rows() -> None:
        marks.setdefault("all rows", time.perf_counter() - start)
        view.start_profile()

    view.loaded.connect(all_rows)
    # After the profile: sort, filter, search, export, each waiting for the one before.
    steps: list[tuple[str, Callable[[], object]]] = [
        ("profiled", lambda: view.sort_by(args.sort, True)),
        ("sorted", lambda: view.set_filter(filter_column, f"= {filter_text}")),
        ("filtered", lambda: view.search.setText(args.search)),
        ("searched", lambda: view.export_rows(Path("/tmp/loupe-bench-rows.parquet"))),
        ("exported", app.quit),
    ]

    def step() -> None:
        name, action = steps.pop(0)
        marks[name] = time.perf_counter() - start
        print(
            f"{name:12} {marks[name]:8.2f} s  ({view.model.rowCount():,} rows shown)  {_memory()}"
        )
        action()

    view.loaded.connect(lambda: print(f"{'all rows':12} {'':8}    {_memory()}"))

    view.charted.connect(lambda: marks.setdefault("charts shown", time.perf_counter() - start))
    view.profiled.connect(step)
    view.queried.connect(step)
    view.exported.connect(lambda _: step())
    view.failed.connect(lambda message: (print("failed:", message), app.quit()))
    app.exec()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    worst = max(gaps) - 0.010 if gaps else float("nan")
    ordered = sorted(gaps)
    p99 = ordered[int(len(ordered) * 0.99)] - 0.010 if ordered else float("nan")
    worst_five = sorted(range(len(gaps)), key=lambda i: -gaps[i])[:5]
    for i in sorted(worst_five):
        print(f"stall of {gaps[i] * 1000:6.0f} ms at {ticks[i] - start:6.2f} s")
    for name in ("first rows", "first rows painted", "all rows", "charts shown"):
        print(f"{name:18} {marks.get(name, float('nan')):8.2f} s")
    desktop = marks.get("profiled", float("nan")) - marks.get("all rows", float("nan"))
    own = view.profile_seconds or float("nan")
    print(f"profile in the desktop {desktop:8.2f} s (its own count: {own:.2f} s)")
    if args.cli:
        cmd = [str(Path(sys.executable).parent / "loupe"), "profile", str(args.file)]
        cli, _ = run([*cmd, "--json", "/tmp/loupe-bench-profile.json"])
        print(
            f"profile by the CLI    {cli.wall:8.2f} s (whole process, peak RSS "
            f"{cli.peak_mb:.0f} MB); desktop / CLI {desktop / cli.wall:.2f}x"
        )
    print(
        f"longest UI stall {worst * 1000:8.0f} ms; "
        f"99th percentile {p99 * 1000:.0f} ms; {len(ticks)} ticks"
    )
    peak = _status().get("VmHWM")
    if peak is not None:
        print(f"peak resident memory {peak / 1024:8.0f} MB")


def _status() -> dict[str, int]:
    """The process's memory figures from /proc (kB; empty where there is no /proc)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return {}
    figures = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in {"VmRSS", "RssAnon", "RssFile", "VmHWM"}:
            figures[key] = int(value.split()[0])
    return figures


def _memory() -> str:
    """Resident memory now: all, the process's own, and mapped files (MB)."""
    figures = _status()
    if not figures:
        return ""
    return (
        f"resident {figures['VmRSS'] / 1024:6.0f} MB "
        f"(own {figures['RssAnon'] / 1024:6.0f} MB, files {figures['RssFile'] / 1024:6.0f} MB)"
    )


if __name__ == "__main__":
    main()
