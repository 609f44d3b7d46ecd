"""An open dataset driven without Qt: reading, sort cycle, filters, search, selection, busy."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from core.errors import RaggedRowsError
from core.read.query import Query
from desktop.models.session import FILTER_HELP, DatasetSession
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
    assert session.base is not None and session.rows.equals(session.base)
    assert session.rows.columns == ["city", "amount", "channel"] and session.rows.height == 8
    assert session.status == "orders.csv: 8 rows × 3 columns"
    assert session.rows_text == "8 rows"
    assert not session.busy and session.can_profile and not session.offer_lenient


def test_a_header_click_cycles_ascending_descending_unsorted(session: DatasetSession) -> None:
    base = session.rows
    session.cycle_sort("amount")
    assert session.query.sort == (("amount", False),)
    assert session.rows["amount"].to_list() == [1.5, 3, 4, 7, 9, 12.5, 20, None]
    session.cycle_sort("amount")
    assert session.query.sort == (("amount", True),)
    assert session.rows["amount"].to_list() == [20, 12.5, 9, 7, 4, 3, 1.5, None]
    # Another column replaces the sort, unless it is added (shift-click).
    session.cycle_sort("city", add=True)
    assert session.query.sort == (("amount", True), ("city", False))
    # A plain click moves the column on and drops the other keys.
    session.cycle_sort("city")
    assert session.query.sort == (("city", True),)
    session.cycle_sort("city")
    assert session.query.sort == () and session.rows.equals(base)


def test_filters_keep_their_rows_and_say_so(session: DatasetSession) -> None:
    base = session.rows
    session.set_filter("amount", " > 5 ")
    session.set_filter("channel", "= web")
    assert session.query.filters == {"amount": "> 5", "channel": "= web"}
    expected = base.filter((pl.col("amount") > 5) & (pl.col("channel") == "web"))
    assert session.rows.equals(expected) and expected.height == 2
    assert session.filters_text == "Filters: amount > 5 · channel = web"
    assert session.rows_text == "2 of 8 rows"
    session.set_filter("channel", "")  # an empty filter removes it
    assert session.query.filters == {"amount": "> 5"} and session.rows.height == 4


def test_a_filter_that_cannot_run_keeps_the_rows(session: DatasetSession) -> None:
    messages: list[str] = []
    session.events.message.connect(messages.append)
    session.set_filter("amount", "> 5")
    before = session.rows
    session.set_filter("amount", "> lots")
    assert session.query_error is not None and messages == [session.query_error]
    assert "amount" in session.query_error and session.rows.equals(before)
    session.set_filter("amount", "> 5")  # a query that runs clears the error
    assert session.query_error is None


def test_the_filter_help_shows_forms_that_filter(session: DatasetSession) -> None:
    for form, rows in [("missing", 1), ("!missing", 7), ("> 5", 4), ("!= 0", 8), ("10..20", 2)]:
        assert f" {form} " in FILTER_HELP
        session.set_filter("amount", form)
        assert session.query_error is None and session.rows.height == rows, form
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
    assert session.rows["city"].to_list() == ["Paris"]
    assert session.filters_text == "Filters: channel = web · “PAR” anywhere"
    session.clear_query()
    assert session.query == Query(sort=(("amount", True),)) and session.rows.height == 8
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
    assert session.query.filters == {"city": "= Paris"} and session.rows.height == 3
    # A click on the overview's missing-values bar selects its column.
    session.show_section("Overview")
    session.charts.click(1, {"index": 0, "x": "amount", "y": 0.125})
    assert session.column == "amount" and session.section == "Column"


def test_busy_follows_the_running_request(orders_csv: Path, manual: ManualRunner) -> None:
    session = DatasetSession(orders_csv, manual)
    busy: list[bool] = []
    session.events.busy.connect(lambda: busy.append(session.busy))
    session.start_loading()
    assert session.busy and not session.can_profile
    assert session.status == "orders.csv: reading the first rows…"
    manual.complete()  # the first rows: reading all of them starts
    assert session.busy and session.rows.height == 8 and session.base is None
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
    assert slow.rows["city"].to_list() == ["Nice", "Nice"]
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
    assert session.rows["city"].to_list() == ["Paris", "Lyon", "Nice", "Lille"]
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
    assert session.rows["city"].null_count() == 2
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
    assert session.rows.height == 8 and session.rows["city"].null_count() == 2
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
