"""A Cognito-like sign-in server and the API trusting it, under uvicorn on 127.0.0.1.

Shared by the client's tests and the desktop's: a test module (or conftest) that
imports the ``clock`` and ``deployment`` fixtures, and ``store`` with ``moto_url``
from ``tests.cloud.conftest``, can sign in against it. ``follow`` stands in for the
browser.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.requests import Request

from cloud.api import MIN_PART_SIZE, CognitoVerifier, SignInSettings, create_app
from cloud.shared.identity import Identity
from cloud.shared.jobs import JobRef
from cloud.shared.storage import S3Store
from cloud.workers import run_job
from tests.cloud.client.fake_cognito import CLIENT_ID, SCOPE, FakeCognito

BROWSER = "browser"


class Clock:
    """Wall time plus an offset the tests move forward (tokens expire without waiting)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class Keys:
    """Personal API keys as the usage plan would hold them, and the keys requests carried."""

    def __init__(self) -> None:
        self.issued: dict[str, str] = {}
        self.carried: list[str | None] = []

    def key_for(self, identity: Identity) -> str:
        return self.issued.setdefault(identity.sub, f"key-{identity.sub}-{len(self.issued)}")


class Deployment:
    """The API as AWS runs it (access tokens of the fake pool, personal keys), and the pool."""

    def __init__(self, url: str, cognito: FakeCognito, clock: Clock, keys: Keys) -> None:
        self.url = url
        self.cognito = cognito
        self.clock = clock
        self.keys = keys


def free_ports(count: int) -> tuple[int, ...]:
    """Ports nobody listens on now (the deployment's registered callback ports)."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return tuple(int(p.getsockname()[1]) for p in probes)


def follow(url: str) -> None:
    """The browser: load the sign-in page and follow its redirect, without blocking."""

    def load() -> None:
        with httpx.Client(trust_env=False, follow_redirects=True, timeout=30) as client:
            client.get(url)

    # Named, so tests can tell the browser's own log lines (its redirect holds the code).
    threading.Thread(target=load, name=BROWSER, daemon=True).start()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deployment(store: S3Store, clock: Clock) -> Iterator[Deployment]:
    cognito = FakeCognito(ports=free_ports(3), clock=clock)
    verifier = CognitoVerifier(
        "us-east-1", "pool", CLIENT_ID, scope=SCOPE, issuer=cognito.url, clock=clock
    )
    settings = SignInSettings(cognito.url, CLIENT_ID, ("openid", SCOPE), cognito.ports)
    pool = ThreadPoolExecutor(max_workers=2)

    def runner(job: JobRef) -> None:
        pool.submit(run_job, job, chunk_rows=700)

    keys = Keys()
    app = create_app(
        store, verifier, runner, part_size=MIN_PART_SIZE, sign_in=settings, personal_keys=keys
    )

    @app.middleware("http")
    async def carried(request: Request, call_next: Any) -> Any:
        # API Gateway would check the key against the usage plan; here it is noted.
        if request.url.path not in ("/v1/health", "/v1/auth/config", "/v1/keys"):
            keys.carried.append(request.headers.get("x-api-key"))
        return await call_next(request)

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    port: Any = server.servers[0].sockets[0].getsockname()[1]
    yield Deployment(f"http://127.0.0.1:{port}", cognito, clock, keys)
    server.should_exit = True
    thread.join(timeout=30)
    pool.shutdown(wait=True)
    cognito.close()
