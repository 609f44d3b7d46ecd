"""Sorting, filtering and searching rows, checked against plain Python over the same rows."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import OptionError, OutputError
from core.read.convert import write_frame
from core.read.excel import Workbook
from core.read.query import (
    Query,
    ValueSet,
    apply_query,
    count_values,
    describe_filter,
    query_order,
    range_filter,
    value_text,
)


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    rng = random.Random(7)
    n = 5_000
    return pl.DataFrame(
        {
            "id": list(range(n)),
            "amount": [
                None if rng.random() < 0.1 else round(rng.uniform(-50, 500), 2) for _ in range(n)
            ],
            "city": [rng.choice(["Lyon", "lyonnais", "Paris", "Berlin", None]) for _ in range(n)],
            "day": [dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366)) for _ in range(n)],
            "paid": [rng.random() < 0.5 for _ in range(n)],
        }
    )


def rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    return frame.to_dicts()


def test_filters_match_python(frame: pl.DataFrame) -> None:
    data = rows(frame)
    cases = {
        ("amount", "> 100"): lambda r: r["amount"] is not None and r["amount"] > 100,
        ("amount", "<=0"): lambda r: r["amount"] is not None and r["amount"] <= 0,
        ("amount", "10..20"): lambda r: r["amount"] is not None and 10 <= r["amount"] <= 20,
        ("amount", "missing"): lambda r: r["amount"] is None,
        ("amount", "!missing"): lambda r: r["amount"] is not None,
        ("city", "LYON"): lambda r: r["city"] is not None and "lyon" in r["city"].lower(),
        ("city", "= Lyon"): lambda r: r["city"] == "Lyon",
        ("city", "!= Lyon"): lambda r: r["city"] != "Lyon",
        ("day", ">= 2024-12-01"): lambda r: r["day"] >= dt.date(2024, 12, 1),
        ("day", "2024-02-01..2024-02-29"): lambda r: (
            dt.date(2024, 2, 1) <= r["day"] <= dt.date(2024, 2, 29)
        ),
        ("paid", "true"): lambda r: r["paid"] is True,
        ("id", "4,321"): lambda r: r["id"] == 4321,
    }
    for (column, text), keep in cases.items():
        got = apply_query(frame, Query(filters={column: text}))
        expected = [r for r in data if keep(r)]
        assert rows(got) == expected, (column, text)
        assert 0 < got.height < frame.height or column == "id"


def test_filters_combine_with_search_and_sort(frame: pl.DataFrame) -> None:
    query = Query(
        sort=(("city", False), ("amount", True)),
        filters={"amount": ">= 0", "day": "< 2024-07-01"},
        search="is",  # Paris and lyonnais, any case
    )
    got = rows(apply_query(frame, query))
    expected = [
        r
        for r in rows(frame)
        if r["amount"] is not None
        and r["amount"] >= 0
        and r["day"] < dt.date(2024, 7, 1)
        and any("is" in str(v).lower() for v in r.values() if v is not None)
    ]
    expected.sort(key=lambda r: -r["amount"])
    expected.sort(key=lambda r: r["city"])
    assert got == expected and got


def test_sort_keeps_missing_last_and_is_stable(frame: pl.DataFrame) -> None:
    for descending in (False, True):
        got = apply_query(frame, Query(sort=(("amount", descending),)))
        amounts = got["amount"].to_list()
        present = [a for a in amounts if a is not None]
        assert amounts[: len(present)] == sorted(present, reverse=descending)
        assert all(a is None for a in amounts[len(present) :])
    ties = apply_query(frame, Query(sort=(("paid", False),)))
    assert ties.filter(pl.col("paid"))["id"].is_sorted()


def test_search_finds_numbers_and_dates(frame: pl.DataFrame) -> None:
    assert apply_query(frame, Query(search="2024-03-15"))["day"].unique().to_list() == [
        dt.date(2024, 3, 15)
    ]
    assert 4321 in apply_query(frame, Query(search="4321"))["id"].to_list()
    assert apply_query(frame, Query(search="no such text")).height == 0


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("amount", "> lots", "'lots' is not a number value"),
        ("day", "yesterday..today", "is not a date (YYYY-MM-DD) value"),
        ("paid", "maybe", "is not a true/false value"),
        ("nope", "1", "no such column"),
    ],
)
def test_bad_filters_are_clear(frame: pl.DataFrame, column: str, text: str, message: str) -> None:
    with pytest.raises(OptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        apply_query(frame, Query(filters={column: text}))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-1000, 1000)), min_size=1, max_size=200),
    low=st.integers(-1000, 1000),
    width=st.integers(0, 500),
)
def test_range_filter_property(values: list[int | None], low: int, width: int) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int64})
    got = apply_query(frame, Query(filters={"v": f"{low}..{low + width}"}))["v"].to_list()
    assert got == [v for v in values if v is not None and low <= v <= low + width]


def test_write_frame_formats_round_trip(frame: pl.DataFrame, tmp_path: Path) -> None:
    subset = apply_query(frame, Query(filters={"city": "= Paris"}))
    for suffix in (".csv", ".parquet", ".arrow", ".ndjson", ".xlsx"):
        path = write_frame(subset, tmp_path / f"out{suffix}")
        if suffix == ".xlsx":
            book = Workbook(path)
            assert book.sheet_names == ["data"]
            back = book.read("data")
        elif suffix == ".csv":
            back = pl.read_csv(path, try_parse_dates=True)
        elif suffix == ".ndjson":
            back = pl.read_ndjson(path)
        else:
            back = pl.read_parquet(path) if suffix == ".parquet" else pl.read_ipc(path)
        assert back.height == subset.height
        assert back["id"].to_list() == subset["id"].to_list()
        assert back["amount"].to_list() == subset["amount"].to_list()
        assert [str(d)[:10] for d in back["day"].to_list()] == [
            str(d) for d in subset["day"].to_list()
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"out{s}" for s in (".csv", ".parquet", ".arrow", ".ndjson", ".xlsx")
    )


def test_write_frame_refuses_source_and_oversized_sheets(tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text("a\n1\n")
    before = source.read_bytes()
    with pytest.raises(OutputError, match="refusing to overwrite the source"):
        write_frame(pl.DataFrame({"a": [2]}), source, source=source)
    assert source.read_bytes() == before
    tall = pl.DataFrame({"a": pl.zeros(1_048_576, eager=True)})
    with pytest.raises(OutputError, match="do not fit in a worksheet"):
        write_frame(tall, tmp_path / "tall.xlsx")
    with pytest.raises(OptionError, match=r"unknown output format \.txt"):
        write_frame(tall, tmp_path / "tall.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.csv"]


def test_a_value_set_keeps_the_rows_is_in_keeps(frame: pl.DataFrame) -> None:
    picked = ("Paris", "lyonnais")
    got = apply_query(frame, Query(filters={"city": ValueSet(picked)}))
    assert got.equals(frame.filter(pl.col("city").is_in(pl.Series(picked).implode())))
    # Missing values are picked as None; excluding keeps missing values unless None is named.
    with_missing = apply_query(frame, Query(filters={"city": ValueSet((None, "Paris"))}))
    assert with_missing.equals(frame.filter(pl.col("city").is_null() | (pl.col("city") == "Paris")))
    excluded = apply_query(frame, Query(filters={"city": ValueSet(("Paris",), exclude=True)}))
    assert excluded.equals(frame.filter(pl.col("city").ne_missing("Paris")))
    days = (dt.date(2024, 1, 5), dt.date(2024, 7, 1))
    on_days = apply_query(frame, Query(filters={"day": ValueSet(days)}))
    assert set(on_days["day"]) == set(days) and on_days.height == frame["day"].is_in(days).sum()
    assert apply_query(frame, Query(filters={"city": ValueSet(())})).height == 0


def test_a_value_set_of_another_type_is_refused(frame: pl.DataFrame) -> None:
    with pytest.raises(OptionError, match="'id'"):
        apply_query(frame, Query(filters={"id": ValueSet(("not a number",))}))


def test_values_are_counted_most_frequent_first_with_missing(frame: pl.DataFrame) -> None:
    counts = count_values(frame, "city")
    expected = frame["city"].value_counts(name="n").sort("n", descending=True)
    assert dict(counts.values) == dict(expected.iter_rows())
    assert [n for _, n in counts.values] == sorted((n for _, n in counts.values), reverse=True)
    assert counts.distinct == 5 and counts.others == 0 and counts.rows == frame.height
    assert counts.low is None and not counts.ranged
    # Beyond the limit the rest are "others"; the missing value is always listed.
    top = count_values(frame, "amount", limit=10)
    assert len(top.values) == 11 and None in dict(top.values)
    assert top.others == frame["amount"].n_unique() - 11
    assert (top.low, top.high) == (frame["amount"].min(), frame["amount"].max())


def test_picking_from_a_list_makes_the_smallest_exact_filter(frame: pl.DataFrame) -> None:
    counts = count_values(frame, "city")
    everything = range(len(counts.values))
    assert counts.pick(everything, others=False) is None
    paris = [i for i, (v, _) in enumerate(counts.values) if v == "Paris"]
    assert counts.pick(paris, others=False) == ValueSet(("Paris",))
    # A list cut short: keeping the values not listed excludes the ones unticked.
    top = count_values(frame, "amount", limit=10)
    assert top.pick(range(len(top.values)), others=True) is None
    first_dropped = top.pick(range(1, len(top.values)), others=True)
    assert first_dropped == ValueSet((top.values[0][0],), exclude=True)
    kept = apply_query(frame, Query(filters={"amount": first_dropped}))
    assert kept.height == frame.height - top.values[0][1]
    assert top.pick([0], others=False) == ValueSet((top.values[0][0],))


def test_a_range_round_trips_through_the_filter_text(frame: pl.DataFrame) -> None:
    assert range_filter(-0.1, 12.345) == "-0.1..12.345"
    got = apply_query(frame, Query(filters={"amount": range_filter(-0.1, 12.345)}))
    assert got.equals(frame.filter(pl.col("amount").is_between(-0.1, 12.345)))
    start = dt.date(2024, 3, 1)
    assert range_filter(start, None) == ">= 2024-03-01"
    assert apply_query(frame, Query(filters={"day": range_filter(None, start)})).equals(
        frame.filter(pl.col("day") <= start)
    )
    moments = pl.DataFrame({"at": [dt.datetime(2024, 1, 1, h, tzinfo=dt.UTC) for h in range(5)]})
    low, high = moments["at"][1], moments["at"][3]
    assert apply_query(moments, Query(filters={"at": range_filter(low, high)})).height == 3
    assert range_filter(None, None) == ""


def test_filters_are_described_in_a_line() -> None:
    assert describe_filter("amount", "> 5") == "amount > 5"
    assert describe_filter("origin", ValueSet(("JFK", "LGA"))) == "origin ∈ {JFK, LGA}"
    assert (
        describe_filter("origin", ValueSet((None, "a", "b", "c", "d"), exclude=True))
        == "origin ∉ {(missing), a, b, +2 more}"
    )
    assert value_text("x" * 30) == "x" * 23 + "…"


def test_query_order_numbers_the_rows_apply_query_gives(frame: pl.DataFrame) -> None:
    queries = [
        Query(),
        Query(sort=(("amount", True),)),
        Query(sort=(("city", False), ("amount", True)), filters={"amount": ">= 0"}),
        Query(filters={"city": "lyon", "day": "< 2024-07-01"}, search="2024-03"),
        Query(filters={"amount": "> 1e9"}),
    ]
    for query in queries:
        order = query_order(frame, query)
        if query.is_empty:
            assert order is None
            continue
        assert order is not None
        assert frame[order].equals(apply_query(frame, query)), query
    named = frame.rename({"id": "row"})  # a column named like the row numbers
    query = Query(sort=(("row", True),))
    order = query_order(named, query)
    assert order is not None and named[order].equals(apply_query(named, query))
