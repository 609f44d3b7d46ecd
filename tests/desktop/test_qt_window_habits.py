"""The window as a daily tool: recent files, settings checks, dark charts, messages, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

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


def test_a_long_message_never_widens_the_window(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    window.resize(1280, 820)
    window.show()
    qtbot.waitExposed(window)
    width = window.width()
    folder = tmp_path
    for level in range(9):
        folder = folder / f"{level}-{'quarterly sales by region and channel ' * 6}".strip()
    folder.mkdir(parents=True)
    ragged = folder / "ragged.csv"
    ragged.write_bytes(b"city,amount\nParis,3\nLyon,4,extra\n")
    view = window.open_path(ragged)
    with qtbot.waitSignal(view.failed, timeout=LONG) as failed:
        pass
    assert len(failed.args[0]) > 2000
    for _ in range(5):  # the layouts settle, inner to outer, one posted event at a time
        QApplication.processEvents()
    assert window.width() == width and window.minimumSizeHint().width() < width
    assert view.message_bar.isVisible() and view.message_bar.text == failed.args[0]
    assert view.status.text() == failed.args[0]
    window.grab().save("/tmp/h17/shots/window-long-message.png")


def test_a_failed_export_is_a_message_and_the_status_returns_to_the_rows(
    qtbot: Any, window: QtMainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    from desktop import qt_dataset_view

    opened: list[str] = []
    monkeypatch.setattr(qt_dataset_view, "open_local", lambda path: opened.append(str(path)))
    window.resize(1280, 820)
    window.show()
    view = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    summary = view.status.text()
    assert summary == "retail_orders.csv: 2,000 rows × 12 columns"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    with qtbot.waitSignal(view.failed, timeout=LONG) as failed:
        view.export_rows(blocked / "rows.csv")
    assert view.message_bar.isVisible() and view.message_bar.text == failed.args[0]
    assert "not-a-folder" in failed.args[0] and "\n" not in failed.args[0]
    assert view.status.text() == summary
    window.grab().save("/tmp/h17/shots/window-error-banner.png")
    qtbot.mouseClick(view.message_bar.close_button, Qt.MouseButton.LeftButton)
    assert view.message_bar.isHidden()

    written = tmp_path / "rows.csv"
    with qtbot.waitSignal(view.exported, timeout=LONG):
        view.export_rows(written)
    assert view.message_bar.isVisible() and view.message_bar.text == f"Wrote {written}"
    assert [b.text() for b in view.message_bar.buttons] == ["Open", "Show in folder"]
    assert view.status.text() == summary
    window.grab().save("/tmp/h17/shots/window-export-message.png")
    for button in view.message_bar.buttons:
        button.click()
    assert opened == [str(written), str(tmp_path)]
