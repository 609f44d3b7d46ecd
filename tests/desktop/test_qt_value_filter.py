"""Filters picked from a column's values or range, the chips of the query, and undo/redo keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from core.read.query import Query, ValueSet
from desktop.models import session as session_module
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from desktop.qt_grid_pane import QtGridPane
from desktop.qt_value_filter import QtValueFilter

ORIGINS = ["JFK", "LGA", "EWR", "JFK", None, "EWR", "JFK", "LGA", "JFK", None]


@pytest.fixture
def flights(qtbot: Any, tmp_path: Path) -> QtGridPane:
    """Ten flights: an origin (two missing), a delay (one missing) and a day."""
    path = tmp_path / "flights.csv"
    pl.DataFrame(
        {
            "origin": ORIGINS,
            "dep_delay": [5, -3, 40, None, 12, 0, 95, 31, -1, 7],
            "day": [dt.date(2013, 1, d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)],
        }
    ).write_csv(path)
    session = DatasetSession(path, InlineRunner())
    pane = QtGridPane(session)
    qtbot.addWidget(pane)
    session.start_loading()
    return pane


def _items(dialog: QtValueFilter) -> dict[str, QTreeWidgetItem]:
    return {item.text(0): item for item in dialog._items()}


def _tick(dialog: QtValueFilter, *texts: str) -> None:
    dialog.none_button.click()
    for text in texts:
        _items(dialog)[text].setCheckState(0, Qt.CheckState.Checked)


def test_values_picked_keep_the_rows_is_in_keeps(qtbot: Any, flights: QtGridPane) -> None:
    base = flights.session.shown.frame()
    dialog = flights.pick_values("origin")
    qtbot.addWidget(dialog)
    items = dialog._items()
    # Most frequent first, with their counts; missing values are an entry of their own.
    assert [(i.text(0), i.text(1)) for i in items] == [
        ("JFK", "4"),
        ("EWR", "2"),
        ("LGA", "2"),
        ("(missing)", "2"),
    ]
    assert all(i.checkState(0) == Qt.CheckState.Checked for i in items)
    assert dialog.note.text() == "4 distinct values in 10 rows."
    assert not dialog.tabs.isTabEnabled(1)  # text has no range
    _tick(dialog, "JFK", "LGA")
    dialog.apply_button.click()
    assert flights.session.query.filters == {"origin": ValueSet(("JFK", "LGA"))}
    expected = base.filter(pl.col("origin").is_in(["JFK", "LGA"]))
    assert flights.model.rows.frame().equals(expected) and expected.height == 6
    assert [c.text for c in flights.chips.chips] == ["origin ∈ {JFK, LGA}"]

    # Opened again, the list is ticked as the filter says; missing values can be picked.
    dialog = flights.pick_values("origin")
    qtbot.addWidget(dialog)
    ticked = [i.text(0) for i in dialog._items() if i.checkState(0) == Qt.CheckState.Checked]
    assert ticked == ["JFK", "LGA"]
    _tick(dialog, "EWR", "(missing)")
    dialog.apply_button.click()
    expected = base.filter(pl.col("origin").is_in(["EWR"]) | pl.col("origin").is_null())
    assert flights.model.rows.frame().equals(expected) and expected.height == 4


def test_the_search_and_select_all_act_on_the_values_shown(qtbot: Any, flights: QtGridPane) -> None:
    dialog = flights.pick_values("origin")
    qtbot.addWidget(dialog)
    dialog.none_button.click()
    assert not dialog.apply_button.isEnabled()  # nothing ticked: nothing to apply
    qtbot.keyClicks(dialog.search, "g")
    assert [i.text(0) for i in dialog._items() if not i.isHidden()] == ["LGA", "(missing)"]
    dialog.all_button.click()
    dialog.search.clear()
    ticked = [i.text(0) for i in dialog._items() if i.checkState(0) == Qt.CheckState.Checked]
    assert ticked == ["LGA", "(missing)"]
    dialog.apply_button.click()
    assert flights.session.query.filters == {"origin": ValueSet(("LGA", None))}
    assert flights.model.rows.frame()["origin"].to_list() == ["LGA", None, "LGA", None]
    # Every value ticked again: no filter at all.
    dialog = flights.pick_values("origin")
    qtbot.addWidget(dialog)
    dialog.all_button.click()
    dialog.apply_button.click()
    assert flights.session.query == Query() and flights.model.rows.frame().height == 10


def test_a_list_cut_short_keeps_or_drops_the_values_not_listed(
    qtbot: Any, flights: QtGridPane, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "LISTED_VALUES", 1)
    base = flights.session.shown.frame()
    dialog = flights.pick_values("origin")
    qtbot.addWidget(dialog)
    assert list(_items(dialog)) == ["JFK", "(missing)", "(2 other values)"]
    assert dialog.note.text() == "The 2 most frequent of 4 distinct values in 10 rows."
    _items(dialog)["JFK"].setCheckState(0, Qt.CheckState.Unchecked)
    dialog.apply_button.click()
    # JFK unticked, the others kept: every value but JFK, those not listed too.
    assert flights.session.query.filters == {"origin": ValueSet(("JFK",), exclude=True)}
    assert flights.model.rows.frame().equals(base.filter(pl.col("origin").ne_missing("JFK")))


def test_a_range_of_numbers_or_dates_keeps_the_rows_between(
    qtbot: Any, flights: QtGridPane
) -> None:
    base = flights.session.shown.frame()
    dialog = flights.pick_values("dep_delay")
    qtbot.addWidget(dialog)
    assert dialog.tabs.isTabEnabled(1)
    assert (dialog.low.text(), dialog.high.text()) == ("-3", "95")
    dialog.tabs.setCurrentIndex(1)
    dialog.low.setText("0")
    dialog.high.setText("31")
    dialog.apply_button.click()
    assert flights.session.query.filters == {"dep_delay": "0..31"}
    expected = base.filter(pl.col("dep_delay").is_between(0, 31))
    assert flights.model.rows.frame().equals(expected) and expected.height == 5
    # Opened again on the range it set, the dialog shows that range.
    dialog = flights.pick_values("dep_delay")
    qtbot.addWidget(dialog)
    assert dialog.tabs.currentIndex() == 1
    assert (dialog.low.text(), dialog.high.text()) == ("0", "31")
    dialog.reject()

    dialog = flights.pick_values("day")
    qtbot.addWidget(dialog)
    assert (dialog.low.text(), dialog.high.text()) == ("2013-01-01", "2013-01-10")
    dialog.tabs.setCurrentIndex(1)
    dialog.high.clear()
    dialog.low.setText("2013-01-08")
    dialog.apply_button.click()
    expected = expected.filter(pl.col("day") >= dt.date(2013, 1, 8))
    assert flights.model.rows.frame().equals(expected) and expected.height == 2
    assert [c.text for c in flights.chips.chips] == ["dep_delay 0..31", "day >= 2013-01-08"]


def test_a_chip_removes_only_its_part_and_undo_brings_it_back(
    qtbot: Any, flights: QtGridPane
) -> None:
    session = flights.session
    base = session.shown.frame()
    session.set_filter("origin", ValueSet(("JFK", "EWR")))
    session.set_filter("dep_delay", "> 0")
    session.set_search("jf")
    session.sort_by("dep_delay", True)
    session.sort_by("day", False, add=True)
    chips = flights.chips.chips
    assert [c.text for c in chips] == [
        "origin ∈ {JFK, EWR}",
        "dep_delay > 0",
        "search: jf",
        "sorted by dep_delay ↓",
        "then day ↑",
    ]
    assert flights.search.text() == "jf"
    full = session.query
    chips[1].remove_button.click()
    assert session.query == Query(
        sort=full.sort, filters={"origin": ValueSet(("JFK", "EWR"))}, search="jf"
    )
    assert flights.model.rows.frame().equals(
        base.filter(pl.col("origin") == "JFK").sort(
            ["dep_delay", "day"], descending=[True, False], nulls_last=True
        )
    )
    flights.chips.chips[1].remove_button.click()  # the search: its box empties
    assert session.query.search == "" and flights.search.text() == ""
    flights.chips.chips[1].remove_button.click()  # the first sort key: the second stays
    assert session.query.sort == (("day", False),)
    assert [c.text for c in flights.chips.chips] == ["origin ∈ {JFK, EWR}", "sorted by day ↑"]
    for _ in range(3):
        flights.undo_button.click()
    assert session.query == full and flights.search.text() == "jf"
    assert len(flights.chips.chips) == 5


def test_undo_and_redo_keys_in_the_grid(qtbot: Any, flights: QtGridPane) -> None:
    session, grid = flights.session, flights.grid
    assert not flights.undo_button.isEnabled() and not flights.redo_button.isEnabled()
    session.set_filter("dep_delay", "> 10")
    session.set_search("a")
    filtered = flights.model.rows.frame()
    control = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(grid, Qt.Key.Key_Z, control)
    assert session.query == Query(filters={"dep_delay": "> 10"}) and flights.search.text() == ""
    qtbot.keyClick(grid, Qt.Key.Key_Z, control)
    assert session.query == Query() and flights.model.rows.frame().height == 10
    assert not flights.undo_button.isEnabled() and flights.redo_button.isEnabled()
    qtbot.keyClick(grid, Qt.Key.Key_Z, control | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Y, control)
    assert session.query == Query(filters={"dep_delay": "> 10"}, search="a")
    assert flights.model.rows.frame().equals(filtered) and flights.search.text() == "a"
    assert flights.undo_button.isEnabled() and not flights.redo_button.isEnabled()
