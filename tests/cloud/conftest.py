"""S3 from moto's server on 127.0.0.1, and the API under uvicorn on 127.0.0.1."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import uvicorn
from moto.server import ThreadedMotoServer

from cloud.api import create_app
from cloud.auth import Identity, LocalTokens
from cloud.jobs import run_job
from cloud.storage import S3Store


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def store(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> S3Store:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    bucket = f"loupe-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return S3Store(client, bucket)


class Served:
    """The API on a loopback port, with its token issuer and job pool."""

    def __init__(self, url: str, tokens: LocalTokens, pool: ThreadPoolExecutor) -> None:
        self.url = url
        self.tokens = tokens
        self.pool = pool

    def headers(self, sub: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(sub)}"}


@pytest.fixture
def served(store: S3Store) -> Iterator[Served]:
    tokens = LocalTokens()
    pool = ThreadPoolExecutor(max_workers=2)

    def runner(identity: Identity, job_id: str) -> None:
        pool.submit(run_job, store, identity, job_id, chunk_rows=700)

    app = create_app(store, tokens, runner)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    port: Any = server.servers[0].sockets[0].getsockname()[1]
    yield Served(f"http://127.0.0.1:{port}", tokens, pool)
    server.should_exit = True
    thread.join(timeout=30)
    pool.shutdown(wait=True)
