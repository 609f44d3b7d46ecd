"""Start-up time: measured from the process's start, reported at the window's first paint."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from core.samples import SAMPLE_CSV
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


def test_the_launcher_knows_every_sub_command_without_importing_them() -> None:
    from cloud.cli import COMMANDS as CLOUD_COMMANDS
    from core.cli import COMMANDS as CORE_COMMANDS
    from desktop import launcher

    assert launcher.CORE_COMMANDS == CORE_COMMANDS
    assert launcher.CLOUD_COMMANDS == CLOUD_COMMANDS
    # Opening the app imports neither command line before the window.
    code = (
        "import sys, desktop.launcher; "
        "print(sorted(m for m in ('core.cli', 'cloud.cli') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_the_keyring_is_looked_for_at_the_first_use_only() -> None:
    from desktop.models.ai import NO_KEYRING, ApiKeys

    looked: list[str] = []

    def find() -> None:
        looked.append("keyring")
        return None

    keys = ApiKeys(find=find)
    assert looked == []
    assert keys.get("https://example.test/v1") is None
    assert keys.note == NO_KEYRING and looked == ["keyring"]
    keys.set("https://example.test/v1", "k")
    assert keys.get("https://example.test/v1") == "k" and looked == ["keyring"]


def test_a_worker_finds_the_keyring_once_and_the_window_thread_never_waits_for_it() -> None:
    import threading

    from desktop.models.ai import ApiKeys
    from tests.cloud.client.file_keyring import FileKeyring

    threads: list[str] = []

    def find() -> FileKeyring:
        threads.append(threading.current_thread().name)
        return FileKeyring()

    keys = ApiKeys(find=find)
    worker = threading.Thread(target=keys.find_now, name="finder")
    worker.start()
    worker.join()
    assert threads == ["finder"]
    keys.get("https://example.test/v1")
    keys.find_now()  # found already: nothing more
    assert threads == ["finder"]

    def broken() -> None:
        raise RuntimeError("no D-Bus")

    failing = ApiKeys(find=broken)
    failing.find_now()  # the worker swallows it; the first use meets it
    with pytest.raises(RuntimeError, match="no D-Bus"):
        failing.get("https://example.test/v1")


def test_the_first_chart_pane_takes_the_view_made_while_idle(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    from core.samples import SAMPLE_CSV
    from desktop.qt_chart_view import has_spare

    window.show()
    qtbot.waitUntil(lambda: window._browser_warmup is not None, timeout=30_000)
    made_while_idle = window._browser_warmup
    assert has_spare() and not made_while_idle.isVisible()
    view = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        pass
    with qtbot.waitSignal(view.charted, timeout=60_000):
        view.start_profile()
    assert view.charts is made_while_idle and view.charts.isVisible()
    # Once no work runs, the next tab's view is made ahead.
    qtbot.waitUntil(has_spare, timeout=30_000)
    assert view.charts is not None


def test_the_browser_warms_up_after_the_first_paint(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from desktop.models.ai import AIAccess, AISettings, ApiKeys
    from desktop.qt_main_window import QtMainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = QtMainWindow(settings, ai=AIAccess(AISettings(), ApiKeys(None)))
    qtbot.addWidget(window)
    assert window._browser_warmup is None  # nothing of Chromium before the window shows
    window.show()
    qtbot.waitUntil(lambda: window._browser_warmup is not None, timeout=30_000)
    assert not window._browser_warmup.isVisible()


def test_a_sub_command_exits_with_its_output_written_and_exit_handlers_run(
    tmp_path: Path,
) -> None:
    """``loupe profile`` leaves without tearing down the interpreter, but nothing is lost."""
    data = tmp_path / "orders.csv.gz"
    data.write_bytes(gzip.compress(SAMPLE_CSV.read_bytes()))
    out, marker, temp = tmp_path / "p.json", tmp_path / "handler-ran", tmp_path / "tmp"
    temp.mkdir()
    script = (
        "import atexit, sys; "
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ran')); "
        "from desktop.launcher import run; "
        f"sys.argv = ['loupe', 'profile', {str(data)!r}, '--json', {str(out)!r}]; run()"
    )
    env = {**os.environ, "TMPDIR": str(temp)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["dataset"]["rows"] == 2000
    assert done.stderr.strip().endswith(f"wrote {out}")
    assert marker.read_text() == "ran"
    assert not list(temp.iterdir())  # the decompressed copy went with the table
    failed = subprocess.run(
        [sys.executable, "-c", script.replace(str(data), str(tmp_path / "none.csv"))],
        capture_output=True,
        text=True,
        env=env,
    )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and "none.csv" in failed.stderr
