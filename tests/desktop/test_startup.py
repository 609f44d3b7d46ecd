"""Start-up time: measured from the process's start, reported at the window's first paint."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import startup

ROOT = Path(__file__).resolve().parents[2]


def test_the_clock_counts_from_the_process_start() -> None:
    seconds, source = startup.since_start()
    # This test process started before this module was even imported.
    assert seconds >= time.perf_counter() - startup._IMPORTED
    assert 0 < seconds < 24 * 3600
    if sys.platform.startswith("linux"):
        assert source.startswith("process start")


def test_without_the_process_start_the_clock_counts_from_the_launcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "plan9")
    monkeypatch.setitem(sys.modules, "psutil", None)  # not installed
    seconds, source = startup.since_start()
    assert source == "launcher import" and seconds >= 0


def test_the_app_reports_its_first_paint_and_can_quit_there(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LOUPE_STARTUP_REPORT": "exit",
    }
    done = subprocess.run(
        [sys.executable, "-m", "desktop.launcher"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^startup: first paint after \d+\.\d\d s \(since .+\)$", done.stderr, re.M)
