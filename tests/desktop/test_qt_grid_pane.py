"""The grid pane over a session read inline: refused filters, copying, scrolling, offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from desktop.qt_grid_pane import QtGridPane


def _pane(qtbot: Any, path: Path) -> QtGridPane:
    session = DatasetSession(path, InlineRunner())
    pane = QtGridPane(session)
    qtbot.addWidget(pane)
    session.start_loading()
    return pane


@pytest.fixture
def orders(qtbot: Any, tmp_path: Path) -> QtGridPane:
    path = tmp_path / "orders.csv"
    pl.DataFrame(
        {
            "city": ["Paris", "Lyon", "Paris", "Nice", "Paris", "Lyon"],
            "amount": [12.5, 3.0, 20.0, None, 7.0, 9.0],
            "note": ["ok", "tab\there", 'say "hi"', "two\nlines", None, "plain"],
        }
    ).write_csv(path)
    return _pane(qtbot, path)


def test_a_bad_filter_is_refused_and_the_shown_rows_stay(orders: QtGridPane) -> None:
    session = orders.session
    messages: list[str] = []
    session.events.message.connect(messages.append)
    session.set_filter("city", "= Paris")
    before = orders.model.rows.frame()
    assert before.height == 3 and orders.rows_label.text() == "3 of 6 rows"

    session.set_filter("amount", "> abc")
    assert len(messages) == 1 and "\n" not in messages[0]
    assert "'amount'" in messages[0] and "not a number" in messages[0]
    assert messages[0] in orders.filters_label.text()
    assert session.query.filters == {"city": "= Paris"}
    assert orders.model.rows.frame().equals(before) and orders.rows_label.text() == "3 of 6 rows"

    # A valid filter afterwards runs with the filters in force.
    session.set_filter("amount", "> 10")
    assert session.query_error is None and session.query.filters == {
        "city": "= Paris",
        "amount": "> 10",
    }
    assert orders.model.rows.frame()["amount"].to_list() == [12.5, 20.0]
    assert orders.rows_label.text() == "2 of 6 rows"
    assert "abc" not in orders.filters_label.text()


def test_ctrl_c_copies_the_selection_with_its_column_names(qtbot: Any, orders: QtGridPane) -> None:
    orders.session.sort_by("amount", True)  # view order: 20, 12.5, 9, 7, 3, missing
    grid, model = orders.grid, orders.model
    selection = QItemSelection(model.index(3, 1), model.index(5, 2))
    grid.setCurrentIndex(model.index(3, 1))
    grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QApplication.clipboard().clear()
    qtbot.keyClick(grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == (
        'amount\tnote\n7.0\t\n3.0\t"tab\there"\n\t"two\nlines"\n'
    )
    selection = QItemSelection(model.index(2, 1), model.index(3, 2))
    grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "amount\tnote\n9.0\tplain\n7.0\t\n"


def test_a_quote_in_a_copied_cell_is_doubled(qtbot: Any, orders: QtGridPane) -> None:
    grid, model = orders.grid, orders.model
    grid.selectionModel().select(
        QItemSelection(model.index(2, 2), model.index(2, 2)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    qtbot.keyClick(grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == 'note\n"say ""hi"""\n'


def test_new_rows_are_shown_from_the_top(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    pl.DataFrame({"n": range(1000), "parity": ["even", "odd"] * 500}).write_csv(path)
    pane = _pane(qtbot, path)
    pane.resize(400, 300)
    pane.show()
    qtbot.waitExposed(pane)
    grid, model, bar = pane.grid, pane.model, pane.grid.verticalScrollBar()

    def scroll_down() -> None:
        grid.setCurrentIndex(model.index(400, 1))
        grid.scrollTo(model.index(400, 1))
        assert bar.value() > 0

    for change in (
        lambda: pane.session.sort_by("n", True),
        lambda: pane.session.set_filter("parity", "= even"),
        lambda: pane.session.set_search("9"),
    ):
        scroll_down()
        change()
        assert bar.value() == 0 and grid.rowAt(0) == 0
        assert grid.currentIndex().row() == 0
