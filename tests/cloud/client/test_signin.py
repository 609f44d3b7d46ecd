"""Signing in with code + PKCE against a Cognito-like server, then using the API with it."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from keyring.errors import KeyringLocked

from cloud import cli
from cloud.client import CloudClient, credentials, signin
from cloud.client.credential_store import PART_LENGTH, CredentialStore
from cloud.client.oauth import LoopbackReceiver
from cloud.client.signin import REFRESH_ENTRY, SignIn
from cloud.errors import AuthError, RequestError, SignInCancelled, SignInError
from cloud.shared.storage import S3Store
from core.samples import SAMPLE_CSV
from tests.cloud.client.deployment import BROWSER, Deployment, follow, free_ports
from tests.cloud.client.fake_cognito import CLIENT_ID
from tests.cloud.client.file_keyring import FileKeyring


@pytest.fixture
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(path))
    return path


def signed_in(deployment: Deployment, store: CredentialStore, **options: Any) -> SignIn:
    sign_in = SignIn(
        deployment.url, open_url=follow, store=store, clock=deployment.clock, **options
    )
    sign_in.begin()
    sign_in.wait(timeout=30)
    return sign_in


def test_login_keeps_the_refresh_token_and_runs_a_profile_job(
    deployment: Deployment,
    ring: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    opened: list[str] = []

    def browser(url: str) -> None:
        opened.append(url)
        follow(url)

    sign_in = SignIn(deployment.url, open_url=browser, store=CredentialStore(FileKeyring()))
    url = sign_in.begin()
    assert opened == [url]  # the browser is opened once, at the URL begin() answers
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["scope"] == ["openid loupe/api"]
    sign_in.wait(timeout=30)

    (refresh,) = deployment.cognito.refresh_tokens
    (access,) = deployment.cognito.issued
    kept = json.loads(ring.read_text())
    # The refresh token alone is kept, in parts short enough for Windows' vault.
    assert len(refresh) > PART_LENGTH and all(len(v) <= PART_LENGTH for v in kept.values())
    assert CredentialStore(FileKeyring()).get("refresh-token", deployment.url) == refresh
    assert access not in ring.read_text()
    assert sign_in.access_token() == access  # held in memory, not fetched again

    with CloudClient(deployment.url, sign_in.access_token) as client:
        upload_id = client.upload(SAMPLE_CSV)
        state = client.wait(client.start_job(upload_id)["job_id"], poll=0.1, timeout=120)
        result = client.result(state)
    assert result["dataset"]["rows"] == 2000
    assert deployment.cognito.grants == ["authorization_code"]
    printed = "".join(capfd.readouterr())
    logged = "\n".join(r.getMessage() for r in caplog.records if r.threadName != BROWSER)
    secrets = (refresh, access, *deployment.cognito.issued, *deployment.cognito.handed_out)
    assert len(secrets) == 4  # the refresh token, the access token (twice), the code
    for secret in secrets:
        assert secret not in logged and secret not in printed


def test_a_new_process_refreshes_from_the_keyring(deployment: Deployment, ring: Path) -> None:
    signed_in(deployment, CredentialStore(FileKeyring()))
    later = SignIn(deployment.url, store=CredentialStore(FileKeyring()), clock=deployment.clock)
    token = later.access_token()
    assert deployment.cognito.grants == ["authorization_code", "refresh_token"]
    answer = httpx.get(
        f"{deployment.url}/v1/jobs/none", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 404  # past the token check: there is no such job


def test_tokens_are_refreshed_in_the_middle_of_a_multipart_upload(
    deployment: Deployment, ring: Path, big_csv: Path
) -> None:
    sign_in = signed_in(deployment, CredentialStore(FileKeyring()))
    first = sign_in.access_token()
    moved: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        # After the first part, two hours pass: the first access token has expired.
        if stage == "upload" and 0 < done < total and not moved:
            deployment.clock.advance(7200)
            moved.append(done)

    with CloudClient(deployment.url, sign_in.access_token, multipart_threshold=1024**2) as client:
        # Completing the upload is the call made with the refreshed token.
        upload_id = client.upload(big_csv, progress=progress)
    assert moved and moved[0] < big_csv.stat().st_size
    assert deployment.cognito.grants == ["authorization_code", "refresh_token"]
    assert sign_in.access_token() == deployment.cognito.issued[-1] != first
    # The API really refuses the first token now: without the refresh the upload had failed.
    with CloudClient(deployment.url, first) as stale, pytest.raises(AuthError, match="expired"):
        stale.abort_upload(upload_id)


def test_a_token_refused_mid_upload_is_renewed_once_from_the_sign_in(
    deployment: Deployment, ring: Path, big_csv: Path, store: S3Store
) -> None:
    # This machine's clock is two hours behind the deployment's (or the token was
    # revoked early): the sign-in holds a token it thinks valid, which the API refuses.
    sign_in = SignIn(deployment.url, open_url=follow, store=CredentialStore(FileKeyring()))
    sign_in.begin()
    sign_in.wait(timeout=30)
    first = sign_in.access_token()
    moved: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "upload" and done > 0 and not moved:
            deployment.clock.advance(7200)
            moved.append(done)

    # The provider as the desktop passes it: the sign-in's method.
    with CloudClient(
        deployment.url, sign_in.access_token, multipart_threshold=1024**2, parts_in_flight=1
    ) as client:
        # Completing is refused (401), the sign-in renews the token, completing is asked again.
        upload_id = client.upload(big_csv, progress=progress)
    assert moved
    key = store.keys(f"uploads/{deployment.cognito.sub}/{upload_id}/data/")[0]
    assert store.get(key).data == big_csv.read_bytes()
    assert deployment.cognito.grants == ["authorization_code", "refresh_token"]
    assert sign_in.access_token() == deployment.cognito.issued[-1] != first


def test_a_refused_token_is_tried_once_more_only(deployment: Deployment, ring: Path) -> None:
    sign_in = signed_in(deployment, CredentialStore(FileKeyring()))
    refusals: list[httpx.Request] = []

    def refusing(request: httpx.Request) -> httpx.Response:
        refusals.append(request)
        return httpx.Response(401, json={"detail": "the token is not valid"})

    with (
        CloudClient(deployment.url, sign_in, transport=httpx.MockTransport(refusing)) as client,
        pytest.raises(AuthError, match="not valid"),
    ):
        client.start_job("0" * 32)
    first, second = refusals
    assert first.headers["Authorization"] != second.headers["Authorization"]
    assert deployment.cognito.grants == ["authorization_code", "refresh_token"]
    # A sign-in that is gone cannot renew: the refusal stands, without a second try.
    sign_in.sign_out()
    assert sign_in.renew("any") is False


def tampered(change: dict[str, str]) -> Any:
    """A browser that alters the sign-in: the authorize request, or the redirect back."""

    def browser(url: str) -> None:
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query.update({k: v for k, v in change.items() if k == "code_challenge"})
        with httpx.Client(trust_env=False) as client:
            redirect = client.get(f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}")
        back = urlsplit(redirect.headers["location"])
        answer = {k: v[0] for k, v in parse_qs(back.query).items()}
        answer.update({k: v for k, v in change.items() if k == "state"})
        target = f"{back.scheme}://{back.netloc}{back.path}?{urlencode(answer)}"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    return browser


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code_challenge": "A" * 43}, r"refused the sign-in code \(invalid_grant\)"),
    ],
)
def test_a_forged_answer_or_verifier_is_refused(
    deployment: Deployment, ring: Path, change: dict[str, str], message: str
) -> None:
    store = CredentialStore(FileKeyring())
    sign_in = SignIn(deployment.url, open_url=tampered(change), store=store)
    sign_in.begin()
    with pytest.raises(SignInError, match=message):
        sign_in.wait(timeout=30)
    assert not sign_in.signed_in() and deployment.cognito.issued == []


def test_answers_not_for_this_sign_in_are_refused_and_the_wait_goes_on(
    deployment: Deployment, ring: Path
) -> None:
    opened: list[str] = []
    sign_in = SignIn(deployment.url, open_url=opened.append, store=CredentialStore(FileKeyring()))
    sign_in.begin()
    with httpx.Client(trust_env=False, timeout=30) as browser:
        back = browser.get(opened[0]).headers["location"]  # the page's redirect, not followed
        callback = urlsplit(back)._replace(query="").geturl()
        # Another user, or a web page with <img src=http://localhost:PORT/callback>.
        for forged in (
            {},
            {"code": "stolen"},
            {"state": "forged", "code": "stolen"},
            {"state": "forged", "error": "access_denied"},
            {"state": "\u00e9t\u00e9", "code": "stolen"},  # beyond ASCII: %C3%A9t%C3%A9
        ):
            page = browser.get(callback, params=forged)
            assert page.status_code == 400 and "not for this sign-in" in page.text
        assert browser.get(back).status_code == 200
    sign_in.wait(timeout=30)
    assert sign_in.signed_in() and deployment.cognito.grants == ["authorization_code"]


@pytest.mark.parametrize("ends", ["cancel", "timeout"])
def test_an_idle_connection_delays_neither_cancel_nor_timeout(ends: str) -> None:
    receiver = LoopbackReceiver(free_ports(1), "state")
    outcome: list[BaseException] = []
    with socket.create_connection(("127.0.0.1", receiver.port)):  # connects, says nothing
        started = time.monotonic()

        def cancelled() -> bool:
            return ends == "cancel" and time.monotonic() > started + 0.3

        def wait() -> None:
            try:
                receiver.wait(0.3 if ends == "timeout" else 30, cancelled)
            except SignInError as exc:
                outcome.append(exc)

        waiting = threading.Thread(target=wait, daemon=True)
        waiting.start()
        waiting.join(timeout=5)
        assert not waiting.is_alive()
    assert time.monotonic() - started < 1.3
    (error,) = outcome
    assert isinstance(error, SignInCancelled) == (ends == "cancel")


def test_no_keyring_says_so_once_and_keeps_the_sign_in_in_memory(
    deployment: Deployment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "home"
    home.mkdir()
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "APPDATA"):
        monkeypatch.setenv(name, str(home))
    monkeypatch.chdir(home)
    monkeypatch.setattr(keyring, "get_keyring", NoKeyring)
    said: list[str] = []
    store = CredentialStore(warn=said.append)
    assert not store.persistent
    sign_in = signed_in(deployment, store)
    with CloudClient(deployment.url, sign_in.access_token) as client:
        assert client.upload(SAMPLE_CSV)
    assert said == ["no OS keyring is available on this machine: the sign-in is kept in memory "
                    "until Loupe quits"]  # fmt: skip
    assert sign_in.signed_in()
    assert list(home.rglob("*")) == []  # nothing written anywhere
    for secret in (*deployment.cognito.refresh_tokens, *deployment.cognito.issued):
        assert secret not in caplog.text


class LockedKeyring(FileKeyring):
    """A keychain that stays locked."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")


def test_a_locked_keychain_falls_back_to_memory(deployment: Deployment, ring: Path) -> None:
    said: list[str] = []
    store = CredentialStore(LockedKeyring(), warn=said.append)
    sign_in = signed_in(deployment, store)
    assert said == [
        "the OS keyring refused to keep a sign-in (KeyringLocked): the sign-in is kept in "
        "memory until Loupe quits"
    ]
    assert not store.persistent and not ring.exists()
    assert sign_in.access_token() == deployment.cognito.issued[-1]


def test_sign_out_revokes_and_clears_the_keyring(deployment: Deployment, ring: Path) -> None:
    store = CredentialStore(FileKeyring())
    sign_in = signed_in(deployment, store)
    store.set("api-key", deployment.url, "key-1")
    (refresh,) = deployment.cognito.refresh_tokens
    sign_in.sign_out()
    assert json.loads(ring.read_text()) == {}
    assert deployment.cognito.revoked == [refresh]
    with pytest.raises(SignInError, match="not signed in"):
        sign_in.access_token()


def test_an_expired_or_revoked_sign_in_asks_to_sign_in_again(
    deployment: Deployment, ring: Path
) -> None:
    signed_in(deployment, CredentialStore(FileKeyring()))
    deployment.cognito.refresh_tokens.clear()  # revoked on the server
    later = SignIn(deployment.url, store=CredentialStore(FileKeyring()))
    with pytest.raises(SignInError, match="expired or was revoked; sign in again"):
        later.access_token()
    assert not later.signed_in()


def test_a_refused_refresh_forgets_only_the_token_that_failed(
    deployment: Deployment, ring: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in(deployment, CredentialStore(FileKeyring()))
    later = SignIn(deployment.url, store=CredentialStore(FileKeyring()))

    def refused_while_another_process_signs_in(*args: Any, **kwargs: Any) -> Any:
        CredentialStore(FileKeyring()).set(REFRESH_ENTRY, later.endpoint, "newer-sign-in")
        raise SignInError("the kept sign-in was refused (invalid_grant)")

    monkeypatch.setattr(signin, "token_request", refused_while_another_process_signs_in)
    with pytest.raises(SignInError, match="sign in again"):
        later.access_token()
    assert CredentialStore(FileKeyring()).get(REFRESH_ENTRY, later.endpoint) == "newer-sign-in"


@pytest.mark.parametrize(
    ("expires_in", "seconds"),
    [(3600, 3600.0), ("1800", 1800.0), ("soon", 300.0), (float("nan"), 300.0), (-5, 300.0)],
)
def test_an_odd_token_lifetime_means_refreshing_soon(expires_in: object, seconds: float) -> None:
    assert signin._lifetime(expires_in) == seconds


def test_ports_are_tried_in_order(deployment: Deployment, ring: Path) -> None:
    ports = deployment.cognito.ports
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[0]))
        taken.listen()
        sign_in = SignIn(deployment.url, open_url=follow, store=CredentialStore(FileKeyring()))
        url = sign_in.begin()
        assert f"localhost%3A{ports[1]}%2Fcallback" in url
        sign_in.wait(timeout=30)
    assert sign_in.signed_in()


def test_localhost_is_answered_on_ipv6_too_and_a_port_held_there_is_skipped(
    deployment: Deployment, ring: Path
) -> None:
    ports = deployment.cognito.ports
    # Someone else listening on [::1]:first-port would get the browser's answer.
    with socket.socket(socket.AF_INET6) as taken:
        taken.bind(("::1", ports[0]))
        taken.listen()
        opened: list[str] = []
        sign_in = SignIn(
            deployment.url, open_url=opened.append, store=CredentialStore(FileKeyring())
        )
        assert f"localhost%3A{ports[1]}%2Fcallback" in sign_in.begin()
    # A browser that takes localhost for ::1 reaches the sign-in.
    with httpx.Client(trust_env=False, timeout=30) as browser:
        back = urlsplit(browser.get(opened[0]).headers["location"])
        assert back.port == ports[1]
        assert browser.get(back._replace(netloc=f"[::1]:{back.port}").geturl()).status_code == 200
    sign_in.wait(timeout=30)
    assert sign_in.signed_in()


def test_all_ports_taken_timeout_and_cancel_end_cleanly(deployment: Deployment, ring: Path) -> None:
    store = CredentialStore(FileKeyring())
    opened: list[str] = []
    sign_in = SignIn(deployment.url, open_url=opened.append, store=store)
    sign_in.begin()
    with pytest.raises(SignInError, match="nobody signed in within 0 s"):
        sign_in.wait(timeout=0.3)
    sign_in.begin()
    with pytest.raises(SignInCancelled):
        sign_in.wait(timeout=30, cancelled=lambda: True)
    sockets = [socket.socket() for _ in deployment.cognito.ports]
    try:
        for s, port in zip(sockets, deployment.cognito.ports, strict=True):
            s.bind(("127.0.0.1", port))
            s.listen()
        with pytest.raises(SignInError, match="are all in use"):
            sign_in.begin()
    finally:
        for s in sockets:
            s.close()
    assert len(opened) == 2


def test_the_local_server_needs_no_sign_in(served: Any) -> None:
    sign_in = SignIn(served.url, open_url=follow)
    assert sign_in.config().local
    with pytest.raises(SignInError, match="local server: it needs no sign-in"):
        sign_in.begin()


def test_sign_in_settings_must_not_send_secrets_in_the_clear(ring: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "method": "oauth",
                "authorize_url": "https://pool.example/oauth2/authorize",
                "token_url": "http://pool.example/oauth2/token",
                "client_id": "c",
                "scopes": ["openid"],
                "redirect_ports": free_ports(1),
            },
        )

    sign_in = SignIn("https://api.example", transport=httpx.MockTransport(answer))
    with pytest.raises(SignInError, match=r"refusing to sign in over http scheme at pool\.example"):
        sign_in.config()


class MemoryKeyring(FileKeyring):
    """A keyring in a dict, to look at its entries."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[f"{service}/{username}"] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def test_long_values_are_kept_in_parts_and_replaced_whole() -> None:
    ring = MemoryKeyring()
    store = CredentialStore(ring)
    long = "x" * (2 * PART_LENGTH + 5)
    store.set("refresh-token", "https://a", long)
    assert sorted(ring.entries) == [
        "loupe/refresh-token#0@https://a",
        "loupe/refresh-token#1@https://a",
        "loupe/refresh-token#2@https://a",
        "loupe/refresh-token@https://a",
    ]
    assert store.get("refresh-token", "https://a") == long
    store.set("refresh-token", "https://a", "short")  # no stale parts left behind
    assert ring.entries == {"loupe/refresh-token@https://a": "short"}
    store.set("refresh-token", "https://a", long)
    del ring.entries["loupe/refresh-token#1@https://a"]  # half deleted elsewhere
    assert store.get("refresh-token", "https://a") is None
    store.forget("https://a")
    assert ring.entries == {}


@pytest.mark.parametrize("endpoint", ["http://api.example", "ftp://api.example", "api.example"])
def test_credentials_go_to_https_or_this_machine_only(endpoint: str) -> None:
    with pytest.raises(SignInError, match=r"refusing to send credentials over .* use https$"):
        SignIn(endpoint, store=CredentialStore(MemoryKeyring()))
    with pytest.raises(RequestError, match=r"refusing to send credentials over .* use https$"):
        CloudClient(endpoint, "token")
    for mine in ("http://127.0.0.1:1", "http://localhost:1/", "http://[::1]:1", "https://x"):
        CloudClient(mine, "token").close()
        SignIn(mine, store=CredentialStore(MemoryKeyring())).close()


def test_a_refresh_token_goes_only_to_the_service_it_came_from(
    deployment: Deployment, ring: Path
) -> None:
    signed_in(deployment, CredentialStore(FileKeyring()))
    (refresh,) = deployment.cognito.refresh_tokens
    sent: list[httpx.Request] = []

    def in_the_middle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/v1/auth/config":
            return httpx.Response(
                200,
                json={
                    "method": "oauth",
                    "authorize_url": "https://evil.example/oauth2/authorize",
                    "token_url": "https://evil.example/oauth2/token",
                    "revoke_url": "https://evil.example/oauth2/revoke",
                    "client_id": CLIENT_ID,
                    "scopes": ["openid", "loupe/api"],
                    "redirect_ports": list(deployment.cognito.ports),
                },
            )
        return httpx.Response(200, json={"access_token": "theirs", "expires_in": 3600})

    later = SignIn(
        deployment.url,
        store=CredentialStore(FileKeyring()),
        transport=httpx.MockTransport(in_the_middle),
    )
    with pytest.raises(SignInError, match=r"names another sign-in service .* sign in again$"):
        later.access_token()
    later.sign_out()  # revoked where it was signed in, not where the endpoint now says
    urls = [str(r.url) for r in sent]
    assert urls == [f"{deployment.url}/v1/auth/config", f"{deployment.cognito.url}/oauth2/revoke"]
    assert refresh.encode() in sent[1].content
    assert json.loads(ring.read_text()) == {}


def test_an_endpoint_with_or_without_a_trailing_slash_is_one_endpoint(
    deployment: Deployment, ring: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOUPE_RUNTIME_DIR", str(tmp_path / "no-servers-here"))
    for name in ("LOUPE_API_TOKEN", "LOUPE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    store = CredentialStore(FileKeyring())
    slash = f"{deployment.url}/"
    login = SignIn(slash, open_url=follow, store=store, clock=deployment.clock)
    login.begin()
    login.wait(timeout=30)
    (refresh,) = deployment.cognito.refresh_tokens
    store.set("api-key", slash, "key-1")
    store.set("token", f"{slash}/", "pasted")
    store.delete("token", deployment.url)
    assert credentials.api_key(deployment.url, store) == "key-1"
    provider = credentials.token_provider(deployment.url, store)
    with CloudClient(deployment.url, provider) as client:
        assert client.upload(SAMPLE_CSV)
    credentials.logout(slash, store)
    assert json.loads(ring.read_text()) == {}
    assert deployment.cognito.revoked == [refresh]
    parsed = cli._parser().parse_args(["cloud", "logout", "--endpoint", " https://x/ "])
    assert parsed.endpoint == "https://x"


class ReadsFailOnce(FileKeyring):
    """A keychain that refuses the first read (locked, then unlocked by the user)."""

    def __init__(self) -> None:
        self.failures = 1

    def get_password(self, service: str, username: str) -> str | None:
        if self.failures:
            self.failures -= 1
            raise KeyringLocked("locked")
        return super().get_password(service, username)


def test_a_keyring_that_cannot_be_read_at_logout_says_so_and_changes_nothing(
    deployment: Deployment, ring: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed_in(deployment, CredentialStore(FileKeyring()))
    (refresh,) = deployment.cognito.refresh_tokens
    kept = ring.read_text()
    store = CredentialStore(ReadsFailOnce())
    with pytest.raises(SignInError) as raised:
        credentials.logout(deployment.url, store)
    assert str(raised.value) == (
        "the OS keyring could not be read (KeyringLocked): nothing was changed; unlock it and "
        "try again"
    )
    assert ring.read_text() == kept and deployment.cognito.revoked == [] and store.persistent
    credentials.logout(deployment.url, store)  # unlocked: revoked and forgotten
    assert f"forgot the sign-in for {deployment.url}" in capsys.readouterr().err
    assert json.loads(ring.read_text()) == {} and deployment.cognito.revoked == [refresh]
