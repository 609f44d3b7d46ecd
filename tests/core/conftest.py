"""Fixtures that write the test corpus: every format, encoding and kind of bad file."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

MIXED_CSV = (
    "id,zip,price,day,flag,note,score\n"
    "1,08123,1.5,2021-01-02,yes,NA,10\n"
    "2,01234,NA,2021-02-03,no,hello,20\n"
    '3,99999,2,,yes,"multi\nline, with ""quotes""",N/A\n'
    "4,00501,#N/A,2021-12-31,no,NULL,40\n"
)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write bytes or UTF-8 text to a file in tmp_path and return its path."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


@pytest.fixture
def mixed_csv(write: Callable[[str, bytes | str], Path]) -> Path:
    """A small CSV with every inference case: codes, tokens, dates, booleans, quoted newlines."""
    return write("mixed.csv", MIXED_CSV)


@pytest.fixture
def typed_frame() -> pl.DataFrame:
    """A typed frame used to write the binary formats."""
    return pl.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["Zoë", "Ñandú", None],
            "amount": [1.25, None, -3.5],
            "day": [dt.date(2024, 1, 1), dt.date(2024, 2, 29), None],
            "ok": [True, False, None],
        }
    )


def fingerprint(path: Path) -> tuple[str, int, int]:
    """Content hash, size and modification time: proof a file was not touched."""
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns
