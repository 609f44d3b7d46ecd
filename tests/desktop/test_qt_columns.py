"""In the window: the column list's search, the header menu, and the view copied as code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.qt_main_window import QtMainWindow

LONG = 60_000
SHOTS = Path("/tmp/h17/shots")


def _open(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> Any:
    path = tmp_path / "wide table.csv"
    pl.DataFrame(
        {f"{kind}_{i}": [i + r for r in range(50)] for i in range(40) for kind in ("size", "rate")}
    ).write_csv(path)
    window.resize(1280, 820)
    window.show()
    with qtbot.waitSignal(window.open_path(path).loaded, timeout=LONG):
        pass
    view = window.current_view()
    assert view is not None
    return view


def test_the_column_list_is_narrowed_to_the_names_searched(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    view = _open(qtbot, window, tmp_path)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    pane = view.profile_pane
    listed = pane.columns
    assert listed.count() == 80
    pane.column_search.setText("RATE_1")
    shown = [listed.item(r).text() for r in range(listed.count()) if not listed.item(r).isHidden()]
    assert len(shown) == 11 and all("rate_1" in text for text in shown)
    # Picking a column of the narrowed list selects that column.
    row = next(r for r in range(listed.count()) if not listed.item(r).isHidden())
    listed.setCurrentRow(row)
    assert view.session.column == "rate_1"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "columns-list-search.png"))
    pane.column_search.clear()
    assert not any(listed.item(r).isHidden() for r in range(listed.count()))


def test_the_view_is_copied_as_code(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    view = _open(qtbot, window, tmp_path)
    session = view.session
    with qtbot.waitSignal(view.queried, timeout=LONG):
        session.set_filter("size_3", "> 20")
    with qtbot.waitSignal(view.queried, timeout=LONG):
        session.sort_by("rate_0", True)
    session.hide_column("size_0")
    actions = {a.text(): a for a in window.menuBar().actions()}
    data = actions["&Data"].menu()
    code = next(a for a in data.actions() if a.text() == "Copy view as c&ode").menu()
    polars, sql = code.actions()
    polars.trigger()
    text = QApplication.clipboard().text()
    assert "pl.col('size_3') > 20" in text and "'size_0'" not in text.split(".select(")[1]
    sql.trigger()
    assert 'ORDER BY "rate_0" DESC NULLS LAST' in QApplication.clipboard().text()


def test_header_menu_screenshot(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    view = _open(qtbot, window, tmp_path)
    pane = view.grid_pane
    pane.session.freeze_columns(1)
    header = pane.grid.horizontalHeader()
    point = header.rect().center()
    point.setX(header.sectionViewportPosition(3) + 10)
    shots: list[bool] = []

    def grab() -> None:
        menu = pane.header_menu
        shots.append(window.grab().save(str(SHOTS / "columns-header-menu-window.png")))
        shots.append(menu.grab().save(str(SHOTS / "columns-header-menu.png")))
        menu.close()

    QTimer.singleShot(200, grab)
    pane._on_header_menu(header, point)
    assert shots == [True, True]
