"""Object keys, and job records: status follows the phase, old records still load."""

from __future__ import annotations

import json

import pytest

from cloud.errors import AuthError, ConflictError, ForbiddenError, NotFoundError
from cloud.shared import (
    Identity,
    JobKeys,
    JobRecord,
    JobRef,
    MemoryStore,
    UploadKeys,
    load_upload,
    new_id,
    save_upload,
    subject,
)

ALICE = Identity("alice")


def test_keys_sit_under_the_callers_prefix() -> None:
    job_id, upload_id = new_id(), new_id()
    keys = JobKeys(ALICE, job_id)
    assert keys.record == f"jobs/alice/{job_id}/job.json"
    assert keys.plan == f"jobs/alice/{job_id}/plan.json"
    assert keys.partial(3) == f"jobs/alice/{job_id}/partials/000003.json"
    assert keys.partial(3).startswith(keys.partials)
    assert keys.chunk(12) == f"jobs/alice/{job_id}/chunks/000012.parquet"
    assert (keys.profile, keys.result) == (
        f"jobs/alice/{job_id}/profile.json",
        f"jobs/alice/{job_id}/result.json",
    )
    upload = UploadKeys(ALICE, upload_id)
    assert upload.record == f"uploads/alice/{upload_id}/upload.json"
    assert upload.data("my orders.csv") == f"uploads/alice/{upload_id}/data/my_orders.csv"
    with pytest.raises(ForbiddenError):
        upload.data("../bob/x.csv")


@pytest.mark.parametrize(
    "odd", ["..", "0" * 31 + "g", "../../uploads", "", "A" * 32, "0" * 32 + "\n"]
)
def test_ids_the_server_cannot_have_made_are_not_found(odd: str) -> None:
    with pytest.raises(NotFoundError, match="no such job"):
        JobKeys(ALICE, odd)
    with pytest.raises(NotFoundError, match="no such upload"):
        UploadKeys(ALICE, odd)
    with pytest.raises(NotFoundError):
        JobRef(MemoryStore(), ALICE, odd)


@pytest.mark.parametrize("sub", ["alice\n", "", "a/b", "x" * 129])
def test_subjects_unfit_for_keys_are_refused(sub: str) -> None:
    with pytest.raises(AuthError):
        subject(sub)


def test_status_follows_the_phase() -> None:
    job = JobRecord(id=new_id(), kind="profile", upload_id=new_id())
    expected = {
        "queued": "queued",
        "planning": "running",
        "profiling": "running",
        "merging": "running",
        "insights": "running",
        "done": "succeeded",
        "failed": "failed",
    }
    for phase, status in expected.items():
        assert JobRecord.from_json({**job.to_json(), "phase": phase}).status == status
    assert "status" not in job.to_json()


def test_records_written_with_a_status_still_load() -> None:
    store = MemoryStore()
    job = JobRef(store, ALICE, new_id())
    old = {
        "id": job.job_id, "kind": "profile", "upload_id": new_id(), "status": "running",
        "phase": "merging", "progress": 0.85, "error": None, "options": {"engine": "auto"},
        "created": 1.0, "updated": 2.0, "chunks": 3,
    }  # fmt: skip
    store.put(job.keys.record, json.dumps(old).encode())
    loaded = job.load()
    assert (loaded.status, loaded.phase, loaded.chunks, loaded.options) == (
        "running", "merging", 3, {"engine": "auto"},
    )  # fmt: skip
    assert job.succeed().status == "succeeded"
    stored = json.loads(store.get(job.keys.record).data)
    assert stored["phase"] == "done" and "status" not in stored


def test_a_job_ref_creates_updates_and_fails_its_record() -> None:
    store = MemoryStore()
    upload = save_upload(store, ALICE, "orders.csv", 10)
    assert load_upload(store, ALICE, upload.id) == upload
    record = JobRecord(id=new_id(), kind="insights", upload_id=upload.id)
    job = JobRef(store, ALICE, record.id)
    job.create(record)
    with pytest.raises(ConflictError):
        job.create(record)  # one record per job
    assert job.update(phase="planning", progress=0.05).status == "running"
    failed = job.fail(RuntimeError("/tmp/x/loupe-plan-abc/orders.csv: bad\nsecond line"))
    assert (failed.status, failed.error) == ("failed", "orders.csv: bad")
    # Another user cannot see it, even knowing its id.
    with pytest.raises(NotFoundError, match="no such job"):
        JobRef(store, Identity("bob"), record.id).load()
