"""Starting the desktop app: ``loupe [FILE ...]``.

The app logs what goes wrong, tracebacks included, to a rotating file in the
user's log folder (``logs/loupe.log`` under Qt's ``AppLocalDataLocation``); the
user sees one line. When that folder cannot be written the app starts anyway,
without a log, and says so on stderr. Only the desktop's own records go there:
error messages name files, never credentials or rows.
"""

from __future__ import annotations

import ctypes.util
import logging
import os
import sys
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.startup import REPORT_VARIABLE

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon

__all__ = [
    "app_icon",
    "check_platform",
    "configure_logging",
    "identify",
    "log_folder",
    "main",
    "missing_xcb_libraries",
    "start_logging",
]

LOG_NAME = "loupe.log"
# A few rotated files of this size keep weeks of errors and never fill a disk.
_LOG_BYTES = 1_000_000
_LOG_BACKUPS = 3

# What Qt's xcb (X11) platform plugin needs beyond a bare Linux system.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xinerama": "libxcb-xinerama0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def missing_xcb_libraries() -> list[str]:
    """Debian package names of the X11 libraries Qt needs that this system lacks."""
    return [
        package for lib, package in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None
    ]


def log_folder() -> Path | None:
    """The folder the app's log lives in (needs the application's name set).

    None when the system names no data folder: the log never goes to the
    current directory.
    """
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(location) / "logs" if location else None


def configure_logging(folder: Path) -> Path:
    """Send the desktop's log records to a rotating file in ``folder``; return its path.

    Calling it again with the same folder changes nothing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    logger = logging.getLogger("desktop")
    logger.setLevel(logging.INFO)
    if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        handler = RotatingFileHandler(
            path, maxBytes=_LOG_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8", delay=True
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    return path


def start_logging() -> Path | None:
    """Log to :func:`log_folder`, or say on stderr that the app runs without a log.

    Returns the log file, or None. A data folder that cannot be written must not
    stop the app from starting.
    """
    folder = log_folder()
    if folder is None:
        sys.stderr.write("warning: no data folder to keep a log in; logging is off\n")
        return None
    try:
        return configure_logging(folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        sys.stderr.write(f"warning: cannot write the log in {folder} ({reason}); logging is off\n")
        return None


def app_icon() -> QIcon:
    """Loupe's icon at every size it is drawn in."""
    from PySide6.QtGui import QIcon

    from desktop.identity import ICON_SIZES, icon_png

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)))
    return icon


def identify(app: QCoreApplication) -> None:
    """Give ``app`` Loupe's name, version and icon.

    The desktop file name lets Linux desktops match the window to ``loupe.desktop``
    (its icon and name in the dock and the task switcher).
    """
    from PySide6.QtGui import QGuiApplication

    from desktop.identity import APP_ID, APP_NAME, VERSION

    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(VERSION)
    QGuiApplication.setDesktopFileName(APP_ID)
    QGuiApplication.setWindowIcon(app_icon())


def check_platform() -> int | None:
    """Check there is a display Qt can use; return the exit code (2) after saying why not.

    Also turns Chromium's sandbox off for root, which it refuses to run as with it on.
    """
    if sys.platform.startswith("linux") and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            sys.stderr.write("error: no display to show the window on (DISPLAY is not set)\n")
            return 2
        missing = missing_xcb_libraries()
        if missing and not os.environ.get("WAYLAND_DISPLAY"):
            sys.stderr.write(
                "error: Qt needs system libraries that are missing: "
                f"{', '.join(missing)} (Debian/Ubuntu: sudo apt install {' '.join(missing)})\n"
            )
            return 2
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    return None


def main(files: Sequence[str] = ()) -> int:
    """Open the main window (and ``files``); return the exit code."""
    failed = check_platform()
    if failed is not None:
        return failed

    from desktop.qt_quiet import install_message_filter, quiet_chromium

    quiet_chromium()
    install_message_filter()

    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must load before the app
    from PySide6.QtWidgets import QApplication

    from desktop.qt_gc import QtGarbageCollector
    from desktop.qt_main_window import QtMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify(app)
    # Workers must never be the ones freeing Qt objects: collect on this thread only.
    collector = QtGarbageCollector(app)
    start_logging()
    window = QtMainWindow()
    for name in files:
        window.open_path(name)
    report = os.environ.get(REPORT_VARIABLE, "")
    if report:
        from desktop.qt_startup_report import QtStartupReport

        QtStartupReport(window, quit_after=report == "exit")
    window.show()
    try:
        return int(app.exec())
    finally:
        collector.stop()
