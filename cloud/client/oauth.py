"""The pieces of OAuth 2.0 sign-in: PKCE, the loopback redirect, the token endpoint.

* :class:`SignInConfig` — a deployment's sign-in settings, as its
  ``GET /v1/auth/config`` answers them;
* :func:`pkce_pair` — a code verifier and its S256 challenge (RFC 7636);
* :class:`LoopbackReceiver` — the HTTP server on
  ``http://localhost:<port>/callback`` that the browser is sent back to
  (RFC 8252 §7.3). Cognito accepts plain ``http`` only for ``localhost`` and has
  no port wildcard, so a deployment registers a few fixed ports; the first free
  one is taken;
* :func:`token_request` — a form POST to the token endpoint, answering its JSON.

Nothing here logs, prints or puts in a message the code, the verifier or a token.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from cloud.client.endpoint import LOOPBACK_HOSTS
from cloud.errors import SignInCancelled, SignInError

__all__ = [
    "CALLBACK_PATH",
    "Callback",
    "LoopbackReceiver",
    "SignInConfig",
    "pkce_pair",
    "token_request",
]

CALLBACK_PATH = "/callback"
_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Loupe</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2>"
    "<p>{text}</p></body></html>"
)


@dataclass(frozen=True)
class SignInConfig:
    """How to sign in to one deployment (``method`` ``"local"``: ``loupe serve``, no sign-in)."""

    method: str
    authorize_url: str = ""
    token_url: str = ""
    revoke_url: str = ""
    client_id: str = ""
    scopes: tuple[str, ...] = ()
    redirect_ports: tuple[int, ...] = ()

    @property
    def local(self) -> bool:
        """Whether the endpoint is a ``loupe serve`` (its token is in the connection file)."""
        return self.method == "local"

    @classmethod
    def from_answer(cls, answer: Any) -> SignInConfig:
        """Settings from the API's answer. Raises SignInError when it is not usable."""
        try:
            method = str(answer["method"])
            if method == "local":
                return cls("local")
            config = cls(
                method,
                authorize_url=str(answer["authorize_url"]),
                token_url=str(answer["token_url"]),
                revoke_url=str(answer.get("revoke_url") or ""),
                client_id=str(answer["client_id"]),
                scopes=tuple(str(s) for s in answer["scopes"]),
                redirect_ports=tuple(int(p) for p in answer["redirect_ports"]),
            )
        except (KeyError, TypeError, ValueError):
            raise SignInError("the endpoint's sign-in settings are incomplete") from None
        if method != "oauth" or not config.redirect_ports:
            raise SignInError(f"the endpoint asks for a sign-in Loupe does not know ({method})")
        for url in (config.authorize_url, config.token_url, config.revoke_url):
            if url:
                _check_url(url)
        return config


def _check_url(url: str) -> None:
    """Refuse sign-in URLs that would send secrets in the clear to another machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return
    raise SignInError(f"refusing to sign in over {parts.scheme or 'no'} scheme at {parts.hostname}")


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (86 unreserved characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Callback:
    """What the browser brought back: a code, or the error the sign-in page gave."""

    code: str | None
    error: str | None


class _Server(ThreadingHTTPServer):
    """One thread per connection, none waited for when closing: an idle one cannot hold us."""

    daemon_threads = True
    block_on_close = False
    # On Windows SO_REUSEADDR lets a second socket bind a port in use: never there.
    # Elsewhere it only lets a port whose last connections linger (TIME_WAIT) be reused.
    allow_reuse_address = sys.platform != "win32"


class _Server6(_Server):
    """The same, on IPv6 (``localhost`` may be ``::1`` to the browser)."""

    address_family = socket.AF_INET6


# This machine has no IPv6 loopback (or none configured): 127.0.0.1 alone.
_NO_IPV6 = {errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL}


class LoopbackReceiver:
    """An HTTP server on the first free port of ``ports``, on 127.0.0.1 and ::1, until the callback.

    It serves from the moment it is made, each connection on its own thread with
    a short socket timeout, so a connection that never sends a request delays
    neither the sign-in's timeout nor its cancellation. Only an answer carrying
    our ``state`` ends the wait: any other request is refused with 400 and the
    wait goes on, so nobody else on this machine (or a web page pointing at the
    port) can end a sign-in.

    Args:
        ports: the registered ports, tried in order.
        state: the ``state`` the answer must carry.

    Raises:
        SignInError: every port is taken.
    """

    #: Seconds a connection may stay silent before it is dropped.
    CONNECTION_TIMEOUT = 5.0

    def __init__(self, ports: tuple[int, ...], state: str) -> None:
        self._state = state.encode("utf-8")
        self._result: Callback | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._closed = False
        self._servers = self._bind(ports)
        self.port = int(self._servers[0].server_address[1])
        self.redirect_uri = f"http://localhost:{self.port}{CALLBACK_PATH}"
        for server in self._servers:
            threading.Thread(
                target=server.serve_forever, args=(0.1,), name="loupe-sign-in", daemon=True
            ).start()

    def _bind(self, ports: tuple[int, ...]) -> list[HTTPServer]:
        """Servers on 127.0.0.1 and ::1 of the first port free on both (IPv4 alone without IPv6).

        A port somebody else holds on either address is skipped: whoever holds it
        would get the browser's answer.
        """
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = receiver.CONNECTION_TIMEOUT

            def do_GET(self) -> None:
                receiver._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request line holds the code

        for port in ports:
            try:
                four = _Server(("127.0.0.1", port), Handler)
            except OSError:
                continue
            try:
                return [four, _Server6(("::1", port), Handler)]
            except OSError as exc:
                if exc.errno in _NO_IPV6:
                    return [four]
                four.server_close()  # ::1 is somebody else's on this port
        shown = ", ".join(str(p) for p in ports)
        raise SignInError(f"ports {shown} on this machine are all in use; free one and try again")

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one request; keep the code or error when it carries our state."""
        parts = urlsplit(request.path)
        if parts.path != CALLBACK_PATH:
            self._page(request, 404, "Not found", "This is Loupe's sign-in page.")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        # Compared as bytes: compare_digest refuses str with characters beyond ASCII.
        state = query.get("state", "").encode("utf-8", "replace")
        if not secrets.compare_digest(state, self._state):
            self._page(request, 400, "Sign-in refused", "This answer was not for this sign-in.")
            return
        if "code" in query:
            result = Callback(query["code"], None)
            self._page(request, 200, "Signed in to Loupe", "You may close this window.")
        else:
            error = "".join(c for c in query.get("error", "unknown") if c.isalnum() or c == "_")
            result = Callback(None, error[:40] or "unknown")
            self._page(request, 400, "Sign-in failed", "Return to Loupe for details.")
        with self._lock:
            if self._result is None:
                self._result = result
                self._done.set()

    @staticmethod
    def _page(request: BaseHTTPRequestHandler, status: int, title: str, text: str) -> None:
        """A small HTML page."""
        body = _PAGE.format(title=title, text=text).encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(body)

    def wait(self, timeout: float, cancelled: Callable[[], bool]) -> str:
        """Wait for the callback carrying our state; its code.

        ``cancelled`` is asked about ten times a second, whatever connections are open.

        Raises:
            SignInCancelled: ``cancelled()`` turned true.
            SignInError: ``timeout`` seconds passed, or the sign-in page answered an error.
        """
        deadline = time.monotonic() + timeout
        try:
            while not self._done.wait(0.1):
                if cancelled():
                    raise SignInCancelled("sign-in cancelled")
                if time.monotonic() > deadline:
                    raise SignInError(f"nobody signed in within {timeout:.0f} s; try again")
        finally:
            self.close()
        assert self._result is not None
        if self._result.code is None:
            raise SignInError(f"the sign-in page answered {self._result.error}")
        return self._result.code

    def close(self) -> None:
        """Stop listening (connections still open end on their own timeout)."""
        if self._closed:
            return
        self._closed = True
        for server in self._servers:
            server.shutdown()
            server.server_close()


def token_request(
    client: httpx.Client, url: str, form: dict[str, str], what: str
) -> dict[str, Any]:
    """POST ``form`` to the token endpoint ``url``; its JSON answer.

    Raises:
        SignInError: the endpoint cannot be reached or refuses (its OAuth
            ``error`` code named, nothing else of its answer).
    """
    try:
        answer = client.post(url, data=form, headers={"Accept": "application/json"})
    except httpx.TransportError as exc:
        raise SignInError(f"cannot reach the sign-in service ({type(exc).__name__})") from None
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        error = body.get("error") if isinstance(body, dict) else None
        named = isinstance(error, str) and error.isidentifier()
        code = error if named else f"HTTP {answer.status_code}"
        raise SignInError(f"the sign-in service refused {what} ({code})")
    return body
