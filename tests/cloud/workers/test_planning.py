"""Planning: Parquet uploads split by row groups and read by ranges; other files converted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from cloud.errors import ForbiddenError
from cloud.shared import Identity, JobRecord, JobRef, MemoryStore, new_id, save_upload
from cloud.workers import Chunk, merge_chunks, plan_job, profile_chunk
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.convert import convert
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.helpers import same

ALICE = Identity("alice")


class CountingStore(MemoryStore):
    """A store that counts the bytes each read hands out."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0

    def get(self, key: str) -> Any:
        stored = super().get(key)
        self.read += len(stored.data)
        return stored

    def size(self, key: str) -> int:
        return len(super().get(key).data)  # a HEAD request: no bytes of the object

    def get_range(self, key: str, start: int, end: int) -> bytes:
        data = super().get(key).data[start:end]
        self.read += len(data)
        return data


def parquet(source: Path, folder: Path, rows_per_group: int) -> Path:
    """``source`` typed by Loupe, written as Parquet in row groups of ``rows_per_group``."""
    typed = folder / "typed.parquet"
    with open_table(source) as table:
        convert(table, typed)
    path = folder / f"{source.stem}.parquet"
    pq.write_table(pq.read_table(typed), path, row_group_size=rows_per_group)
    return path


def job_for(store: MemoryStore, path: Path) -> tuple[JobRef, Any]:
    upload = save_upload(store, ALICE, path.name, path.stat().st_size)
    store.put(upload.key, path.read_bytes())
    job = JobRecord(id=new_id(), kind="profile", upload_id=upload.id)
    ref = JobRef(store, ALICE, job.id)
    ref.create(job)
    return ref, upload


def test_parquet_is_planned_from_its_footer_and_read_by_ranges(
    big_csv: Path, tmp_path: Path
) -> None:
    path = parquet(big_csv, tmp_path, rows_per_group=16_000)  # 128,000 rows: 8 groups
    size = path.stat().st_size
    store = CountingStore()
    job, upload = job_for(store, path)

    store.read = 0
    chunks = plan_job(job, upload, chunk_rows=32_000)
    assert [c.row_groups for c in chunks] == [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert [c.rows for c in chunks] == [32_000] * 4
    assert store.read < 0.05 * size  # the footer, not the file
    assert store.keys(f"jobs/alice/{job.job_id}/chunks/") == []  # nothing copied

    for chunk in chunks:
        store.read = 0
        profile_chunk(job, Chunk.from_json(chunk.to_json()), {})
        assert store.read < 0.4 * size  # its own quarter, and the footer

    merge_chunks(job, upload, len(chunks))
    cloud = json.loads(store.get(f"jobs/alice/{job.job_id}/result.json").data)
    with open_table(path) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    assert cloud["dataset"]["rows"] == 128_000
    for part in ("correlations", "missing", "alerts"):
        assert same(cloud[part], local[part]), part
    for ours, theirs in zip(cloud["columns"], local["columns"], strict=True):
        assert (ours["name"], ours["dtype"], ours["missing"]) == (
            theirs["name"],
            theirs["dtype"],
            theirs["missing"],
        )
        if ours.get("mean") is not None:
            assert ours["mean"] == pytest.approx(theirs["mean"], rel=1e-9)


def test_small_or_single_group_files_are_one_chunk(tmp_path: Path) -> None:
    path = parquet(SAMPLE_CSV, tmp_path, rows_per_group=10_000)
    store = MemoryStore()
    job, upload = job_for(store, path)
    (only,) = plan_job(job, upload, chunk_rows=1_000_000)
    assert (only.rows, only.row_groups) == (2_000, (0,))


def test_huge_row_groups_are_converted_and_text_is_cut_by_ranges(tmp_path: Path) -> None:
    store = MemoryStore()
    path = parquet(SAMPLE_CSV, tmp_path, rows_per_group=2_000)
    job, upload = job_for(store, path)
    chunks = plan_job(job, upload, chunk_rows=500)  # one group of 4 chunks
    assert [c.rows for c in chunks] == [500] * 4 and not any(c.row_groups for c in chunks)
    assert len(store.keys(f"jobs/alice/{job.job_id}/chunks/")) == 4

    job, upload = job_for(store, SAMPLE_CSV)
    chunks = plan_job(job, upload, chunk_rows=700)
    assert len(chunks) == 3 and sum(c.rows for c in chunks) == 2_000
    assert all(c.is_byte_range and c.source == upload.key for c in chunks)
    assert store.keys(f"jobs/alice/{job.job_id}/chunks/") == []


def test_a_chunk_cannot_read_another_users_upload(tmp_path: Path) -> None:
    path = parquet(SAMPLE_CSV, tmp_path, rows_per_group=500)
    store = MemoryStore()
    bob_upload = save_upload(store, Identity("bob"), path.name, path.stat().st_size)
    store.put(bob_upload.key, path.read_bytes())
    job, _ = job_for(store, path)
    stolen = Chunk(0, 0, 500, bob_upload.key, (0,))
    with pytest.raises(ForbiddenError):
        profile_chunk(job, stolen, {})
    with pytest.raises(ForbiddenError):  # nor any bytes of it
        profile_chunk(job, Chunk(0, 0, 500, bob_upload.key, start=0, end=100), {})
