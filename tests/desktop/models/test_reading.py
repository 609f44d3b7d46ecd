"""Reading options chosen in the window, without Qt: what they read, what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import OptionError
from core.read.table import ReadOptions, open_table
from desktop.models.reading import ReadingChoices
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner


def test_choices_give_the_command_line_options() -> None:
    choices = ReadingChoices(
        delimiter="tab",
        encoding="cp1252",
        header="is data",
        skip_rows=2,
        lenient=True,
        infer=False,
        types={"placed": ("date", "%b %d %Y"), "zip": ("text", ""), "n": ("as detected", "")},
    )
    options = choices.options(ReadOptions(sheet="Sales", na=("-",)))
    assert options == ReadOptions(
        sheet="Sales",
        encoding="cp1252",
        delimiter="\t",
        has_header=False,
        skip_rows=2,
        lenient=True,
        types={"placed": "date:%b %d %Y", "zip": "str"},
        infer=False,
        na=("-",),
    )
    assert ReadingChoices.of(options).options(ReadOptions(sheet="Sales", na=("-",))) == options


@pytest.mark.parametrize(
    ("choices", "said"),
    [
        (ReadingChoices(delimiter=";;"), "one character"),
        (ReadingChoices(encoding="klingon"), "unknown encoding"),
        (ReadingChoices(skip_rows=-1), "0 or more"),
    ],
)
def test_choices_that_cannot_be_are_refused(choices: ReadingChoices, said: str) -> None:
    with pytest.raises(OptionError, match=said):
        choices.options(ReadOptions())


def test_options_that_do_not_fit_keep_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order,amount\nA-1,12.5\nA-2,8\n", encoding="utf-8")
    session = DatasetSession(path, InlineRunner())
    session.start_loading()
    rows, options = session.shown.frame(), session.options
    said: list[str] = []
    session.events.message.connect(said.append)
    session.try_options(ReadOptions(types={"missing_column": "int"}))
    assert len(said) == 1 and "missing_column" in said[0] and "\n" not in said[0]
    assert (
        session.options == options and session.shown.frame().equals(rows) and session.error is None
    )
    assert session.base is not None

    session.try_options(ReadOptions(types={"amount": "str"}))
    assert session.options.types == {"amount": "str"}
    assert session.shown.frame()["amount"].to_list() == ["12.5", "8"]


def test_a_quote_never_closed_can_be_read_anyway(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text('id,name\n1,Ann\n2,Bob\n3,"Cy\n4,Dee\n', encoding="utf-8")
    session = DatasetSession(path, InlineRunner())
    failures: list[str] = []
    session.events.failed.connect(failures.append)
    session.start_loading()
    assert len(failures) == 1 and "line 4" in failures[0] and "quote" in failures[0]
    assert session.offer_lenient
    session.read_leniently()
    assert session.error is None and not session.offer_lenient
    assert session.shown.frame()["name"].to_list() == ["Ann", "Bob", '"Cy', "Dee"]


def test_reading_all_rows_moves_the_progress_bar(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    body = "".join(f"{i},station {i % 31},{i * 0.5}\n" for i in range(300_000))
    path.write_text("id,station,value\n" + body, encoding="utf-8")
    session = DatasetSession(path, InlineRunner())
    moved: list[float] = []
    session.events.progressed.connect(moved.append)
    session.start_loading()
    with open_table(path) as table:
        assert session.shown.frame().equals(table.collect())
    assert any(0 < f < 1 for f in moved) and moved[-1] == 1.0
