"""The view as code on real files: the Polars snippet and the DuckDB query give the rows shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import polars.selectors as cs
import pytest
from polars.testing import assert_frame_equal

from core.read.query import Query, apply_query
from core.read.query_code import CodeSource, duckdb_sql, polars_code
from core.read.table import ReadOptions, open_table

VIEWS: list[tuple[str, Query, list[str] | None]] = [
    (
        "penguins-raw.csv",
        Query(
            sort=(("Species", False), ("Culmen Length (mm)", True)),
            filters={
                "Island": "dream",
                "Date Egg": "2007-11-01..2008-12-01",
                "Sex": "!missing",
                "Clutch Completion": "= yes",
            },
        ),
        ["Sex", "Species", "Culmen Length (mm)", "Date Egg", "Clutch Completion"],
    ),
    ("penguins-raw.csv", Query(search="adelie", filters={"Comments": "missing"}), None),
    # Thousands of ties: the file's order must decide between them in both languages.
    ("weather.csv", Query(sort=(("origin", True), ("temp", False))), None),
    (
        "weather.csv",
        Query(filters={"wind_gust": "> 30", "precip": "!= 0"}, sort=(("time_hour", True),)),
        ["time_hour", "origin", "wind_gust", "precip"],
    ),
]


@pytest.mark.parametrize(("name", "query", "columns"), VIEWS)
def test_code_gives_the_rows_shown(
    corpus: dict[str, Path], name: str, query: Query, columns: list[str] | None
) -> None:
    with open_table(corpus[name]) as table:
        frame = table.collect()
        source = CodeSource.of(table.info, ReadOptions(), frame.schema)
    shown = apply_query(frame, query)
    if columns is not None:
        shown = shown.select(columns)
    assert shown.height > 0
    namespace: dict[str, Any] = {}
    exec(polars_code(source, query, columns).replace("print(view)\n", ""), namespace)
    assert isinstance(namespace["view"], pl.DataFrame)
    assert_frame_equal(namespace["view"], shown)
    relation = duckdb.sql(duckdb_sql(source, query, columns))
    assert relation is not None
    assert_frame_equal(_in_utc(relation.pl()), shown)


def _in_utc(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB's instants in UTC (it names the zone of its session, e.g. Etc/UTC)."""
    return frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
