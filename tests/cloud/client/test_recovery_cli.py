"""``loupe cloud`` after something went wrong: the ids it prints, and the commands that go on."""

from __future__ import annotations

import functools
import json
import shlex
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cloud import cli
from cloud.client import CloudClient, commands
from cloud.client.credential_store import CredentialStore
from core.samples import SAMPLE_CSV
from tests.cloud.client.file_keyring import FileKeyring
from tests.cloud.client.test_uploads import MIB, FailingApi, completing
from tests.cloud.conftest import Served


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No server found by its connection file, no keyring but a file, no endpoint set."""
    monkeypatch.setenv("LOUPE_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    for name in ("LOUPE_ENDPOINT", "LOUPE_API_KEY", "LOUPE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(commands, "open_store", lambda: CredentialStore(FileKeyring()))
    yield


def clients(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """The clients the commands make get ``options`` (a transport, time, a part size)."""
    monkeypatch.setattr(commands, "CloudClient", functools.partial(CloudClient, **options))


def short_pauses(seconds: float) -> None:
    """Polls a few milliseconds apart, whatever the client asks for."""
    threading.Event().wait(min(seconds, 0.005))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.chunk_rows(50_000)
def test_an_upload_stopped_by_a_refused_token_prints_the_command_that_finishes_it(
    served: Served,
    big_csv: Path,
    here: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The token expires during the upload: completing it is refused.
    expired = served.tokens.issue("alice")
    monkeypatch.setenv("LOUPE_API_TOKEN", expired)
    refusing = FailingApi(completing, httpx.Response(401, json={"detail": "the token has expired"}))
    clients(monkeypatch, transport=refusing, multipart_threshold=5 * MIB, sleep=short_pauses)
    code, out, err = run(
        capsys, "cloud", "profile", str(big_csv), "--no-convert", "--endpoint", served.url
    )
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[-3].startswith("error: the token has expired; upload ")
    upload_id = lines[-3].split("upload ")[1].split()[0]
    assert lines[-2] == (
        f"to finish it, sign in again (`loupe cloud login --endpoint {served.url}`, or a fresh "
        "LOUPE_API_TOKEN), then run:"
    )
    command = lines[-1].strip()
    assert command == shlex.join(
        ["loupe", "cloud", "profile", str(big_csv), "--endpoint", served.url, "--no-convert",
         "--resume", upload_id]
    )  # fmt: skip
    assert expired not in err and "Traceback" not in err

    # Signed in again, the command printed finishes the upload and runs the job.
    monkeypatch.setenv("LOUPE_API_TOKEN", served.tokens.issue("alice"))
    clients(monkeypatch, multipart_threshold=5 * MIB, sleep=short_pauses)
    code, out, err = run(capsys, *shlex.split(command)[1:])
    assert code == 0, err
    assert "128,000 rows" in out and "orders_big.csv" in out


def test_the_job_id_is_printed_and_the_job_followed_again_after_ctrl_c(
    served: Served,
    here: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = served.tokens.issue("alice")
    monkeypatch.setenv("LOUPE_API_TOKEN", token)

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    clients(monkeypatch, sleep=ctrl_c)
    out_file = tmp_path / "profile.json"
    code, out, err = run(
        capsys, "cloud", "profile", str(SAMPLE_CSV), "--endpoint", served.url,
        "--json", str(out_file),
    )  # fmt: skip
    assert code == 130 and out == "" and not out_file.exists()
    started = next(line for line in err.splitlines() if line.startswith("job "))
    job_id = started.split()[1]
    assert started == f"job {job_id} started (`loupe cloud job {job_id}` follows it again)"
    assert err.strip().splitlines()[-1] == (
        f"stopped waiting; job {job_id} goes on on the server: "
        f"`loupe cloud job {job_id} --endpoint {served.url}` follows it"
    )

    # Followed again, through a throttled poll and a gateway error (each retried).
    answers = iter(
        [
            httpx.Response(
                429, headers={"Retry-After": "0"}, json={"message": "Too Many Requests"}
            ),
            httpx.Response(502, json={"message": "Internal server error"}),
        ]
    )
    throttled = ThrottledOnce(answers)
    clients(monkeypatch, transport=throttled, sleep=short_pauses)
    code, out, err = run(
        capsys, "cloud", "job", job_id, "--endpoint", served.url, "--json", str(out_file)
    )
    assert code == 0, err
    assert throttled.refused == 2 and out == ""
    assert json.loads(out_file.read_text())["dataset"]["rows"] == 2000
    assert token not in err


class ThrottledOnce(httpx.HTTPTransport):
    """The API on the network, except for the answers given first."""

    def __init__(self, first: Iterator[httpx.Response]) -> None:
        super().__init__()
        self.first = first
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        given = next(self.first, None)
        if given is not None:
            self.refused += 1
            return given
        return super().handle_request(request)


def test_following_an_unknown_or_malformed_job_is_one_line(
    served: Served,
    here: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LOUPE_API_TOKEN", served.tokens.issue("alice"))
    code, out, err = run(capsys, "cloud", "job", "0" * 32, "--endpoint", served.url)
    assert (
        code == 1 and out == "" and err.strip() == f"error: no job {'0' * 32} here (for this user)"
    )
    with pytest.raises(SystemExit) as refused:
        cli.main(["cloud", "job", "../uploads", "--endpoint", served.url])
    assert refused.value.code == 2
    assert "'../uploads' is not an upload or job id" in capsys.readouterr().err
