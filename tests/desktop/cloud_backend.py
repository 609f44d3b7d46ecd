"""The real local backend for the desktop's cloud tests, and a transport that watches it.

The backend (API, moto's S3, workers) runs in-process on loopback, as ``loupe
serve`` runs it; its connection file goes to a runtime folder of the test's own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import polars as pl
import pytest

from cloud.client.connection import Connection, find_connections, write_connection
from cloud.local import LocalBackend, LocalSettings


@pytest.fixture(scope="session")
def backend() -> Iterator[LocalBackend]:
    """The whole backend on loopback, for every test of the session."""
    started = LocalBackend(LocalSettings(port=0)).start()
    yield started
    started.stop()


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runtime folder of the test's own, where connection files are looked for."""
    folder = tmp_path / "runtime"
    monkeypatch.setenv("LOUPE_RUNTIME_DIR", str(folder))
    monkeypatch.delenv("LOUPE_API_TOKEN", raising=False)
    return folder


@pytest.fixture
def served(backend: LocalBackend, runtime: Path) -> Iterator[Connection]:
    """The backend's connection file, as ``loupe serve`` leaves it."""
    path = write_connection(backend.url, backend.token)
    yield next(c for c in find_connections() if c.path == path)
    path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def random_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 20 MB of random bytes as Parquet: sent as it is, in two 16 MiB parts."""
    blobs = [os.urandom(1000) for _ in range(20_000)]
    path = tmp_path_factory.mktemp("random") / "noise.parquet"
    pl.DataFrame({"blob": blobs}).write_parquet(path, compression="uncompressed")
    return path


class Watching(httpx.BaseTransport):
    """Passes requests to the network, noting each; may hold one storage PUT until released.

    Attributes:
        requests: ``(method, path)`` of every request.
        upload_ids: the ids the API gave to new uploads.
        hold_put: the number of the storage PUT to hold (0: none).
        holding: set when that PUT is held; ``release`` lets it go.
    """

    def __init__(self, hold_put: int = 0) -> None:
        self._inner = httpx.HTTPTransport()
        self.requests: list[tuple[str, str]] = []
        self.upload_ids: list[str] = []
        self.hold_put = hold_put
        self.holding = threading.Event()
        self.release = threading.Event()
        self._puts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        if request.method == "PUT":
            self._puts += 1
            if self._puts == self.hold_put:
                self.holding.set()
                self.release.wait(timeout=60)
        response = self._inner.handle_request(request)
        if request.method == "POST" and request.url.path == "/v1/uploads":
            response.read()
            self.upload_ids.append(str(response.json()["upload_id"]))
        return response

    def close(self) -> None:
        self._inner.close()


def upload_exists(url: str, token: str, upload_id: str) -> bool:
    """Whether the API still knows ``upload_id`` (its parts list answers)."""
    answer = httpx.get(
        f"{url}/v1/uploads/{upload_id}/parts", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


class Dropping(Watching):
    """Watches, and drops the connection at storage PUT number ``drop_put`` (0: never)."""

    def __init__(self, drop_put: int = 2) -> None:
        super().__init__()
        self.drop_put = drop_put
        self.puts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts += 1
            if self.puts == self.drop_put:
                self.requests.append((request.method, request.url.path))
                raise httpx.ConnectError("connection dropped", request=request)
        return super().handle_request(request)
