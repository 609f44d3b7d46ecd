"""The cloud connection and a tab's cloud profile, driven without Qt against the real backend."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from cloud.client import CloudClient, CredentialStore, TokenProvider
from cloud.client.connection import Connection, find_connections
from cloud.local import LocalBackend
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from desktop.models import cloud as cloud_model
from desktop.models.cloud import AWS, LOCAL, CloudConnection, CloudFailed, first_error_line
from desktop.models.cloud_job import CloudProfileJob, size_text
from desktop.models.kept_upload import DictUploadMemory
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from tests.cloud.client.deployment import Deployment, clock, deployment, follow, free_ports
from tests.cloud.client.file_keyring import FileKeyring
from tests.cloud.conftest import moto_url, store
from tests.desktop.cloud_backend import Dropping, Watching, upload_exists

# The Cognito-like deployment of the client's tests, and the S3 it stores in.
__all__ = ["clock", "deployment", "moto_url", "store"]

pytestmark = pytest.mark.usefixtures("runtime")


def connected(connection: Connection) -> CloudConnection:
    cloud = CloudConnection(InlineRunner())
    cloud.connect_local(connection)
    assert cloud.state == "connected", cloud.error
    return cloud


def test_running_backends_are_found_and_their_token_is_read_afresh(served: Connection) -> None:
    assert [c.url for c in CloudConnection.running_backends()] == [served.url]
    cloud = connected(served)
    assert cloud.status_text == f"Cloud: local backend at {served.url}"
    credentials = cloud.credentials()
    assert credentials.url == served.url
    with credentials.open() as (token, key):
        assert token() == served.token and key is None
    # Once its file is gone (the server stopped), nothing else holds the token.
    served.path.unlink()
    with pytest.raises(CloudFailed, match="no longer running"), cloud.credentials().open():
        pass
    cloud.disconnect()
    assert cloud.state == "off" and cloud.status_text == "Cloud: not connected"


def test_starting_the_local_backend_runs_a_child_until_stopped(runtime: Path) -> None:
    cloud = CloudConnection(InlineRunner())
    states: list[str] = []
    cloud.changed.connect(lambda: states.append(cloud.state))
    cloud.start_local()
    assert states == ["starting", "connected"], cloud.error
    assert cloud.owns_backend and cloud.url.startswith("http://127.0.0.1:")
    (found,) = find_connections()
    assert found.pid == cloud.child_pid and found.path.parent == runtime
    assert cloud.status_text == f"Cloud: local backend at {cloud.url}"
    pid = cloud.child_pid
    cloud.disconnect()
    assert not cloud.owns_backend and find_connections() == []
    assert pid is not None and not _alive(pid)


def test_a_backend_that_cannot_start_is_one_line() -> None:
    missing = (
        "import sys; sys.stderr.write('Traceback...\\nerror: loupe serve needs the cloud extra "
        '(pip install "loupe[cloud]")\\n\'); sys.exit(2)'
    )
    cloud = CloudConnection(InlineRunner(), command=lambda: [sys.executable, "-c", missing])
    cloud.start_local()
    assert cloud.state == "failed" and not cloud.owns_backend
    assert cloud.error == 'loupe serve needs the cloud extra (pip install "loupe[cloud]")'
    assert cloud.status_text == f"Cloud: {cloud.error}"
    assert first_error_line("a\nb\n") == "b"


def test_unreachable_and_malformed_endpoints_are_one_line() -> None:
    cloud = CloudConnection(InlineRunner())
    cloud.connect_endpoint("http://127.0.0.1:9")
    assert (cloud.state, cloud.kind) == ("failed", AWS)
    assert cloud.error == "cannot reach http://127.0.0.1:9 (ConnectError)"
    cloud.connect_endpoint("ftp://example.com")
    assert cloud.error == "the endpoint must be an http(s) URL, not 'ftp://example.com'"
    assert "\n" not in cloud.status_text


def test_preview_says_what_would_be_sent_and_sends_nothing(served: Connection) -> None:
    watching = Watching()
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    job = CloudProfileJob(session, connected(served), InlineRunner(), client=_client(watching))
    job.prepare()
    assert job.state == "ready" and job.preview is not None
    preview = job.preview
    assert (preview.file_name, preview.format, preview.where) == (
        "retail_orders.csv", "delimited", "local backend",
    )  # fmt: skip
    assert preview.size == SAMPLE_CSV.stat().st_size and preview.endpoint == served.url
    assert preview.sent_format == "parquet" and preview.sent_size is not None
    assert 0 < preview.sent_size < preview.size
    rows = dict(preview.rows())
    assert rows["File"] == "retail_orders.csv" and rows["Size"].endswith("(delimited text)")
    assert rows["Sent as"].startswith("retail_orders.parquet: Parquet, ")
    assert rows["To"] == f"{served.url} (local backend)"
    assert watching.requests == []  # nothing left the machine
    job.discard()
    assert job.state == "idle" and job.preview is None and watching.requests == []


def test_cloud_profile_matches_the_local_one(served: Connection) -> None:
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    job = CloudProfileJob(session, connected(served), InlineRunner())
    job.prepare()
    job.send()
    assert job.state == "done", job.error
    assert session.profile is not None and session.profile_seconds is not None
    assert "profiled in the cloud (local backend) in " in session.status
    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    cloud = session.profile
    assert cloud["source"]["name"] == "retail_orders.csv"
    assert cloud["dataset"]["rows"] == local["dataset"]["rows"] == 2000
    assert [c["name"] for c in cloud["columns"]] == [c["name"] for c in local["columns"]]
    assert [c["missing"] for c in cloud["columns"]] == [c["missing"] for c in local["columns"]]


def test_cancel_during_the_upload_removes_it_from_the_server(
    served: Connection, backend: LocalBackend, random_parquet: Path
) -> None:
    watching = Watching()
    session = DatasetSession(random_parquet, InlineRunner())
    job = CloudProfileJob(
        session, connected(served), InlineRunner(), client=_client(watching, multipart=True)
    )
    job.prepare()
    assert job.preview is not None and job.preview.sent_name == "noise.parquet"
    texts: list[str] = []

    def on_change() -> None:
        if job.state == "uploading" and job.fraction > 0:
            texts.append(job.progress_text)
            job.cancel()  # after the first of two parts

    job.changed.connect(on_change)
    job.send()
    assert job.state == "cancelled"
    assert job.error == "Cloud profile cancelled; the upload was removed from the server"
    assert texts[0].startswith("Uploading 16.8 MB of 20.") and texts[0].endswith(" left")
    (upload_id,) = watching.upload_ids
    assert ("DELETE", f"/v1/uploads/{upload_id}") in watching.requests
    assert not any(path.endswith("/complete") for _, path in watching.requests)
    assert not upload_exists(served.url, backend.token, upload_id)
    assert session.profile is None


def test_a_refused_token_is_one_line_and_keeps_the_tab(served: Connection) -> None:
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    rows = session.shown
    job = CloudProfileJob(
        session,
        connected(served),
        InlineRunner(),
        client=lambda url, token, api_key=None: CloudClient(url, token()[:-3] + "abc"),
    )
    job.prepare()
    job.send()
    assert job.state == "failed" and job.error == "the token is not valid"
    assert session.shown is rows and session.profile is None and not session.busy
    session.start_profile()
    assert session.profile is not None  # the local profile still works


class EmptyKeyring:
    """An OS keyring with nothing kept."""

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("nothing is kept by a job")

    def delete_password(self, service: str, username: str) -> None:
        pass


def test_a_deployment_job_finds_its_token_in_the_background_and_sends_the_key(
    served: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cloud_model, "open_store", lambda: CredentialStore(EmptyKeyring()))
    monkeypatch.setenv("LOUPE_API_KEY", "key-1")
    cloud = CloudConnection(InlineRunner())
    cloud.connect_endpoint(served.url)
    assert (cloud.kind, cloud.state) == (AWS, "connected")
    given: list[tuple[object, str | None]] = []

    def client(url: str, token: TokenProvider, *, api_key: str | None = None) -> CloudClient:
        given.append((token, api_key))
        return CloudClient(url, token, api_key=api_key)

    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    job = CloudProfileJob(session, cloud, InlineRunner(), client=client)
    job.prepare()
    job.send()
    assert job.state == "done", job.error
    ((token, key),) = given
    assert callable(token) and token() == served.token and key == "key-1"

    # No sign-in kept: one line in the job, not an exception out of send().
    served.path.unlink()
    job.prepare()
    job.send()
    assert job.state == "failed" and len(given) == 1
    assert job.error == (
        f"no access token for {served.url}: set LOUPE_API_TOKEN, or run `loupe cloud login "
        f"--endpoint {served.url}`"
    )


def test_not_connected_and_size_suggestion(tmp_path: Path) -> None:
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    job = CloudProfileJob(session, CloudConnection(InlineRunner()), InlineRunner())
    assert not job.can_start and not job.suggested
    job.prepare()
    assert job.state == "failed"
    assert job.error == "not connected to a cloud backend (Settings → Cloud)"
    assert (size_text(999), size_text(1_500), size_text(2_500_000)) == (
        "999 bytes", "1.5 kB", "2.5 MB",
    )  # fmt: skip
    assert CloudConnection(InlineRunner()).kind == LOCAL


def _client(watching: Watching, *, multipart: bool = False) -> object:
    def make(url: str, token: TokenProvider, *, api_key: str | None = None) -> CloudClient:
        return CloudClient(
            url,
            token,
            transport=watching,
            storage_transport=watching,
            multipart_threshold=1 if multipart else 64 * 1024**2,
            parts_in_flight=1,  # one part at a time: the PUT held or dropped is a known part
        )

    return make


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_file_that_is_no_table_is_one_line_before_anything_is_sent(
    served: Connection, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    session = DatasetSession(broken, InlineRunner())
    job = CloudProfileJob(session, connected(served), InlineRunner())
    assert not job.suggested
    job.prepare()
    assert job.state == "failed"
    assert job.error == f"{broken}: this is a PNG image, not a table"


def _signing_in(ring: Path, opened: list[str]) -> CloudConnection:
    """A connection whose browser follows the sign-in page and whose keyring is ``ring``."""

    def browser(url: str) -> None:
        opened.append(url)
        follow(url)

    assert os.environ["LOUPE_TEST_KEYRING"] == str(ring)
    return CloudConnection(
        InlineRunner(), open_url=browser, store=lambda: CredentialStore(FileKeyring())
    )


def test_signing_in_keeps_a_sign_in_that_jobs_use_until_signed_out(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    ring, opened = tmp_path / "keyring.json", list[str]()
    cloud = _signing_in(ring, opened)
    states: list[str] = []
    cloud.changed.connect(lambda: states.append(cloud.state))
    cloud.sign_in(deployment.url + "/")
    assert states == ["signing in", "connected"], cloud.error
    assert cloud.signed_in and cloud.status_text == f"Cloud: signed in to {deployment.url}"
    assert cloud.notice == ""  # the keyring kept it: nothing to say
    (url,) = opened
    assert url.startswith(f"{deployment.cognito.url}/oauth2/authorize?")
    (refresh,) = deployment.cognito.refresh_tokens
    kept = json.loads(ring.read_text())
    assert any(name.startswith("loupe/refresh-token") for name in kept)
    assert not any(deployment.cognito.issued[-1] in value for value in kept.values())

    # A job's token provider is the sign-in's: the API takes its token. The deployment
    # gives the user a key of their own, kept with the sign-in for later jobs.
    with cloud.credentials().open() as (token, key):
        (own,) = deployment.keys.issued.values()
        assert token() == deployment.cognito.issued[-1] and key == own
        with CloudClient(deployment.url, token) as client:
            assert client.upload(SAMPLE_CSV)

    # After a restart, Connect finds the sign-in kept in the keyring.
    again = _signing_in(ring, [])
    again.connect_endpoint(deployment.url)
    assert again.signed_in and again.status_text == f"Cloud: signed in to {deployment.url}"
    with again.credentials().open() as (token, key):
        assert token() and key == own

    cloud.sign_out()
    assert (cloud.state, cloud.signed_in) == ("off", False)
    assert cloud.notice == f"signed out of {deployment.url}"
    assert refresh in deployment.cognito.revoked
    assert not any(name.startswith("loupe/") for name in json.loads(ring.read_text()))
    assert opened == [url]  # Connect and Sign out open no browser


def test_signing_in_says_in_one_line_why_not(
    served: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    opened: list[str] = []
    cloud = _signing_in(tmp_path / "keyring.json", opened)
    cloud.sign_in(served.url)
    assert cloud.connected and not cloud.signed_in and opened == []
    assert cloud.notice == f"{served.url} is a local `loupe serve`: no sign-in is needed"

    (port,) = free_ports(1)
    cloud.sign_in(f"http://127.0.0.1:{port}")
    assert cloud.status_text == f"Cloud: cannot reach http://127.0.0.1:{port} (ConnectError)"
    cloud.sign_in("http://example.com")
    assert cloud.status_text == (
        "Cloud: refusing to send credentials over http scheme to example.com; use https"
    )


def test_without_a_keyring_the_sign_in_lasts_this_session(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring, "get_keyring", NoKeyring)
    cloud = CloudConnection(InlineRunner(), open_url=follow)
    cloud.sign_in(deployment.url)
    assert cloud.signed_in, cloud.error
    assert cloud.notice == (
        "no OS keyring is available on this machine: the sign-in is kept in memory until "
        "Loupe quits"
    )
    with cloud.credentials().open() as (token, key):
        (own,) = deployment.keys.issued.values()
        assert token() == deployment.cognito.issued[-1] and key == own


def _interrupted(
    path: Path, served: Connection, dropping: Dropping, memory: DictUploadMemory
) -> CloudProfileJob:
    """A tab's job whose upload of ``path`` dropped after its first of two parts."""
    session = DatasetSession(path, InlineRunner())
    job = CloudProfileJob(
        session,
        connected(served),
        InlineRunner(),
        client=_client(dropping, multipart=True),
        memory=memory,
    )
    job.prepare()
    job.send()
    assert job.state == "failed"
    assert job.error == "the connection dropped during the upload; it can be resumed"
    return job


def test_an_interrupted_upload_resumes_with_only_the_missing_parts_after_a_restart(
    served: Connection, backend: LocalBackend, random_parquet: Path
) -> None:
    dropping, memory = Dropping(), DictUploadMemory()
    job = _interrupted(random_parquet, served, dropping, memory)
    (upload_id,) = dropping.upload_ids
    assert upload_exists(served.url, backend.token, upload_id)
    kept = job.kept_upload()
    assert kept is not None and kept.upload_id == upload_id
    assert job.resume_text.startswith("The upload of noise.parquet stopped at 16.8 of 20.")
    assert job.resume_text.endswith(" MB") and job.can_start
    assert backend.token not in json.dumps(memory.saved)  # an id, never a token

    # As after a restart: a new tab and connection, the same memory.
    dropping.drop_put, before = 0, dropping.puts
    session = DatasetSession(random_parquet, InlineRunner())
    again = CloudProfileJob(
        session,
        connected(served),
        InlineRunner(),
        client=_client(dropping, multipart=True),
        memory=memory,
    )
    assert again.resume_text == job.resume_text
    again.resume()
    assert again.state == "done", again.error
    assert dropping.puts - before == 1  # only the second part went up
    assert dropping.upload_ids == [upload_id]  # no new upload
    assert again.kept_upload() is None and memory.saved == {} and again.resume_text == ""
    with open_table(random_parquet) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    cloud = session.profile
    assert cloud is not None and cloud["source"]["name"] == "noise.parquet"
    assert cloud["dataset"]["rows"] == local["dataset"]["rows"] == 20_000
    assert [c["name"] for c in cloud["columns"]] == [c["name"] for c in local["columns"]]
    assert [c["missing"] for c in cloud["columns"]] == [c["missing"] for c in local["columns"]]


def test_start_over_aborts_the_kept_upload_and_a_changed_file_forgets_it(
    served: Connection, backend: LocalBackend, random_parquet: Path, tmp_path: Path
) -> None:
    path = tmp_path / "noise.parquet"
    shutil.copy(random_parquet, path)
    dropping, memory = Dropping(), DictUploadMemory()
    job = _interrupted(path, served, dropping, memory)
    (first,) = dropping.upload_ids
    job.start_over()
    assert job.state == "ready" and job.preview is not None  # a fresh preview first
    assert not upload_exists(served.url, backend.token, first)
    assert job.kept_upload() is None and memory.saved == {}

    # Sent again, dropped again: then the file changes, and the kept upload goes.
    dropping.puts = 0
    job.send()
    assert job.state == "failed" and job.kept_upload() is not None
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert job.kept_upload() is None and job.resume_text == "" and memory.saved == {}
    job.resume()
    assert job.state == "failed" and len(dropping.upload_ids) == 2


def test_an_upload_gone_from_the_server_is_forgotten_and_starts_over(
    served: Connection, backend: LocalBackend, random_parquet: Path
) -> None:
    dropping, memory = Dropping(), DictUploadMemory()
    job = _interrupted(random_parquet, served, dropping, memory)
    (upload_id,) = dropping.upload_ids
    # The server let it go meanwhile (a day in AWS; a local backend that restarted).
    with httpx.Client(trust_env=False) as api:
        gone = api.delete(
            f"{served.url}/v1/uploads/{upload_id}",
            headers={"Authorization": f"Bearer {backend.token}"},
        )
    assert gone.status_code in (200, 204), gone.text
    dropping.drop_put = 0
    job.resume()
    assert job.state == "failed"
    assert job.error == "the interrupted upload is no longer on the server; start it over"
    assert job.kept_upload() is None and memory.saved == {} and job.resume_text == ""


def test_a_used_up_quota_is_one_line_in_the_tab_which_keeps_working(served: Connection) -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"message": "Limit Exceeded"})

    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    job = CloudProfileJob(
        session,
        connected(served),
        InlineRunner(),
        client=lambda url, token, api_key=None: CloudClient(
            url, token, transport=httpx.MockTransport(gateway)
        ),
    )
    job.prepare()
    job.send()
    assert job.state == "failed"
    assert job.error == "the deployment's request quota for today is used up; try again tomorrow"
    session.start_profile()  # the local profile still works
    assert session.profile is not None and session.profile["dataset"]["rows"] == 2000


class Throttling(httpx.HTTPTransport):
    """The API as a busy usage plan answers it: the first polls of a job are refused."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals
        self.polls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.startswith("/v1/jobs/"):
            self.polls += 1
            if self.polls <= self.refusals:
                return httpx.Response(429, json={"message": "Too Many Requests"})
        return super().handle_request(request)


def test_a_throttled_poll_is_retried_and_the_job_still_arrives(served: Connection) -> None:
    # One refused poll used to end the tab's job, though the job went on on the server.
    throttling = Throttling(refusals=2)
    slept: list[float] = []
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    job = CloudProfileJob(
        session,
        connected(served),
        InlineRunner(),
        client=lambda url, token, api_key=None: CloudClient(
            url, token, transport=throttling, sleep=slept.append
        ),
    )
    job.prepare()
    job.send()
    assert job.state == "done", job.error
    assert session.profile is not None and session.profile["dataset"]["rows"] == 2000
    # Both refusals were waited out with the client's growing pauses.
    assert throttling.polls > 2 and slept[:2] == [1.0, 2.0]
