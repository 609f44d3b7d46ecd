"""Quotes never closed, lines to skip above the header, and the progress of a full read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from core import open_table
from core.errors import Cancelled, EncodingError, RaggedRowsError, UnclosedQuoteError
from core.read.table import ReadOptions

Write = Callable[[str, bytes | str], Path]

# A contact list with a stray quote on line 5: the lines after it run into one field.
STRAY_QUOTE = (
    "id,name,city\n"
    "1,Ann Lee,Paris\n"
    '2,"Bob, Jr",Lyon\n'
    "3,Cy Ode,Nice\n"
    '4,"Dee Fox,Lille\n'
    "5,Eve Ruiz,Metz\n"
    "6,Fay Ng,Brest\n"
)


def test_a_quote_never_closed_is_named_with_its_line(write: Write) -> None:
    path = write("contacts.csv", STRAY_QUOTE)
    with pytest.raises(UnclosedQuoteError) as info:
        open_table(path)
    message = str(info.value)
    assert info.value.line == 5 and "contacts.csv, line 5" in message
    assert "quote" in message and "never closed" in message and "--lenient" in message
    assert "fields where the header" not in message


def test_a_quote_never_closed_past_the_head_is_named_on_the_full_read(write: Write) -> None:
    body = "".join(f"{i},name {i},town {i}\n" for i in range(300_000))
    path = write("late.csv", "id,name,city\n" + body + '7,"Dee Fox,Lille\n8,Eve,Metz\n')
    with open_table(path) as table:
        table.preview(3)
        with pytest.raises(UnclosedQuoteError) as info:
            table.collect()
    assert info.value.line == 300_002


def test_reading_leniently_keeps_a_stray_quote_as_text(write: Write) -> None:
    path = write("contacts.csv", STRAY_QUOTE)
    with open_table(path, ReadOptions(lenient=True)) as table:
        frame = table.collect()
        warnings = table.info.warnings
    assert frame["id"].to_list() == [1, 2, 3, 4, 5, 6]
    assert frame["name"][3] == '"Dee Fox' and frame["city"][3] == "Lille"
    assert frame["city"][4:].to_list() == ["Metz", "Brest"]
    assert any("line 5 opens a quote that is never closed" in w for w in warnings)


def test_reading_leniently_copes_with_a_quote_past_the_head(write: Write) -> None:
    body = "".join(f"{i},name {i},town {i}\n" for i in range(300_000))
    path = write("late.csv", "id,name,city\n" + body + '7,"Dee Fox,Lille\n8,Eve,Metz\n')
    with open_table(path, ReadOptions(lenient=True)) as table:
        frame = table.collect()
        warnings = table.info.warnings
    assert frame.height == 300_002 and frame["city"][-2:].to_list() == ["Lille", "Metz"]
    assert any("quote marks do not pair up" in w for w in warnings)


def test_a_ragged_row_is_still_called_ragged(write: Write) -> None:
    path = write("ragged.csv", 'a,b,c\n1,"x",3\n4,5,6,7\n')
    with pytest.raises(RaggedRowsError) as info:
        open_table(path)
    assert not isinstance(info.value, UnclosedQuoteError) and info.value.line == 3


def test_a_quoted_field_over_several_lines_is_no_problem(write: Write) -> None:
    path = write("notes.csv", 'id,note\n1,"first line\nsecond line"\n2,plain\n')
    with open_table(path) as table:
        assert table.collect()["note"].to_list() == ["first line\nsecond line", "plain"]


def test_a_title_above_a_csv_is_skipped(write: Write) -> None:
    path = write("export.csv", "Orders export\nJune 2024\norder,placed\nA-1,2024-06-01\n")
    with pytest.raises(RaggedRowsError) as info:
        open_table(path)
    assert "--skip-rows" in str(info.value)
    with open_table(path, ReadOptions(skip_rows=2)) as table:
        preview = table.preview(10).frame
        frame = table.collect()
    assert frame.columns == ["order", "placed"] and frame.equals(preview)
    assert frame.rows() == [("A-1", dt.date(2024, 6, 1))]


def test_a_title_row_above_a_workbook_table_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Quarterly sales report"])
    sheet.write_row(1, 0, ["Region", "Units"])
    sheet.write_row(2, 0, ["North", 120])
    sheet.write_row(3, 0, ["South", 95])
    book.close()
    with open_table(path) as table:
        assert "__UNNAMED__1" in table.collect().columns
    with open_table(path, ReadOptions(skip_rows=1)) as table:
        frame = table.collect()
    assert frame.columns == ["Region", "Units"] and frame["Units"].to_list() == [120, 95]
    with open_table(path, ReadOptions(skip_rows=2, has_header=False)) as table:
        assert table.collect().rows() == [("North", 120), ("South", 95)]


def test_an_encoding_that_cannot_decode_the_file_is_one_line(write: Write) -> None:
    path = write("plain.csv", "a,b\n1,2\n")
    with pytest.raises(EncodingError) as info:
        open_table(path, ReadOptions(encoding="utf-16"))
    assert "utf-16" in str(info.value) and "\n" not in str(info.value)


def test_a_full_read_reports_its_progress(write: Write) -> None:
    rows = 400_000
    body = "".join(
        f"{i},station {i % 97},{i * 0.25:.2f},2024-01-{i % 28 + 1:02d}\n" for i in range(rows)
    )
    path = write("readings.csv", "id,station,value,day\n" + body)
    assert path.stat().st_size > 8 * 2**20
    fractions: list[float] = []
    with open_table(path) as table:
        frame = table.collect(fractions.append)
    with open_table(path) as table:
        assert frame.equals(table.collect())
    inside = [f for f in fractions if 0 < f < 1]
    assert len(inside) >= 5, fractions
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(0 <= f <= 1 for f in fractions)
    assert frame.schema["value"] == pl.Float64 and frame.height == rows
    # The bar follows the rows: it is not at its 0.99 cap before the end of the file
    # (the head holds more rows than the inference sample does).
    with open_table(path) as table:
        expected = table.estimated_rows()
    assert expected is not None and abs(expected - rows) < rows * 0.05, expected
    assert fractions[-3] < 0.99, fractions


def test_a_full_read_stops_when_cancelled(write: Write) -> None:
    body = "".join(f"{i},{i}\n" for i in range(200_000))
    path = write("numbers.csv", "a,b\n" + body)
    with open_table(path) as table, pytest.raises(Cancelled):
        table.collect(lambda _: None, cancelled=lambda: True)
