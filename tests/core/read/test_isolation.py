"""A reader that aborts the process on a crafted file becomes a one-line error."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from core import open_table
from core.errors import Cancelled, CorruptFileError, FileAccessError
from core.read.isolation import run_isolated
from tests.core.read.crashers import aborting_parquet, panicking_parquet

READS = {
    "read_parquet": "pl.read_parquet(path)",
    "scan_parquet": "pl.scan_parquet(path).collect()",
    "streaming": "pl.scan_parquet(path).collect(engine='streaming')",
}


@pytest.fixture
def aborting(tmp_path: Path) -> Path:
    return aborting_parquet(tmp_path / "crafted.parquet")


@pytest.mark.parametrize("read", sorted(READS))
def test_the_crafted_file_still_kills_polars(aborting: Path, read: str) -> None:
    code = f"import sys; import polars as pl; path = sys.argv[1]; {READS[read]}"
    result = subprocess.run(
        [sys.executable, "-c", code, str(aborting)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode < 0, (
        f"Polars {pl.__version__} no longer crashes on the file from "
        f"tests/core/read/crashers.py ({read}: returncode {result.returncode}, "
        f"stderr {result.stderr[-300:]!r}); find a new crasher so the isolation "
        "stays tested"
    )


def test_pyarrow_raises_on_the_crafted_file(aborting: Path) -> None:
    with pytest.raises(OSError, match="negative number of values"):
        pq.read_table(aborting)


def test_a_crash_becomes_a_one_line_error(
    aborting: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CorruptFileError) as caught:
        run_isolated(pl.read_parquet, aborting, path=aborting)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{aborting}: the reader crashed on this file (signal SIG")
    assert caught.value.path == aborting
    # The Rust message and backtrace stay out of the terminal.
    assert "memory allocation" not in capfd.readouterr().err


def test_a_caught_panic_becomes_a_one_line_error(tmp_path: Path) -> None:
    path = panicking_parquet(tmp_path / "crafted.parquet")
    with pytest.raises(CorruptFileError) as caught:
        run_isolated(pl.read_parquet, path, path=path)
    assert str(caught.value) == (
        f"{path}: the reader crashed on this file (panic); it may be damaged or crafted"
    )


def test_a_good_file_reads_as_in_process(tmp_path: Path, typed_frame: pl.DataFrame) -> None:
    path = tmp_path / "good.parquet"
    typed_frame.write_parquet(path)
    assert_frame_equal(run_isolated(pl.read_parquet, path, path=path), pl.read_parquet(path))


def test_an_error_in_the_child_arrives_intact(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(FileAccessError) as expected:
        open_table(missing)
    with pytest.raises(FileAccessError) as caught:
        run_isolated(open_table, missing, path=missing)
    assert type(caught.value) is type(expected.value)
    assert str(caught.value) == str(expected.value)
    assert caught.value.path == expected.value.path


def test_cancel_stops_the_child() -> None:
    began = time.monotonic()
    with pytest.raises(Cancelled):
        run_isolated(time.sleep, 60, path="slow", cancel=lambda: time.monotonic() - began > 0.2)
    assert time.monotonic() - began < 30


# -- Loupe itself, on the crafted files ---------------------------------------------


@pytest.mark.parametrize("make", [aborting_parquet, panicking_parquet])
@pytest.mark.parametrize("command", ["preview", "profile", "convert"])
def test_the_cli_survives_files_that_crash_the_reader(
    tmp_path: Path, make: object, command: str
) -> None:
    path = make(tmp_path / "crafted.parquet")  # type: ignore[operator]
    args = [command, str(path)] + ([str(tmp_path / "out.csv")] if command == "convert" else [])
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: the reader crashed on this file")
    assert not (tmp_path / "out.csv").exists()


def test_the_library_raises_and_the_process_goes_on(tmp_path: Path) -> None:
    crafted = aborting_parquet(tmp_path / "crafted.parquet")
    with open_table(crafted) as table, pytest.raises(CorruptFileError, match="crashed"):
        table.preview(5)
    good = tmp_path / "good.parquet"
    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(good)
    with open_table(good) as table:
        assert table.collect()["a"].to_list() == [1, 2, 3]
