"""A typed table kept in a memory-mapped file: the same rows, and no file left behind."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from core.read.mapped import MappedRows, sweep


def mapped_table(lazy: pl.LazyFrame, folder: Path, *, room: int = 0) -> pl.DataFrame | None:
    """``lazy`` read batch by batch into a store in ``folder`` (None: the store refused)."""
    store = MappedRows.open(folder, room=room)
    if store is None:
        return None
    for batch in lazy.collect_batches(chunk_size=5_000):
        store.add(batch)
    return store.frame()


@pytest.fixture
def table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": range(20_000),
            "city": [["Lyon", "Paris", None, "Nice ⏎"][i % 4] for i in range(20_000)],
            "when": pl.datetime_range(
                pl.datetime(2024, 1, 1, time_zone="Europe/Paris"),
                pl.datetime(2024, 1, 1, time_zone="Europe/Paris") + pl.duration(minutes=19_999),
                "1m",
                eager=True,
            ),
            "price": pl.Series([i / 7 for i in range(20_000)]).cast(pl.Decimal(12, 3)),
            "tags": [[i % 3, i % 5] for i in range(20_000)],
            "took": pl.Series([i * 1000 for i in range(20_000)]).cast(pl.Duration("ms")),
        }
    )


def test_the_mapped_copy_is_the_table_and_leaves_no_file(
    table: pl.DataFrame, tmp_path: Path
) -> None:
    mapped = mapped_table(table.lazy().filter(pl.col("id") % 2 == 0), tmp_path / "rows")
    assert mapped is not None
    expected = table.filter(pl.col("id") % 2 == 0)
    assert mapped.schema == expected.schema and mapped.equals(expected, null_equal=True)
    if os.name == "posix":
        assert not list((tmp_path / "rows").iterdir())
    # The copy outlives its file: queries and windows still read it.
    assert mapped.sort("id", descending=True)["id"][0] == 19_998
    assert mapped.slice(5_000, 2)["city"].to_list() == ["Lyon", None]


def test_a_disk_short_of_room_keeps_the_table_in_memory(
    table: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=3 * 1024 * 1024))
    assert mapped_table(table.lazy(), tmp_path, room=2 * 1024 * 1024) is None
    assert mapped_table(table.lazy(), tmp_path, room=1024 * 1024) is not None


def test_a_folder_that_cannot_be_written_keeps_the_table_in_memory(
    table: pl.DataFrame, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert mapped_table(table.lazy(), blocked / "rows") is None


def test_sweep_removes_only_copies_left_long_ago(tmp_path: Path) -> None:
    old, fresh, other = tmp_path / "a.arrow", tmp_path / "b.arrow", tmp_path / "notes.txt"
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    sweep(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.arrow", "notes.txt"]


def test_a_disk_that_fills_up_keeps_the_rest_in_memory(
    table: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MappedRows.open(tmp_path / "rows")
    assert store is not None
    write = pl.DataFrame.write_ipc
    written: list[int] = []

    def fills_up(frame: pl.DataFrame, path: Any, **options: Any) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(frame.height)
        write(frame, path, **options)

    monkeypatch.setattr(pl.DataFrame, "write_ipc", fills_up)
    for start in range(0, table.height, 5_000):
        store.add(table.slice(start, 5_000))
    kept = store.frame()
    assert kept is not None and kept.equals(table, null_equal=True)
    assert written == [5_000]  # the first batch on disk, the rest in memory, nothing lost
    assert not list((tmp_path / "rows").iterdir())
