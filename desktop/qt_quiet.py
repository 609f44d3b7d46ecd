"""Keeping the terminal quiet at start: harmless graphics notices are dropped, the rest kept.

On a machine without Vulkan, DRI3 or a system D-Bus (a VM, a remote
desktop, a container), Qt and its embedded Chromium say so at every start in
lines that read like failures, though the app falls back to software drawing
and works. :func:`quiet_chromium` sets Chromium's own log level to fatal-only
(before Qt starts, and only when the user has not chosen one);
:func:`install_message_filter` drops Qt's known-harmless notices and passes
every other message on, formatted as Qt would.
"""

from __future__ import annotations

import os
import re
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

__all__ = ["HARMLESS", "harmless", "install_message_filter", "quiet_chromium"]

#: Qt's notices that a graphics feature is missing, which the app does not need.
HARMLESS = re.compile(
    r"^(Failed to load vulkan"
    r"|initInstance: No Vulkan library available"
    r"|Failed to create platform Vulkan instance"
    r"|Unable to detect GPU vendor for device"
    r"|GLX: No DRI3 Extension)"
)
_CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


def harmless(mode: QtMsgType, message: str) -> bool:
    """Whether Qt's ``message`` is a known-harmless notice (warnings and below only)."""
    serious = mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
    return not serious and HARMLESS.match(message) is not None


def quiet_chromium() -> None:
    """Have Chromium print only its fatal errors, unless the user set a log level.

    Its error lines at start are about its own surroundings (no system D-Bus,
    no GPU) and change nothing for the pages Loupe shows.
    """
    flags = os.environ.get(_CHROMIUM_FLAGS, "")
    if "--log-level" not in flags and "--enable-logging" not in flags:
        os.environ[_CHROMIUM_FLAGS] = f"{flags} --log-level=3".strip()


def _filter(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages: the harmless ones dropped, the rest on stderr as Qt formats them."""
    if not harmless(mode, message):
        sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")


def install_message_filter() -> None:
    """Route Qt's messages through the filter (unless ``QT_LOGGING_RULES`` is set)."""
    if not os.environ.get("QT_LOGGING_RULES"):
        qInstallMessageHandler(_filter)
