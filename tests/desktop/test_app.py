"""Starting the app: a missing display or missing libraries are clear errors; the log file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop import app as desktop_app
from desktop.models.tasks import InlineRunner


def test_missing_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert desktop_app.main([]) == 2
    assert "no display" in capsys.readouterr().err
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(desktop_app, "missing_xcb_libraries", lambda: ["libxcb-cursor0"])
    assert desktop_app.main([]) == 2
    assert "apt install libxcb-cursor0" in capsys.readouterr().err


@pytest.fixture
def desktop_logger() -> Iterator[logging.Logger]:
    """The desktop's logger, given back as it was found."""
    logger = logging.getLogger("desktop")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in logger.handlers:
        if handler not in handlers:
            handler.close()
    logger.handlers[:], logger.level = handlers, level


def test_a_failure_is_logged_with_its_traceback(
    desktop_logger: logging.Logger, tmp_path: Path
) -> None:
    path = desktop_app.configure_logging(tmp_path / "logs")
    assert desktop_app.configure_logging(tmp_path / "logs") == path  # once, however often called
    assert path == tmp_path / "logs" / "loupe.log" and len(desktop_logger.handlers) == 1

    def fails(progress: Any, cancelled: Any) -> None:
        raise ZeroDivisionError("no rows to divide by")

    errors: list[BaseException] = []
    InlineRunner().run(fails, finished=print, errored=errors.append, cancelled=print)
    for handler in desktop_logger.handlers:
        handler.flush()
    logged = path.read_text(encoding="utf-8")
    assert "internal error: ZeroDivisionError: no rows to divide by" in logged
    assert "Traceback (most recent call last)" in logged and "in fails" in logged
    assert isinstance(errors[0], ZeroDivisionError)


def test_an_unwritable_data_folder_does_not_stop_the_app(
    qapp: Any,
    desktop_logger: logging.Logger,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    from PySide6.QtWidgets import QApplication

    import desktop.qt_main_window

    handlers = list(desktop_logger.handlers)
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setattr(desktop_app, "log_folder", lambda: blocked / "logs")
    assert desktop_app.start_logging() is None
    assert "logging is off" in capsys.readouterr().err
    assert desktop_logger.handlers == handlers
    # The app starts all the same (its window and event loop stood in for).
    shown: list[str] = []

    class Window:
        def open_path(self, name: str) -> None:
            shown.append(name)

        def show(self) -> None:
            shown.append("shown")

    monkeypatch.setattr(desktop.qt_main_window, "QtMainWindow", Window)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(qapp, "setApplicationName", lambda name: None)
    assert desktop_app.main(["orders.csv"]) == 0
    assert shown == ["orders.csv", "shown"] and "logging is off" in capsys.readouterr().err


def test_no_data_folder_never_logs_to_the_working_directory(
    desktop_logger: logging.Logger,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    from PySide6.QtCore import QStandardPaths

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda location: "")
    handlers = list(desktop_logger.handlers)
    assert desktop_app.log_folder() is None
    assert desktop_app.start_logging() is None
    assert "logging is off" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [] and desktop_logger.handlers == handlers
