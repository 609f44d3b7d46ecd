"""The grid pane over a session read inline: refused filters, copying, scrolling, offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
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


# -- columns: copy, hide, reorder, freeze, jump -------------------------------------------


@pytest.fixture
def wide(qtbot: Any, tmp_path: Path) -> QtGridPane:
    path = tmp_path / "wide.csv"
    pl.DataFrame({f"col {i}": [i * 10 + r for r in range(40)] for i in range(30)}).write_csv(path)
    pane = _pane(qtbot, path)
    pane.resize(900, 500)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def test_header_menu_copies_a_column_name_and_values(orders: QtGridPane) -> None:
    orders.session.set_filter("city", "paris")
    orders.session.sort_by("amount", True)
    header = orders.grid.horizontalHeader()
    point = header.rect().center()
    point.setX(header.sectionViewportPosition(2) + 5)

    def choose(text: str) -> None:
        QTimer.singleShot(0, lambda: _trigger(orders, text))
        orders._on_header_menu(header, point)

    choose("Copy name")
    assert QApplication.clipboard().text() == "note"
    choose("Copy values")
    # The rows shown, in their order; a missing value is an empty line.
    assert QApplication.clipboard().text() == 'say "hi"\nok\n'
    assert orders.session.query.filters == {"city": "paris"}


def _trigger(pane: QtGridPane, text: str) -> None:
    """Choose ``text`` in the header menu that is open, and close it."""
    menu = pane.header_menu
    actions = {a.text(): a for a in menu.actions()}
    menu.close()
    actions[text].trigger()


def test_hidden_and_moved_columns_follow_the_session(orders: QtGridPane) -> None:
    session, header = orders.session, orders.grid.horizontalHeader()
    session.hide_column("amount")
    assert orders.model.rows.columns == ["city", "note"]
    # Dragging a header moves the column in the session's view, and the grid shows that order.
    header.moveSection(1, 0)
    assert session.shown_columns == ["note", "city"]
    assert orders.model.rows.columns == ["note", "city"]
    assert [header.logicalIndex(v) for v in range(2)] == [0, 1]
    session.show_column("amount")
    # A hidden column comes back after the column it followed.
    assert orders.model.rows.columns == ["note", "city", "amount"]
    session.move_column("amount", 0)
    assert orders.model.rows.columns == ["amount", "note", "city"]
    # Copying a selection copies the columns as shown.
    grid, model = orders.grid, orders.model
    grid.selectionModel().select(
        QItemSelection(model.index(0, 0), model.index(0, 1)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    orders.copy_selection()
    assert QApplication.clipboard().text() == "amount\tnote\n12.5\tok\n"


def test_a_column_keeps_its_width_when_it_moves(orders: QtGridPane) -> None:
    orders.grid.setColumnWidth(2, 211)
    orders.session.move_column("note", 0)
    assert orders.grid.columnWidth(0) == 211


def test_frozen_columns_stay_in_view_while_scrolling_sideways(qtbot: Any, wide: QtGridPane) -> None:
    grid, frozen = wide.grid, wide.frozen
    assert not frozen.isVisible()
    wide.session.freeze_columns(2)
    assert frozen.isVisible()
    covered = grid.columnWidth(0) + grid.columnWidth(1)
    assert covered <= frozen.width() <= covered + 2
    assert [frozen.isColumnHidden(c) for c in range(4)] == [False, False, True, True]
    assert frozen.selectionModel() is grid.selectionModel()
    bar = grid.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    # The grid's own first columns have scrolled away; the frozen ones are still drawn there.
    assert grid.columnViewportPosition(0) < 0
    assert frozen.isVisible() and frozen.columnViewportPosition(0) == 0
    assert frozen.model().data(frozen.model().index(0, 1)) == "10"
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().maximum())
    assert frozen.verticalScrollBar().value() == grid.verticalScrollBar().value() > 0
    wide.grab().save("/tmp/h17/shots/columns-frozen-scrolled.png")
    wide.session.freeze_columns(0)
    assert not frozen.isVisible()


def test_jump_to_a_column_by_part_of_its_name(qtbot: Any, wide: QtGridPane) -> None:
    wide.session.hide_column("col 27")
    wide.ask_jump()
    assert wide.jump.isVisible()
    completer = wide.jump_completer
    completer.setCompletionPrefix("L 2")
    names = [completer.model().index(r, 0).data() for r in range(completer.model().rowCount())]
    assert "col 27" in names
    completer.setCompletionPrefix("l 27")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "col 27"
    wide.jump_to_column("COL 27")
    assert not wide.jump.isVisible()
    index = wide.model.rows.columns.index("col 27")
    assert "col 27" in wide.session.shown_columns
    assert wide.grid.selectionModel().isColumnSelected(index)
    x = wide.grid.columnViewportPosition(index)
    assert 0 <= x < wide.grid.viewport().width()
