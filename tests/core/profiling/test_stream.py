"""How the streaming engine takes its batches: fixed boundaries, read ahead on a thread."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import open_table
from core.profiling import engine
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import dumps
from core.profiling.stream import fixed_rows, read_ahead
from core.read.table import Table


def pieces(frame: pl.DataFrame, sizes: list[int]) -> list[pl.DataFrame]:
    """``frame`` cut into consecutive batches of ``sizes`` rows (the rest in a last one)."""
    out, start = [], 0
    for size in sizes:
        out.append(frame.slice(start, size))
        start += size
    out.append(frame.slice(start))
    return out


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), max_size=12),
    rows=st.integers(1, 25),
)
def test_fixed_rows_cuts_any_stream_into_whole_batches(sizes: list[int], rows: int) -> None:
    total = sum(sizes) + 3
    frame = pl.DataFrame({"i": range(total), "s": [f"v{i}" for i in range(total)]})
    batches = list(fixed_rows(pieces(frame, sizes), rows))
    assert [b.height for b in batches] == [min(rows, total - s) for s in range(0, total, rows)]
    assert pl.concat(batches).equals(frame)


def test_fixed_rows_keeps_the_columns_of_an_empty_stream() -> None:
    empty = pl.DataFrame(schema={"a": pl.Int64, "b": pl.String})
    assert [b.schema for b in fixed_rows([empty, empty], 10)] == [empty.schema]
    assert list(fixed_rows([], 10)) == []
    with pytest.raises(ValueError, match="at least 1"):
        list(fixed_rows([empty], 0))


def test_read_ahead_gives_every_item_in_order_from_another_thread() -> None:
    threads: list[str] = []

    def items() -> Iterator[int]:
        for i in range(50):
            threads.append(threading.current_thread().name)
            yield i

    assert list(read_ahead(items(), 2)) == list(range(50))
    assert set(threads) == {"loupe-read-ahead"}


def test_read_ahead_raises_what_the_items_raise_where_they_raise_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("late")

    seen: list[int] = []
    with pytest.raises(KeyError, match="late"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_closing_read_ahead_early_closes_the_items_on_their_thread() -> None:
    closed: list[str] = []
    made: list[int] = []

    def items() -> Iterator[int]:
        try:
            for i in range(1_000):
                made.append(i)
                yield i
        finally:
            closed.append(threading.current_thread().name)

    ahead = read_ahead(items(), 1)
    assert next(ahead) == 0
    ahead.close()
    assert closed == ["loupe-read-ahead"]
    # The producer stopped a few items ahead, not at the end.
    assert len(made) < 10
    assert not any(t.name == "loupe-read-ahead" for t in threading.enumerate())


@pytest.fixture
def table_file(tmp_path: Path) -> Path:
    """Rows whose sums depend on the order they are added in, and a column of unique ids."""
    rng = np.random.default_rng(7)
    n = 6_000
    frame = pl.DataFrame(
        {
            "id": np.arange(n),
            "x": rng.standard_normal(n) * 1e6 + rng.random(n),
            "y": pl.Series(rng.exponential(3.0, n)).scatter(
                np.flatnonzero(rng.random(n) < 0.1), None
            ),
            "word": rng.choice(["a", "bb", "ccc", "", "dddd"], n),
        }
    )
    path = tmp_path / "rows.csv"
    frame.write_csv(path)
    return path


def test_streaming_gives_the_same_profile_however_the_reader_groups_its_pieces(
    table_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader hands out its pieces of rows in batches of any size; the profile must not vary."""
    monkeypatch.setattr(engine, "_MIN_CHUNK_ROWS", 100)
    plain = Table.batches
    cuts = random.Random(11)

    def grouped(
        self: Table, chunk_rows: int, *, limit: int | None = None
    ) -> Iterator[pl.DataFrame]:
        """The reader's rows in pieces of 100, handed out a random number of pieces at a time."""
        whole = pl.concat(list(plain(self, chunk_rows, limit=limit))).rechunk()
        parts = [whole.slice(start, 100) for start in range(0, whole.height, 100)]
        while parts:
            take = cuts.randint(1, 15)
            yield pl.concat(parts[:take], rechunk=False)
            parts = parts[take:]

    monkeypatch.setattr(Table, "batches", grouped)
    config = ProfileConfig(engine="streaming", chunk_rows=650, exact_distinct_limit=1_000)
    documents = []
    for _ in range(3):
        with open_table(table_file) as table:
            documents.append(dumps(profile_table(table, config).profile))
    assert documents[0] == documents[1] == documents[2]


def test_streaming_gives_the_same_profile_twice(
    table_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_MIN_CHUNK_ROWS", 100)
    config = ProfileConfig(engine="streaming", chunk_rows=500, exact_distinct_limit=1_000)
    documents = []
    for _ in range(2):
        with open_table(table_file) as table:
            result = profile_table(table, config)
        assert result.engine == "streaming"
        documents.append(dumps(result.profile))
    assert documents[0] == documents[1]


def test_batch_rows_do_not_follow_every_change_of_free_memory(
    table_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ProfileConfig(engine="streaming")
    with open_table(table_file) as table:
        expected = table.estimated_rows()
        size = table.source.size
        chosen = []
        assert expected
        for spare in (1.00, 1.05, 1.10, 1.20):
            # Room for batches of 50,000 to 60,000 rows.
            memory = int(size / expected * engine._BATCH_MEMORY_FACTOR * 50_000 * spare)
            monkeypatch.setattr(engine, "available_memory", lambda memory=memory: memory)
            chosen.append(engine._chunk_rows(table, config, expected))
    assert len(set(chosen)) == 1
    assert 25_000 <= chosen[0] <= 50_000


def test_a_late_value_read_ahead_restarts_the_stream_with_the_right_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The type a late value disproves is raised through the reading thread; reading restarts."""
    monkeypatch.setattr(engine, "_MIN_CHUNK_ROWS", 100)
    rows = 25_000  # more than the head sample holds
    path = tmp_path / "late.csv"
    path.write_text("n,k\n" + "".join(f"1,{i}\n" for i in range(rows)) + "2.5,x\n")
    progress: list[str] = []
    with open_table(path) as table:
        result = profile_table(
            table,
            ProfileConfig(engine="streaming", chunk_rows=4_000),
            progress=lambda phase, fraction: progress.append(phase),
        )
        assert table.plan.columns["n"].candidate.kind.value == "float"
    assert any(phase.startswith("reading again") for phase in progress)
    columns = {c["name"]: c for c in result.profile["columns"]}
    assert result.profile["dataset"]["rows"] == rows + 1
    assert columns["n"]["max"] == 2.5
    assert columns["k"]["dtype"] == "String"
    assert not any(t.name == "loupe-read-ahead" for t in threading.enumerate())
