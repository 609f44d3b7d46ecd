"""Headless Chromium for the reports' tests: a page drawn offline, its DOM after the scripts ran."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium() -> str:
    """The Chromium command; skips the test when none is installed (fails on CI)."""
    browser = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip(
            "Chromium is not installed (Debian: apt install chromium); cannot check rendering"
        )
    return browser


def rendered_dom(page: Path, scratch: Path, fragment: str = "", size: str = "") -> tuple[str, str]:
    """The DOM of ``page`` once its scripts ran, with the network closed, and Chromium's stderr.

    ``fragment`` is added to the address (``#all`` draws every chart at once);
    ``size`` is the window's (``1400,1000``).
    """
    window = [f"--window-size={size}"] if size else []
    result = subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={scratch / 'chromium-profile'}", *window,
            # The network is closed: every host fails to resolve, every proxy is dead.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=60000", "--dump-dom", f"{page.as_uri()}{fragment}",
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    return result.stdout, result.stderr
