"""Delimited text planned by byte ranges: the profile of the whole file, in bounded memory."""

from __future__ import annotations

import codecs
import gzip
import json
import math
import tracemalloc
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cloud.shared import (
    JobRef,
    MemoryStore,
    Upload,
    load_upload,
)
from cloud.shared.storage import Stored
from cloud.workers import (
    Chunk,
    JobLimits,
    merge_chunks,
    plan_job,
    planning,
    profile_chunk,
    run_job,
    scratch_root,
    text_ranges,
)
from core.errors import SourceError
from core.read.readers import delimited as delimited_reader
from core.samples import SAMPLE_CSV
from tests.cloud.helpers import job_on
from tests.corpus.conftest import NOT_DOWNLOADED, corpus, members  # noqa: F401  (fixture)


def store_upload(store: MemoryStore, job: JobRef) -> Upload:
    return load_upload(store, job.identity, job.load().upload_id)


def profile(
    data: bytes,
    name: str,
    chunk_rows: int,
    *,
    whole: bool = False,
) -> tuple[dict[str, Any], MemoryStore, list[Chunk]]:
    """The result of a profile job on ``data``, and its chunks.

    ``whole`` types the file whole, as every text file was before byte ranges.
    """
    store = MemoryStore()
    job = job_on(store, data, name)
    upload = store_upload(store, job)
    with pytest.MonkeyPatch.context() as patch:
        if whole:
            patch.setattr(planning, "plan_text_ranges", lambda *args, **kwargs: None)
        chunks = plan_job(job, upload, chunk_rows=chunk_rows, limits=JobLimits())
    for chunk in chunks:
        profile_chunk(job, Chunk.from_json(chunk.to_json()), {})
    merge_chunks(job, upload, len(chunks))
    assert job.load().status == "succeeded"
    return json.loads(store.get(job.keys.result).data), store, chunks


def assert_same_figures(ranges: dict[str, Any], whole: dict[str, Any]) -> None:
    """Counts, extremes and moments of every column, the dataset's figures, how it was read."""
    for figure in ("rows", "columns", "cells", "missing_cells", "duplicate_rows", "kinds"):
        assert ranges["dataset"][figure] == whole["dataset"][figure], figure
    assert ranges["source"]["read"] == whole["source"]["read"]
    for ours, theirs in zip(ranges["columns"], whole["columns"], strict=True):
        for figure in ("name", "dtype", "kind", "count", "missing", "min", "max", "zeros"):
            assert ours.get(figure) == theirs.get(figure), (ours["name"], figure)
        if theirs.get("distinct_exact"):
            assert ours["distinct"] == theirs["distinct"], ours["name"]
        for figure in ("mean", "sum", "std"):
            if theirs.get(figure) is not None:
                assert math.isclose(ours[figure], theirs[figure], rel_tol=1e-9, abs_tol=1e-9)


def test_ranges_give_the_profile_of_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    data = SAMPLE_CSV.read_bytes()
    ranges, store, chunks = profile(data, "orders.csv", 700)
    whole, _, _ = profile(data, "orders.csv", 700, whole=True)
    assert_same_figures(ranges, whole)
    # Three ranges of whole records, nothing copied: the chunks read the upload itself.
    assert len(chunks) == 3 and all(c.is_byte_range for c in chunks)
    assert sum(c.rows for c in chunks) == 2_000  # counted exactly up to 256 MB
    assert [k for k in store.keys("jobs/") if "/chunks/" in k] == []
    assert ranges["source"]["name"] == "orders.csv"
    assert ranges["source"]["read"]["inference"] == "every value"


RAW = SAMPLE_CSV.read_bytes()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom.csv", codecs.BOM_UTF8 + RAW),
        ("crlf.csv", RAW.replace(b"\n", b"\r\n")),
        ("tabs.tsv", codecs.BOM_UTF8 + RAW.replace(b",", b"\t").replace(b"\n", b"\r\n")),
        ("headless.csv", RAW.split(b"\n", 1)[1]),
    ],
)
def test_dialects_by_ranges_give_the_profile_of_the_whole_file(name: str, data: bytes) -> None:
    ranges, _, chunks = profile(data, name, 700)
    whole, _, _ = profile(data, name, 700, whole=True)
    assert_same_figures(ranges, whole)
    assert len(chunks) == 3 and all(c.is_byte_range for c in chunks)


def quoted_csv(rows: int) -> bytes:
    """A CSV whose quoted values hold line breaks, delimiters and doubled quotes."""
    lines = ["id,note,amount"]
    for i in range(rows):
        note = f'"line one\nline ""two"", {i}\nthree"' if i % 3 == 0 else f"plain {i}"
        lines.append(f"{i},{note},{i * 1.5}")
    return ("\n".join(lines) + "\n").encode()


def test_quoted_line_breaks_are_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    data = quoted_csv(3_000)
    ranges, _, chunks = profile(data, "notes.csv", 97)
    whole, _, _ = profile(data, "notes.csv", 97, whole=True)
    assert_same_figures(ranges, whole)
    assert len(chunks) > 20 and sum(c.rows for c in chunks) == 3_000
    for chunk in chunks[1:]:  # each starts a record: its id, then a comma
        assert data[chunk.start : chunk.start + 5].split(b",")[0].isdigit()


@pytest.fixture
def sampled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over 1 MB typed from samples (256 MB outside the tests), here and on the desktop."""
    monkeypatch.setattr(text_ranges, "FULL_SCAN_BYTES", 1_000_000)
    monkeypatch.setattr(delimited_reader, "FULL_SCAN_BYTES", 1_000_000)


@pytest.fixture(scope="module")
def one_line_rows(big_csv: Path) -> pl.DataFrame:
    """The big sample's rows, their quoted line breaks made spaces."""
    frame = pl.read_csv(big_csv, infer_schema=False)
    return frame.with_columns(pl.col("comment").str.replace_all("\n", " "))


def test_large_files_are_typed_from_the_desktops_samples(
    one_line_rows: pl.DataFrame, sampled: None
) -> None:
    data = one_line_rows.write_csv().encode()
    ranges, _, chunks = profile(data, "orders_big.csv", 40_000)
    whole, _, _ = profile(data, "orders_big.csv", 40_000, whole=True)
    assert ranges["source"]["read"]["inference"].startswith("a sample of ")
    assert_same_figures(ranges, whole)
    assert len(chunks) == 4 and chunks[-1].end == len(data)
    assert all(data[c.start - 1 : c.start] == b"\n" for c in chunks[1:])


def test_values_the_sample_missed_are_counted(
    one_line_rows: pl.DataFrame, sampled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    middle = one_line_rows.height // 2
    odd = one_line_rows.with_columns(
        pl.when(pl.int_range(pl.len()) == middle)
        .then(pl.lit("n/a yet"))
        .otherwise(pl.col("quantity"))
        .alias("quantity")
    )
    # The 48 spread blocks are small here, so the odd value falls between them.
    monkeypatch.setattr(text_ranges, "_SPREAD_BYTES", 2048)
    ranges, _, _ = profile(odd.write_csv().encode(), "orders.csv", 40_000)
    read = ranges["source"]["read"]
    assert read["column_types"]["quantity"]["type"] == "int"
    assert read["column_types"]["quantity"]["lost"] == 1
    assert any("'quantity': 1 values" in w and "shown as missing" in w for w in read["warnings"])
    assert next(c for c in ranges["columns"] if c["name"] == "quantity")["missing"] == (
        odd.get_column("quantity").is_null().sum() + 1
    )


def test_a_cut_inside_quotes_fails_the_job_in_one_line(sampled: None) -> None:
    plain = [f"{i},plain {i},{i}" for i in range(250_000)]  # about 5 MB: past the head
    long_note = '"' + "\n".join(f"note line {n}" for n in range(200_000)) + '"'
    data = ("id,note,amount\n" + "\n".join([*plain, f"1,{long_note},2", *plain]) + "\n").encode()
    store = MemoryStore()
    job = job_on(store, data, "notes.csv")
    record = run_job(job, chunk_rows=50_000)
    assert record.status == "failed"
    assert record.error is not None and record.error.startswith("notes.csv: a quoted value spans")
    assert "Parquet" in record.error and "\n" not in record.error


def test_large_files_with_quoted_line_breaks_in_the_head_are_typed_whole(
    big_csv: Path, sampled: None
) -> None:
    # The sample's comments hold quoted line breaks: no cut can be trusted without a full read.
    data = big_csv.read_bytes()
    _, store, chunks = profile(data, "orders_big.csv", 40_000)
    assert not any(c.is_byte_range for c in chunks)
    assert len([k for k in store.keys("jobs/") if "/chunks/" in k]) == 4


def test_other_files_are_typed_whole() -> None:
    data = gzip.compress(SAMPLE_CSV.read_bytes())
    store = MemoryStore()
    job = job_on(store, data, "orders.csv.gz")
    chunks = plan_job(job, store_upload(store, job), chunk_rows=700)
    assert [c.rows for c in chunks] == [700, 700, 600] and not any(c.source for c in chunks)
    assert len(store.keys(f"{job.keys.prefix}chunks/")) == 3


class WatchedStore(MemoryStore):
    """A store whose reads hand out new bytes, as S3's do, noting what the steps hold on disk."""

    def __init__(self) -> None:
        super().__init__()
        self.on_disk = 0

    def _watch(self) -> None:
        held = sum(p.stat().st_size for p in scratch_root().rglob("*") if p.is_file())
        self.on_disk = max(self.on_disk, held)

    def get(self, key: str) -> Stored:
        self._watch()
        stored = super().get(key)
        return Stored(bytes(memoryview(stored.data)), stored.etag)

    def size(self, key: str) -> int:
        return len(super().get(key).data)  # a HEAD request: no bytes of the object

    def get_range(self, key: str, start: int, end: int) -> bytes:
        self._watch()
        return super().get(key).data[start:end]


def planning_peak(data: bytes) -> tuple[int, int, int]:
    """Python's peak allocation while planning ``data``, the chunks, and the bytes kept on disk."""
    store = WatchedStore()
    job = job_on(store, data, "orders.csv")
    upload = store_upload(store, job)
    tracemalloc.start()
    try:
        chunks = plan_job(job, upload, chunk_rows=100_000, limits=JobLimits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, len(chunks), store.on_disk


def test_planning_memory_does_not_grow_with_the_file(big_csv: Path) -> None:
    small = big_csv.read_bytes()  # about 12 MB
    body = small[small.index(b"\n") + 1 :]
    large = small + 4 * body  # about 60 MB
    small_peak, small_chunks, small_disk = planning_peak(small)
    large_peak, large_chunks, large_disk = planning_peak(large)
    assert (small_chunks, large_chunks) == (2, 7)
    # Sniffing the 4 MiB head (as the desktop does) and blocks of at most 4 MiB,
    # whatever the size; typing the whole file read all of it into memory at once.
    assert small_peak < 48 * 2**20 and abs(large_peak - small_peak) < 2 * 2**20
    assert large_peak < len(large) / 1.5
    # On disk, only the head, for the reader to sniff: never a copy of the data.
    assert small_disk <= 4 * 2**20 + 1 and large_disk <= 4 * 2**20 + 1


def corpus_text(name: str) -> bool:
    """Whether a corpus table is plain delimited text."""
    return name.endswith((".csv", ".tsv"))


@pytest.mark.parametrize(
    "table_name",
    [n for n, m in members().items() if m.table and corpus_text(n)] or [NOT_DOWNLOADED],
)
def test_corpus_by_ranges_equals_the_whole_file(
    corpus: dict[str, Path],  # noqa: F811
    table_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = corpus[table_name].read_bytes()
    chunk_rows = max(1, data.count(b"\n") // 3)
    name = Path(table_name).name
    try:
        whole, _, _ = profile(data, name, chunk_rows, whole=True)
    except SourceError as refused:  # a file Loupe refuses is refused for the same reason
        with pytest.raises(type(refused)) as caught:
            profile(data, name, chunk_rows)
        assert (caught.value.reason, caught.value.line) == (refused.reason, refused.line)
        return
    ranges, _, chunks = profile(data, name, chunk_rows)
    assert_same_figures(ranges, whole)
    assert all(c.is_byte_range for c in chunks)
