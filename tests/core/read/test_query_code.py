"""The view as code: the Polars snippet and the DuckDB query give exactly the rows Loupe shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import polars.selectors as cs
import pytest
from polars.testing import assert_frame_equal

from core.errors import OptionError
from core.read.query import Query, ValueSet, apply_query
from core.read.query_code import CodeSource, duckdb_sql, parse_filter, polars_code
from core.read.table import ReadOptions, open_table

# Names with spaces, quotes, a backslash and a dot; values with markers,
# thousands separators, dates, booleans, ties for the sort, and text with % and _.
AWKWARD_CSV = (
    'id,"full name",it\'s,"say ""hi""",price,day,ok,when,note,a\\b\n'
    '1,Ann Lee,x,a,"1,200",2021-01-02,yes,2021-01-02 10:00:00,50% off,p\n'
    "2,bob,y,b,NA,2021-02-03,no,2021-01-03 11:30:00,plain_text,q\n"
    "3,Cy,x,a,15,,yes,,NA,r\n"
    '4,dee,NA,c,"2,000",2021-12-31,,2022-05-01 00:00:00,100%,s\n'
    "5,Ann Lee,x,b,15,2021-01-02,no,2021-01-02 10:00:00,O'Brien,t\n"
    "6,eve,y,a,7,2020-06-30,yes,2020-06-30 23:59:59,,u\n"
)


@pytest.fixture
def awkward(write: Callable[[str, bytes | str], Path]) -> Path:
    return write("awkward data.csv", AWKWARD_CSV)


def _shown(path: Path, query: Query, columns: list[str] | None, options: ReadOptions) -> Any:
    """What Loupe shows, and the source the code is made from."""
    with open_table(path, options) as table:
        frame = table.collect()
        info = table.info
    shown = apply_query(frame, query)
    if columns is not None:
        shown = shown.select(columns)
    return shown, CodeSource.of(info, options, frame.schema)


def _run_polars(code: str) -> pl.DataFrame:
    namespace: dict[str, Any] = {}
    exec(compile(code.replace("print(view)\n", ""), "<view>", "exec"), namespace)
    view = namespace["view"]
    assert isinstance(view, pl.DataFrame)
    return view


def _assert_same_rows(
    path: Path,
    query: Query,
    columns: list[str] | None = None,
    options: ReadOptions | None = None,
) -> None:
    """Both snippets, run on ``path``, give exactly the rows and columns Loupe shows."""
    shown, source = _shown(path, query, columns, options or ReadOptions())
    assert_frame_equal(_run_polars(polars_code(source, query, columns)), shown)
    relation = duckdb.sql(duckdb_sql(source, query, columns))
    assert relation is not None
    assert_frame_equal(_in_utc(relation.pl()), shown)


def test_file_as_read_is_the_same_table(awkward: Path) -> None:
    """Without a query, the code reads the file into the table Loupe reads (types included)."""
    _assert_same_rows(awkward, Query())


@pytest.mark.parametrize(
    "filters",
    [
        {"price": "> 15"},
        {"price": ">= 15", "ok": "= yes"},
        {"price": "< 1,500"},
        {"price": "<= 15"},
        {"price": "!= 15"},
        {"price": "10..1500"},
        {"day": "2021-01-01..2021-06-30"},
        {"day": "> 2021-01-02"},
        {"when": ">= 2021-01-02 11:00:00"},
        {"full name": "ann"},
        {"note": "%"},
        {"note": "_"},
        {"note": "o'b"},
        {"it's": "missing"},
        {"it's": "!missing", "day": "!missing"},
        {"id": "3"},
        {"ok": "false"},
    ],
)
def test_filters(awkward: Path, filters: dict[str, str]) -> None:
    """Comparisons, ranges, text contained, missing and present: the same rows in both languages."""
    _assert_same_rows(awkward, Query(filters=filters))


@pytest.mark.parametrize(
    "filters",
    [
        {"full name": ValueSet(("Ann Lee", "eve"))},
        {"it's": ValueSet(("x", None))},
        {"it's": ValueSet(("x",), exclude=True)},
        {"it's": ValueSet(("x", None), exclude=True)},
        {"price": ValueSet((15, 2000))},
        {"day": ValueSet((dt.date(2021, 1, 2), None))},
        {"ok": ValueSet((True,))},
        {"note": ValueSet(())},
        {"note": ValueSet(("50% off", "O'Brien")), "price": "> 10"},
    ],
)
def test_values_picked_from_a_list(awkward: Path, filters: dict[str, ValueSet | str]) -> None:
    """Values picked in the grid's value filter, missing or excluded: the same rows in both."""
    _assert_same_rows(awkward, Query(filters=filters))


@pytest.mark.parametrize("search", ["ann", "2021-01", "X", "%", "nothing like it"])
def test_search(awkward: Path, search: str) -> None:
    """The quick search looks in every column, any case, as in the grid."""
    _assert_same_rows(awkward, Query(search=search))


def test_multi_key_sort_keeps_ties_in_file_order(awkward: Path) -> None:
    """Several keys, each way, missing values last, ties in the file's order."""
    query = Query(sort=(('say "hi"', False), ("price", True), ("day", False)))
    _assert_same_rows(awkward, query)
    _assert_same_rows(awkward, Query(sort=(("full name", True),)))


def test_hidden_and_reordered_columns(awkward: Path) -> None:
    """Only the columns shown, in the order shown, with filters on columns not shown."""
    query = Query(sort=(("day", True),), filters={"ok": "!missing"}, search="a")
    _assert_same_rows(awkward, query, ["a\\b", "price", 'say "hi"', "it's", "id"])


def test_headerless_semicolon_file_with_given_missing(
    write: Callable[[str, bytes | str], Path],
) -> None:
    """Dialect and reading options the code must repeat: delimiter, no header, ``na`` tokens."""
    path = write("plain.txt", "1;x;2,5\n2;-;3,0\n3;z;\n4;x;-\n")
    options = ReadOptions(delimiter=";", has_header=False, na=("-",))
    _assert_same_rows(path, Query(filters={"column_2": "!missing"}), options=options)
    _assert_same_rows(path, Query(sort=(("column_3", True),)), options=options)


def test_duplicate_and_blank_header_names(write: Callable[[str, bytes | str], Path]) -> None:
    """Loupe's names for duplicate or blank headers are given to the readers."""
    path = write("dupes.csv", "a,a, b ,\n1,2,3,4\n5,6,7,8\n")
    _assert_same_rows(path, Query(filters={"a_2": "> 2"}), ["column_4", "b", "a"])


def test_parquet(tmp_path: Path) -> None:
    """A Parquet file is scanned as it is typed."""
    path = tmp_path / "typed.parquet"
    pl.DataFrame({"n": [3, 1, None, 2], "s": ["x", "y", "xy", None]}).write_parquet(path)
    _assert_same_rows(path, Query(sort=(("n", False),), filters={"s": "x"}), ["s", "n"])


def test_unsupported_format_and_bad_filter_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[{"a": 1}, {"a": 2}]')
    _, source = _shown(path, Query(), None, ReadOptions())
    with pytest.raises(OptionError, match="cannot be written as code"):
        polars_code(source, Query())
    with pytest.raises(OptionError, match="not a number"):
        parse_filter("a", pl.Int64(), "> abc")


def _in_utc(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB's instants in UTC (it names the zone of its session, e.g. Etc/UTC)."""
    return frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
