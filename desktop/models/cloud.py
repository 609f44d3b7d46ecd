"""The app's link to a Loupe cloud backend, without Qt: which one, and whether it answers.

:class:`CloudConnection` is what Settings → Cloud and the window's status show.
It either starts the same backend ``loupe serve`` runs, as a child process the
app owns (found through the connection file the child writes, and stopped when
the user stops it or the app quits), connects to a ``loupe serve`` already
running here (listed from its connection file), or connects to a deployment's
endpoint (its token from the environment or the OS keyring).

A deployment is signed in to from here too (:meth:`CloudConnection.sign_in`):
the deployment's sign-in page opens in the system browser through the one
``open_url`` the app gives, and the redirect back is waited for in the
background, where :meth:`CloudConnection.cancel_sign_in` stops it. The
:class:`~cloud.client.signin.SignIn` kept then is the jobs' token provider (it
refreshes its access tokens); its refresh token lives in the OS keyring, or in
this process's memory when there is none (:attr:`CloudConnection.notice` says so).

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
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import desktop
from cloud.client import CloudClient, TokenProvider
from cloud.client.connection import Connection, find_connections, runtime_dir
from cloud.client.credential_store import CredentialStore
from cloud.client.credentials import kept_credentials, open_store, personal_api_key
from cloud.client.endpoint import insecure_reason, normalise_endpoint
from cloud.client.signin import REFRESH_ENTRY, SignIn
from cloud.errors import CloudError, SignInCancelled
from core.errors import Cancelled, LoupeError
from desktop.models.events import Event
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = [
    "AWS",
    "LOCAL",
    "CloudConnection",
    "CloudFailed",
    "Credentials",
    "endpoint_problem",
    "first_error_line",
    "serve_command",
]

LOCAL, AWS = "local", "aws"
#: How long a starting backend may take to write its connection file.
START_SECONDS = 60.0
_STOP_SECONDS = 10.0
#: How long the browser has to come back with a sign-in.
SIGN_IN_SECONDS = 600.0


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
    sign_in: SignIn | None = None
    store: CredentialStore | None = None

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
        # The app's own store: with no keyring, a sign-in lives in its memory alone.
        store = self.store if self.store is not None else open_store()
        if self.sign_in is not None:
            # Signed in from the app: that sign-in refreshes the token as it expires.
            sign_in = self.sign_in
            key = cloud_call(lambda: personal_api_key(self.url, sign_in.access_token, store))
            yield sign_in.access_token, key
            return
        with contextlib.ExitStack() as stack:
            yield cloud_call(lambda: stack.enter_context(kept_credentials(self.url, store)))


def _local_token(url: str) -> str:
    """The token in the connection file of the local backend at ``url``."""
    for connection in find_connections():
        if normalise_endpoint(connection.url) == url:
            return connection.token
    raise CloudFailed(f"the local backend at {url} is no longer running")


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be a deployment's endpoint, in a line (None: it can).

    It must be an http(s) URL naming a host; plain http only to this machine.
    """
    url = normalise_endpoint(url)
    if not url.startswith(("http://", "https://")):
        return f"the endpoint must be an http(s) URL, not {url or 'empty'!r}"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        return f"the endpoint {url!r} names no host; it looks like https://example.com/"
    return insecure_reason(url)


class CloudConnection:
    """Which backend the app uses and its state; see the module docstring.

    Args:
        runner: runs the waiting and the checks in the background.
        command: starts a local backend (default: :func:`serve_command`).
        open_url: opens a sign-in page in the system browser (called on a worker thread).
        store: makes where sign-ins are kept (default: the OS keyring), once, on a
            worker thread.

    Attributes:
        kind: ``local`` or ``aws`` once connected or connecting.
        url: the backend's URL ("" when not connected).
        error: the user's line when the last attempt failed.
        notice: a line about the sign-in that is no error (no keyring, local
            server, signed out), or "".
        state: ``off``, ``starting``, ``connecting``, ``signing in``,
            ``signing out``, ``connected`` or ``failed``.
        changed: emitted whenever any of them changes.
    """

    def __init__(
        self,
        runner: Runner,
        command: Callable[[], list[str]] = serve_command,
        *,
        open_url: Callable[[str], object] = webbrowser.open,
        store: Callable[[], CredentialStore] | None = None,
    ) -> None:
        self.kind = LOCAL
        self.url = ""
        self.error = ""
        self.notice = ""
        self._open_url = open_url
        self._make_store = store or (lambda: open_store())
        self._store: CredentialStore | None = None
        self._store_lock = threading.Lock()
        self._sign_in: SignIn | None = None
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
    def busy(self) -> bool:
        """True while the backend is being started, reached, signed in to or out of."""
        return self.state in ("starting", "connecting", "signing in", "signing out")

    @property
    def signed_in(self) -> bool:
        """True when connected to a deployment with a sign-in kept for it."""
        return self.connected and self.kind == AWS and self._sign_in is not None

    @property
    def where(self) -> str:
        """Where jobs run, for people: ``local backend`` or ``AWS deployment``."""
        return "local backend" if self.kind == LOCAL else "AWS deployment"

    @property
    def status_text(self) -> str:
        """The window's one line about the cloud."""
        if self.signed_in:
            return f"Cloud: signed in to {self.url}"
        if self.state == "connected":
            return f"Cloud: {self.where} at {self.url}"
        if self.state == "signing in":
            return f"Cloud: signing in to {self.url} in the browser…"
        if self.state == "signing out":
            return f"Cloud: signing out of {self.url}…"
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
        url = self._endpoint(url)
        if url:
            self._check(AWS, url)

    def sign_in(self, url: str) -> None:
        """Sign in to the deployment at ``url`` in the browser; connected once signed in.

        A local ``loupe serve`` needs no sign-in: it is connected to, and
        :attr:`notice` says so.
        """
        self.disconnect()
        url = self._endpoint(url)
        if not url:
            return
        self.notice = ""
        self._set(AWS, url, "signing in")

        def sign_in(progress: Progress, cancelled: Callable[[], bool]) -> SignIn | None:
            result: SignIn | None = cloud_call(lambda: self._signed_in(url, cancelled))
            return result

        self._work.start(
            sign_in,
            "signing in",
            finished=self._on_signed_in,
            errored=self._on_failed,
            cancelled=self._on_sign_in_cancelled,
        )

    def cancel_sign_in(self) -> None:
        """Stop waiting for the browser (the sign-in page may stay open; it leads nowhere)."""
        if self.state == "signing in":
            self._work.cancel()

    def sign_out(self) -> None:
        """Forget the sign-in to the deployment connected to: revoke it, clear the keyring."""
        sign_in, url = self._sign_in, self.url
        if sign_in is None:
            return
        self._sign_in = None
        self._work.invalidate()
        self._set(AWS, url, "signing out")

        def sign_out(progress: Progress, cancelled: Callable[[], bool]) -> str:
            try:
                cloud_call(sign_in.sign_out)
            finally:
                sign_in.close()
            return url

        self._work.start(
            sign_out, "signing out", finished=self._on_signed_out, errored=self._on_failed
        )

    def disconnect(self) -> None:
        """Stop using the backend (and stop it, if this app started it)."""
        self._work.invalidate()
        self._stop_child()
        self._forget_sign_in()
        if self.state != "off":
            self._set(self.kind, "", "off")

    def shutdown(self) -> None:
        """What the app does when it quits: stop the backend it started."""
        self._work.invalidate()
        self._stop_child()
        self._forget_sign_in()

    def credentials(self) -> Credentials:
        """Where to send jobs; the token is found afresh when they are (never kept).

        Touches neither the keyring nor the network: :meth:`Credentials.open`
        does, on the job's worker thread.

        Raises:
            CloudFailed: not connected.
        """
        if not self.connected:
            raise CloudFailed("not connected to a cloud backend (Settings → Cloud)")
        return Credentials(self.url, self.kind, self._sign_in, self._store)

    # -- the background work's outcomes ----------------------------------------------

    def _check(self, kind: str, url: str) -> None:
        """Connect to ``url`` once it answers."""
        self._set(kind, url, "connecting")

        def check(progress: Progress, cancelled: Callable[[], bool]) -> tuple[str, SignIn | None]:
            cloud_call(lambda: _health(url))
            return url, self._kept_sign_in(url) if kind == AWS else None

        self._work.start(check, "connecting", finished=self._on_checked, errored=self._on_failed)

    def _kept_sign_in(self, url: str) -> SignIn | None:
        """The sign-in kept for ``url`` (a worker's task); none if the keyring cannot be read."""
        store = self._credential_store()
        try:
            kept = store.get(REFRESH_ENTRY, url) is not None
        except CloudError:
            return None  # the job says why, when it asks for a token
        return SignIn(url, open_url=self._open_url, store=store) if kept else None

    def _on_checked(self, outcome: tuple[str, SignIn | None]) -> None:
        url, self._sign_in = outcome
        self._on_connected(url)

    def _endpoint(self, url: str) -> str:
        """``url`` normalised, or "" after failing with the line saying why it cannot be used."""
        url = normalise_endpoint(url)
        problem = endpoint_problem(url)
        if problem:
            self._fail(AWS, problem)
            return ""
        return url

    def _credential_store(self) -> CredentialStore:
        """Where sign-ins are kept, made once (on a worker thread: it may ask the OS)."""
        with self._store_lock:
            if self._store is None:
                self._store = self._make_store()
            return self._store

    def _signed_in(self, url: str, cancelled: Callable[[], bool]) -> SignIn | None:
        """The browser sign-in to ``url`` (a worker's task); None for a local server."""
        sign_in = SignIn(url, open_url=self._open_url, store=self._credential_store())
        try:
            if sign_in.config().local:
                _health(url)
                sign_in.close()
                return None
            sign_in.begin()
            sign_in.wait(timeout=SIGN_IN_SECONDS, cancelled=cancelled)
        except SignInCancelled:
            sign_in.close()
            raise Cancelled() from None
        except BaseException:
            sign_in.close()
            raise
        return sign_in

    def _on_signed_in(self, sign_in: SignIn | None) -> None:
        if sign_in is None:
            self.notice = f"{self.url} is a local `loupe serve`: no sign-in is needed"
        else:
            self._sign_in = sign_in
            self.notice = sign_in.store.notice or ""
        self._set(AWS, self.url, "connected")

    def _on_sign_in_cancelled(self) -> None:
        self.notice = "sign-in cancelled"
        self._set(AWS, "", "off")

    def _on_signed_out(self, url: str) -> None:
        self.notice = f"signed out of {url}"
        self._set(AWS, "", "off")

    def _forget_sign_in(self) -> None:
        """Let go of the sign-in in memory (the keyring keeps it for the next Connect)."""
        sign_in, self._sign_in = self._sign_in, None
        if sign_in is not None:
            sign_in.close()

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
