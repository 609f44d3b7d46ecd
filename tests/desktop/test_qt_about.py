"""The app's identity: its version from the package metadata, its icon, the About dialog."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication, QImage

from desktop import app as desktop_app
from desktop import identity, notices
from desktop.qt_about import QtAboutDialog
from desktop.qt_main_window import QtMainWindow


def test_the_version_is_the_installed_distributions() -> None:
    assert importlib.metadata.version("loupe") == identity.VERSION
    assert identity.version() == identity.VERSION


def test_without_an_installed_distribution_the_version_says_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert identity.version() == "0+unknown"


def test_every_icon_size_is_a_square_png_of_that_size() -> None:
    for size in identity.ICON_SIZES:
        image = QImage(str(identity.icon_png(size)))
        assert (image.width(), image.height()) == (size, size)
        # Transparent corners, an opaque middle: a drawn tile, not an empty square.
        assert image.pixelColor(0, 0).alpha() == 0
        assert image.pixelColor(size // 2, size // 2).alpha() == 255
    with pytest.raises(ValueError, match="no 20-pixel icon"):
        identity.icon_png(20)


def test_the_app_carries_its_name_version_and_icon(qapp: Any) -> None:
    desktop_app.identify(qapp)
    assert qapp.applicationName() == "Loupe"
    assert qapp.applicationVersion() == identity.VERSION
    assert QGuiApplication.desktopFileName() == "loupe"
    sizes = {(s.width(), s.height()) for s in QGuiApplication.windowIcon().availableSizes()}
    assert {(16, 16), (256, 256), (512, 512)} <= sizes


def test_about_shows_the_version_licence_and_components(qtbot: Any, tmp_path: Path) -> None:
    dialog = QtAboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert identity.VERSION in dialog.title.text()
    text = dialog.notices.toPlainText()
    assert dialog.notices.isReadOnly()
    pyside = next(line for line in text.splitlines() if line.startswith("PySide6 "))
    assert importlib.metadata.version("PySide6") in pyside and "LGPL-3.0" in pyside
    assert "polars" in text and "MIT" in text
    # Nothing of the cloud's server side or of the tests is counted as shipped.
    for server in ("fastapi", "uvicorn", "moto", "boto3", "pytest"):
        assert not any(line.startswith(server + " ") for line in text.splitlines()), server
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.title)))
    assert "Apache License 2.0" in labels and "LGPLv3" in labels and "replace them" in labels
    shot = dialog.grab()
    assert shot.width() > 400
    folder = os.environ.get("LOUPE_SCREENSHOTS")
    shot.save(str(Path(folder) / "about.png") if folder else str(tmp_path / "about.png"))


def test_the_installed_app_shows_its_notices_file(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "THIRD_PARTY_NOTICES.txt").write_text("Qt 6.12 LGPL-3.0-only\n", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "loupe"))
    assert notices.notices_path() == tmp_path / "THIRD_PARTY_NOTICES.txt"
    dialog = QtAboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.notices.toPlainText() == "Qt 6.12 LGPL-3.0-only\n"
    (tmp_path / "THIRD_PARTY_NOTICES.txt").unlink()
    assert "cannot be read" in notices.notices_text()


def test_the_help_menu_opens_about(window: QtMainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QtAboutDialog, "exec", lambda self: shown.append(self.windowTitle()))
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "&About Loupe").trigger()
    assert shown == ["About Loupe"]
