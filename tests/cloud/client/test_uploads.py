"""Multipart uploads through the client: signed part checksums, resume, abort, ownership."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cloud.client import CloudClient, UploadInterrupted, UploadLeftOpen
from cloud.errors import AuthError, CloudError, ConflictError, NotFoundError, RequestError
from cloud.shared.storage import S3Store
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from tests.cloud.conftest import Served
from tests.cloud.helpers import same

MIB = 1024**2
ROOT = Path(__file__).parents[3]
# 128,000 rows in three chunks.
pytestmark = pytest.mark.chunk_rows(50_000)


class Recording(httpx.HTTPTransport):
    """The network, recording each storage PUT, and failing the PUTs listed in ``fail``."""

    def __init__(self, fail: dict[int, BaseException] | None = None) -> None:
        super().__init__()
        self.fail = fail or {}
        self.puts: list[httpx.Request] = []
        self._lock = threading.Lock()  # parts may be sent from several threads

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            with self._lock:
                self.puts.append(request)
                count = len(self.puts)
            if count in self.fail:
                raise self.fail[count]
        return super().handle_request(request)


def client(
    served: Served, sub: str, storage: httpx.BaseTransport | None = None, in_flight: int = 1
) -> CloudClient:
    """Alice's or Bob's client; parts go one at a time unless told, so failures are foreseeable."""
    return CloudClient(
        served.url,
        served.tokens.issue(sub),
        storage_transport=storage,
        multipart_threshold=5 * MIB,
        parts_in_flight=in_flight,
    )


def part_numbers(transport: Recording) -> list[int]:
    return [int(parse_qs(urlsplit(str(r.url)).query)["partNumber"][0]) for r in transport.puts]


def test_multipart_upload_profiles_like_the_local_file(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    storage = Recording()
    progress: list[tuple[str, int, int]] = []
    with client(served, "alice", storage, in_flight=3) as alice:
        upload_id = alice.upload(big_csv, progress=lambda *p: progress.append(p))
        # Three parts of 5 MiB, 5 MiB and the rest, each URL signing its checksum header.
        assert sorted(part_numbers(storage)) == [1, 2, 3]
        for request in storage.puts:
            query = parse_qs(urlsplit(str(request.url)).query)
            assert "x-amz-checksum-sha256" in query["X-Amz-SignedHeaders"][0]
            assert request.headers["x-amz-checksum-sha256"]
        lengths = {
            n: int(r.headers["content-length"])
            for n, r in zip(part_numbers(storage), storage.puts, strict=True)
        }
        assert (lengths[1], lengths[2]) == (5 * MIB, 5 * MIB)
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


# A client process of its own, so that what is measured is the client alone (the
# storage server holds whole parts, as S3 does; here it runs in the test's process).
MEASURED = textwrap.dedent(
    """
    import sys, tracemalloc
    from pathlib import Path
    from cloud.client import CloudClient

    url, path = sys.argv[1:3]
    token = sys.stdin.readline().strip()
    with CloudClient(url, token, multipart_threshold=5 * 1024**2, parts_in_flight=3) as client:
        tracemalloc.start()
        upload_id = client.upload(Path(path))
        print(upload_id, tracemalloc.get_traced_memory()[1])
    """
)


def test_parts_are_read_from_the_file_as_they_are_sent(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    # Three 5 MiB parts on their way at once: held whole, they would take 15 MiB
    # (12 MB here: the last part is short). Read as they go, a few small chunks.
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, served.url, str(big_csv)],
        input=served.tokens.issue("alice") + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    upload_id, peak = done.stdout.split()
    key = store.keys(f"uploads/alice/{upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()
    assert int(peak) < 5 * MIB, f"{int(peak) / MIB:.1f} MiB at most in memory"


class FailingApi(httpx.HTTPTransport):
    """The API on the network, answering ``answer`` (or raising it) to the calls ``fails`` picks."""

    def __init__(self, fails: Callable[[httpx.Request], bool], answer: httpx.Response | Exception):
        super().__init__()
        self.fails, self.answer = fails, answer
        self.refused: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fails(request):
            self.refused.append(request)
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer
        return super().handle_request(request)


def completing(request: httpx.Request) -> bool:
    return request.url.path.endswith("/complete")


def asking_for_parts(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/parts")


@pytest.mark.parametrize(
    ("fails", "answer", "said", "cause"),
    [
        # A token that expired during a long upload, where nothing can renew it.
        (completing, httpx.Response(401, json={"detail": "the token has expired"}),
         "the token has expired", AuthError),
        (asking_for_parts, httpx.ConnectError("connection reset"),
         "cannot reach http://127.0.0.1", CloudError),
        (completing, httpx.Response(500, json={"detail": "the service failed"}),
         "the service failed", CloudError),
        # "Later" for longer than the client's patience.
        (completing, httpx.Response(503, headers={"Retry-After": "2"}), "HTTP 503", CloudError),
    ],
)  # fmt: skip
def test_an_api_failure_after_the_upload_began_leaves_it_resumable(
    served: Served,
    store: S3Store,
    big_csv: Path,
    fails: Callable[[httpx.Request], bool],
    answer: httpx.Response | Exception,
    said: str,
    cause: type[CloudError],
) -> None:
    token = served.tokens.issue("alice")
    api = FailingApi(fails, answer)
    slept: list[float] = []
    with (
        CloudClient(
            served.url,
            token,
            transport=api,
            multipart_threshold=5 * MIB,
            patience=5.0,
            clock=lambda: sum(slept),
            sleep=slept.append,
        ) as alice,
        pytest.raises(UploadInterrupted) as stopped,
    ):
        alice.upload(big_csv)
    upload_id = stopped.value.upload_id
    message = str(stopped.value)
    assert said in message and upload_id in message and "\n" not in message
    assert token not in message and isinstance(stopped.value.cause, cause)
    assert api.refused and sum(slept) <= 5.0
    assert store.keys(f"uploads/alice/{upload_id}/data/") == []  # not complete

    # Resumed (with a fresh token, as after signing in again), it completes.
    with client(served, "alice") as again:
        assert again.resume_upload(upload_id, big_csv) == upload_id
    key = store.keys(f"uploads/alice/{upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()


def test_ctrl_c_when_the_abort_fails_says_which_upload_stays_open(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    interrupted = Recording(fail={2: KeyboardInterrupt()})
    api = FailingApi(lambda r: r.method == "DELETE", httpx.ConnectError("network down"))
    with (
        CloudClient(
            served.url,
            served.tokens.issue("alice"),
            transport=api,
            storage_transport=interrupted,
            multipart_threshold=5 * MIB,
            parts_in_flight=1,
        ) as alice,
        pytest.raises(UploadLeftOpen) as stopped,
    ):
        alice.upload(big_csv)
    assert isinstance(stopped.value, KeyboardInterrupt)  # still exits as Ctrl+C does
    assert "network down" not in stopped.value.reason
    assert stopped.value.reason.startswith("cannot reach")
    with client(served, "alice") as again:
        again.resume_upload(stopped.value.upload_id, big_csv)
    key = store.keys(f"uploads/alice/{stopped.value.upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()


def test_resuming_an_upload_that_is_already_complete_only_confirms_it(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    # Stopped after its last part and its completion, before its job was started.
    with client(served, "alice") as alice:
        upload_id = alice.upload(big_csv)
    resumed = Recording()
    progress: list[tuple[str, int, int]] = []
    with client(served, "alice", resumed) as alice:
        assert alice.resume_upload(upload_id, big_csv, progress=lambda *p: progress.append(p))
        assert resumed.puts == []
        size = big_csv.stat().st_size
        assert progress[-1] == ("upload", size, size)
        state = alice.wait(alice.start_job(upload_id)["job_id"], poll=0.1)
        assert alice.result(state)["dataset"]["rows"] == 128_000
        # One dropped meanwhile is said to be gone.
        alice.abort_upload(upload_id)
        with pytest.raises(NotFoundError):
            alice.resume_upload(upload_id, big_csv)


def test_a_part_failing_among_others_in_flight_stops_them_and_resumes(
    served: Served, store: S3Store, big_csv: Path
) -> None:
    broken = Recording(fail={2: httpx.ConnectError("connection reset")})
    with (
        client(served, "alice", broken, in_flight=3) as alice,
        pytest.raises(UploadInterrupted) as stopped,
    ):
        alice.upload(big_csv)
    failed = part_numbers(broken)[1]  # whichever part's PUT came second
    assert f"part {failed} was not sent" in str(stopped.value)
    resumed = Recording()
    with client(served, "alice", resumed, in_flight=3) as alice:
        alice.resume_upload(stopped.value.upload_id, big_csv)
    assert failed in part_numbers(resumed) and len(part_numbers(resumed)) <= 3
    key = store.keys(f"uploads/alice/{stopped.value.upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()
