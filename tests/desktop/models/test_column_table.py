"""Every column's figures as a sortable table, and one column's beside its charts, without Qt."""

from __future__ import annotations

from typing import Any

import polars as pl

from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_frame
from desktop.models.column_table import FIELDS, ColumnTable
from desktop.models.sections import column_html
from desktop.models.summaries import column_line


def profile_of(frame: pl.DataFrame) -> Any:
    source = {"path": None, "format": "parquet", "size_bytes": 0}
    return profile_frame(frame, ProfileConfig(), source=source).profile  # type: ignore[arg-type]


FRAME = pl.DataFrame(
    {
        "small": [1, 2, 3, 4, None, None, 7, 8, 9, 10],  # 20% missing, max 10
        "big": [900, 12_000, 50, 0, 0, 1, 2, 3, 4, 5],  # max 12,000: after 900 as a number
        "city": ["Paris", "Lyon", None, "Nice", "Paris", "Paris", "Lyon", "Nice", None, None],
        "when": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 1, 10), eager=True),
    }
)
HOURS = pl.DataFrame(
    {
        "at": pl.datetime_range(
            pl.datetime(2013, 1, 1, 5), pl.datetime(2013, 1, 1, 14), "1h", eager=True
        ),
        "utc": pl.datetime_range(
            pl.datetime(2013, 1, 1, 4), pl.datetime(2013, 1, 1, 13), "1h", eager=True
        ).dt.replace_time_zone("UTC"),
    }
)


def field(title: str) -> int:
    return [f.title for f in FIELDS].index(title)


def test_sorting_goes_by_the_figures_not_their_text() -> None:
    table = ColumnTable(profile_of(FRAME))
    assert [table.name(r) for r in range(len(table))] == ["small", "big", "city", "when"]
    table.sort(field("max"), descending=True)
    # 12,000 > 10 > ... as numbers ("12,000" < "2" as text); a date's max is text, after them.
    assert [table.name(r) for r in range(2)] == ["big", "small"]
    assert table.text(0, field("max")) == "12,000"
    table.sort(field("missing %"), descending=True)
    assert [table.name(r) for r in range(len(table))] == ["city", "small", "big", "when"]
    assert table.text(0, field("missing %")) == "30.0%"
    # Columns without the figure stay last, in either order.
    table.sort(field("mean"), descending=False)
    assert [table.name(r) for r in range(2)] == ["small", "big"]
    assert {table.name(2), table.name(3)} == {"city", "when"}
    assert table.text(3, field("mean")) == ""
    table.sort(field("column"))
    assert [table.name(r) for r in range(len(table))] == ["big", "city", "small", "when"]


def test_times_read_as_in_the_grid_and_sort_as_before() -> None:
    table = ColumnTable(profile_of(HOURS.vstack(HOURS.head(1))))
    low, high, top = field("min"), field("max"), field("top value")
    assert [table.text(0, f) for f in (low, high, top)] == [
        "2013-01-01 05:00:00",
        "2013-01-01 14:00:00",
        "2013-01-01 05:00:00",
    ]
    assert table.text(1, low) == "2013-01-01 04:00:00+00:00"
    table.sort(high, descending=True)
    assert [table.name(r) for r in range(2)] == ["at", "utc"]
    table.sort(high)
    assert [table.name(r) for r in range(2)] == ["utc", "at"]


def test_no_header_chosen_is_the_profiles_order() -> None:
    table = ColumnTable(profile_of(FRAME))
    table.sort(field("missing %"), descending=True)
    table.sort(-1)
    assert [table.name(r) for r in range(len(table))] == ["small", "big", "city", "when"]
    assert table.order is None


def test_a_columns_figures_and_top_values_are_shown_by_kind() -> None:
    profile = profile_of(FRAME)
    columns = {c["name"]: c for c in profile["columns"]}
    numbers = column_html(columns["big"])
    for label, figure in (("mean", "1,296.5"), ("min", "0"), ("max", "12,000")):
        assert f"<tr><th>{label}</th><td>{figure}</td></tr>" in numbers
    assert "zeros · negatives</th><td>2 · 0" in numbers and "5% · 25% · 50%" in numbers
    text = column_html(columns["city"])
    assert "<tr><th>missing</th><td>3 (30.0%)</td></tr>" in text
    assert "length min · mean · max" in text and "mean" in text
    # Top values with their counts and shares of all rows, most frequent first.
    assert "<tr><td>Paris</td><td>3</td><td>30.0%</td></tr>" in text
    assert text.index(">Paris<") < text.index(">Lyon<")
    dates = column_html(columns["when"])
    assert "<tr><th>first</th><td>2024-01-01</td></tr>" in dates and "span" in dates


def test_the_column_view_shows_times_as_the_grid_does() -> None:
    profile = profile_of(HOURS.vstack(HOURS.head(1)))
    columns = {c["name"]: c for c in profile["columns"]}
    naive, aware = column_html(columns["at"]), column_html(columns["utc"])
    assert "<tr><th>first</th><td>2013-01-01 05:00:00</td></tr>" in naive
    assert "<tr><th>last</th><td>2013-01-01 13:00:00+00:00</td></tr>" in aware
    # The top values too: the repeated first hour leads.
    assert "<tr><td>2013-01-01 05:00:00</td><td>2</td>" in naive
    assert "T05:00" not in naive and "T04:00" not in aware


def test_years_and_codes_print_without_thousands_separators() -> None:
    frame = pl.DataFrame(
        {
            "year": [2013, 2013, 2014, 2014],  # whole numbers within ±9999: no separators
            "distance": [1400, 1416, 1089, 11_000],  # larger values keep theirs
        }
    )
    profile = profile_of(frame)
    table = ColumnTable(profile)
    texts = [table.text(0, field(f)) for f in ("min", "max", "mean")]
    assert texts == ["2013", "2014", "2013.5"]
    assert table.text(1, field("max")) == "11,000"
    columns = {c["name"]: c for c in profile["columns"]}
    assert column_line(columns["year"]).endswith("mean 2013.5")
    assert column_line(columns["distance"]).endswith("mean 3,726.25")
    year = column_html(columns["year"])
    for label, figure in (("mean", "2013.5"), ("min", "2013"), ("max", "2014")):
        assert f"<tr><th>{label}</th><td>{figure}</td></tr>" in year
    assert "2,01" not in year.split("<th>sum")[0]  # no figure in years has a separator
    assert f"<tr><th>sum</th><td>{8_054:,}</td></tr>" in year  # a sum is not a year


def test_a_rare_value_has_a_share_not_zero() -> None:
    frame = pl.DataFrame({"code": ["a"] * 2_999 + ["b"], "gap": [None] + [1] * 2_999})
    profile = profile_of(frame)
    columns = {c["name"]: c for c in profile["columns"]}
    assert "<tr><td>b</td><td>1</td><td>&lt;0.1%</td></tr>" in column_html(columns["code"])
    assert "<tr><td>a</td><td>2,999</td><td>&gt;99.9%</td></tr>" in column_html(columns["code"])
    table = ColumnTable(profile)
    assert table.text(1, field("missing %")) == "<0.1%"
    assert column_line(columns["gap"]).startswith("gap\n<1% missing")


def test_the_column_list_shows_times_as_the_grid_does() -> None:
    profile = profile_of(HOURS.vstack(HOURS.head(1)))
    columns = {c["name"]: c for c in profile["columns"]}
    assert column_line(columns["at"]).endswith("top 2013-01-01 05:00:00")
    assert column_line(columns["utc"]).endswith("top 2013-01-01 04:00:00+00:00")
