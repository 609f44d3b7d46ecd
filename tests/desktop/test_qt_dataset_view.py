"""Sorting, filtering, sheets, chart clicks, exports and settings in the desktop app, offscreen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.read.excel import Workbook
from core.read.query import Query
from core.samples import SAMPLE_CSV
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_settings import Preferences, QtSettingsDialog

LONG = 60_000


def opened(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    with qtbot.waitSignal(window.open_path(path).loaded, timeout=LONG):
        pass
    view = window.current_view()
    assert view is not None
    return view


def shown(view: QtDatasetView) -> pl.DataFrame:
    return view.model.rows.frame()


def test_sort_filter_and_search_run_in_polars(qtbot: Any, window: QtMainWindow) -> None:
    # Shown: a header whose sections can be dragged takes clicks only on screen.
    window.show()
    view = opened(qtbot, window, SAMPLE_CSV)
    base = shown(view)
    header = view.grid.horizontalHeader()
    amount = base.columns.index("amount")

    # A real click on the header sorts ascending, the next one descending.
    for descending in (False, True):
        with qtbot.waitSignal(view.queried, timeout=LONG):
            x = header.sectionViewportPosition(amount) + 10
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        values = [v for v in shown(view)["amount"].to_list() if v is not None]
        assert values == sorted(values, reverse=descending) and len(values) > 1000
        assert header.isSortIndicatorShown() and header.sortIndicatorSection() == amount

    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter("amount", "> 100")
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter("channel", "= web")
    expected = base.filter((pl.col("amount") > 100) & (pl.col("channel") == "web")).sort(
        "amount", descending=True, nulls_last=True, maintain_order=True
    )
    assert shown(view).equals(expected) and 0 < expected.height < base.height
    assert view.rows_label.text() == f"{expected.height:,} of {base.height:,} rows"
    chips = [chip.text for chip in view.grid_pane.chips.chips]
    assert chips == ["amount > 100", "channel = web", "sorted by amount ↓"]
    assert view.clear_button.isVisibleTo(view)
    tip = view.model.headerData(amount, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "filter: > 100" in tip

    # The quick search waits for typing to pause, then searches every column.
    with qtbot.waitSignal(view.queried, timeout=LONG):
        qtbot.keyClicks(view.search, "NAIRO")
    assert shown(view).height > 0 and set(shown(view)["city"].to_list()) == {"Nairobi"}

    # A filter that does not fit the column's type is a message; the rows stay.
    before = shown(view)
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter("ordered_at", "> last week")
    assert "is not a date-time" in view.filters_label.text()
    assert shown(view).equals(before)

    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.clear_query()
    assert shown(view).height == base.height and view.search.text() == ""
    assert view.query == Query(sort=(("amount", True),))


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    first = book.add_worksheet("orders")
    first.write_row(0, 0, ["id", "amount"])
    for i in range(1, 51):
        first.write_row(i, 0, [i, i * 1.5])
    second = book.add_worksheet("cities")
    second.write_row(0, 0, ["city", "population"])
    for i, (city, population) in enumerate([("Lyon", 522_000), ("Oslo", 709_000)], start=1):
        second.write_row(i, 0, [city, population])
    book.close()
    return path


def test_workbook_sheets_can_be_switched(qtbot: Any, window: QtMainWindow, workbook: Path) -> None:
    before = workbook.read_bytes()
    view = opened(qtbot, window, workbook)
    assert view.sheet.isVisibleTo(view)
    assert [view.sheet.itemText(i) for i in range(view.sheet.count())] == ["orders", "cities"]
    assert shown(view).columns == ["id", "amount"] and shown(view).height == 50
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    assert view.profile is not None and view.profile["dataset"]["rows"] == 50

    with qtbot.waitSignal(view.loaded, timeout=LONG):
        view.sheet.activated.emit(1)
    assert shown(view).to_dicts() == [
        {"city": "Lyon", "population": 522_000},
        {"city": "Oslo", "population": 709_000},
    ]
    assert view.profile is None and "[cities]" in view.status.text()
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    assert view.profile["dataset"]["rows"] == 2
    assert workbook.read_bytes() == before


def run_js(qtbot: Any, view: QtDatasetView, expression: str) -> Any:
    """The value of a JavaScript expression in the chart page (through JSON, which survives)."""
    results: list[Any] = []
    view.charts.page().runJavaScript(f"JSON.stringify({expression})", 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=LONG)
    return json.loads(results[0]) if isinstance(results[0], str) and results[0] else None


def wait_for_charts(qtbot: Any, view: QtDatasetView, count: int) -> None:
    """Wait until the charts asked for last are drawn and can be clicked."""
    qtbot.waitUntil(lambda: not view.charts_pending, timeout=LONG)

    def ready() -> bool:
        state = run_js(
            qtbot,
            view,
            "document.body && [document.body.dataset.render, document.body.dataset.channel,"
            " document.querySelectorAll('.main-svg').length]",
        )
        # Until the new page has loaded, the answer comes from the one before it (or is None).
        return (
            isinstance(state, list)
            and state[:2] == [str(view.charts.renders), "ready"]
            and state[2] >= count
        )

    qtbot.waitUntil(ready, timeout=LONG)


def click_chart(qtbot: Any, view: QtDatasetView, selector: str) -> None:
    """Click the middle of the last element ``selector`` finds, as a user would."""
    x, y = run_js(
        qtbot,
        view,
        f"(() => {{ const all = document.querySelectorAll({json.dumps(selector)});"
        "const r = all[all.length - 1].getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2]; })()",
    )
    target = view.charts.focusProxy()
    point = QPoint(round(x), round(y))
    QTest.mouseMove(target, point)
    QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def test_profile_views_and_clicks_filter_the_grid(qtbot: Any, window: QtMainWindow) -> None:
    window.resize(1400, 1000)
    window.show()
    view = opened(qtbot, window, SAMPLE_CSV)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    profile = view.profile
    assert profile is not None
    # Every column has its kind's icon and a line of statistics.
    item = view.columns.item(
        profile["columns"].index(next(c for c in profile["columns"] if c["name"] == "amount"))
    )
    assert "mean" in item.text() and not item.icon().isNull()

    channel = next(c for c in profile["columns"] if c["name"] == "channel")
    top = channel["top_values"][0]
    view.select_column("channel")
    wait_for_charts(qtbot, view, 1)
    with qtbot.waitSignal(view.queried, timeout=LONG):
        click_chart(qtbot, view, "#f0 .bars .point path")  # the longest bar is drawn last
    assert view.query.filters == {"channel": f"= {top['value']}"}
    assert set(shown(view)["channel"].to_list()) == {top["value"]}
    assert shown(view).height == top["count"]

    # A bin of the histogram keeps the rows in it: the last bin, here.
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.clear_query()
    view.select_column("amount")
    wait_for_charts(qtbot, view, 1)
    with qtbot.waitSignal(view.queried, timeout=LONG):
        click_chart(qtbot, view, "#f0 .bars .point path")
    low, high = (float(v) for v in view.query.filters["amount"].split(".."))
    amounts = shown(view)["amount"].to_list()
    assert all(low <= a <= high for a in amounts)
    histogram = next(c for c in profile["columns"] if c["name"] == "amount")["histogram"]
    assert (low, high) == tuple(histogram["edges"][-2:])
    assert len(amounts) == histogram["counts"][-1] > 0

    # The correlation and missing-value views; a heatmap cell selects its column.
    view.show_section("Correlations")
    wait_for_charts(qtbot, view, 1)
    assert view.charts.figure_count >= 1
    view.show_section("Missing values")
    wait_for_charts(qtbot, view, 1)
    missing = profile["missing"]["columns"]
    click_chart(qtbot, view, "#f0 .bars .point path")
    qtbot.waitUntil(
        lambda: view.columns.currentRow() >= 0 and view.session.section == "Column", timeout=LONG
    )
    assert profile["columns"][view.columns.currentRow()]["name"] == missing[-1]["column"]


def test_exports(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    view = opened(qtbot, window, SAMPLE_CSV)
    before = SAMPLE_CSV.read_bytes()
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter("city", "= Austin")
    for suffix in (".xlsx", ".parquet", ".csv"):
        with qtbot.waitSignal(view.exported, timeout=LONG) as written:
            view.export_rows(tmp_path / f"austin{suffix}")
        path = Path(written.args[0])
        if suffix == ".xlsx":
            back = Workbook(path).read("data")
        else:
            back = pl.read_parquet(path) if suffix == ".parquet" else pl.read_csv(path)
        assert back["order_id"].to_list() == shown(view)["order_id"].to_list()
        assert set(back["city"].to_list()) == {"Austin"}

    # Exporting a report profiles first when needed.
    assert view.profile is None
    with qtbot.waitSignal(view.exported, timeout=LONG) as written:
        view.export_profile(tmp_path / "report.html", report=True)
    report = Path(written.args[0]).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "retail_orders.csv" in report
    with qtbot.waitSignal(view.exported, timeout=LONG):
        view.export_profile(tmp_path / "profile.json", report=False)
    document = json.loads((tmp_path / "profile.json").read_text(encoding="utf-8"))
    assert document["dataset"]["rows"] == 2000 and document == json.loads(json.dumps(view.profile))

    # A failing export is a message, and nothing is left behind.
    with qtbot.waitSignal(view.failed, timeout=LONG) as failed:
        view.export_rows(tmp_path / "missing-folder" / "rows.csv")
    assert "does not exist" in failed.args[0]
    assert SAMPLE_CSV.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "austin.csv",
        "austin.parquet",
        "austin.xlsx",
        "profile.json",
        "report.html",
        "settings.ini",
    ]


def test_settings_persist_and_apply(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    dialog = QtSettingsDialog(window.preferences, window)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentText("Dark")
    dialog.engine.setCurrentText("streaming")
    dialog.thresholds["high_missing"].setValue(0.01)
    chosen = dialog.preferences()
    assert chosen.theme == "dark" and chosen.engine == "streaming"
    window.set_preferences(chosen)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    reread = Preferences.load(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert reread == chosen

    # The thresholds reach the next profile: 5% missing is now worth an alert.
    view = opened(qtbot, window, SAMPLE_CSV)
    assert view.dark
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    assert view.profile is not None and view.profile["engine"] == "streaming"
    flagged = {a["columns"][0] for a in view.profile["alerts"] if a["kind"] == "high_missing"}
    expected = {c["name"] for c in view.profile["columns"] if c["missing_fraction"] > 0.01}
    assert flagged == expected and flagged

    dialog._on_restore_defaults()
    window.set_preferences(dialog.preferences())
    assert window.preferences == Preferences()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 150


def test_ragged_rows_can_be_read_anyway(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    content = b"city,amount\nParis,3\nLyon,4,extra\nNice\nLille,7\n"
    ragged.write_bytes(content)
    view = window.open_path(ragged)
    with qtbot.waitSignal(view.failed, timeout=LONG) as failed:
        pass
    assert "line 3" in failed.args[0] and "Read anyway" in failed.args[0]
    assert not view.read_anyway_button.isHidden()
    assert "line 3" in window.statusBar().currentMessage()
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        qtbot.mouseClick(view.read_anyway_button, Qt.MouseButton.LeftButton)
    frame = shown(view)
    # Long rows are cut, short ones padded: every line becomes a row.
    assert frame["city"].to_list() == ["Paris", "Lyon", "Nice", "Lille"]
    assert frame["amount"].to_list() == [3, 4, None, 7]
    assert view.read_anyway_button.isHidden()
    assert "leniently" in view.status.text() and "line 3" in view.status.toolTip()
    assert window.statusBar().currentMessage() == ""
    assert ragged.read_bytes() == content
    # A file that reads cleanly never offers it.
    clean = opened(qtbot, window, SAMPLE_CSV)
    assert clean.read_anyway_button.isHidden()


def test_the_files_missing_marker_is_shown_and_can_be_overridden(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "r_export.csv"
    content = b"tail,code,delay\nN14228,FR,1\nNA,NA,NA\nN24211,US,3\n"
    path.write_bytes(content)
    view = window.open_path(path)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    assert view.missing_button.text() == 'Missing: "NA"'
    assert "tail" in view.missing_button.toolTip()
    frame = shown(view)
    # A tail number NA is missing; a two-letter code NA (Namibia) is a code like the others.
    assert frame["tail"].to_list() == ["N14228", None, "N24211"]
    assert frame["code"].to_list() == ["FR", "NA", "US"]
    assert view.missing_in_text.isChecked() and not view.missing_kept.isChecked()
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        view.missing_kept.trigger()
    assert shown(view)["tail"].to_list() == ["N14228", "NA", "N24211"]
    assert view.missing_kept.isChecked()
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        view.set_missing(tokens=("N24211",))
    assert shown(view)["tail"].to_list() == ["N14228", "NA", None]
    assert path.read_bytes() == content


def test_cancel_stops_profiling(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    pl.DataFrame({"a": range(400_000), "b": [f"v{i % 977}" for i in range(400_000)]}).write_csv(
        path
    )
    view = QtDatasetView(path)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        view.start_loading()
    view.start_profile()
    worker = view.worker
    assert worker is not None
    with qtbot.waitSignal(worker.cancelled, timeout=LONG):
        view.cancel_button.click()
    assert view.profile is None and "cancelled" in view.status.text()
