"""The grid's header room for the sort arrow, its cell menu and its frozen columns, offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionHeader

from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
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
