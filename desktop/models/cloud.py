"""The app's link to a Loupe cloud backend, without Qt: which one, and whether it answers.

:class:`CloudConnection` is what Settings → Cloud and the window's status show.
It either starts the same backend ``loupe serve`` runs, as a child process the
app owns (found through the connection file the child writes, and stopped when
the user stops it or the app quits), connects to a ``loupe serve`` already
running here (listed from its connection file), or connects to a deployment's
endpoint (its token from the environment or the OS keyring).

A token is never kept: the local one is read from the backend's connection file
each time it is needed (:meth:`CloudConnection.credentials`), a deployment's
from where ``cloud.client.credentials`` finds it. Only the choice and the
endpoint's URL are preferences.

The desktop reaches the backend through ``cloud.client`` alone; the backend
itself runs only as a separate process (import-linter holds it).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import desktop
from cloud.client import CloudClient, TokenProvider
from cloud.client.connection import Connection, find_connections, runtime_dir
from cloud.client.credentials import kept_credentials, open_store
from cloud.client.endpoint import normalise_endpoint
from cloud.errors import CloudError
from core.errors import Cancelled, LoupeError
from desktop.models.events import Event
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = [
    "AWS",
    "LOCAL",
    "CloudConnection",
    "CloudFailed",
    "Credentials",
    "first_error_line",
    "serve_command",
]

LOCAL, AWS = "local", "aws"
#: How long a starting backend may take to write its connection file.
START_SECONDS = 60.0
_STOP_SECONDS = 10.0


class CloudFailed(LoupeError):
    """The cloud backend could not be started, reached or used (the message says why)."""


def serve_command(port: int = 0) -> list[str]:
    """The command that runs ``loupe serve`` with this app's Python (or frozen executable)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "serve", "--port", str(port)]
    return [sys.executable, "-m", "desktop.launcher", "serve", "--port", str(port)]


def first_error_line(text: str) -> str:
    """The line of a child's stderr a user reads: its ``error:`` line, else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("error:"):
            return line.removeprefix("error:").strip()
    return lines[-1] if lines else ""


def cloud_call(work: Callable[[], Any]) -> Any:
    """Run ``work``; a cloud or option error becomes :class:`CloudFailed`, with its line."""
    try:
        return work()
    except (CloudFailed, Cancelled):
        raise
    except (CloudError, LoupeError) as exc:
        raise CloudFailed(str(exc) or type(exc).__name__) from None


@dataclass(frozen=True)
class Credentials:
    """Where jobs go, and how their token is found: :meth:`open` it on a worker thread."""

    url: str
    kind: str

    @contextlib.contextmanager
    def open(self) -> Iterator[tuple[TokenProvider, str | None]]:
        """The token provider and API key, for one job (keyring, maybe the network).

        A deployment's provider refreshes its token as it expires, so a long
        upload outlives its first one.

        Raises:
            CloudFailed: the local backend stopped, or there is no usable sign-in.
        """
        if self.kind == LOCAL:
            token = _local_token(self.url)
            yield (lambda: token), None
            return
        with contextlib.ExitStack() as stack:
            yield cloud_call(lambda: stack.enter_context(kept_credentials(self.url, open_store())))


def _local_token(url: str) -> str:
    """The token in the connection file of the local backend at ``url``."""
    for connection in find_connections():
        if normalise_endpoint(connection.url) == url:
            return connection.token
    raise CloudFailed(f"the local backend at {url} is no longer running")


class CloudConnection:
    """Which backend the app uses and its state; see the module docstring.

    Args:
        runner: runs the waiting and the checks in the background.
        command: starts a local backend (default: :func:`serve_command`).

    Attributes:
        kind: ``local`` or ``aws`` once connected or connecting.
        url: the backend's URL ("" when not connected).
        error: the user's line when the last attempt failed.
        state: ``off``, ``starting``, ``connecting``, ``connected`` or ``failed``.
        changed: emitted whenever any of them changes.
    """

    def __init__(self, runner: Runner, command: Callable[[], list[str]] = serve_command) -> None:
        self.kind = LOCAL
        self.url = ""
        self.error = ""
        self.state = "off"
        self.changed: Event[[]] = Event()
        self._command = command
        self._child: subprocess.Popen[bytes] | None = None
        self._child_errors: IO[bytes] | None = None
        self._work = Newest(runner)

    # -- derived state ---------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True when jobs can be sent."""
        return self.state == "connected"

    @property
    def owns_backend(self) -> bool:
        """True while a backend this app started runs."""
        return self._child is not None and self._child.poll() is None

    @property
    def child_pid(self) -> int | None:
        """The process id of the backend this app started, if any."""
        return self._child.pid if self._child is not None else None

    @property
    def where(self) -> str:
        """Where jobs run, for people: ``local backend`` or ``AWS deployment``."""
        return "local backend" if self.kind == LOCAL else "AWS deployment"

    @property
    def status_text(self) -> str:
        """The window's one line about the cloud."""
        if self.state == "connected":
            return f"Cloud: {self.where} at {self.url}"
        if self.state == "starting":
            return "Cloud: starting the local backend…"
        if self.state == "connecting":
            return f"Cloud: connecting to {self.url}…"
        if self.state == "failed":
            return f"Cloud: {self.error}"
        return "Cloud: not connected"

    @staticmethod
    def running_backends() -> list[Connection]:
        """The ``loupe serve`` backends running on this machine, newest first."""
        return find_connections()

    # -- what the user can do --------------------------------------------------------

    def start_local(self) -> None:
        """Start the local backend as a child process; connected once it answers."""
        self.disconnect()
        folder = runtime_dir()
        env = {**os.environ, "LOUPE_RUNTIME_DIR": str(folder)}
        if not getattr(sys, "frozen", False):
            root = str(Path(desktop.__file__).resolve().parents[1])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        # Its stderr goes to a file: a pipe nobody reads could fill and stall it.
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - kept open while the child runs
        try:
            child = subprocess.Popen(
                self._command(),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        except OSError as exc:
            errors.close()
            self._fail(LOCAL, f"the local backend could not be started ({exc.strerror or exc})")
            return
        self._child, self._child_errors = child, errors
        self._set(LOCAL, "", "starting")

        def wait(progress: Progress, cancelled: Callable[[], bool]) -> str:
            return _wait_for_connection(child, errors, cancelled)

        self._work.start(wait, "starting", finished=self._on_connected, errored=self._on_failed)

    def connect_local(self, connection: Connection) -> None:
        """Use a ``loupe serve`` already running here."""
        self.disconnect()
        self._check(LOCAL, connection.url)

    def connect_endpoint(self, url: str) -> None:
        """Use a deployment at ``url`` (its token from ``LOUPE_API_TOKEN`` or the keyring)."""
        self.disconnect()
        url = normalise_endpoint(url)
        if not url.startswith(("http://", "https://")):
            self._fail(AWS, f"the endpoint must be an http(s) URL, not {url or 'empty'!r}")
            return
        self._check(AWS, url)

    def disconnect(self) -> None:
        """Stop using the backend (and stop it, if this app started it)."""
        self._work.invalidate()
        self._stop_child()
        if self.state != "off":
            self._set(self.kind, "", "off")

    def shutdown(self) -> None:
        """What the app does when it quits: stop the backend it started."""
        self._work.invalidate()
        self._stop_child()

    def credentials(self) -> Credentials:
        """Where to send jobs; the token is found afresh when they are (never kept).

        Touches neither the keyring nor the network: :meth:`Credentials.open`
        does, on the job's worker thread.

        Raises:
            CloudFailed: not connected.
        """
        if not self.connected:
            raise CloudFailed("not connected to a cloud backend (Settings → Cloud)")
        return Credentials(self.url, self.kind)

    # -- the background work's outcomes ----------------------------------------------

    def _check(self, kind: str, url: str) -> None:
        """Connect to ``url`` once it answers."""
        self._set(kind, url, "connecting")

        def check(progress: Progress, cancelled: Callable[[], bool]) -> str:
            cloud_call(lambda: _health(url))
            return url

        self._work.start(check, "connecting", finished=self._on_connected, errored=self._on_failed)

    def _on_connected(self, url: str) -> None:
        self._set(self.kind, normalise_endpoint(url), "connected")

    def _on_failed(self, error: BaseException) -> None:
        self._stop_child()
        self._fail(self.kind, describe_error(error))

    def _fail(self, kind: str, message: str) -> None:
        self.error = message
        self._set(kind, "", "failed")

    def _set(self, kind: str, url: str, state: str) -> None:
        self.kind, self.url, self.state = kind, url, state
        if state != "failed":
            self.error = ""
        self.changed.emit()

    def _stop_child(self) -> None:
        """Stop the backend this app started, as Ctrl+C would (it removes its file)."""
        child, errors = self._child, self._child_errors
        self._child, self._child_errors = None, None
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
            try:
                child.wait(timeout=_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if errors is not None:
            errors.close()


def _health(url: str) -> None:
    """Ask ``url`` whether it is a Loupe backend (no token needed)."""
    # The health check needs no token; a header needs some value.
    with CloudClient(url, "none", timeout=10.0) as client:
        client.health()


def _wait_for_connection(
    child: subprocess.Popen[bytes], errors: IO[bytes], cancelled: Callable[[], bool]
) -> str:
    """Wait for ``child``'s connection file; its URL. One line when the child ends first."""
    deadline = time.monotonic() + START_SECONDS
    pause = threading.Event()
    while time.monotonic() < deadline:
        if cancelled():
            raise Cancelled()
        for connection in find_connections():
            if connection.pid == child.pid:
                cloud_call(functools.partial(_health, connection.url))
                return connection.url
        if child.poll() is not None:
            errors.seek(0)
            line = first_error_line(errors.read().decode("utf-8", "replace"))
            raise CloudFailed(line or f"the local backend stopped (exit code {child.returncode})")
        pause.wait(0.1)
    raise CloudFailed(f"the local backend did not start within {START_SECONDS:.0f} s")
