"""Convert: every output format, exact round trips, streaming sinks."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_table
from core.errors import OptionError, OutputError
from core.read.convert import convert
from core.read.table import ReadOptions


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".arrow", ".ndjson"])
def test_convert_round_trips_values(mixed_csv: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    with open_table(mixed_csv) as table:
        expected = table.collect()
        assert convert(table, out) == out
    with open_table(out) as table:
        frame = table.collect()
    assert frame.equals(expected)
    assert frame["note"][2] == 'multi\nline, with "quotes"'
    assert not list(tmp_path.glob(".out*.part"))
    # Same permissions as any file the user creates (umask applies), not private ones.
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_convert_rejects_unknown_extension_and_missing_folder(
    mixed_csv: Path, tmp_path: Path
) -> None:
    with open_table(mixed_csv) as table:
        with pytest.raises(OptionError, match=r"unknown output format \.xlsx"):
            convert(table, tmp_path / "x.xlsx")
        with pytest.raises(OutputError, match="does not exist"):
            convert(table, tmp_path / "no" / "x.parquet")


def test_failed_conversion_leaves_no_file(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write("late.csv", "a,b\n" + "".join(f"{i},{i}\n" for i in range(400_000)) + "1,2,3\n")
    out = tmp_path / "late.parquet"
    with open_table(src) as table, pytest.raises(Exception, match="line 400002"):
        convert(table, out)
    assert not out.exists()
    assert not list(tmp_path.glob(".late.parquet.*"))


# Text with the characters that break naive CSV handling.
_cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from(',;"\n\r\t '),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(_cells, min_size=1, max_size=20))
def test_text_survives_csv_to_parquet(tmp_path: Path, values: list[str]) -> None:
    # One value no type can parse keeps the column text, whatever else is drawn.
    column = ["keep me as text", *values]
    src, out = tmp_path / "h.csv", tmp_path / "h.parquet"
    pl.DataFrame({"t": column, "n": list(range(len(column)))}).write_csv(src)
    # Kept as they are: by default "NA", "NULL" and the like are read as missing.
    with open_table(src, ReadOptions(keep_na=True)) as table:
        convert(table, out)
    back = pl.read_parquet(out)
    assert back["t"].dtype == pl.String
    # Empty strings are written quoted (""), so they stay empty strings, not missing.
    assert back["t"].to_list() == column
    assert back["n"].to_list() == list(range(len(column)))
