"""Helpers the cloud tests share: comparing profiles, uploading and waiting through the API,
and the Lambda context Powertools reads."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from cloud.shared import Identity, JobRecord, JobRef, new_id, save_upload
from cloud.shared.storage import ObjectStore
from tests.cloud.conftest import Served


def same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (sums in another order differ in the last bits)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and type(a) is type(b)


def upload(served: Served, sub: str, path: Path, name: str | None = None) -> str:
    answer = httpx.post(
        f"{served.url}/v1/uploads",
        json={"name": name or path.name, "size": path.stat().st_size},
        headers=served.headers(sub),
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    put = httpx.put(body["url"], content=path.read_bytes())
    assert put.status_code == 200
    return str(body["upload_id"])


def finished_job(served: Served, sub: str, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = httpx.get(f"{served.url}/v1/jobs/{job_id}", headers=served.headers(sub)).json()
        if body["status"] in ("succeeded", "failed"):
            return dict(body)
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def start_job(served: Served, sub: str, upload_id: str) -> httpx.Response:
    return httpx.post(
        f"{served.url}/v1/jobs",
        json={"upload_id": upload_id, "kind": "profile"},
        headers=served.headers(sub),
    )


@dataclass
class Context:
    """What Powertools reads from the Lambda context."""

    function_name: str = "loupe-test"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:loupe-test"
    aws_request_id: str = "req-1"


def job_on(store: ObjectStore, data: bytes, name: str, sub: str = "alice") -> JobRef:
    """A profile job on a fresh upload of ``data`` named ``name``, as the API records one."""
    identity = Identity(sub)
    upload = save_upload(store, identity, name, len(data))
    store.put(upload.key, data)
    record = JobRecord(id=new_id(), kind="profile", upload_id=upload.id)
    job = JobRef(store, identity, record.id)
    job.create(record)
    return job
