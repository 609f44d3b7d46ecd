"""The installers' smoke harness: which stderr lines it lets through, and its clean environment."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("smoke", ROOT / "packaging" / "smoke.py")
assert _spec and _spec.loader
smoke = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(smoke)


def test_every_allowed_pattern_has_a_comment_saying_why() -> None:
    # A pattern's paragraph (lines up to the blank line above it) starts with a comment.
    lines = smoke.ALLOWLIST.read_text().splitlines()
    for number, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            paragraph = lines[:number]
            while paragraph and paragraph[-1].strip():
                paragraph.pop()
            start = lines[len(paragraph)]
            assert start.startswith("#"), f"no comment says why {line!r} is allowed"
    assert smoke.allowed_patterns()


def test_harmless_notices_pass_and_anything_else_fails() -> None:
    stderr = (
        'Detected locale "C" with character encoding "ANSI_X3.4-1968", which is not UTF-8.\n'
        "GLX: No DRI3 Extension.\n"
        "[24909:24952:1127/214053.690222:ERROR:../../../qtwebengine/src/3rdparty/chromium/"
        "dbus/bus.cc:408] Failed to connect to the bus: Failed to connect to socket "
        "/run/dbus/system_bus_socket: No such file or directory\n"
        "\n"
        "Traceback (most recent call last):\n"
        "ImportError: libshiboken: could not import module 'PySide6.QtWebEngineCore'\n"
    )
    assert smoke.unexpected(stderr, smoke.allowed_patterns()) == [
        "Traceback (most recent call last):",
        "ImportError: libshiboken: could not import module 'PySide6.QtWebEngineCore'",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX environment")
def test_the_app_sees_only_display_home_and_the_system_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISPLAY", ":7")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.delenv("XAUTHORITY", raising=False)
    assert smoke.clean_environment(tmp_path) == {
        "DISPLAY": ":7",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
