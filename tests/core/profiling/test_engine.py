"""The profiling engines on their own: which one runs, that both agree, progress and cancelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from core import open_table
from core.errors import Cancelled
from core.profiling import engine
from core.profiling.config import ProfileConfig
from core.profiling.engine import choose_engine, profile_frame, profile_table
from core.profiling.profile import dumps
from core.samples import SAMPLE_CSV


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the streaming engine read the sample table in several batches."""
    monkeypatch.setattr(engine, "_MIN_CHUNK_ROWS", 100)


def run(path: Path, progress: list[tuple[str, float]] | None = None, **config: Any) -> Any:
    def report(phase: str, fraction: float) -> None:
        if progress is not None:
            progress.append((phase, fraction))

    with open_table(path) as table:
        return profile_table(table, ProfileConfig(**config), progress=report)


def comparable(profile: Any) -> dict[str, Any]:
    """The profile as JSON, without what depends on the engine.

    Its name, its state (which records the chunks) and the memory estimate (a sum
    of the chunks' estimates) differ by design.
    """
    document = json.loads(dumps(profile))
    for key in ("engine", "state"):
        document.pop(key)
    document["dataset"].pop("memory_bytes")
    return document


def assert_same(a: Any, b: Any, where: str = "") -> None:
    """Equal documents; floats up to the rounding of sums taken in another order."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}/{i}")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15), where
    else:
        assert a == b, where


def test_choose_engine_follows_size_memory_and_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_table(SAMPLE_CSV) as table:
        assert choose_engine(table, ProfileConfig(engine="streaming")) == "streaming"
        assert choose_engine(table, ProfileConfig(engine="memory")) == "memory"
        monkeypatch.setattr(engine, "available_memory", lambda: 1 << 40)
        assert choose_engine(table, ProfileConfig()) == "memory"
        # About four times the file must fit in memory.
        size = table.source.size
        monkeypatch.setattr(engine, "available_memory", lambda: 3 * size)
        assert choose_engine(table, ProfileConfig()) == "streaming"
        monkeypatch.setattr(engine, "available_memory", lambda: 5 * size)
        assert choose_engine(table, ProfileConfig()) == "memory"
        # Past the in-memory size limit: streaming, whatever the memory...
        monkeypatch.setattr(engine, "available_memory", lambda: 1 << 40)
        monkeypatch.setattr(engine, "AUTO_MEMORY_MAX_BYTES", size // 2)
        assert choose_engine(table, ProfileConfig()) == "streaming"
        # ...unless only a sample of rows is read.
        assert choose_engine(table, ProfileConfig(sample=10)) == "memory"


def test_memory_and_streaming_give_the_same_profile(small_batches: None) -> None:
    batches: list[tuple[str, float]] = []
    in_memory = run(SAMPLE_CSV, engine="memory")
    streamed = run(SAMPLE_CSV, batches, engine="streaming", chunk_rows=300)
    assert (in_memory.engine, streamed.engine) == ("memory", "streaming")
    assert in_memory.profile["engine"] == "memory"
    assert len([p for p in batches if p[0] == "reading and summarising"]) > 3
    assert_same(comparable(streamed.profile), comparable(in_memory.profile))


def test_both_engines_count_rows_as_duckdb_does(small_batches: None) -> None:
    con = duckdb.connect()
    (rows,) = con.execute(f"SELECT count(*) FROM read_csv('{SAMPLE_CSV}')").fetchone()
    con.close()
    for name in ("memory", "streaming"):
        result = run(SAMPLE_CSV, engine=name, chunk_rows=250)
        assert result.profile["dataset"]["rows"] == rows
        assert result.seconds > 0


@pytest.mark.parametrize("name", ["memory", "streaming"])
def test_sample_reads_only_the_first_rows(name: str, small_batches: None) -> None:
    result = run(SAMPLE_CSV, engine=name, sample=500, chunk_rows=200)
    assert result.profile["dataset"]["rows"] == 500
    order_id = next(c for c in result.profile["columns"] if c["name"] == "order_id")
    assert (order_id["min"], order_id["max"]) == (1, 500)


@pytest.mark.parametrize("name", ["memory", "streaming"])
def test_progress_rises_to_one(name: str, small_batches: None) -> None:
    progress: list[tuple[str, float]] = []
    run(SAMPLE_CSV, progress, engine=name, chunk_rows=300)
    fractions = [f for _, f in progress]
    assert progress[0] == ("reading", 0.0)
    assert progress[-1] == ("done", 1.0)
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert len(progress) >= 3


@pytest.mark.parametrize("name", ["memory", "streaming"])
def test_cancel_stops_the_work(name: str, small_batches: None) -> None:
    with open_table(SAMPLE_CSV) as table, pytest.raises(Cancelled):
        profile_table(table, ProfileConfig(engine=name), cancel=lambda: True)


def test_cancel_during_streaming_stops_before_the_end(small_batches: None) -> None:
    progress: list[tuple[str, float]] = []

    def cancel() -> bool:
        # Asked to stop once the first batch has been summarised.
        return any(phase == "reading and summarising" for phase, _ in progress)

    with open_table(SAMPLE_CSV) as table, pytest.raises(Cancelled):
        profile_table(
            table,
            ProfileConfig(engine="streaming", chunk_rows=200),
            progress=lambda phase, fraction: progress.append((phase, fraction)),
            cancel=cancel,
        )
    assert ("done", 1.0) not in progress
    assert len([p for p in progress if p[0] == "reading and summarising"]) == 1


def test_a_frame_in_memory_profiles_as_its_file_does(tmp_path: Path) -> None:
    """The rows a view shows, profiled from memory, give the profile of a file of those rows."""
    with open_table(SAMPLE_CSV) as table:
        rows = table.collect().filter(pl.col("amount") > 100)
    written = tmp_path / "rows.parquet"
    rows.write_parquet(written)
    with open_table(written) as table:
        source = {
            "path": str(written),
            "name": written.name,
            "format": "parquet",
            "size_bytes": written.stat().st_size,
            "read": table.info.to_dict(),
        }
        direct = profile_table(table, ProfileConfig(engine="memory")).profile
    from_frame = profile_frame(rows, ProfileConfig(), source=source).profile  # type: ignore[arg-type]
    assert from_frame["dataset"]["rows"] == rows.height > 0
    documents = [comparable(from_frame), comparable(direct)]
    assert documents[0].pop("source") == source
    documents[1].pop("source")
    assert_same(*documents)


def test_profiling_a_frame_can_be_cancelled() -> None:
    with open_table(SAMPLE_CSV) as table:
        rows = table.collect()
    with pytest.raises(Cancelled):
        profile_frame(
            rows,
            ProfileConfig(),
            source={"path": None, "format": "csv", "size_bytes": 0},
            cancel=lambda: True,
        )


def test_a_frame_in_slices_profiles_as_its_file_streamed(small_batches: None) -> None:
    """Rows in hand summarised slice by slice give what the streaming engine gives the file."""
    streamed = run(SAMPLE_CSV, engine="streaming", chunk_rows=300)
    with open_table(SAMPLE_CSV) as table:
        rows = table.collect()
        source = {
            "path": str(table.path),
            "name": table.path.name,
            "format": table.info.format.value,
            "size_bytes": table.info.size_bytes,
            "read": table.info.to_dict(),
        }
    steps: list[tuple[str, float]] = []
    sliced = profile_frame(
        rows,
        ProfileConfig(chunk_rows=300),
        source=source,  # type: ignore[arg-type]
        engine="streaming",
        progress=lambda phase, fraction: steps.append((phase, fraction)),
    )
    assert sliced.engine == "streaming" and sliced.profile["engine"] == "streaming"
    assert rows.height > 3 * 300  # several slices
    assert len([s for s in steps if s[0] == "summarising columns"]) > 3
    assert_same(comparable(sliced.profile), comparable(streamed.profile))
