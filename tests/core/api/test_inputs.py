"""Every kind of input gives the document ``loupe profile --json`` gives on the same data.

A file is read exactly as the command reads it: the whole document is the same,
source included. Data in memory (Polars, Arrow, DuckDB, any Arrow stream) is
compared with the command's profile of a Parquet file of the same columns: all
but the source (in memory there is no file) is the same, the mergeable state too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import loupe
from core.errors import CorruptFileError, FileAccessError, OptionError
from core.profiling.profile import SCHEMA_PATH


def _without_source(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "source"}


def _document(profile: loupe.Profile) -> dict[str, Any]:
    """The profile as its JSON text reads back (severities as text, as in the CLI's file)."""
    document: dict[str, Any] = json.loads(profile.to_json())
    return document


def test_a_path_gives_the_cli_document(january_csv: Path, cli_csv: dict[str, Any]) -> None:
    assert _document(loupe.profile(january_csv, progress=False)) == cli_csv
    assert _document(loupe.profile(str(january_csv), progress=False)) == cli_csv
    assert cli_csv["dataset"]["rows"] == 27_004


def _assert_close(found: Any, expected: Any, *, skip: set[str], where: str = "") -> None:
    """``found`` equals ``expected``, floats to 12 significant digits."""
    if isinstance(expected, dict):
        assert set(found) == set(expected), where
        for key in expected:
            if key not in skip:
                _assert_close(found[key], expected[key], skip=skip, where=f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(found) == len(expected), where
        for i, (x, y) in enumerate(zip(found, expected, strict=True)):
            _assert_close(x, y, skip=skip, where=f"{where}[{i}]")
    elif isinstance(expected, float):
        assert found == pytest.approx(expected, rel=1e-12, abs=1e-12), where
    else:
        assert found == expected, where


class _CapsuleOnly:
    """Data that offers nothing but the Arrow PyCapsule stream interface."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)


def _inputs(path: Path) -> dict[str, Any]:
    table = pq.read_table(path)
    return {
        "polars DataFrame": pl.read_parquet(path),
        "polars LazyFrame": pl.scan_parquet(path),
        "pyarrow Table": table,
        "pyarrow RecordBatchReader": table.to_reader(max_chunksize=4096),
        "duckdb relation": duckdb.sql(f"SELECT * FROM read_parquet('{path}')"),
        "capsule": _CapsuleOnly(table),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "polars DataFrame",
        "polars LazyFrame",
        "pyarrow Table",
        "pyarrow RecordBatchReader",
        "duckdb relation",
        "capsule",
    ],
)
def test_data_in_memory_gives_the_cli_document_of_its_parquet_file(
    kind: str, january_parquet: Path, cli_parquet: dict[str, Any]
) -> None:
    data = _inputs(january_parquet)[kind]
    profile = loupe.profile(data, progress=False, name="January")
    document = _document(profile)
    if kind == "duckdb relation":
        # DuckDB names the UTC zone of its TIMESTAMPTZ values Etc/UTC: the same zone.
        document = json.loads(json.dumps(document).replace("Etc/UTC", "UTC"))
    if kind in ("pyarrow RecordBatchReader", "duckdb relation"):
        # Streams' batches are kept as they come (no copy): moments summed chunk by
        # chunk differ from the file's in their last bits only.
        _assert_close(_without_source(document), _without_source(cli_parquet), skip={"state"})
    else:
        assert _without_source(document) == _without_source(cli_parquet)
    assert document["source"]["path"] is None
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["source"]["name"] == "January" == profile.name
    assert profile.rows == 27_004


def test_typed_figures_are_polars_own(january_parquet: Path, cli_parquet: dict[str, Any]) -> None:
    january = pl.read_parquet(january_parquet)
    profile = loupe.profile(january, progress=False)
    delay = profile.columns["dep_delay"]
    assert delay.kind == "numeric" and delay.dtype == "Int64"
    assert delay.count == january["dep_delay"].count()
    assert delay.missing == january["dep_delay"].null_count()
    assert delay.mean == pytest.approx(january["dep_delay"].mean())
    assert delay.std == pytest.approx(january["dep_delay"].std())
    assert (delay.min, delay.max) == (january["dep_delay"].min(), january["dep_delay"].max())
    assert delay.median == january["dep_delay"].median()
    carrier = profile.columns["carrier"]
    assert carrier.kind == "categorical" and carrier.mean is None and carrier.quantiles is None
    counts = january["carrier"].value_counts(sort=True)
    assert carrier.top_values[0].value == counts["carrier"][0]
    assert carrier.top_values[0].count == counts["count"][0]
    assert carrier.distinct == january["carrier"].n_unique()
    assert list(profile.columns) == january.columns
    assert [a.message for a in profile.alerts] == [a["message"] for a in cli_parquet["alerts"]]
    assert profile.columns["time_hour"].time_zone == "UTC"


def test_sample_engine_and_config(january_csv: Path, tmp_path: Path) -> None:
    from tests.core.api.conftest import cli_profile

    settings = tmp_path / "settings.toml"
    settings.write_text("top_values = 3\n[thresholds]\nhigh_missing = 0.01\n")
    expected = cli_profile(
        january_csv, tmp_path / "sampled.json", "--sample", "1000", "--engine", "streaming",
        "--config", str(settings),
    )  # fmt: skip
    for config in (settings, {"top_values": 3, "thresholds": {"high_missing": 0.01}}):
        found = loupe.profile(
            january_csv, sample=1000, engine="streaming", config=config, progress=False
        )
        assert _document(found) == expected
        assert found.rows == 1000 and found.engine == "streaming"
        assert len(found.columns["dest"].top_values) == 3


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(FileAccessError) as error:
        loupe.profile(missing, progress=False)
    assert str(missing) in str(error.value) and "\n" not in str(error.value)
    damaged = tmp_path / "cut.parquet"
    pl.DataFrame({"a": range(1000)}).write_parquet(damaged)
    damaged.write_bytes(damaged.read_bytes()[:200])
    with pytest.raises(CorruptFileError, match=r"cut\.parquet"):
        loupe.profile(damaged, progress=False)
    with pytest.raises(OptionError, match=r"cannot profile a builtins\.list"):
        loupe.profile([1, 2, 3], progress=False)
    with pytest.raises(OptionError, match="unknown setting 'top_value'"):
        loupe.profile(pl.DataFrame({"a": [1]}), config={"top_value": 3}, progress=False)
    with pytest.raises(OptionError, match="unknown reading option"):
        loupe.profile(missing, reading={"delimeter": ";"}, progress=False)


def test_read_types_as_loupe_does(january_csv: Path, tmp_path: Path) -> None:
    frame = loupe.read(january_csv).collect()
    assert frame.schema["dep_delay"] == pl.Int64
    assert frame.schema["time_hour"] == pl.Datetime("us", "UTC")
    assert frame["dep_time"].null_count() == 521  # the NA markers are missing values
    # Options named as the CLI's: a semicolon file, a column kept as text, a token missing.
    path = tmp_path / "codes.csv"
    path.write_text("zip;amount\n01234;1,5\n-;2\n")
    read = loupe.read(path, delimiter="semicolon", types={"zip": "str"}, na="-").collect()
    assert read["zip"].to_list() == ["01234", None]
    with pytest.raises(FileAccessError):
        loupe.read(tmp_path / "nowhere.csv")
    gz = tmp_path / "flights.csv.gz"
    import gzip

    gz.write_bytes(gzip.compress(january_csv.read_bytes()))
    assert loupe.read(gz).collect().equals(frame)


def test_arrow_numbers_are_not_copied() -> None:
    """Polars takes over the Arrow buffers of numbers and times; only text is converted."""
    import numpy as np

    from core.api.frames import in_memory, to_frame

    values = np.arange(2_000_000, dtype=np.float64)
    table = pa.table(
        {
            "x": values,
            "n": pa.array(values.astype(np.int64)),
            "t": pa.array(values.astype("datetime64[us]")),
        }
    )
    frame = to_frame(in_memory(table))
    assert isinstance(frame, pl.DataFrame)
    for name in ("x", "n", "t"):
        kept = table.column(name).chunk(0).buffers()[1].address
        assert frame[name].to_arrow().buffers()[1].address == kept, name
    reader = table.to_reader(max_chunksize=500_000)
    streamed = to_frame(in_memory(reader))
    assert isinstance(streamed, pl.DataFrame) and streamed.n_chunks() == 4


def _cancel_after(polls: int) -> tuple[list[int], Any]:
    """A cancel callable that says stop at its ``polls``-th call, and the calls seen."""
    seen: list[int] = []

    def cancel() -> bool:
        seen.append(1)
        return len(seen) >= polls

    return seen, cancel


@pytest.mark.parametrize("kind", ["duckdb relation", "pyarrow RecordBatchReader"])
def test_reading_a_stream_stops_between_batches_when_cancelled(
    kind: str, january_parquet: Path
) -> None:
    from core.api.frames import BATCH_ROWS, in_memory, to_frame
    from core.errors import Cancelled

    data = in_memory(_inputs(january_parquet)[kind])
    seen, cancel = _cancel_after(10**9)
    frame = to_frame(data, cancel=cancel)
    assert frame.height == 27_004
    # Polled before each batch and at the end: the reader's batches hold 4,096 rows,
    # DuckDB's at most BATCH_ROWS.
    if kind.startswith("pyarrow"):
        assert len(seen) == -(-27_004 // 4096) + 1
    else:
        assert len(seen) >= -(-27_004 // BATCH_ROWS) + 1
    data = in_memory(_inputs(january_parquet)[kind])
    seen, cancel = _cancel_after(1)
    with pytest.raises(Cancelled):
        to_frame(data, cancel=cancel)


def test_converting_pandas_stops_between_columns_when_cancelled(january_parquet: Path) -> None:
    from core.api.frames import in_memory, to_frame
    from core.errors import Cancelled

    frame = pl.read_parquet(january_parquet).to_pandas()
    seen, cancel = _cancel_after(3)
    with pytest.raises(Cancelled):
        to_frame(in_memory(frame), cancel=cancel)
    assert len(seen) == 3  # the third column was not converted


def test_wrong_values_and_spent_data_are_one_line_loupe_errors(
    january_csv: Path, january_parquet: Path, tmp_path: Path
) -> None:
    table = pq.read_table(january_parquet)
    reader = table.to_reader()
    assert loupe.profile(reader, progress=False).rows == 27_004
    cases: list[tuple[type[Exception], str, Any]] = [
        (OptionError, "already read", lambda: loupe.profile(reader, progress=False)),
        (
            FileAccessError,
            r"nowhere\.csv",
            lambda: loupe.profile(pl.scan_csv(tmp_path / "nowhere.csv"), progress=False),
        ),
        (OptionError, "'sample' must be int", lambda: loupe.profile(table, sample="10")),
        (OptionError, "'engine' must be str", lambda: loupe.profile(table, engine=1)),
        (
            OptionError,
            "'skip_rows' must be int",
            lambda: loupe.profile(january_csv, reading={"skip_rows": "x"}, progress=False),
        ),
        (OptionError, "'types' must be mapping", lambda: loupe.read(january_csv, types=["b"])),
        (OptionError, "'na' must be", lambda: loupe.read(january_csv, na=[1])),
        (OptionError, r"not a pyarrow\.Table", lambda: loupe.merge(table)),
    ]
    for kind, message, call in cases:
        with pytest.raises(kind, match=message) as error:
            call()
        assert "\n" not in str(error.value)
