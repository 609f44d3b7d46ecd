"""The app in a real X11 window (Xvfb): it starts, shows the file, draws, and Ctrl+Q exits with 0.

Needs Debian's ``xvfb``, ``xdotool`` and ``imagemagick`` and Qt's xcb libraries;
``.ci/run`` installs them. Elsewhere the test skips, saying what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from core.samples import SAMPLE_CSV
from desktop.app import missing_xcb_libraries

TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}


def _missing() -> list[str]:
    packages = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    return packages + missing_xcb_libraries()


@pytest.fixture
def display() -> Iterator[str]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing on CI ({', '.join(missing)}): .ci/run must install them")
        pytest.skip(f"real-window test needs Debian packages: {' '.join(missing)}")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    assert number.isdigit(), "Xvfb did not report its display"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_real_window_opens_draws_and_quits(display: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the app's settings stay here
        "HOME": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop.launcher", str(SAMPLE_CSV)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The title names the file once its tab is open.
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "retail_orders.csv — Loupe"],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        window = found.stdout.split()[0]
        shot = tmp_path / "screen.png"

        def colours() -> int:
            subprocess.run(
                ["import", "-window", "root", str(shot)], env=env, check=True, timeout=60
            )
            image = QImage(str(shot))
            step = 16
            return len(
                {
                    image.pixel(x, y)
                    for x in range(0, image.width(), step)
                    for y in range(0, image.height(), step)
                }
            )

        # Drawn: menus, grid text and lines make many colours, a blank screen one.
        # The window maps before it paints, so poll the screen for a while.
        deadline = time.monotonic() + 60
        while (seen := colours()) <= 8 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert seen > 8
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", window], env=env, check=True, timeout=30
        )
        subprocess.run(
            ["xdotool", "key", "--clearmodifiers", "ctrl+q"], env=env, check=True, timeout=30
        )
        code = app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
        _, err = app.communicate(timeout=30)
    assert code == 0, err
    assert "Traceback" not in err
    assert (tmp_path / "config" / "Loupe" / "Loupe.conf").exists()  # recent files, saved


def _pixels_of(shot: Path, env: dict[str, str], rgb: int) -> int:
    """Pixels of exactly colour ``rgb`` on the screen, taken into ``shot``."""
    import numpy as np

    subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True, timeout=60)
    image = QImage(str(shot)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.width() * image.height())
    return int(np.count_nonzero((pixels & 0xFFFFFF) == rgb))


def test_real_window_compares_two_open_files(
    display: str, tmp_path: Path, months: dict[str, Path]
) -> None:
    """Two files open; Ctrl+Shift+D and Enter compare them in a tab drawn on the screen."""
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop.launcher", str(months["jan"]), str(months["jul"])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def xdotool(*args: str, timeout: float = 90) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=env, capture_output=True, text=True, timeout=timeout
        )
        return done.stdout

    try:
        # The last file opened is the current tab: it is A, the reference.
        window = xdotool("search", "--sync", "--onlyvisible", "--name", "flights-07.csv — Loupe")
        window = window.split()[0]
        xdotool("windowfocus", "--sync", window)
        xdotool("key", "--clearmodifiers", "ctrl+shift+d")
        chooser = xdotool("search", "--sync", "--onlyvisible", "--name", "Compare with")
        xdotool("windowfocus", "--sync", chooser.split()[0])
        xdotool("key", "--clearmodifiers", "Return")
        # The compare tab names both files in the window's title ...
        found = xdotool(
            "search", "--sync", "--onlyvisible", "--name", "flights-07.csv ↔ flights-01.csv"
        )
        assert found.split()
        # ... and once the comparison is made, its critical drifts show in their colour.
        shot = tmp_path / "screen.png"
        deadline = time.monotonic() + 90
        while (critical := _pixels_of(shot, env, 0xD55E00)) < 20 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert critical >= 20
        # A click on a column of the table (there is no window manager to give the window
        # back its focus when the chooser closes), then Ctrl+Q quits.
        xdotool("mousemove", "--sync", "100", "550", "click", "1")
        xdotool("windowfocus", "--sync", window)
        xdotool("key", "--clearmodifiers", "ctrl+q")
        code = app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
        _, err = app.communicate(timeout=30)
    assert code == 0, err
    assert "Traceback" not in err
