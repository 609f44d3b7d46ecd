"""The API end to end under uvicorn with S3 from moto's server: uploads, jobs, results, security."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cloud.shared.storage import S3Store
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.conftest import Served
from tests.cloud.helpers import finished_job, same, start_job, upload


def test_cloud_profile_equals_local_profile(served: Served, store: S3Store) -> None:
    upload_id = upload(served, "alice", SAMPLE_CSV)
    answer = start_job(served, "alice", upload_id)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    job = finished_job(served, "alice", answer.json()["job_id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["result_url"].startswith("http://127.0.0.1:")
    cloud = httpx.get(job["result_url"]).json()
    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    # 2,000 rows in chunks of 700: three partial profiles, merged.
    assert len(store.keys(f"jobs/alice/{job['job_id']}/partials/")) == 3
    assert (job["chunks"], job["chunks_done"]) == (3, 3)  # what a client shows as it runs
    assert cloud["source"]["name"] == "retail_orders.csv"
    # Memory is an estimate of the frames in memory, which chunking changes slightly.
    assert (
        abs(cloud["dataset"].pop("memory_bytes") / local["dataset"].pop("memory_bytes") - 1) < 0.01
    )
    for part in ("dataset", "columns", "correlations", "missing", "alerts", "samples"):
        assert same(cloud[part], local[part]), part
    # Every object of the job lies under the caller's prefix.
    assert all(
        k.startswith("jobs/alice/") or k.startswith("uploads/alice/") for k in store.keys("")
    )


def test_tokens_are_required_and_checked(served: Served) -> None:
    assert httpx.get(f"{served.url}/v1/health").json() == {"status": "ok"}
    routes = [
        ("POST", "/v1/uploads", {"name": "a.csv", "size": 1}),
        ("POST", "/v1/jobs", {"upload_id": "0" * 32}),
        ("GET", "/v1/jobs/" + "0" * 32, None),
    ]
    expired = served.tokens.issue("alice", lifetime=-60)
    forged = served.tokens.issue("alice")[:-4] + "AAAA"
    for method, path, body in routes:
        for headers in (
            {},
            {"Authorization": "Bearer not-a-token"},
            {"Authorization": f"Bearer {expired}"},
            {"Authorization": f"Bearer {forged}"},
            {"Authorization": f"Basic {served.tokens.issue('alice')}"},
        ):
            answer = httpx.request(method, served.url + path, json=body, headers=headers)
            assert answer.status_code == 401, (method, path, headers, answer.text)
            assert answer.headers["www-authenticate"] == "Bearer"
    assert (
        "expired"
        in httpx.get(
            served.url + routes[2][1], headers={"Authorization": f"Bearer {expired}"}
        ).json()["detail"]
    )


def test_users_cannot_reach_each_other(served: Served, store: S3Store) -> None:
    upload_id = upload(served, "alice", SAMPLE_CSV)
    job_id = start_job(served, "alice", upload_id).json()["job_id"]
    assert finished_job(served, "alice", job_id)["status"] == "succeeded"
    # Bob can see neither Alice's job nor use her upload, even knowing their ids.
    assert (
        httpx.get(f"{served.url}/v1/jobs/{job_id}", headers=served.headers("bob")).status_code
        == 404
    )
    assert start_job(served, "bob", upload_id).status_code == 404
    assert store.keys("jobs/bob/") == [] and store.keys("uploads/bob/") == []


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "/etc/passwd",
        "a/b.csv",
        "C:\\data\\x.csv",
        "..",
        "x\x00.csv",
        "uploads/bob/x.csv",
        "jobs/bob/../../alice/x.csv",
        "..\\..\\bob.csv",
    ],
)
def test_path_names_are_refused(served: Served, name: str) -> None:
    answer = httpx.post(
        f"{served.url}/v1/uploads", json={"name": name, "size": 10}, headers=served.headers("alice")
    )
    assert answer.status_code == 403 and "plain name" in answer.json()["detail"]


@pytest.mark.parametrize(
    "job_id", ["..%2F..%2Fuploads", "bob", "0" * 31 + "g", "%2e%2e", "0" * 32 + "%0a"]
)
def test_odd_ids_are_not_found(served: Served, job_id: str) -> None:
    answer = httpx.get(f"{served.url}/v1/jobs/{job_id}", headers=served.headers("alice"))
    assert answer.status_code == 404


def test_job_before_the_file_arrives(served: Served) -> None:
    answer = httpx.post(
        f"{served.url}/v1/uploads",
        json={"name": "a.csv", "size": 5},
        headers=served.headers("alice"),
    )
    job = start_job(served, "alice", answer.json()["upload_id"])
    assert job.status_code == 404 and "PUT the file first" in job.json()["detail"]


def test_bad_file_fails_the_job_with_one_line(served: Served, tmp_path: Path) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    job_id = start_job(served, "alice", upload(served, "alice", bad)).json()["job_id"]
    job = finished_job(served, "alice", job_id)
    assert job["status"] == "failed" and job["result_url"] is None
    assert job["error"].startswith("broken.csv: ") and "PNG" in job["error"]
    assert "\n" not in job["error"] and "/tmp" not in job["error"]


def test_personal_keys_need_a_token_and_are_none_without_a_usage_plan(served: Served) -> None:
    # `loupe serve` has no usage plan: a signed-in caller is told no key is needed.
    assert httpx.post(f"{served.url}/v1/keys").status_code == 401
    answer = httpx.post(f"{served.url}/v1/keys", headers=served.headers("alice"))
    assert answer.status_code == 200 and answer.json() == {"api_key": None}


def test_a_file_of_another_size_than_declared_runs_no_job(served: Served, store: S3Store) -> None:
    answer = httpx.post(
        f"{served.url}/v1/uploads",
        json={"name": "a.csv", "size": 10},
        headers=served.headers("alice"),
    )
    url = answer.json()["url"]
    # The length is signed into the URL, so S3 refuses any other; moto does not check
    # signatures, so the job route's own check is what stops the job here.
    assert "content-length" in parse_qs(urlsplit(url).query)["X-Amz-SignedHeaders"][0]
    assert httpx.put(url, content=b"x" * 5_000_000).status_code == 200
    job = start_job(served, "alice", answer.json()["upload_id"])
    assert job.status_code == 409
    assert job.json()["detail"] == (
        "the file that arrived is 5,000,000 bytes, not the 10 declared: upload it again"
    )
    assert store.keys("jobs/") == []
