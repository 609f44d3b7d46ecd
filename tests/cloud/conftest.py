"""S3 from moto's server on 127.0.0.1, the API under uvicorn on 127.0.0.1, the Lambdas' setting."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import uvicorn
from moto.server import ThreadedMotoServer

from cloud.api import MIN_PART_SIZE, LocalTokens, create_app
from cloud.api import handler as api_handler
from cloud.shared import runtime
from cloud.shared.jobs import JobRef
from cloud.shared.storage import S3Store, s3_client
from cloud.workers import run_job
from core.samples import SAMPLE_CSV


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
    store = S3Store(s3_client(moto_url, "us-east-1"), f"loupe-{uuid.uuid4().hex[:12]}")
    store.create_bucket()
    return store


class Served:
    """The API on a loopback port, with its token issuer and job pool."""

    def __init__(self, url: str, tokens: LocalTokens, pool: ThreadPoolExecutor) -> None:
        self.url = url
        self.tokens = tokens
        self.pool = pool
        # Makes the model client for insights jobs; tests point it at their fake server.
        self.insights: Callable[[], Any] | None = None

    def headers(self, sub: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(sub)}"}


@pytest.fixture
def served(store: S3Store, request: pytest.FixtureRequest) -> Iterator[Served]:
    tokens = LocalTokens()
    pool = ThreadPoolExecutor(max_workers=2)
    marker = request.node.get_closest_marker("chunk_rows")
    chunk_rows = marker.args[0] if marker else 700

    def runner(job: JobRef) -> None:
        pool.submit(run_job, job, chunk_rows=chunk_rows, insights_client=served.insights)

    app = create_app(store, tokens, runner, part_size=MIN_PART_SIZE)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    port: Any = server.servers[0].sockets[0].getsockname()[1]
    served = Served(f"http://127.0.0.1:{port}", tokens, pool)
    yield served
    server.should_exit = True
    thread.join(timeout=30)
    pool.shutdown(wait=True)


@pytest.fixture
def lambda_env(store: S3Store, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment the template gives the functions, with fresh per-container clients."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("LOUPE_BUCKET", store.bucket)
    monkeypatch.setenv("LOUPE_CHUNK_ROWS", "700")
    caches = (runtime.bucket, api_handler._api)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def secrets(moto_url: str, store: S3Store) -> Any:
    """A Secrets Manager client on moto's server (``store`` sets the fake credentials)."""
    import boto3

    return boto3.client("secretsmanager", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample orders repeated to about 12 MB (three 5 MiB parts), with unique ids."""
    sample = pl.read_csv(SAMPLE_CSV, infer_schema=False)
    copies = [
        sample.with_columns((pl.col("order_id").cast(pl.Int64) + i * 10_000).cast(pl.String))
        for i in range(64)
    ]
    path = tmp_path_factory.mktemp("big") / "orders_big.csv"
    pl.concat(copies).write_csv(path)
    return path
