"""Multipart uploads through the client: signed part checksums, resume, abort, ownership."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cloud.client import CloudClient, UploadInterrupted
from cloud.errors import ConflictError, NotFoundError, RequestError
from cloud.shared.storage import S3Store
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from tests.cloud.conftest import Served
from tests.cloud.helpers import same

MIB = 1024**2
# 128,000 rows in three chunks.
pytestmark = pytest.mark.chunk_rows(50_000)


class Recording(httpx.HTTPTransport):
    """The network, recording each storage PUT, and failing the PUTs listed in ``fail``."""

    def __init__(self, fail: dict[int, BaseException] | None = None) -> None:
        super().__init__()
        self.fail = fail or {}
        self.puts: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts.append(request)
            if len(self.puts) in self.fail:
                raise self.fail[len(self.puts)]
        return super().handle_request(request)


def client(served: Served, sub: str, storage: httpx.BaseTransport | None = None) -> CloudClient:
    return CloudClient(
        served.url,
        served.tokens.issue(sub),
        storage_transport=storage,
        multipart_threshold=5 * MIB,
    )


def part_numbers(transport: Recording) -> list[int]:
    return [int(parse_qs(urlsplit(str(r.url)).query)["partNumber"][0]) for r in transport.puts]


def test_multipart_upload_profiles_like_the_local_file(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    storage = Recording()
    progress: list[tuple[str, int, int]] = []
    with client(served, "alice", storage) as alice:
        upload_id = alice.upload(big_csv, progress=lambda *p: progress.append(p))
        # Three parts of 5 MiB, 5 MiB and the rest, each URL signing its checksum header.
        assert part_numbers(storage) == [1, 2, 3]
        for request in storage.puts:
            query = parse_qs(urlsplit(str(request.url)).query)
            assert "x-amz-checksum-sha256" in query["X-Amz-SignedHeaders"][0]
            assert request.headers["x-amz-checksum-sha256"]
        assert [len(r.content) for r in storage.puts][:2] == [5 * MIB, 5 * MIB]
        assert progress[-1] == ("upload", big_csv.stat().st_size, big_csv.stat().st_size)
        key = next(k for k in store.keys(f"uploads/alice/{upload_id}/data/"))
        assert store.get(key).data == big_csv.read_bytes()

        state = alice.wait(alice.start_job(upload_id)["job_id"], poll=0.1)
        cloud = alice.result(state)
    with open_table(big_csv) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    assert cloud["dataset"]["rows"] == 128_000
    cloud["dataset"].pop("memory_bytes")
    local["dataset"].pop("memory_bytes")
    for part in ("dataset", "columns", "correlations", "missing", "alerts"):
        if part == "columns":
            for ours, theirs in zip(cloud["columns"], local["columns"], strict=True):
                close_enough(ours, theirs)
        else:
            assert same(cloud[part], local[part]), part


def close_enough(cloud: dict[str, Any], local: dict[str, Any]) -> None:
    """Equal, except what sketches estimate once a column outgrows exact counting."""
    if cloud.get("quantiles_exact") is not False:
        assert same(cloud, local), cloud["name"]
        return
    # Over 65,536 distinct values and in three chunks, quantiles come from merged
    # t-digests: within 1% of the range of the exact ones.
    width = local["max"] - local["min"]
    for q, value in local["quantiles"].items():
        assert abs(cloud["quantiles"][q] - value) <= 0.01 * width, (cloud["name"], q)
    assert sum(cloud["histogram"]["counts"]) == sum(local["histogram"]["counts"])
    # Top values come from frequent-items sketches: both say their counts are estimates.
    assert cloud["top_values_error"] > 0 and local["top_values_error"] > 0
    approximate = {
        "quantiles",
        "quantiles_exact",
        "iqr",
        "histogram",
        "top_values",
        "top_values_error",
    }
    for key in set(cloud) - approximate:
        assert same(cloud[key], local[key]), (cloud["name"], key)


def test_interrupted_upload_resumes_without_resending(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    broken = Recording(fail={2: httpx.ConnectError("connection reset")})
    with client(served, "alice", broken) as alice, pytest.raises(UploadInterrupted) as stopped:
        alice.upload(big_csv)
    upload_id = stopped.value.upload_id
    assert upload_id in str(stopped.value) and "part 2" in str(stopped.value)

    with client(served, "alice") as alice:
        # Completing now names what is missing.
        with pytest.raises(ConflictError, match="parts not received yet: 2, 3"):
            alice._call("POST", f"/v1/uploads/{upload_id}/complete")
        listed = alice._call("GET", f"/v1/uploads/{upload_id}/parts")
        assert [p["number"] for p in listed["parts"]] == [1] and listed["part_count"] == 3

    resumed = Recording()
    with client(served, "alice", resumed) as alice:
        alice.resume_upload(upload_id, big_csv)
        assert part_numbers(resumed) == [2, 3]  # part 1 was kept, not sent again
        key = next(k for k in store.keys(f"uploads/alice/{upload_id}/data/"))
        assert store.get(key).data == big_csv.read_bytes()
        state = alice.wait(alice.start_job(upload_id)["job_id"], poll=0.1)
        assert alice.result(state)["dataset"]["rows"] == 128_000


def test_a_changed_part_is_sent_again_on_resume(
    served: Served, store: S3Store, big_csv: Path, tmp_path: Path
) -> None:
    # Part 1 went up from a file that has changed since: its MD5 no longer matches.
    stale = tmp_path / big_csv.name
    stale.write_bytes(b"x" * (5 * MIB) + big_csv.read_bytes()[5 * MIB :])
    broken = Recording(fail={2: httpx.ConnectError("reset")})
    with client(served, "alice", broken) as alice, pytest.raises(UploadInterrupted) as stopped:
        alice.upload(stale)
    resumed = Recording()
    with client(served, "alice", resumed) as alice:
        alice.resume_upload(stopped.value.upload_id, big_csv)
    assert part_numbers(resumed) == [1, 2, 3]
    key = store.keys(f"uploads/alice/{stopped.value.upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()


def test_ctrl_c_aborts_the_upload(served: Served, store: S3Store, big_csv: Path) -> None:
    interrupted = Recording(fail={2: KeyboardInterrupt()})
    with client(served, "alice", interrupted) as alice, pytest.raises(KeyboardInterrupt):
        alice.upload(big_csv)
    # No record, no file, and no multipart upload left holding parts.
    assert store.keys("uploads/alice/") == []
    answer = store.client.list_multipart_uploads(Bucket=store.bucket)
    assert answer.get("Uploads", []) == []


def test_parts_are_checked(served: Served, big_csv: Path) -> None:
    with client(served, "alice") as alice:
        created = alice._call(
            "POST", "/v1/uploads", {"name": "x.csv", "size": 11 * MIB, "multipart": True}
        )
        upload_id = created["upload_id"]
        assert created["part_count"] == 3 and created["part_size"] == 5 * MIB
        digest = "A" * 43 + "="
        with pytest.raises(ConflictError, match="3 parts"):
            alice._call(
                "POST",
                f"/v1/uploads/{upload_id}/parts",
                {"parts": [{"number": 4, "sha256": digest}]},
            )
        with pytest.raises(RequestError):  # not a base64 SHA-256
            alice._call(
                "POST",
                f"/v1/uploads/{upload_id}/parts",
                {"parts": [{"number": 1, "sha256": "../../x"}]},
            )
        # One PUT cannot carry 6 GiB: the server answers with a multipart upload.
        huge = alice._call("POST", "/v1/uploads", {"name": "x.csv", "size": 6 * 1024**3})
        assert huge["method"] == "multipart" and huge["url"] is None
        assert huge["part_count"] == -(-6 * 1024**3 // huge["part_size"])
        single = alice._call("POST", "/v1/uploads", {"name": "y.csv", "size": 10})
        assert single["method"] == "PUT" and single["url"]
        with pytest.raises(ConflictError, match="single PUT"):
            alice._call("GET", f"/v1/uploads/{single['upload_id']}/parts")


def test_other_users_cannot_touch_parts(served: Served, store: S3Store, big_csv: Path) -> None:
    broken = Recording(fail={2: httpx.ConnectError("reset")})
    with client(served, "alice", broken) as alice, pytest.raises(UploadInterrupted) as stopped:
        alice.upload(big_csv)
    upload_id = stopped.value.upload_id
    digest = "A" * 43 + "="
    with client(served, "bob") as bob:
        for method, path, body in [
            ("GET", f"/v1/uploads/{upload_id}/parts", None),
            (
                "POST",
                f"/v1/uploads/{upload_id}/parts",
                {"parts": [{"number": 2, "sha256": digest}]},
            ),
            ("POST", f"/v1/uploads/{upload_id}/complete", None),
            ("DELETE", f"/v1/uploads/{upload_id}", None),
        ]:
            with pytest.raises(NotFoundError):
                bob._call(method, path, body)
    # Alice's upload is intact and still hers to finish.
    with client(served, "alice") as alice:
        alice.resume_upload(upload_id, big_csv)
    assert store.keys("uploads/bob/") == []
