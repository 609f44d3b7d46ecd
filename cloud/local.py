"""The whole backend on this machine: what ``loupe serve`` runs.

The same FastAPI app as in AWS (:mod:`cloud.api`), under uvicorn; S3 and
Secrets Manager from moto's server, started in-process on loopback; the state
machine's steps run in-process by the local runner (:mod:`cloud.workers`).
NVIDIA settings come from the environment (``NVIDIA_API_BASE_URL``,
``NVIDIA_API_KEY``, ``NEMOTRON_MODEL``); the key is put in the local Secrets
Manager and read back the way the Lambda reads it.
Nothing persists: stopping the server forgets every upload and job.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cloud.errors import CloudError, missing_extra
from cloud.shared.jobs import JobRef
from cloud.shared.storage import S3Store, s3_client

__all__ = ["LocalBackend", "LocalSettings"]

LOCAL_USER = "local"
SECRET_ID = "loupe/nvidia-api-key"
_REGION = "us-east-1"
# moto accepts any credentials; these never leave this process.
_CREDENTIALS = {"aws_access_key_id": "loupe-local", "aws_secret_access_key": "loupe-local"}


@dataclass(frozen=True)
class LocalSettings:
    """How to run the local backend."""

    host: str = "127.0.0.1"
    port: int = 8765
    chunk_rows: int = 1_000_000
    nvidia_base_url: str | None = None
    nvidia_api_key: str | None = field(default=None, repr=False)
    nemotron_model: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> LocalSettings:
        """Settings from ``NVIDIA_API_BASE_URL``, ``NVIDIA_API_KEY`` and ``NEMOTRON_MODEL``."""
        env = os.environ if env is None else env
        return cls(
            nvidia_base_url=env.get("NVIDIA_API_BASE_URL") or None,
            nvidia_api_key=env.get("NVIDIA_API_KEY") or None,
            nemotron_model=env.get("NEMOTRON_MODEL") or None,
            **overrides,
        )


class LocalBackend:
    """The API, storage and workers on loopback; :meth:`start` and :meth:`stop`.

    Attributes (after start): ``url`` of the API, ``token`` of the local user, and
    the ``store`` behind it.
    """

    def __init__(self, settings: LocalSettings) -> None:
        self.settings = settings
        self.url = ""
        self.token = ""
        self.store: S3Store | None = None
        self._moto: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loupe-job")
        # moto keeps its buckets and secrets per process: names of this backend's own keep
        # two backends in one process (the app's, a test's) apart.
        self._instance = uuid.uuid4().hex[:12]
        self._secret_id = f"{SECRET_ID}-{self._instance}"

    @property
    def insights_enabled(self) -> bool:
        """Whether insights jobs can run (an NVIDIA API key was given)."""
        return bool(self.settings.nvidia_api_key)

    def start(self) -> LocalBackend:
        """Start storage and the API; returns once the API accepts connections.

        Raises:
            CloudError: the cloud extra is not installed, or the port is taken.
        """
        # Imported here, to name what is missing when the cloud extra is not installed.
        try:
            import boto3
            import uvicorn
            from moto.server import ThreadedMotoServer

            from cloud.api import LocalTokens, create_app
            from cloud.workers import run_job
        except ImportError as exc:
            raise missing_extra(exc) from None

        storage_url = self._start_storage(ThreadedMotoServer)
        store = S3Store(
            s3_client(storage_url, _REGION, **_CREDENTIALS), f"loupe-local-{self._instance}"
        )
        store.create_bucket()
        self.store = store

        factory = None
        if self.settings.nvidia_api_key:
            secrets = boto3.client(
                "secretsmanager", endpoint_url=storage_url, region_name=_REGION, **_CREDENTIALS
            )
            secrets.create_secret(Name=self._secret_id, SecretString=self.settings.nvidia_api_key)
            factory = self._insights_factory(secrets)

        tokens = LocalTokens()
        self.token = tokens.issue(LOCAL_USER)
        chunk_rows = self.settings.chunk_rows

        def runner(job: JobRef) -> None:
            self._pool.submit(run_job, job, chunk_rows=chunk_rows, insights_client=factory)

        app = create_app(store, tokens, runner)
        config = uvicorn.Config(
            app, host=self.settings.host, port=self.settings.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="loupe-api", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                self.stop()
                raise CloudError(
                    f"cannot listen on {self.settings.host}:{self.settings.port} (in use?)"
                )
            threading.Event().wait(0.02)
        bound = self._server.servers[0].sockets[0].getsockname()
        shown = "127.0.0.1" if self.settings.host in ("0.0.0.0", "") else self.settings.host
        self.url = f"http://{shown}:{bound[1]}"
        return self

    def _start_storage(self, server: Any) -> str:
        """Start moto's server class ``server`` on loopback; its URL."""
        # moto's HTTP server would log every storage request on stderr.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = server(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def insights_model(self) -> str:
        """The model insights jobs ask."""
        # Like every backend import, here rather than at the top: see start().
        from cloud.insights import DEFAULT_MODEL

        return self.settings.nemotron_model or DEFAULT_MODEL

    def _insights_factory(self, secrets: Any) -> Any:
        """Makes model clients with the key read from the local Secrets Manager."""
        # Like every backend import, here rather than at the top: see start().
        from cloud.workers.secrets import client_from_secret

        settings, secret_id = self.settings, self._secret_id
        return lambda: client_from_secret(
            secret_id,
            base_url=settings.nvidia_base_url,
            model=settings.nemotron_model,
            secrets_client=secrets,
        )

    def wait(self) -> None:
        """Block until the API stops (Ctrl+C stops it)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)

    def stop(self) -> None:
        """Stop the API, the workers and storage."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
