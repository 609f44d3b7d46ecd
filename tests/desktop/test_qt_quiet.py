"""A quiet start: harmless graphics notices are dropped, every other message is kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qWarning

from desktop import qt_quiet


@pytest.fixture
def message_filter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The filter installed for the test, Qt's own handler back afterwards."""
    monkeypatch.delenv("QT_LOGGING_RULES", raising=False)
    qt_quiet.install_message_filter()
    yield
    qInstallMessageHandler(None)


def test_known_harmless_notices_are_dropped_and_others_kept(
    message_filter: None, capfd: Any
) -> None:
    qWarning("Failed to load vulkan: Cannot load library vulkan")
    qWarning("GLX: No DRI3 Extension.")
    qWarning("Unable to detect GPU vendor for device: Mesa llvmpipe")
    qWarning("QFile::open: No such file or directory")
    err = capfd.readouterr().err
    assert "vulkan" not in err and "DRI3" not in err and "GPU vendor" not in err
    assert "QFile::open: No such file or directory" in err


def test_a_critical_message_is_never_dropped() -> None:
    assert qt_quiet.harmless(QtMsgType.QtWarningMsg, "GLX: No DRI3 Extension.")
    assert not qt_quiet.harmless(QtMsgType.QtCriticalMsg, "GLX: No DRI3 Extension.")


def test_chromium_log_level_is_set_only_when_the_user_did_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    qt_quiet.quiet_chromium()
    assert qt_quiet.os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--no-sandbox --log-level=3"
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--enable-logging --log-level=0")
    qt_quiet.quiet_chromium()
    assert qt_quiet.os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--enable-logging --log-level=0"


def test_the_users_logging_rules_leave_qt_messages_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed: list[object] = []
    monkeypatch.setattr(qt_quiet, "qInstallMessageHandler", installed.append)
    monkeypatch.setenv("QT_LOGGING_RULES", "*.debug=true")
    qt_quiet.install_message_filter()
    assert installed == []
    monkeypatch.delenv("QT_LOGGING_RULES")
    qt_quiet.install_message_filter()
    assert installed == [qt_quiet._filter]
