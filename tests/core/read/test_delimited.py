"""Delimited text: dialects, inference over whole columns, tokens, codes, overrides."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import open_table
from core.errors import OptionError, ParseError, RaggedRowsError
from core.read.delimited import (
    Dialect,
    RowProblem,
    _first_problem,
    check_rows,
    read_blocks,
    scan,
    skip_lines,
)
from core.read.table import INFER_SAMPLE_ROWS, ReadOptions

Write = Callable[[str, bytes | str], Path]


def test_mixed_csv_types_and_values(mixed_csv: Path) -> None:
    with open_table(mixed_csv) as table:
        frame = table.collect()
    assert frame.schema == pl.Schema(
        {
            "id": pl.Int64,
            "zip": pl.String,
            "price": pl.Float64,
            "day": pl.Date,
            "flag": pl.Boolean,
            "note": pl.String,
            "score": pl.Int64,
        }
    )
    assert frame["zip"].to_list() == ["08123", "01234", "99999", "00501"]
    # Tokens are missing in numeric columns. "NA", which the file uses so there, is
    # missing in the text column too, as is "NULL", which says so wherever it stands.
    assert frame["price"].to_list() == [1.5, None, 2.0, None]
    assert frame["score"].to_list() == [10, 20, None, 40]
    assert frame["note"].to_list() == [None, "hello", 'multi\nline, with "quotes"', None]
    assert frame["day"].to_list() == [
        dt.date(2021, 1, 2),
        dt.date(2021, 2, 3),
        None,
        dt.date(2021, 12, 31),
    ]
    assert frame["flag"].to_list() == [True, False, True, False]


def test_preview_matches_full_read(mixed_csv: Path) -> None:
    with open_table(mixed_csv) as table:
        preview = table.preview(2)
        full = table.collect()
    assert preview.frame.equals(full.head(2))
    assert preview.truncated


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(";", "semi.csv"), ("\t", "data.tsv"), ("|", "data.psv"), (",", "data.txt")],
)
def test_delimiters_are_sniffed(write: Write, delimiter: str, name: str) -> None:
    rows = [["city", "pop", "note"], ["Lyon", "522000", "a, b; c"], ["Oslo", "709000", "x|y"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in rows)
    path = write(name, text + "\n")
    with open_table(path) as table:
        frame = table.collect()
        assert table.info.dialect is not None and table.info.dialect.delimiter == delimiter
    assert frame.columns == ["city", "pop", "note"]
    assert frame["pop"].to_list() == [522000, 709000]
    assert frame["note"].to_list() == ["a, b; c", "x|y"]


def test_decimal_comma_with_semicolons(write: Write) -> None:
    path = write("eu.csv", "produit;prix;quantité\npain;1,25;3\nvin;12,5;1\nsel;0,9;10\n")
    with open_table(path) as table:
        frame = table.collect()
        assert table.info.dialect is not None and table.info.dialect.decimal_comma
    assert frame["prix"].to_list() == [1.25, 12.5, 0.9]
    assert frame["quantité"].dtype == pl.Int64


def test_single_quote_quoting(write: Write) -> None:
    path = write("q.csv", "a,b\n'x, y',1\n'z',2\n'w, v',3\n")
    with open_table(path) as table:
        frame = table.collect()
    assert frame["a"].to_list() == ["x, y", "z", "w, v"]


def test_no_header_is_detected(write: Write) -> None:
    path = write("nums.csv", "1,2.5,2020-01-01\n2,3.5,2020-01-02\n3,4.5,2020-01-03\n")
    with open_table(path) as table:
        frame = table.collect()
    assert frame.columns == ["column_1", "column_2", "column_3"]
    assert frame.height == 3
    assert frame["column_1"].to_list() == [1, 2, 3]


def test_header_only_file_is_an_empty_table(write: Write) -> None:
    path = write("empty_table.csv", "a,b,c\n")
    with open_table(path) as table:
        frame = table.collect()
        preview = table.preview(5)
    assert frame.columns == ["a", "b", "c"]
    assert frame.height == 0
    assert preview.frame.height == 0


def test_duplicate_and_blank_header_names(write: Write) -> None:
    path = write("dups.csv", "a,a,,b\n1,2,3,4\n")
    with open_table(path) as table:
        assert table.collect().columns == ["a", "a_2", "column_3", "b"]


def test_late_decimal_beyond_head_sample_makes_column_float(write: Write) -> None:
    rows = INFER_SAMPLE_ROWS + 5000
    lines = ["n,code"] + [f"{i},{i % 7}" for i in range(rows)] + ["2.5,x9"]
    path = write("late.csv", "\n".join(lines) + "\n")
    with open_table(path) as table:
        preview = table.preview(3)
        frame = table.collect()
    # The head alone looks like integers; the whole column does not.
    assert preview.frame["n"].dtype == pl.Int64
    assert frame["n"].dtype == pl.Float64
    assert frame["n"][-1] == 2.5
    assert frame["code"].dtype == pl.String
    assert frame["code"][-1] == "x9"
    assert frame["code"][0] == "0"


def test_date_formats_and_datetimes(write: Write) -> None:
    path = write(
        "dates.csv",
        "eu,us,ts,tz\n"
        "31/12/2023,12/31/2023,2023-12-31 23:59:58,2023-12-31T23:59:58Z\n"
        "01/02/2024,02/01/2024,2024-02-01 08:00:00,2024-02-01T08:00:00.250Z\n",
    )
    with open_table(path) as table:
        frame = table.collect()
    assert frame["eu"].to_list() == [dt.date(2023, 12, 31), dt.date(2024, 2, 1)]
    assert frame["us"].to_list() == [dt.date(2023, 12, 31), dt.date(2024, 2, 1)]
    assert frame["ts"].to_list() == [
        dt.datetime(2023, 12, 31, 23, 59, 58),
        dt.datetime(2024, 2, 1, 8),
    ]
    assert frame["tz"].dtype == pl.Datetime("us", "UTC")
    assert frame["tz"][1].microsecond == 250_000


def test_long_integers_and_padded_codes_stay_text(write: Write) -> None:
    # Too long for Int64, and too many digits for a float to hold exactly.
    path = write("ids.csv", "card,acct\n41111111111111111111,007\n55000000000000000004,010\n")
    with open_table(path) as table:
        frame = table.collect()
    assert frame["card"].dtype == pl.String
    assert frame["acct"].to_list() == ["007", "010"]


def test_type_override(mixed_csv: Path) -> None:
    options = ReadOptions(types={"id": "str", "zip": "int"})
    with open_table(mixed_csv, options) as table:
        frame = table.collect()
        assert table.info.column_types["zip"].source == "override"
    assert frame["id"].to_list() == ["1", "2", "3", "4"]
    assert frame["zip"].to_list() == [8123, 1234, 99999, 501]


def test_override_that_loses_values_warns(mixed_csv: Path) -> None:
    with open_table(mixed_csv, ReadOptions(types={"note": "int"})) as table:
        frame = table.collect()
        warnings = table.info.warnings
    assert frame["note"].null_count() == 4
    assert any("'note'" in w and "2 values" in w for w in warnings)


def test_override_of_unknown_column(mixed_csv: Path) -> None:
    with (
        pytest.raises(OptionError, match="no column named 'nope'"),
        open_table(mixed_csv, ReadOptions(types={"nope": "int"})) as table,
    ):
        table.collect()


def test_no_infer_keeps_text(mixed_csv: Path) -> None:
    with open_table(mixed_csv, ReadOptions(infer=False)) as table:
        frame = table.collect()
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame["price"].to_list() == ["1.5", "NA", "2", "#N/A"]


def test_ragged_rows_fail_with_the_line(write: Write) -> None:
    path = write("ragged.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")
    with pytest.raises(RaggedRowsError) as info:
        open_table(path)
    assert info.value.line == 3
    assert "ragged.csv, line 3" in str(info.value)
    assert "4 fields" in str(info.value) and "--lenient" in str(info.value)


def test_ragged_rows_beyond_the_head_fail_on_full_read(write: Write) -> None:
    head = "a,b\n" + "".join(f"{i},value number {i}\n" for i in range(400_000))
    path = write("late_ragged.csv", head + "1,2,3\n")
    line = 400_002
    with open_table(path) as table:
        assert table.preview(3).frame.height == 3
        with pytest.raises(RaggedRowsError) as info:
            table.collect()
    assert info.value.line == line


def test_lenient_reading_warns(write: Write) -> None:
    path = write("ragged.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9\n")
    with open_table(path, ReadOptions(lenient=True)) as table:
        frame = table.collect()
        assert any("ragged rows read leniently" in w for w in table.info.warnings)
    assert frame.rows() == [(1, 2, 3), (4, 5, 6), (8, 9, None)]


def test_preview_does_not_read_the_whole_file(write: Write) -> None:
    # A broken tail far past the head: preview succeeds, the full read reports it.
    body = "".join(f"{i},name{i}\n" for i in range(400_000))
    path = write("big.csv", "id,name\n" + body + '1,"unterminated\n' + "x" * 10)
    with open_table(path) as table:
        preview = table.preview(5)
        assert preview.frame["id"].to_list() == [0, 1, 2, 3, 4]
        assert preview.truncated


def test_wide_table_types_every_column(write: Write) -> None:
    columns = 1500
    header = ",".join(f"c{i}" for i in range(columns))
    rows = [
        ",".join(str(r * i) if i % 3 else f"2024-01-{r + 1:02d}" for i in range(columns))
        for r in range(5)
    ]
    path = write("wide.csv", "\n".join([header, *rows]) + "\n")
    with open_table(path) as table:
        preview = table.preview(2).frame
        frame = table.collect()
    assert frame.width == columns
    assert {frame.schema[f"c{i}"] for i in range(1, columns, 3)} == {pl.Int64}
    assert {frame.schema[f"c{i}"] for i in range(0, columns, 3)} == {pl.Date}
    assert frame["c1499"].to_list() == [r * 1499 for r in range(5)]
    assert preview.equals(frame.head(2))


def test_thousands_separators(write: Write) -> None:
    us = write(
        "us.csv", 'amount,count,code\n"1,234.50","1,000",1\n"-12.25","12,345",2\n"999",7,3\n'
    )
    de = write(
        "de.csv", "Betrag;Anzahl;Kurs\n1.234,50;1.000;1.234\n-0,75;12.345;5.678\n3;7;9.000\n"
    )
    odd = write("odd.csv", 'v\n"1,5"\n"2,25"\n')
    with open_table(us) as table:
        frame = table.collect()
    assert frame["amount"].to_list() == [1234.5, -12.25, 999.0]
    assert frame["count"].to_list() == [1000, 12345, 7]
    with open_table(de) as table:
        frame = table.collect()
    assert frame["Betrag"].to_list() == [1234.5, -0.75, 3.0]
    assert frame["Anzahl"].to_list() == [1000, 12345, 7]
    # With a decimal comma, a point only groups thousands.
    assert frame["Kurs"].to_list() == [1234, 5678, 9000]
    with open_table(odd) as table:
        # Badly grouped digits in a comma-decimal-free file are not numbers.
        assert table.collect()["v"].to_list() == ["1,5", "2,25"]


def test_preview_of_more_rows_than_the_head_sample(write: Write) -> None:
    rows = INFER_SAMPLE_ROWS + 300
    path = write("many.csv", "n\n" + "".join(f"{i}\n" for i in range(rows)))
    with open_table(path) as table:
        preview = table.preview(rows - 1)
        assert preview.frame["n"].to_list() == list(range(rows - 1))
        assert preview.truncated
        assert not table.preview(rows + 10).truncated


def test_preview_checks_every_row_of_its_sample(write: Write) -> None:
    # Past the rows that narrow the candidate types, but inside the preview's sample.
    lines = ["n,flag"] + [f"{i},yes" for i in range(8000)] + ["7.25,maybe"]
    path = write("mid.csv", "\n".join(lines) + "\n")
    with open_table(path) as table:
        frame = table.preview(10_000).frame
    assert frame["n"].dtype == pl.Float64 and frame["n"][-1] == 7.25
    assert frame["flag"].dtype == pl.String and frame["flag"][-1] == "maybe"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab ,;\t\n\r", max_size=200),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(['"', None]),
    st.integers(1, 5),
)
def test_rows_without_quotes_are_checked_as_the_csv_reader_checks_them(
    text: str, delimiter: str, quote: str | None, first_line: int
) -> None:
    """Counting delimiters per line finds the same first ragged row as Python's csv module."""
    dialect = Dialect(delimiter, quote)
    try:
        expected: RowProblem | str | None = _first_problem(
            io.StringIO(text), dialect, at_eof=True, first_line=first_line
        )
    except csv.Error:
        expected = "not CSV"
    try:
        found: RowProblem | str | None = check_rows(
            Path("t.csv"), text, dialect, at_eof=True, first_line=first_line
        )
    except ParseError:
        found = "not CSV"
    assert found == expected


_FIELD = st.one_of(
    st.text(alphabet="ab1 ", max_size=6),
    st.text(alphabet='ab,\n"', max_size=6).map(lambda t: '"' + t.replace('"', '""') + '"'),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_FIELD, min_size=3, max_size=3), min_size=1, max_size=40),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(0, 2),
    st.booleans(),
    st.integers(8, 64),
)
def test_blocks_of_a_file_hold_the_rows_of_its_scan(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    header: bool,
    newline: str,
    skip: int,
    final_newline: bool,
    block_bytes: int,
) -> None:
    """Quoted line breaks, CRLF, skipped lines and short blocks: the same rows as one scan."""
    lines = [f"junk {i}, not csv" for i in range(skip)]
    if header:
        lines.append('x,"y\nz",w')
    lines += [",".join(row) for row in rows]
    text = newline.join(lines) + (newline if final_newline else "")
    path = tmp_path_factory.mktemp("blocks") / "t.csv"
    path.write_bytes(text.encode())
    dialect = Dialect(",", '"', header)
    head = skip_lines(text.encode(), skip)
    want = scan(path, head, dialect, lenient=False, skip=skip).collect()
    got = list(read_blocks(path, head, dialect, lenient=False, skip=skip, block_bytes=block_bytes))
    frame = pl.concat(got, how="vertical") if got else pl.DataFrame()
    assert frame.columns == want.columns
    assert frame.equals(want, null_equal=True)
