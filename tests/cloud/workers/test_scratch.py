"""The steps' temporary files: under one root per process that a stopping server removes,
and never named in what a job leaves behind."""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloud.shared import Identity, JobRecord, JobRef, MemoryStore, Stored, new_id, save_upload
from cloud.workers import remove_scratch, run_job, scratch_root
from cloud.workers.scratch import scratch_dir
from core.samples import SAMPLE_CSV
from tests.cloud.workers.test_planning import parquet

ALICE = Identity("alice")


class WatchedStore(MemoryStore):
    """A store that notes, on each read, what the system's temporary folder holds."""

    def __init__(self, temp: Path) -> None:
        super().__init__()
        self.temp = temp
        self.seen: set[str] = set()

    def _look(self) -> None:
        for path in self.temp.rglob("*"):
            self.seen.add(path.relative_to(self.temp).parts[0])
            if len(path.relative_to(self.temp).parts) > 1:
                self.seen.add("/".join(path.relative_to(self.temp).parts[:2]))

    def get(self, key: str) -> Stored:
        self._look()
        return super().get(key)

    def get_range(self, key: str, start: int, end: int) -> bytes:
        self._look()
        return super().get_range(key, start, end)


def run(store: MemoryStore, data: bytes, name: str, chunk_rows: int) -> JobRef:
    upload = save_upload(store, ALICE, name, len(data))
    store.put(upload.key, data)
    record = JobRecord(id=new_id(), kind="profile", upload_id=upload.id)
    job = JobRef(store, ALICE, record.id)
    job.create(record)
    finished = run_job(job, chunk_rows=chunk_rows)
    assert finished.status == "succeeded", finished.error
    return job


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The system's temporary folder, empty, and no scratch root made yet."""
    remove_scratch()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    remove_scratch()


def test_steps_keep_their_files_under_one_root(
    temp: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = WatchedStore(temp)
    groups = parquet(SAMPLE_CSV, tmp_path_factory.mktemp("groups"), rows_per_group=500)
    run(store, SAMPLE_CSV.read_bytes(), "orders.csv", 700)
    run(store, groups.read_bytes(), "orders.parquet", 1_000)
    root = scratch_root()
    assert root.parent == temp and root.name.startswith("loupe-work-")
    # Every folder of the steps was made under the root, never beside it.
    assert {s for s in store.seen if "/" not in s} == {root.name}
    inside = {s.split("/")[1].split("-")[1] for s in store.seen if "/" in s}
    assert inside == {"plan", "chunk"}
    assert list(root.iterdir()) == []  # nothing outlives its step


def test_removing_the_root_takes_what_a_running_step_holds(temp: Path) -> None:
    with scratch_dir("loupe-chunk-") as folder:
        (folder / "chunk-0.parquet").write_bytes(b"rows" * 1000)
        root = scratch_root()
        remove_scratch()  # the server stops while the step runs
        assert not root.exists()
    # The step's own clean-up does not fail; the next step gets a new root.
    assert scratch_root().is_dir() and scratch_root() != root


def test_results_name_the_upload_never_a_server_path(tmp_path: Path) -> None:
    store = MemoryStore()
    groups = parquet(SAMPLE_CSV, tmp_path, rows_per_group=500)
    for data, name, format_ in [
        (SAMPLE_CSV.read_bytes(), "orders.csv", "delimited"),  # byte ranges
        (groups.read_bytes(), "orders.parquet", "parquet"),  # row groups
        (gzip.compress(SAMPLE_CSV.read_bytes()), "orders.csv.gz", "delimited"),  # typed whole
    ]:
        job = run(store, data, name, 700)
        for key in store.keys(job.keys.prefix):
            text = store.get(key).data.decode("utf-8", "replace")
            # ("-" never occurs in the base64 of a profile's state.)
            for temporary in ("loupe-chunk-", "loupe-plan-", "loupe-work-", "loupe-upload-"):
                assert temporary not in text, (name, key, temporary)
        result = json.loads(store.get(job.keys.result).data)
        source = result["source"]
        assert (source["path"], source["name"], source["format"]) == (None, name, format_)
        assert source["size_bytes"] == len(data) and source["read"]["path"] is None
        assert "parts" not in source
    assert result["source"]["read"]["compression"] == "gzip"
