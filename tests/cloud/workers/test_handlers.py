"""The job steps' Lambda handlers called directly, as Lambda would, against moto's S3 and
Secrets Manager."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from cloud.errors import AuthError
from cloud.shared import Identity, JobRecord, JobRef, S3Store, new_id, save_upload
from cloud.workers import handlers
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, good_answer
from tests.cloud.helpers import Context, same

ALICE = Identity("alice")


def new_job(store: S3Store, kind: str = "profile", options: dict[str, Any] | None = None) -> str:
    upload = save_upload(store, ALICE, SAMPLE_CSV.name, SAMPLE_CSV.stat().st_size)
    store.put(upload.key, SAMPLE_CSV.read_bytes())
    job = JobRecord(id=new_id(), kind=kind, upload_id=upload.id, options=options or {})
    JobRef(store, ALICE, job.id).create(job)
    return job.id


def load_job(store: S3Store, job_id: str) -> JobRecord:
    return JobRef(store, ALICE, job_id).load()


def run_machine(store: S3Store, job_id: str) -> dict[str, Any]:
    """Plan → each item of the plan (as the Distributed Map would) → merge."""
    planned = handlers.plan({"sub": "alice", "job_id": job_id}, Context())
    items = json.loads(store.get(planned["plan"]["Key"]).data)
    assert planned["chunks"] == len(items) == 3
    for item in items:
        handlers.chunk({"sub": "alice", "job_id": job_id, "chunk": item}, Context())
    assert load_job(store, job_id).progress == pytest.approx(0.85)
    return handlers.merge({"sub": "alice", "job_id": job_id, "chunks": len(items)}, Context())


def test_profile_steps_make_the_local_profile(
    store: S3Store, lambda_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = new_job(store)
    run_machine(store, job_id)
    job = load_job(store, job_id)
    assert (job.status, job.phase, job.progress, job.chunks) == ("succeeded", "done", 1.0, 3)
    cloud = json.loads(store.get(f"jobs/alice/{job_id}/result.json").data)
    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    for part in ("columns", "correlations", "missing", "alerts"):
        assert same(cloud[part], local[part]), part
    # Metrics leave as CloudWatch embedded-metric JSON on stdout.
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    names = {m["Name"] for e in emitted for m in e["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert {"ChunksProfiled", "RowsProfiled", "JobsSucceeded"} <= names


def test_insights_step_reads_the_key_from_its_secret(
    store: S3Store, lambda_env: None, secrets: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"loupe/nvidia-{uuid.uuid4().hex[:8]}"
    secrets.create_secret(Name=name, SecretString=KEY)
    job_id = new_job(store, "insights", {"question": "Anything odd?"})
    assert run_machine(store, job_id)["kind"] == "insights"
    assert load_job(store, job_id).status == "running"  # merged, insights to come
    profile = json.loads(store.get(f"jobs/alice/{job_id}/profile.json").data)
    with FakeNemotron() as fake:
        fake.replies = [Reply(content=good_answer(profile))]
        monkeypatch.setenv("NVIDIA_SECRET_ID", name)
        monkeypatch.setenv("NVIDIA_API_BASE_URL", fake.url)
        monkeypatch.setenv("NEMOTRON_MODEL", "nvidia/test-nemotron")
        handlers.insights({"sub": "alice", "job_id": job_id}, Context())
    assert fake.received[0].headers["Authorization"] == f"Bearer {KEY}"
    assert fake.received[0].body["model"] == "nvidia/test-nemotron"
    result = json.loads(store.get(f"jobs/alice/{job_id}/result.json").data)
    assert [i["status"] for i in result["insights"]] == ["verified", "unverified"]
    assert load_job(store, job_id).status == "succeeded"


def test_a_caught_failure_is_recorded(store: S3Store, lambda_env: None) -> None:
    job_id = new_job(store)
    cause = {"errorMessage": "orders.csv, line 3: this row has 3 fields", "errorType": "ParseError"}
    handlers.failed(
        {
            "sub": "alice",
            "job_id": job_id,
            "error": {"Error": "ParseError", "Cause": json.dumps(cause)},
        },
        Context(),
    )
    job = load_job(store, job_id)
    assert (job.status, job.error) == ("failed", cause["errorMessage"])


def test_step_events_cannot_name_unsafe_users(store: S3Store, lambda_env: None) -> None:
    for sub in ("../bob", "", None, "alice/../../x"):
        with pytest.raises(AuthError):
            handlers.plan({"sub": sub, "job_id": "0" * 32}, Context())
