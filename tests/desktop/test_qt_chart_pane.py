"""The chart pane's section buttons: the one shown stands out in either theme."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton

from core.samples import SAMPLE_CSV
from desktop.qt_main_window import QtMainWindow
from desktop.qt_settings import Preferences, apply_theme
from tests.desktop.test_qt_dataset_view import LONG, opened


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _face(button: QAbstractButton) -> QColor:
    """The colour the button is painted with, beside its text (inside the border)."""
    image = button.grab().toImage()
    return image.pixelColor(4, image.height() // 2)


def test_the_section_shown_stands_out_in_light_and_dark(qtbot: Any, window: QtMainWindow) -> None:
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window, SAMPLE_CSV)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    buttons = {b.text(): b for b in view.sections.buttons()}
    view.show_section("Column")
    try:
        for theme in ("dark", "light"):
            window.set_preferences(Preferences(theme=theme))
            checked, other = buttons["Column"], buttons["Overview"]
            assert checked.isChecked() and not other.isChecked() and other.isEnabled()
            assert _contrast(_face(checked), _face(other)) >= 3, theme
            # The others look alike, and keep the theme's colours: dark on dark.
            window_colour = window.palette().window().color()
            assert _contrast(_face(other), _face(buttons["Statistics"])) < 1.1
            assert _contrast(_face(other), window_colour) < 1.6, theme
            # Checking another moves nothing.
            assert checked.height() == other.height()
    finally:
        apply_theme("light")
