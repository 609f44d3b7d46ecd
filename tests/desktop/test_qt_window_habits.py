"""The window as a daily tool: recent files, settings checks, dark charts, messages, keys."""

from __future__ import annotations

import os
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


def _action(window: QtMainWindow, text: str) -> Any:
    from PySide6.QtGui import QAction

    found = [a for a in window.findChildren(QAction) if a.text().replace("&", "") == text]
    assert len(found) == 1, text
    return found[0]


def test_keys_close_and_switch_tabs(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    from PySide6.QtTest import QTest

    window.show()
    qtbot.waitExposed(window)
    first = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(first.loaded, timeout=LONG):
        pass
    second = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(second.loaded, timeout=LONG):
        pass
    window.activateWindow()
    assert window.tabs.currentIndex() == 2
    QTest.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0  # round to the Start tab
    QTest.keyClick(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    QTest.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_Backtab, both)
    assert window.tabs.currentIndex() == 2
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2 and window.current_view() is first
    window.tabs.setCurrentIndex(0)
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2  # the Start tab stays


def test_the_shortcut_list_is_read_from_the_actions(qtbot: Any, window: QtMainWindow) -> None:
    from desktop.qt_shortcuts import QtShortcutsDialog, shortcut_rows

    rows = shortcut_rows(window)
    assert ("File", "Settings", "Ctrl+,") in rows
    assert ("File", "Close tab", "Ctrl+W, Ctrl+F4") in rows
    assert ("File", "Quit", "Ctrl+Q") in rows
    assert ("View", "Next tab", "Ctrl+Tab, Ctrl+PgDown") in rows
    assert ("View", "Previous tab", "Ctrl+Shift+Tab, Ctrl+PgUp") in rows
    assert ("Help", "Keyboard shortcuts", "Ctrl+/") in rows
    assert ("Data", "Profile", "Ctrl+P") in rows
    # A shortcut added anywhere in the window shows up: the list cannot go stale.
    from PySide6.QtGui import QAction, QKeySequence

    extra = QAction("Zoom charts", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+Z"))
    window.addAction(extra)
    assert shortcut_rows(window)[-1] == ("Window", "Zoom charts", "Ctrl+Alt+Z")
    dialog = QtShortcutsDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(rows) + 1
    assert _action(window, "Keyboard shortcuts") and _action(window, "About Loupe")
    window.resize(1280, 820)
    window.show()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/h17/shots/window-shortcuts.png")


def test_open_recent_lists_the_files_and_opens_them(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    menu = window.recent_menu
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions()] == ["No recent files"]
    copy = tmp_path / "orders & returns.csv"
    copy.write_bytes(SAMPLE_CSV.read_bytes())
    for path in (SAMPLE_CSV, copy):
        with qtbot.waitSignal(window.open_path(path).loaded, timeout=LONG):
            pass
    menu.aboutToShow.emit()
    files = [a for a in menu.actions() if a.data()]
    assert [a.data() for a in files] == [str(copy), str(SAMPLE_CSV)]
    assert files[0].text() == "&1 orders && returns.csv"
    with qtbot.waitSignal(window.tabs.currentChanged, timeout=LONG):
        files[1].trigger()
    view = window.current_view()
    assert view is not None and view.path == SAMPLE_CSV and window.tabs.count() == 4


def test_dialogs_remember_their_folders(
    qtbot: Any, window: QtMainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    from desktop import qt_main_window

    asked: list[str] = []
    chosen = tmp_path / "data" / "orders.csv"
    chosen.parent.mkdir()
    chosen.write_bytes(SAMPLE_CSV.read_bytes())

    def open_names(parent: Any, title: str, folder: str, kinds: str) -> tuple[list[str], str]:
        asked.append(folder)
        return [str(chosen)], ""

    def save_name(parent: Any, title: str, name: str, kinds: str) -> tuple[str, str]:
        asked.append(name)
        return str(tmp_path / "exports" / "rows.csv"), ""

    dialog = qt_main_window.QFileDialog
    monkeypatch.setattr(dialog, "getOpenFileNames", open_names)
    monkeypatch.setattr(dialog, "getSaveFileName", save_name)
    window._on_open()
    window._on_open()
    view = window.current_view()
    assert view is not None
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    (tmp_path / "exports").mkdir()
    with qtbot.waitSignal(view.exported, timeout=LONG):
        window._on_export_rows()
    with qtbot.waitSignal(view.exported, timeout=LONG):
        window._on_export_rows()
    assert asked == [
        "",
        str(chosen.parent),
        str(chosen.with_name("orders-rows.csv")),
        str(tmp_path / "exports" / "orders-rows.csv"),
    ]


def test_the_window_keeps_its_size_and_new_windows_open(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    window.resize(700, 560)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.open_path(SAMPLE_CSV).loaded, timeout=LONG):
        pass
    window.close()
    again = QtMainWindow(window.settings, ai=window.ai)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 560)
    assert again.tabs.count() == 1  # the file is not read again unasked
    other = _action(again, "New window").trigger()
    from desktop import qt_main_window

    assert other is None and len(qt_main_window._windows) == 1
    second = qt_main_window._windows[0]
    assert second.isVisible() and second is not again and second.settings is again.settings
    second.close()
    qtbot.waitUntil(lambda: qt_main_window._windows == [], timeout=LONG)
    again.close()


def test_reopening_an_unchanged_file_shows_its_cached_profile(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(SAMPLE_CSV.read_bytes())
    assert window.profile_cache.folder.is_relative_to(os.environ["LOUPE_CACHE_DIR"])
    first = window.open_path(path)
    with qtbot.waitSignal(first.loaded, timeout=LONG):
        pass
    with qtbot.waitSignal(first.profiled, timeout=LONG):
        first.start_profile()
    window._on_close_current_tab()
    again = window.open_path(path)
    with qtbot.waitSignal(again.profiled, timeout=LONG):
        pass
    assert again.profile == first.profile and again.worker is None
    assert "profile from the cache, made " in again.status.text()
    assert again.session.cached_at is not None

    dialog = QtSettingsDialog(window.preferences, window, cache=window.profile_cache)
    qtbot.addWidget(dialog)
    button = dialog.clear_cache_button
    assert button.isEnabled() and button.text().startswith("Clear cached profiles (")
    button.click()
    assert button.text() == "Clear cached profiles (0.0 MB)" and not button.isEnabled()
    assert window.profile_cache.size() == 0
    third = window.open_path(path)
    with qtbot.waitSignal(third.loaded, timeout=LONG):
        pass
    qtbot.waitUntil(lambda: not third.session._cached.running, timeout=LONG)
    assert third.profile is None


def test_a_long_cell_is_read_whole_and_copied(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    import polars as pl

    long = "first line\n" + "a very long comment " * 200
    path = tmp_path / "notes.parquet"
    pl.DataFrame({"id": [1, 2], "note": ["short", long]}).write_parquet(path)
    view = window.open_path(path)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    window.show()
    qtbot.waitExposed(window)
    index = view.model.index(1, 1)
    rect = view.grid.visualRect(index)
    # As a real double-click comes: a press and release, then the double-click.
    qtbot.mouseClick(view.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewers = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "note, row 2"]
    assert len(viewers) == 1
    viewer = viewers[0]
    assert viewer.text.toPlainText() == long and viewer.text.isReadOnly()
    viewer.copy_button.click()
    assert QApplication.clipboard().text() == long
    viewer.close()
