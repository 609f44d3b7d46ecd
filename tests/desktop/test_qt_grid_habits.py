"""The grid's header room for the sort arrow, its cell menu and its frozen columns, offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QRect, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionHeader

from core.read.query import ValueSet
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from desktop.qt_cell_viewer import QtCellViewer
from desktop.qt_grid_pane import QtGridPane
from desktop.qt_settings import apply_theme

SHOTS = Path("/tmp/h17/shots")


def _pane(qtbot: Any, path: Path, width: int = 900) -> QtGridPane:
    session = DatasetSession(path, InlineRunner())
    pane = QtGridPane(session)
    qtbot.addWidget(pane)
    session.start_loading()
    pane.resize(width, 360)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


@pytest.fixture
def flights(qtbot: Any, tmp_path: Path) -> QtGridPane:
    path = tmp_path / "flights.csv"
    pl.DataFrame(
        {
            "year": [2013] * 30,
            "month": [1, 2, 3] * 10,
            "day": list(range(1, 31)),
            "origin": ["JFK", "LGA", "EWR"] * 10,
            "dep_delay": [float(i % 7) for i in range(30)],
        }
    ).write_csv(path)
    return _pane(qtbot, path)


def _title_clears_arrow(pane: QtGridPane, section: int, *, icon: bool) -> tuple[int, int]:
    """Where the section's title ends and its arrow starts, as the style lays them out."""
    header = pane.grid.horizontalHeader()
    style = header.style()
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.state |= QStyle.StateFlag.State_Horizontal
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp
    option.rect = QRect(0, 0, header.sectionSize(section), header.height())
    label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
    bold = QFont(header.font())
    bold.setBold(True)
    text = QFontMetrics(bold).horizontalAdvance(pane.model.rows.columns[section])
    if icon:
        text += style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, option, header) + 2
    assert text <= label.width()
    # The header centres its title (and icon) in the label.
    return label.left() + (label.width() + text) // 2, arrow.left()


def test_a_sorted_column_leaves_room_for_its_arrow(qtbot: Any, flights: QtGridPane) -> None:
    header = flights.grid.horizontalHeader()
    for theme in ("light", "dark"):
        apply_theme(theme)
        flights.session.sort_by("year", theme == "dark")
        assert header.isSortIndicatorShown() and header.sortIndicatorSection() == 0
        title_end, arrow_start = _title_clears_arrow(flights, 0, icon=False)
        assert title_end < arrow_start
        flights.grid.setCurrentIndex(flights.model.index(0, 0))
        # The new palette and the chips' layout arrive as posted events.
        QApplication.processEvents()
        flights.grab(QRect(0, 0, 520, 120)).save(str(SHOTS / f"grid2-header-sorted-{theme}.png"))
    apply_theme("light")

    # Filtered too: the funnel, the title and the arrow all fit.
    flights.session.set_filter("day", "> 3")
    flights.session.sort_by("day", False)
    title_end, arrow_start = _title_clears_arrow(flights, 2, icon=True)
    assert title_end < arrow_start
    QApplication.processEvents()
    flights.grab(QRect(0, 0, 520, 120)).save(str(SHOTS / "grid2-header-filtered-sorted.png"))


# -- the cell menu ---------------------------------------------------------------------


@pytest.fixture
def orders(qtbot: Any, tmp_path: Path) -> QtGridPane:
    path = tmp_path / "orders.csv"
    pl.DataFrame(
        {
            "city": ["Paris", "Lyon", "Paris", None, "Paris", "Lyon"],
            "amount": [12.5, 3.0, 20.0, None, 12.5, 9.0],
            "day": ["2024-01-02", "2024-01-03", "2024-01-02", "2024-01-05", "2024-01-02", None],
        }
    ).write_csv(path)
    return _pane(qtbot, path)


def _right_click(pane: QtGridPane, row: int, column: int, choice: str) -> None:
    """Right-click the cell, as the user does, and choose ``choice`` in its menu."""

    def choose() -> None:
        menu = pane.cell_menu_shown
        actions = {a.text(): a for a in menu.actions()}
        menu.close()
        actions[choice].trigger()

    QTimer.singleShot(0, choose)
    point = pane.grid.visualRect(pane.model.index(row, column)).center()
    pane.grid.customContextMenuRequested.emit(point)


def test_the_cell_menu_copies_with_or_without_column_names(orders: QtGridPane) -> None:
    grid, model = orders.grid, orders.model
    grid.selectionModel().select(
        QItemSelection(model.index(0, 0), model.index(1, 1)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    _right_click(orders, 1, 1, "Copy")
    assert QApplication.clipboard().text() == "Paris\t12.5\nLyon\t3.0\n"
    # A right-click inside the selection keeps it.
    _right_click(orders, 0, 0, "Copy with column names")
    assert QApplication.clipboard().text() == "city\tamount\nParis\t12.5\nLyon\t3.0\n"
    # One outside it selects the cell clicked.
    _right_click(orders, 2, 1, "Copy")
    assert QApplication.clipboard().text() == "20.0\n"
    menu = orders.cell_menu(model.index(0, 0))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Copy",
        "Copy with column names",
        "View cell…",
        "Filter to this value",
    ]


def test_the_cell_menu_filters_to_the_value_clicked(orders: QtGridPane) -> None:
    session = orders.session
    _right_click(orders, 0, 0, "Filter to this value")
    assert session.query.filters == {"city": ValueSet(("Paris",))}
    assert orders.model.rows.frame()["city"].to_list() == ["Paris"] * 3
    _right_click(orders, 0, 1, "Filter to this value")
    assert orders.model.rows.frame()["amount"].to_list() == [12.5, 12.5]
    session.undo()
    session.undo()
    # A missing value keeps the rows where it is missing; a date keeps that date.
    _right_click(orders, 3, 0, "Filter to this value")
    assert orders.model.rows.frame()["city"].to_list() == [None]
    session.clear_query()
    session.set_filter("day", "")
    _right_click(orders, 1, 2, "Filter to this value")
    assert orders.model.rows.frame()["day"].cast(pl.String).to_list() == ["2024-01-03"]
    assert orders.filters_label.isHidden()


def test_the_cell_menu_shows_the_cell_whole(orders: QtGridPane) -> None:
    _right_click(orders, 1, 0, "View cell…")
    viewers = [w for w in orders.findChildren(QtCellViewer) if w.isVisible()]
    assert len(viewers) == 1
    assert viewers[0].windowTitle() == "city, row 2"
    assert viewers[0].text.toPlainText() == "Lyon"
    viewers[0].close()


# -- frozen columns --------------------------------------------------------------------


def test_moving_left_never_leaves_the_current_cell_under_the_frozen_columns(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    pl.DataFrame({f"col {i}": [i * 10 + r for r in range(40)] for i in range(30)}).write_csv(path)
    pane = _pane(qtbot, path)
    grid, model = pane.grid, pane.model
    pane.session.freeze_columns(2)
    assert pane.frozen.isVisible()
    strip = grid.columnWidth(0) + grid.columnWidth(1)
    grid.setFocus()
    grid.setCurrentIndex(model.index(5, 25))
    qtbot.waitUntil(lambda: grid.horizontalScrollBar().value() > 0)
    for column in range(24, 1, -1):
        qtbot.keyClick(grid, Qt.Key.Key_Left)
        assert grid.currentIndex().column() == column
        left = grid.columnViewportPosition(column)
        assert left >= strip, (column, left, strip)
        assert left + grid.columnWidth(column) <= grid.viewport().width()
