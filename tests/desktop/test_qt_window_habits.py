"""The window as a daily tool: recent files, settings checks, dark charts, messages, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

from core.samples import SAMPLE_CSV
from desktop.qt_main_window import QtMainWindow
from desktop.qt_settings import QtSettingsDialog

LONG = 60_000


def test_a_file_that_fails_to_open_is_not_recent(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    good = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(good.loaded, timeout=LONG):
        pass
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with qtbot.waitSignal(window.open_path(bad).failed, timeout=LONG):
        pass
    assert window.recent_files() == [str(SAMPLE_CSV)]
    assert [window.recent.item(i).text() for i in range(window.recent.count())] == [str(SAMPLE_CSV)]


def test_settings_refuse_an_endpoint_that_is_not_a_url(qtbot: Any, window: QtMainWindow) -> None:
    dialog = QtSettingsDialog(window.preferences, window)
    qtbot.addWidget(dialog)
    dialog.endpoint.setText("not a url")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.text() == "Cloud: the endpoint must be an http(s) URL, not 'not a url'"
    assert "\n" not in dialog.problem.text()
    assert dialog.pages.currentWidget() is dialog.cloud_page
    dialog.endpoint.setText("https://:8080/api")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "names no host" in dialog.problem.text()
    dialog.endpoint.setText("https://abc.execute-api.eu-west-1.amazonaws.com/prod/")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_dark_charts_have_dark_scrollbars(qtbot: Any) -> None:
    import plotly.graph_objects as go

    from desktop.qt_chart_view import QtChartView

    view = QtChartView()
    qtbot.addWidget(view)
    schemes: list[str] = []
    for dark, expected in ((True, "dark"), (False, "light")):
        with qtbot.waitSignal(view.loadFinished, timeout=LONG):
            view.show_figures([go.Figure(go.Bar(x=[1], y=[1]))], dark=dark)
        schemes.clear()
        view.page().runJavaScript(
            "getComputedStyle(document.documentElement).colorScheme", 0, schemes.append
        )
        qtbot.waitUntil(lambda: bool(schemes), timeout=LONG)
        assert schemes == [expected]
