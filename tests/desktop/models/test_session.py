"""An open dataset driven without Qt: reading, sort cycle, filters, search, selection, busy."""

from __future__ import annotations

import gc
import html
import json
import subprocess
import sys
import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from core import open_table
from core.errors import RaggedRowsError
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.query import Query, ValueCounts, ValueSet
from core.samples import SAMPLE_CSV
from desktop.models import session as session_module
from desktop.models.session import FILTER_HELP, DatasetSession
from desktop.models.summaries import overview_html
from desktop.models.tasks import InlineRunner
from tests.desktop.models.conftest import ManualRunner


def _heard(session: DatasetSession) -> list[str]:
    """The names of the session's events, in the order they are emitted from now on."""
    heard: list[str] = []
    for name, event in vars(session.events).items():
        event.connect(lambda *args, name=name: heard.append(name))
    return heard


def test_reading_shows_the_first_rows_then_all(orders_csv: Path) -> None:
    session = DatasetSession(orders_csv, InlineRunner())
    heard = _heard(session)
    assert session.status == "Opening orders.csv…" and session.rows_text == ""
    session.start_loading()
    assert heard.index("previewed") < heard.index("loaded")
    assert session.base is not None and session.shown.frame().equals(session.base)
    assert session.shown.columns == ["city", "amount", "channel"] and session.shown.height == 8
    assert session.status == "orders.csv: 8 rows × 3 columns"
    assert session.rows_text == "8 rows"
    assert not session.busy and session.can_profile and not session.offer_lenient


def test_a_header_click_cycles_ascending_descending_unsorted(session: DatasetSession) -> None:
    base = session.shown.frame()
    session.cycle_sort("amount")
    assert session.query.sort == (("amount", False),)
    assert session.shown.frame()["amount"].to_list() == [1.5, 3, 4, 7, 9, 12.5, 20, None]
    session.cycle_sort("amount")
    assert session.query.sort == (("amount", True),)
    assert session.shown.frame()["amount"].to_list() == [20, 12.5, 9, 7, 4, 3, 1.5, None]
    # Another column replaces the sort, unless it is added (shift-click).
    session.cycle_sort("city", add=True)
    assert session.query.sort == (("amount", True), ("city", False))
    # A plain click moves the column on and drops the other keys.
    session.cycle_sort("city")
    assert session.query.sort == (("city", True),)
    session.cycle_sort("city")
    assert session.query.sort == () and session.shown.frame().equals(base)


def test_filters_keep_their_rows_and_say_so(session: DatasetSession) -> None:
    base = session.shown.frame()
    session.set_filter("amount", " > 5 ")
    session.set_filter("channel", "= web")
    assert session.query.filters == {"amount": "> 5", "channel": "= web"}
    expected = base.filter((pl.col("amount") > 5) & (pl.col("channel") == "web"))
    assert session.shown.frame().equals(expected) and expected.height == 2
    assert session.filters_text == "Filters: amount > 5 · channel = web"
    assert session.rows_text == "2 of 8 rows"
    session.set_filter("channel", "")  # an empty filter removes it
    assert session.query.filters == {"amount": "> 5"} and session.shown.frame().height == 4


def test_a_filter_that_cannot_run_keeps_the_rows(session: DatasetSession) -> None:
    messages: list[str] = []
    session.events.message.connect(messages.append)
    session.set_filter("amount", "> 5")
    before = session.shown.frame()
    session.set_filter("amount", "> lots")
    assert session.query_error is not None and messages == [session.query_error]
    assert "amount" in session.query_error and session.shown.frame().equals(before)
    session.set_filter("amount", "> 5")  # a query that runs clears the error
    assert session.query_error is None


def test_the_filter_help_shows_forms_that_filter(session: DatasetSession) -> None:
    for form, rows in [("missing", 1), ("!missing", 7), ("> 5", 4), ("!= 0", 8), ("10..20", 2)]:
        assert f" {form} " in FILTER_HELP
        session.set_filter("amount", form)
        assert session.query_error is None and session.shown.frame().height == rows, form
    session.set_filter("city", "= Paris")
    assert "= Paris" in FILTER_HELP and session.query_error is None


def test_a_nested_field_cannot_be_filtered_in_the_grid(session: DatasetSession) -> None:
    session.set_filter("address.city", "= Paris")
    assert session.query == Query()
    assert "field of a nested column" in session.status


def test_search_looks_in_every_column_and_clearing_keeps_the_sort(
    session: DatasetSession,
) -> None:
    session.sort_by("amount", True)
    session.set_filter("channel", "= web")
    session.set_search("PAR")
    assert session.shown.frame()["city"].to_list() == ["Paris"]
    assert session.filters_text == "Filters: channel = web · “PAR” anywhere"
    session.clear_query()
    assert session.query == Query(sort=(("amount", True),)) and session.shown.frame().height == 8
    assert session.filters_text == ""


def test_selecting_a_column_shows_its_charts_and_clicks_filter(
    session: DatasetSession,
) -> None:
    selected: list[str] = []
    session.events.selected.connect(selected.append)
    session.select_column("city")  # nothing to show before the profile
    assert selected == [] and session.column is None
    session.start_profile()
    assert session.profile is not None and session.profile["dataset"]["rows"] == 8
    assert session.section == "Overview" and len(session.charts.specs) == 2
    assert not session.charts_pending
    session.select_column("no such column")
    session.select_column("city")
    assert selected == ["city"] and session.column == "city" and session.section == "Column"
    # The longest bar of the top values (Paris, drawn last) filters the grid to it.
    bars = len(session.charts.specs[0]["data"][0]["y"])
    session.charts.click(0, {"index": bars - 1, "x": 3, "y": "Paris"})
    assert session.query.filters == {"city": "= Paris"} and session.shown.frame().height == 3
    # A click on the overview's missing-values bar selects its column.
    session.show_section("Overview")
    session.charts.click(1, {"index": 0, "x": "amount", "y": 0.125})
    assert session.column == "amount" and session.section == "Column"


def test_profiling_read_rows_summarises_them_without_reading_the_file_again(
    tmp_path: Path,
) -> None:
    """Once all rows are in, the profile is theirs: the CLI's figures, no second read."""
    path = tmp_path / "orders.csv"
    path.write_bytes(SAMPLE_CSV.read_bytes())
    with open_table(path) as table:
        expected = profile_table(table, ProfileConfig(engine="memory")).profile
    session = DatasetSession(path, InlineRunner())
    session.start_loading()
    assert session.base is not None
    path.rename(tmp_path / "gone.csv")  # a second read would fail
    session.start_profile()
    assert session.error is None and session.profile is not None
    got = session.profile
    assert got["source"] == expected["source"]
    assert got["dataset"]["rows"] == expected["dataset"]["rows"]
    assert got["alerts"] == expected["alerts"]
    for mine, theirs in zip(got["columns"], expected["columns"], strict=True):
        for key, value in theirs.items():
            if isinstance(value, float):
                assert mine[key] == pytest.approx(value, rel=1e-12), (theirs["name"], key)
            else:
                assert mine[key] == value, (theirs["name"], key)
    # Before all rows are in, the file is read.
    session = DatasetSession(tmp_path / "gone.csv", InlineRunner())
    session.start_profile()
    assert (
        session.profile is not None and session.profile["dataset"]["rows"] == got["dataset"]["rows"]
    )


def test_busy_follows_the_running_request(orders_csv: Path, manual: ManualRunner) -> None:
    session = DatasetSession(orders_csv, manual)
    busy: list[bool] = []
    session.events.busy.connect(lambda: busy.append(session.busy))
    session.start_loading()
    assert session.busy and not session.can_profile
    assert session.status == "orders.csv: reading the first rows…"
    manual.complete()  # the first rows: reading all of them starts
    assert session.busy and session.shown.frame().height == 8 and session.base is None
    manual.complete()
    assert not session.busy and session.can_profile
    session.start_profile()
    assert session.busy and not session.can_profile
    session.cancel()
    manual.complete()
    assert not session.busy and session.can_profile and session.profile is None
    assert session.status == "orders.csv: cancelled"
    assert busy == [True, False, True, False, True, False]


def test_the_newest_query_wins(session: DatasetSession, orders_csv: Path) -> None:
    manual = ManualRunner()
    slow = DatasetSession(orders_csv, manual)
    slow.start_loading()
    manual.complete_all()
    slow.set_filter("city", "= Lyon")
    assert slow.rows_text == "filtering…"
    slow.set_filter("city", "= Nice")
    manual.complete(1)  # the newer query answers first...
    manual.complete()  # ...then the older one, which no longer counts
    assert slow.shown.frame()["city"].to_list() == ["Nice", "Nice"]
    assert slow.rows_text == "2 of 8 rows"


def test_ragged_rows_can_be_read_leniently(ragged_csv: Path) -> None:
    session = DatasetSession(ragged_csv, InlineRunner())
    failures: list[str] = []
    session.events.failed.connect(failures.append)
    session.start_loading()
    assert len(failures) == 1 and "line 3" in failures[0] and "Read anyway" in failures[0]
    assert session.offer_lenient and not session.can_profile and session.status == failures[0]
    session.read_leniently()
    assert not session.offer_lenient and session.error is None
    assert session.shown.frame()["city"].to_list() == ["Paris", "Lyon", "Nice", "Lille"]
    assert "leniently" in session.status and "line 3" in session.status_tip


class _Rows:
    """Stands in for a large table a failing task held."""


def test_a_failed_read_keeps_its_message_not_its_rows(
    ragged_csv: Path, manual: ManualRunner
) -> None:
    session = DatasetSession(ragged_csv, manual)
    session.start_loading()
    held: list[weakref.ref[_Rows]] = []

    def fails(progress: Any, cancelled: Callable[[], bool]) -> None:
        rows = _Rows()  # the worker's frame, and so the error's traceback, holds them
        held.append(weakref.ref(rows))
        raise RaggedRowsError(ragged_csv, "this row has 3 fields where the header has 2", line=3)

    manual.pending[0].task = fails
    manual.complete()
    gc.collect()
    assert held[0]() is None
    assert session.offer_lenient and session.error is not None and "line 3" in session.error
    assert session.status == session.error


def test_reading_again_forgets_the_query_and_profile(session: DatasetSession) -> None:
    session.start_profile()
    session.set_filter("city", "= Lyon")
    heard = _heard(session)
    assert session.set_missing(tokens=("Lyon",))
    assert heard[0] == "cleared" and "loaded" in heard
    assert session.query == Query() and session.profile is None
    assert session.shown.frame()["city"].null_count() == 2
    assert not session.set_missing(tokens=("Lyon",))  # the same options: nothing to do


def test_exporting_a_report_profiles_first(session: DatasetSession, tmp_path: Path) -> None:
    written: list[str] = []
    session.events.exported.connect(written.append)
    session.export_profile(tmp_path / "profile.json", report=False)
    assert session.profile is not None and written == [str(tmp_path / "profile.json")]
    document = json.loads((tmp_path / "profile.json").read_text(encoding="utf-8"))
    assert document["dataset"]["rows"] == 8
    session.set_filter("channel", "= store")
    session.export_rows(tmp_path / "store.csv")
    assert pl.read_csv(tmp_path / "store.csv")["city"].to_list() == ["Lyon", "Paris"]
    assert written[-1] == str(tmp_path / "store.csv")
    # The status line still sums up the rows shown: what was written is a message.
    assert session.status == session.summary
    assert session.status.startswith("orders.csv: profiled in ")


def test_a_failed_export_leaves_the_status_on_the_rows(
    session: DatasetSession, tmp_path: Path
) -> None:
    failures: list[str] = []
    session.events.failed.connect(failures.append)
    summary = session.status
    assert summary == session.summary == "orders.csv: 8 rows × 3 columns"
    session.export_rows(tmp_path / "no such folder" / "rows.csv")
    assert len(failures) == 1 and "no such folder" in failures[0]
    assert session.status == summary


def test_the_models_run_without_qt() -> None:
    code = (
        "import sys, desktop.models\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_reading_again_drops_the_answer_of_an_older_query(
    orders_csv: Path, manual: ManualRunner
) -> None:
    session = DatasetSession(orders_csv, manual)
    session.start_loading()
    manual.complete_all()
    session.set_filter("city", "= Lyon")  # still being computed...
    assert session.set_missing(tokens=("Nice",))  # ...when the file is read again
    manual.complete(1)  # the first rows of the new read
    manual.complete(1)  # all of them
    assert not session.busy and session.rows_text == "8 rows"
    queried = _heard(session)
    manual.complete()  # the old query answers last, and no longer counts
    assert queried == [] and session.query == Query()
    assert session.shown.frame().height == 8 and session.shown.frame()["city"].null_count() == 2
    assert session.rows_text == "8 rows"


def test_reading_again_drops_the_charts_of_the_old_profile(
    orders_csv: Path, manual: ManualRunner
) -> None:
    session = DatasetSession(orders_csv, manual)
    session.start_loading()
    manual.complete_all()
    session.start_profile()
    manual.complete()  # the profile is in: the overview's charts are being built...
    assert session.charts_pending and len(manual.pending) == 1
    assert session.set_missing(tokens=("Nice",))  # ...when the file is read again
    assert not session.charts_pending and session.charts.specs == []
    heard = _heard(session)
    manual.complete()  # the old profile's charts arrive late, and are not drawn
    assert "charts" not in heard and session.charts.specs == []
    manual.complete_all()
    assert session.profile is None and session.charts.specs == []


def test_undo_and_redo_go_back_and_forth_through_the_queries(session: DatasetSession) -> None:
    shown: list[tuple[Query, pl.DataFrame]] = [(session.query, session.shown.frame())]
    session.set_filter("channel", "= web")
    shown.append((session.query, session.shown.frame()))
    session.sort_by("amount", True)
    shown.append((session.query, session.shown.frame()))
    session.set_filter("city", ValueSet(("Paris", "Nice")))
    shown.append((session.query, session.shown.frame()))
    session.set_search("ice")
    shown.append((session.query, session.shown.frame()))
    assert [q for q, _ in shown] == [
        Query(),
        Query(filters={"channel": "= web"}),
        Query(sort=(("amount", True),), filters={"channel": "= web"}),
        Query(
            sort=(("amount", True),),
            filters={"channel": "= web", "city": ValueSet(("Paris", "Nice"))},
        ),
        Query(
            sort=(("amount", True),),
            filters={"channel": "= web", "city": ValueSet(("Paris", "Nice"))},
            search="ice",
        ),
    ]
    assert session.can_undo and not session.can_redo
    for query, rows in reversed(shown[:-1]):
        session.undo()
        assert session.query == query and session.shown.frame().equals(rows)
    assert not session.can_undo and session.can_redo
    session.undo()  # nothing earlier: nothing changes
    assert session.query == Query()
    for query, rows in shown[1:]:
        session.redo()
        assert session.query == query and session.shown.frame().equals(rows)
    assert not session.can_redo
    # A new change after an undo drops what could be redone.
    session.undo()
    session.set_search("par")
    assert not session.can_redo and session.query == replace(shown[3][0], search="par")
    session.undo()
    assert session.query == shown[3][0]
    session.undo()
    assert session.query == shown[2][0]


def test_a_refused_filter_stays_out_of_the_history(session: DatasetSession) -> None:
    session.set_filter("amount", "> 5")
    session.set_filter("amount", "> lots")  # refused: not a number
    session.set_filter("city", ValueSet((1, 2)))  # refused: not text
    session.set_query(Query(sort=(("no such column", False),)))  # refused: no column
    assert session.query_error is not None and session.query == Query(filters={"amount": "> 5"})
    session.undo()
    assert session.query == Query() and session.shown.height == 8 and not session.can_undo
    session.redo()
    assert session.query == Query(filters={"amount": "> 5"}) and not session.can_redo
    # Asking for the query in force again is no change to undo.
    session.set_filter("amount", "> 5")
    session.undo()
    assert session.query == Query()


def test_reading_again_starts_a_new_history(session: DatasetSession) -> None:
    session.set_filter("city", "= Lyon")
    assert session.can_undo
    assert session.set_missing(tokens=("Lyon",))
    assert session.query == Query() and not session.can_undo and not session.can_redo


def test_values_are_counted_among_the_rows_the_other_filters_keep(
    session: DatasetSession,
) -> None:
    answers: list[ValueCounts] = []
    session.set_filter("channel", "= web")
    session.set_filter("city", ValueSet(("Paris",)))
    session.count_values("city", answers.append, pytest.fail)
    # The city's own filter is left aside; the channel's counts.
    assert answers[0].values == (("Nice", 2), ("Lille", 1), ("Lyon", 1), ("Paris", 1))
    assert answers[0].rows == 5
    failures: list[str] = []
    session.count_values("nope", answers.append, failures.append)
    assert len(answers) == 1 and failures == ["cannot list the values of 'nope': no such column"]
    session.set_filter("city", answers[0].pick([2, 3], others=False) or "")
    assert session.shown.frame()["city"].to_list() == ["Paris", "Lyon"]
    assert session.filters_text == "Filters: channel = web · city ∈ {Lyon, Paris}"


def test_a_big_file_is_kept_mapped_and_shown_through_queries(
    orders_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "MAPPED_FROM_BYTES", 0)
    folder = tmp_path / "rows"
    mapped = DatasetSession(orders_csv, InlineRunner(), mapped_folder=folder)
    mapped.start_loading()
    in_memory = DatasetSession(orders_csv, InlineRunner())
    in_memory.start_loading()
    assert mapped.base is not None and in_memory.base is not None
    assert mapped.base.equals(in_memory.base) and not list(folder.iterdir())
    for change in (
        lambda s: s.sort_by("amount", True),
        lambda s: s.set_filter("channel", "= web"),
        lambda s: s.set_search("i"),
    ):
        change(mapped)
        change(in_memory)
        assert mapped.shown.frame().equals(in_memory.shown.frame())
        assert mapped.rows_text == in_memory.rows_text
    # Only the row numbers of the query are kept, and a window gathers its rows.
    assert mapped.shown.order is not None and mapped.shown.table is mapped.base
    assert mapped.shown.window(1, 2).equals(in_memory.shown.frame().slice(1, 2))
    mapped.export_rows(tmp_path / "shown.csv")
    assert pl.read_csv(tmp_path / "shown.csv").equals(
        pl.read_csv(in_memory.shown.frame().write_csv().encode())
    )


def test_the_rows_shown_can_be_profiled_and_the_profile_says_so(tmp_path: Path) -> None:
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    assert session.base is not None and not session.can_profile_view  # nothing chosen yet
    session.set_filter("amount", "> 100")
    session.sort_by("amount", True)
    assert session.can_profile_view
    expected = session.base.filter(pl.col("amount") > 100)
    session.start_view_profile()
    profile = session.profile
    assert profile is not None
    # The profile of the view is the profile of the filtered rows, computed directly.
    assert profile["dataset"]["rows"] == expected.height < session.base.height
    amount = next(c for c in profile["columns"] if c["name"] == "amount")
    assert amount["mean"] == pytest.approx(expected["amount"].mean(), rel=1e-12)
    assert amount["min"] == expected["amount"].min() and amount["missing"] == 0
    city = next(c for c in profile["columns"] if c["name"] == "city")
    assert city["missing"] == expected["city"].null_count()
    view = profile["source"]["view"]
    assert view == {
        "of_rows": session.base.height,
        "description": "filter: amount > 100 · sorted by amount ↓",
    }
    scope = f"Profile of {expected.height:,} rows shown (filter: amount > 100 · sorted by amount ↓)"
    assert html.escape(scope + f" of {session.base.height:,}") in overview_html(profile)
    assert f"profiled {expected.height:,} rows shown of {session.base.height:,}" in session.status
    # Its exports say so too: the JSON in its source, the report in its header and table.
    session.export_profile(tmp_path / "view.json", report=False)
    document = json.loads((tmp_path / "view.json").read_text(encoding="utf-8"))
    assert document["source"]["view"] == view and document["dataset"]["rows"] == expected.height
    session.export_profile(tmp_path / "view.html", report=True)
    assert html.escape(scope) in (tmp_path / "view.html").read_text(encoding="utf-8")

    # The whole file again: the overview says so.
    session.start_profile()
    assert session.profile is not None and "view" not in session.profile["source"]
    assert f"Profile of all {session.base.height:,} rows" in overview_html(session.profile)
