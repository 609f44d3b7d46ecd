"""One ``loupe serve`` backend in this process, with an NVIDIA key, for the storage tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cloud.local import LocalBackend, LocalSettings
from cloud.shared.storage import S3Store
from tests.cloud.fake_nemotron import KEY


@pytest.fixture(scope="module")
def backend() -> Iterator[LocalBackend]:
    started = LocalBackend(LocalSettings(port=0, nvidia_api_key=KEY)).start()
    yield started
    started.stop()


@pytest.fixture
def store(backend: LocalBackend) -> S3Store:
    """The backend's own store, as the API and the workers use it."""
    assert backend.store is not None
    return backend.store


@pytest.fixture
def storage_url(store: S3Store) -> str:
    """Where the storage listens: the address in every presigned URL."""
    return str(store.client.meta.endpoint_url)
