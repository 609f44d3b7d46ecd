"""Type inference on its own: candidates, choice, missing markers, and the plan it produces."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from core import open_table
from core.errors import OptionError, TypesChanged
from core.read import infer
from core.read.infer import Candidate, Kind
from core.read.options import ReadOptions
from core.read.plan import Decided, Proposal, Traits, TypePlan
from core.read.planner import Planner

Write = Callable[[str, bytes | str], Path]
TEXT = Traits(retype_text=True)


def _kinds(frame: pl.DataFrame, *, decimal_comma: bool = False) -> dict[str, Candidate]:
    """The candidate inference chooses per column, checking every value of ``frame``."""
    proposed = infer.candidates(frame, frame.columns, decimal_comma=decimal_comma)
    counts = infer.failure_counts(frame.lazy(), proposed, streaming=False)
    return infer.choose(proposed, counts)


def test_each_kind_is_recognised() -> None:
    frame = pl.DataFrame(
        {
            "int": ["1", "-20", "+300"],
            "float": ["1.5", "2", "-3e2"],
            "bool": ["yes", "No", "TRUE"],
            "date": ["2024-01-31", "2024-02-29", "1999-12-01"],
            "datetime": ["2024-01-31 10:00:00", "2024-02-29 23:59:59.5", "1999-12-01 00:00:00"],
            "str": ["a", "1", "2024-01-01"],
        }
    )
    chosen = _kinds(frame)
    assert chosen["int"] == Candidate(Kind.INT)
    assert chosen["float"] == Candidate(Kind.FLOAT)
    assert chosen["bool"] == Candidate(Kind.BOOL)
    assert chosen["date"] == Candidate(Kind.DATE, "%Y-%m-%d")
    assert chosen["datetime"].kind is Kind.DATETIME
    assert chosen["str"] == Candidate(Kind.STR)


def test_day_first_dates_are_told_from_month_first_by_their_values() -> None:
    chosen = _kinds(
        pl.DataFrame({"eu": ["31/01/2024", "01/02/2024"], "us": ["01/31/2024", "02/01/2024"]})
    )
    assert chosen["eu"] == Candidate(Kind.DATE, "%d/%m/%Y")
    assert chosen["us"] == Candidate(Kind.DATE, "%m/%d/%Y")


def test_codes_with_leading_zeros_stay_text() -> None:
    frame = pl.DataFrame({"zip": ["08123", "01234", "99999"], "n": ["8123", "1234", "0"]})
    chosen = _kinds(frame)
    assert chosen["zip"] == Candidate(Kind.STR)
    assert chosen["n"] == Candidate(Kind.INT)  # a lone 0 is a number


def test_integers_too_long_for_a_float_stay_text() -> None:
    chosen = _kinds(pl.DataFrame({"id": ["12345678901234567", "1.5"]}))
    assert chosen["id"] == Candidate(Kind.STR)


def test_missing_tokens_do_not_stop_a_column_being_typed() -> None:
    frame = pl.DataFrame(
        {"n": ["1", "NA", "", "#N/A", None, "3"], "x": ["1.5", "nan", "-", "2", "?", "NULL"]}
    )
    assert _kinds(frame) == {"n": Candidate(Kind.INT), "x": Candidate(Kind.FLOAT)}
    cast, losses = infer.cast_counting(frame, {"n": Candidate(Kind.INT)})
    assert cast["n"].to_list() == [1, None, None, None, None, 3]
    assert losses == {"n": 0}


def test_a_column_of_tokens_only_has_no_candidates() -> None:
    assert infer.candidates(pl.DataFrame({"a": ["NA", "", None]}), ["a"]) == {"a": []}


def test_one_late_value_moves_a_column_to_its_next_candidate() -> None:
    """Candidates come from the head; the check over every value has the last word."""
    head = pl.DataFrame({"n": ["1", "2", "3"]})
    whole = pl.DataFrame({"n": ["1", "2", "3", "4.5"]})
    proposed = infer.candidates(head, ["n"])
    assert proposed["n"][0] == Candidate(Kind.INT)
    counts = infer.failure_counts(whole.lazy(), proposed, streaming=True)
    assert counts["n"][Candidate(Kind.INT)] == 1
    assert infer.choose(proposed, counts) == {"n": Candidate(Kind.FLOAT)}
    frame, chosen = infer.cast_checked(whole, proposed)
    assert chosen == {"n": Candidate(Kind.FLOAT)}
    assert frame["n"].to_list() == [1.0, 2.0, 3.0, 4.5]


def test_decimal_comma_and_thousands() -> None:
    comma = pl.DataFrame({"price": ["1.234,50", "3,14", "10"], "count": ["1.234", "12", "7"]})
    chosen = _kinds(comma, decimal_comma=True)
    assert chosen["price"] == Candidate(Kind.FLOAT, decimal_comma=True, thousands=".")
    assert chosen["count"] == Candidate(Kind.INT, thousands=".")
    point = pl.DataFrame({"amount": ["1,234.5", "7"], "bad": ["1,5", "2"]})
    chosen = _kinds(point)
    assert chosen["amount"] == Candidate(Kind.FLOAT, thousands=",")
    assert chosen["bad"] == Candidate(Kind.STR)  # groups are three digits: 1,5 is not 15


def test_file_markers_and_where_they_mean_missing() -> None:
    sample = pl.DataFrame(
        {
            "n": ["1", "NA", "-", "4"],
            "country": ["FR", "NA", "DE", "IT"],
            "note": ["fine", "NA", "-", "ok"],
        }
    )
    markers = infer.file_markers(sample, ["n"], ["country", "note"])
    assert markers[0] == "NA"  # most used first
    assert set(markers) == {"NA", "-"}
    missing = infer.text_markers(sample, ["country", "note"], markers)
    # Namibia's "NA" among two-letter codes is a value; among words it is missing.
    assert "country" not in missing
    assert missing["note"] == ("NA", "-")


def test_weak_tokens_are_markers_only_where_typed_columns_use_them() -> None:
    sample = pl.DataFrame({"n": ["1", "2"], "note": ["fine", "-"]})
    assert infer.file_markers(sample, ["n"], ["note"]) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("zip=str", ("zip", Kind.STR, None)),
        ("day=date:%d/%m/%Y", ("day", Kind.DATE, "%d/%m/%Y")),
        ("a=b=Integer", ("a=b", Kind.INT, None)),
    ],
)
def test_parse_override(spec: str, expected: tuple[str, Kind, str | None]) -> None:
    assert infer.parse_override(spec) == expected


@pytest.mark.parametrize("spec", ["zip", "=int", "zip=money"])
def test_bad_overrides_are_option_errors(spec: str) -> None:
    with pytest.raises(OptionError):
        infer.parse_override(spec)


# -- the plan ----------------------------------------------------------------------


def _planner(sample: pl.DataFrame, **options: object) -> Planner:
    """A planner for ``sample`` read as text, with ``options``."""
    return Planner(sample, ReadOptions(**options), path=Path("t.csv"), traits=TEXT)  # type: ignore[arg-type]


SAMPLE = pl.DataFrame(
    {
        "id": ["1", "2", "3"],
        "zip": ["08123", "01234", "NA"],
        "when": ["2024-01-01", "NA", "2024-03-01"],
        "score": ["10", "x", "NA"],
    }
)


def test_the_plan_says_what_was_decided_and_how() -> None:
    frame, plan = _planner(SAMPLE, types={"score": "int"}).type_frame(
        SAMPLE, basis="every value", full_scan=True
    )
    kinds = {c: t.candidate.kind for c, t in plan.columns.items()}
    assert kinds == {"id": Kind.INT, "zip": Kind.STR, "when": Kind.DATE, "score": Kind.INT}
    assert plan.decided("id") is Decided.FULL_SCAN
    assert plan.decided("score") is Decided.OPTION
    assert plan.columns["score"].lost == 1  # "x" is not an integer
    assert plan.warnings == (
        "column 'score': 1 values could not be read as int and are shown as missing",
    )
    assert plan.markers.tokens == ("NA",)
    assert plan.markers.source == "file"
    assert plan.columns["zip"].missing == ("NA",)
    assert frame["zip"].to_list() == ["08123", "01234", None]
    assert frame["score"].to_list() == [10, None, None]


def test_in_memory_typing_without_thorough_narrowing_picks_what_checking_every_value_picks() -> (
    None
):
    """Values past the first few hundred rows move columns on, as a full check moves them."""
    rows = 6000
    late = {
        "int_then_float": [str(i) for i in range(rows)],
        "int_then_thousands": [str(i % 900) for i in range(rows)],
        "date_then_text": [f"2024-01-{i % 28 + 1:02d}" for i in range(rows)],
        "int_then_code": [str(i % 50 + 1) for i in range(rows)],
        "float_then_nan": [f"{i / 7:.3f}" for i in range(rows)],
    }
    late["int_then_float"][1200] = "1.5"
    late["int_then_thousands"][4000] = "1,234"
    late["date_then_text"][2500] = "soon"
    late["int_then_code"][700] = "007"
    late["float_then_nan"][3000] = "NaN"
    sample = pl.DataFrame(late)
    frame, plan = _planner(sample.head(5000)).type_frame(sample, basis="all", full_scan=True)
    checked = _planner(sample.head(5000)).check(
        sample.lazy(), streaming=False, basis="all", full_scan=True
    )
    assert {c: t.candidate for c, t in plan.columns.items()} == {
        c: t.candidate for c, t in checked.columns.items()
    }
    kinds = {c: t.candidate.kind for c, t in plan.columns.items()}
    assert kinds == {
        "int_then_float": Kind.FLOAT,
        "int_then_thousands": Kind.INT,
        "date_then_text": Kind.STR,
        "int_then_code": Kind.STR,
        "float_then_nan": Kind.FLOAT,
    }
    assert plan.columns["int_then_thousands"].candidate.thousands == ","
    assert frame["int_then_thousands"][4000] == 1234


def test_a_sampled_plan_says_so() -> None:
    plan = _planner(SAMPLE).check(SAMPLE.lazy(), streaming=False, basis="a sample", full_scan=False)
    assert plan.decided("id") is Decided.SAMPLED
    assert plan.basis == "a sample"
    assert plan.decided("no such column") is Decided.SCHEMA


def test_given_and_kept_markers() -> None:
    given = _planner(SAMPLE, na=("x",)).markers({"zip": Kind.STR})
    assert (given.tokens, given.source, dict(given.columns)) == (("x",), "option", {})
    kept = _planner(SAMPLE, keep_na=True).markers({"zip": Kind.STR, "id": Kind.INT})
    assert (kept.source, dict(kept.columns)) == ("none", {})
    assert kept.tokens == ("NA",)


def test_inference_can_be_turned_off() -> None:
    plan = _planner(SAMPLE, infer=False).check(
        SAMPLE.lazy(), streaming=False, basis="every value", full_scan=True
    )
    assert {c: t.candidate.kind for c, t in plan.columns.items() if not t.missing} == {}


def test_an_override_of_a_missing_column_names_the_columns() -> None:
    with pytest.raises(OptionError, match=r"no column named 'nope' \(columns: id, zip"):
        _planner(SAMPLE, types={"nope": "int"}).propose()


def test_plans_are_values() -> None:
    plan = TypePlan()
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.basis = "changed"  # type: ignore[misc]
    proposal = _planner(SAMPLE).propose()
    moved = proposal.without_first(["id"])
    assert moved is not proposal
    assert proposal.first_choices()["id"] == Candidate(Kind.INT)
    assert moved.first_choices()["id"] != Candidate(Kind.INT)
    assert moved.inferred["zip"] == proposal.inferred["zip"]
    exhausted = Proposal({"a": ()}, {}, {})
    assert exhausted.first_choices() == {"a": Candidate(Kind.STR)}


# -- plans made by a table -----------------------------------------------------------


def test_a_table_shows_the_plan_it_applied(tmp_path: Path, mixed_csv: Path) -> None:
    with open_table(mixed_csv) as table:
        assert table.info.inference == ""
        preview = table.preview(2)
        assert preview.info.inference == "first 4 rows"
        table.lazy()
        assert table.info.inference == "every value"
        assert table.plan.decided("zip") is Decided.FULL_SCAN
        assert table.info.column_types == dict(table.plan.columns)
    parquet = tmp_path / "t.parquet"
    pl.DataFrame({"a": ["08123"], "b": [1]}).write_parquet(parquet)
    with open_table(parquet) as table:
        table.collect()
        # Columnar files keep their stored types, text included.
        assert table.plan.decided("a") is Decided.SCHEMA
        assert table.plan.decided("b") is Decided.SCHEMA


def test_a_late_value_in_a_stream_replans_the_column(write: Write) -> None:
    """Batches check the plan; a batch that contradicts it re-plans the column."""
    rows = 25_000  # more than the head sample holds
    path = write("late.csv", "n\n" + "1\n" * rows + "2.5\n")
    changes: list[list[str]] = []
    with open_table(path) as table:
        for _attempt in range(10):  # as the streaming engine does, but bounded
            try:
                frames = list(table.batches(10_000))
            except TypesChanged as change:
                changes.append(change.columns)
                continue
            break
        else:
            pytest.fail("the plan never settled")
        plan = table.plan
    # int, then int with thousands separators, fail on the last row; float holds it.
    assert changes == [["n"], ["n"]]
    frame = pl.concat(frames)
    assert frame.schema == pl.Schema({"n": pl.Float64})
    assert frame.height == rows + 1
    assert frame["n"][-1] == 2.5
    assert plan.columns["n"].candidate == Candidate(Kind.FLOAT)
    assert plan.decided("n") is Decided.FULL_SCAN
    assert plan.basis == "every value"


def test_dates_in_a_table_are_dates(write: Write) -> None:
    path = write(
        "d.csv", "day,at\n2024-01-02,2024-01-02 03:04:05\n2024-02-03,2024-02-03 00:00:00\n"
    )
    with open_table(path) as table:
        frame = table.collect()
    assert frame["day"].to_list() == [dt.date(2024, 1, 2), dt.date(2024, 2, 3)]
    assert frame["at"].to_list() == [dt.datetime(2024, 1, 2, 3, 4, 5), dt.datetime(2024, 2, 3)]
