"""Deleting an upload or a job removes every copy of the data, old versions included."""

from __future__ import annotations

import json

import httpx
import pytest

from cloud.shared import Identity, JobRecord, JobRef, new_id
from cloud.shared.jobs import STALLED_SECONDS
from cloud.shared.storage import S3Store
from core.samples import SAMPLE_CSV
from tests.cloud.conftest import Served
from tests.cloud.helpers import finished_job, start_job, upload


def versions(store: S3Store, prefix: str) -> list[str]:
    """Every version and delete marker under ``prefix``."""
    found: list[str] = []
    for page in store.client.get_paginator("list_object_versions").paginate(
        Bucket=store.bucket, Prefix=prefix
    ):
        found += [v["Key"] for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return found


@pytest.fixture
def versioned(store: S3Store) -> S3Store:
    """The bucket with versioning on, as the template makes it."""
    store.client.put_bucket_versioning(
        Bucket=store.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return store


def test_deleting_jobs_and_uploads_leaves_nothing(served: Served, versioned: S3Store) -> None:
    store, headers = versioned, served.headers("alice")
    upload_id = upload(served, "alice", SAMPLE_CSV)
    jobs = [start_job(served, "alice", upload_id).json()["job_id"] for _ in range(2)]
    for job_id in jobs:
        assert finished_job(served, "alice", job_id)["status"] == "succeeded"
    # Another user's job and upload must survive.
    bob_upload = upload(served, "bob", SAMPLE_CSV)
    bob_job = start_job(served, "bob", bob_upload).json()["job_id"]
    assert finished_job(served, "bob", bob_job)["status"] == "succeeded"
    first = f"jobs/alice/{jobs[0]}/"
    # Chunks' profiles, the result and every update of the record are versions here.
    assert {k.rsplit("/", 1)[1] for k in store.keys(first)} >= {"job.json", "result.json"}
    assert len(versions(store, first)) > len(store.keys(first))

    answer = httpx.delete(f"{served.url}/v1/jobs/{jobs[0]}", headers=headers)
    assert answer.status_code == 204
    assert versions(store, first) == []
    assert httpx.get(f"{served.url}/v1/jobs/{jobs[0]}", headers=headers).status_code == 404
    assert httpx.delete(f"{served.url}/v1/jobs/{jobs[0]}", headers=headers).status_code == 404

    answer = httpx.delete(f"{served.url}/v1/uploads/{upload_id}", headers=headers)
    assert answer.status_code == 204
    assert versions(store, f"uploads/alice/{upload_id}/") == []
    assert versions(store, f"jobs/alice/{jobs[1]}/") == []
    assert versions(store, "jobs/alice/") == versions(store, "uploads/alice/") == []
    assert httpx.get(f"{served.url}/v1/jobs/{jobs[1]}", headers=headers).status_code == 404
    assert store.keys(f"jobs/bob/{bob_job}/") and store.keys(f"uploads/bob/{bob_upload}/")
    # Bob cannot delete Alice's things, nor Alice Bob's.
    answer = httpx.delete(f"{served.url}/v1/jobs/{bob_job}", headers=headers)
    assert answer.status_code == 404 and store.keys(f"jobs/bob/{bob_job}/")


def test_a_running_job_is_not_deleted(served: Served, versioned: S3Store) -> None:
    store, headers = versioned, served.headers("alice")
    upload_id = upload(served, "alice", SAMPLE_CSV)
    # A job whose steps have not finished: its record says it is running.
    job = JobRef(store, Identity("alice"), new_id())
    job.create(JobRecord(id=job.job_id, kind="profile", upload_id=upload_id, phase="profiling"))

    answer = httpx.delete(f"{served.url}/v1/jobs/{job.job_id}", headers=headers)
    assert answer.status_code == 409 and "still running" in answer.json()["detail"]
    answer = httpx.delete(f"{served.url}/v1/uploads/{upload_id}", headers=headers)
    assert answer.status_code == 409 and job.job_id in answer.json()["detail"]
    assert store.keys(job.keys.prefix) and store.keys(f"uploads/alice/{upload_id}/data/")

    # A job whose record has not moved for an hour has stopped: it can go.
    stalled = {**job.load().to_json(), "updated": job.load().updated - STALLED_SECONDS - 1}
    store.put(job.keys.record, json.dumps(stalled).encode())
    answer = httpx.delete(f"{served.url}/v1/uploads/{upload_id}", headers=headers)
    assert answer.status_code == 204
    assert versions(store, "jobs/alice/") == versions(store, "uploads/alice/") == []
