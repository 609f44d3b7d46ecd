"""The columns shown, as plain data: hiding, moving, freezing, and what the exports honour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from desktop.models.columns import ColumnView
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner

NAMES = ["a", "b", "c", "d"]


def test_column_view_hides_moves_and_freezes() -> None:
    view = ColumnView().hide("b")
    assert view.shown(NAMES) == ["a", "c", "d"]
    view = view.move(NAMES, "d", 0)
    assert view.shown(NAMES) == ["d", "a", "c"]
    assert view.show("b").shown(NAMES) == ["d", "a", "b", "c"]
    assert view.move(NAMES, "a", 99).shown(NAMES) == ["d", "c", "a"]
    assert view.move(NAMES, "b", 0) == view  # hidden: nothing moves
    # A column the view does not know (a new read) comes last.
    assert view.shown([*NAMES, "e"]) == ["d", "a", "c", "e"]
    assert view.freeze(2).frozen == 2 and view.freeze(-1).frozen == 0


@pytest.fixture
def loaded(tmp_path: Path) -> DatasetSession:
    path = tmp_path / "people.csv"
    path.write_text("name,age,'city'\nAnn,30,Paris\nBob,25,Lyon\nCy,41,Paris\n")
    session = DatasetSession(path, InlineRunner())
    session.start_loading()
    assert session.base is not None
    return session


def test_exported_rows_and_code_follow_the_columns_shown(
    loaded: DatasetSession, tmp_path: Path
) -> None:
    changes: list[None] = []
    loaded.events.columns.connect(lambda: changes.append(None))
    loaded.set_filter("'city'", "paris")
    loaded.sort_by("age", True)
    loaded.hide_column("name")
    loaded.move_column("'city'", 0)
    assert len(changes) == 2
    expected = pl.DataFrame({"'city'": ["Paris", "Paris"], "age": [41, 30]})
    assert loaded.shown_rows.frame().equals(expected)

    out = tmp_path / "shown.csv"
    loaded.export_rows(out)
    assert pl.read_csv(out).equals(expected)

    namespace: dict[str, Any] = {}
    exec(loaded.view_code("polars").replace("print(view)\n", ""), namespace)
    assert namespace["view"].equals(expected)
    relation = duckdb.sql(loaded.view_code("sql"))
    assert relation is not None and relation.pl().equals(expected)


def test_the_last_column_cannot_be_hidden(loaded: DatasetSession) -> None:
    loaded.hide_column("name")
    loaded.hide_column("age")
    loaded.hide_column("'city'")
    assert loaded.shown_columns == ["'city'"]
