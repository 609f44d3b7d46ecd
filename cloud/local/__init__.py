"""The whole backend on this machine: what ``loupe serve`` runs.

The same FastAPI app as in AWS (:mod:`cloud.api`), under uvicorn; S3 from moto,
behind a gate on loopback that lets through only requests signed with this
server's random keys (:mod:`cloud.local.storage`); the state machine's steps run
in-process by the local runner (:mod:`cloud.workers`). NVIDIA settings come from
the environment (``NVIDIA_API_BASE_URL``, ``NVIDIA_API_KEY``,
``NEMOTRON_MODEL``); the key stays in this process's memory, handed to the
insights steps directly (in AWS they read it from Secrets Manager).
Nothing persists: stopping the server forgets every upload and job, and removes
the folder every step's temporary files were made in.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloud.errors import CloudError, missing_extra
from cloud.shared.jobs import JobRef
from cloud.shared.storage import S3Store, s3_client

__all__ = ["LocalBackend", "LocalSettings"]

LOCAL_USER = "local"
_REGION = "us-east-1"


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

    Attributes (after start): ``url`` of the API, ``token`` of the local user, the
    ``store`` behind it, and ``scratch``, the folder this process's temporary
    files go to while it runs (``tempfile``'s default), removed by :meth:`stop`.
    """

    def __init__(self, settings: LocalSettings) -> None:
        self.settings = settings
        self.url = ""
        self.token = ""
        self.store: S3Store | None = None
        self.scratch: Path | None = None
        self._previous_tempdir: str | None = None
        self._storage: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loupe-job")
        # moto keeps its buckets per process: a name of this backend's own keeps two
        # backends in one process (the app's, a test's) apart.
        self._instance = uuid.uuid4().hex[:12]

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
            import uvicorn

            from cloud.api import LocalTokens, create_app
            from cloud.local.storage import LocalStorage
            from cloud.workers import run_job
        except ImportError as exc:
            raise missing_extra(exc) from None

        self._use_scratch()
        self._storage = LocalStorage(_REGION)
        storage_url = self._storage.start()
        keys = self._storage.credentials
        client = s3_client(
            storage_url,
            _REGION,
            aws_access_key_id=keys.access_key,
            aws_secret_access_key=keys.secret_key,
        )
        store = S3Store(client, f"loupe-local-{self._instance}")
        store.create_bucket()
        self.store = store

        factory = self._insights_factory() if self.settings.nvidia_api_key else None
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

    def _use_scratch(self) -> None:
        """Make a folder of this backend's own the default for temporary files."""
        # Every step's temporary copies (planning, chunks, readers) go through tempfile:
        # in one folder, they are all removed when the server stops, even mid-job.
        self.scratch = Path(tempfile.mkdtemp(prefix="loupe-serve-"))
        # A job still running when stop() returns may write on until the process ends.
        atexit.register(shutil.rmtree, self.scratch, ignore_errors=True)
        self._previous_tempdir = tempfile.tempdir
        tempfile.tempdir = str(self.scratch)

    def _drop_scratch(self) -> None:
        """Remove the temporary files' folder; restore the default before it."""
        if self.scratch is None:
            return
        if tempfile.tempdir == str(self.scratch):
            previous = self._previous_tempdir
            tempfile.tempdir = previous if previous and os.path.isdir(previous) else None
        # A job still running may add files while the tree is removed: try again.
        for _ in range(3):
            shutil.rmtree(self.scratch, ignore_errors=True)
            if not self.scratch.exists():
                break

    @property
    def insights_model(self) -> str:
        """The model insights jobs ask."""
        # Like every backend import, here rather than at the top: see start().
        from cloud.insights import DEFAULT_MODEL

        return self.settings.nemotron_model or DEFAULT_MODEL

    def _insights_factory(self) -> Any:
        """Makes model clients with the key from the settings (never put in storage)."""
        # Like every backend import, here rather than at the top: see start().
        from cloud.insights import DEFAULT_BASE_URL, NemotronClient, NemotronSettings

        settings = NemotronSettings(
            api_key=self.settings.nvidia_api_key or "",
            base_url=self.settings.nvidia_base_url or DEFAULT_BASE_URL,
            model=self.insights_model,
        )
        return lambda: NemotronClient(settings)

    def wait(self) -> None:
        """Block until the API stops (Ctrl+C stops it)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)

    def stop(self) -> None:
        """Stop the API, the workers and storage; remove the temporary files."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._storage is not None:
            self._storage.stop()
            self._storage = None
        self._drop_scratch()
