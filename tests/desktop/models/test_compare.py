"""The compare view's models without Qt: January's flights against July's, run inline."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from core.compare import CompareConfig, compare_profiles, load_saved_profile
from desktop.models.compare import DRIFT_FIELDS, column_of, detail_rows, summary_html
from desktop.models.compare_job import CompareJob, FileSide, SavedSide, TabSide
from desktop.models.profile_cache import ProfileCache
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner


def _loaded(path: Path) -> DatasetSession:
    session = DatasetSession(path, InlineRunner())
    session.start_loading()
    assert session.base is not None
    return session


def _job(a: DatasetSession, b: FileSide | SavedSide | TabSide, **kw: object) -> CompareJob:
    job = CompareJob(a, b, InlineRunner(), **kw)  # type: ignore[arg-type]
    return job


def test_a_tab_against_a_file(months: dict[str, Path], tmp_path: Path) -> None:
    jan = _loaded(months["jan"])
    assert jan.profile is None
    cache = ProfileCache(tmp_path / "cache")
    job = _job(jan, FileSide(months["jul"]), cache=cache)
    failures: list[str] = []
    job.failed.connect(failures.append)
    job.start()
    assert failures == [] and job.comparison is not None and not job.busy
    # The tab without a profile profiled itself for the comparison.
    assert jan.profile is not None
    assert job.title == "flights-01.csv ↔ flights-07.csv"

    # The drift table keeps the comparison's order: the months first, critical.
    table = job.table
    assert [table.name(0), table.name(1)] == ["month", "time_hour"]
    severity = [f.title for f in DRIFT_FIELDS].index("Severity")
    assert table.text(0, severity) == table.text(1, severity) == "critical"
    assert [table.name(i) for i in range(len(table))] == [
        r["column"] for r in job.comparison["drift"]
    ]
    mean = [f.title for f in DRIFT_FIELDS].index("Mean a → b")
    assert table.text(table.row_of("year"), mean) == "2013 → 2013"  # type: ignore[arg-type]
    # Dates keep the column narrow: their median is in the row's tooltip.
    hours = table.shown[table.row_of("time_hour")]  # type: ignore[index]
    assert (
        hours.cells[mean] == "" and "\nmedian: 2013-01-16 17:00 → 2013-07-16 21:00" in hours.tooltip
    )
    table.narrow("DELAY")
    assert sorted(table.name(i) for i in range(len(table))) == ["arr_delay", "dep_delay"]

    # A column's figures on both sides are Polars' own.
    frames = [pl.read_csv(months[k], null_values="NA") for k in ("jan", "jul")]
    rows = {r.label: r for r in detail_rows(column_of(job.comparison, "dep_delay"))}  # type: ignore[arg-type]
    assert rows["missing"].a == f"{frames[0]['dep_delay'].null_count():,}"
    assert rows["missing"].b == f"{frames[1]['dep_delay'].null_count():,}"
    assert float(rows["mean"].a) == pytest.approx(frames[0]["dep_delay"].mean(), abs=1e-3)
    assert float(rows["mean"].b) == pytest.approx(frames[1]["dep_delay"].mean(), abs=1e-3)
    assert rows["mean"].difference.startswith("+")
    dates = {r.label: r for r in detail_rows(column_of(job.comparison, "time_hour"))}  # type: ignore[arg-type]
    assert dates["ranges overlap"].difference == "no"
    assert dates["min"].a.startswith("2013-01-01") and dates["min"].b.startswith("2013-07-01")
    dest = {r.label: r for r in detail_rows(column_of(job.comparison, "dest"))}  # type: ignore[arg-type]
    assert "MTJ" in dest["vanished"].a and "HDN" in dest["vanished"].a

    text = summary_html(job.comparison, job.names)
    assert "critical" in text and f"{frames[1].height:,}" in text

    # The most drifted column is shown, as its overlay chart and figures.
    assert job.column == "month" and job.section == "Column"
    assert [s["layout"]["meta"]["chart"] for s in job.specs] == ["overlay"]
    assert "flights-07.csv" in job.html
    job.show_section("Correlations")
    assert [s["layout"]["meta"]["part"] for s in job.specs] == ["difference", "a", "b"]

    # July's profile is kept: comparing with the file again reads it from the cache.
    assert cache.size() > 0

    # The JSON written is the comparison.
    written: list[str] = []
    job.exported.connect(written.append)
    job.export_json(tmp_path / "comparison.json")
    assert written == [str(tmp_path / "comparison.json")]
    assert json.loads((tmp_path / "comparison.json").read_text("utf-8"))["drift"] == json.loads(
        json.dumps(job.comparison["drift"])
    )


def test_a_tab_against_a_tab_and_a_saved_profile(months: dict[str, Path]) -> None:
    jan, jul = _loaded(months["jan"]), _loaded(months["jul"])
    jan.start_profile()
    tabs = _job(jan, TabSide(jul))
    tabs.start()
    saved = _job(jan, SavedSide(months["jul_profile"]))
    saved.start()
    assert tabs.comparison is not None and saved.comparison is not None
    # The saved profile compares as the file it was made from.
    assert [r["column"] for r in saved.comparison["drift"]] == [
        r["column"] for r in tabs.comparison["drift"]
    ]
    expected = compare_profiles(
        jan.profile,  # type: ignore[arg-type]
        load_saved_profile(months["jul_profile"]),
        CompareConfig(),
    )
    assert saved.comparison["drift"] == expected["drift"]


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ("stateless", "no mergeable state"),
        ("jul", "not a saved profile"),
        ("missing", "missing.csv"),
    ],
)
def test_errors_are_one_line_naming_the_file(
    months: dict[str, Path], tmp_path: Path, side: str, expected: str
) -> None:
    jan = _loaded(months["jan"])
    jan.start_profile()
    path = tmp_path / "missing.csv" if side == "missing" else months[side]
    chosen = FileSide(path) if side == "missing" else SavedSide(path)
    job = _job(jan, chosen)
    failures: list[str] = []
    job.failed.connect(failures.append)
    job.start()
    assert job.comparison is None and not job.busy
    assert len(failures) == 1 and expected in failures[0] and str(path.name) in failures[0]
    assert "\n" not in failures[0] and "Traceback" not in failures[0]
