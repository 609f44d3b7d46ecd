"""Signing in to a Loupe deployment from the desktop app or the CLI, without Qt.

The deployment's API says how (``GET /v1/auth/config``): for AWS, the Cognito
sign-in domain, the public app client, the scopes and the registered loopback
ports; for ``loupe serve``, that its token is the local one in the connection
file. Asking the API, rather than settings the user types, keeps the client in
step with the template: the endpoint's URL is all a user gives.

The sign-in is OAuth 2.0's authorization code with PKCE (S256) in the system
browser, brought back to ``http://localhost:<port>/callback``. The refresh
token (in parts when long) goes to the :class:`CredentialStore`; access tokens
stay in memory and are refreshed shortly before they expire.

For the desktop (every call may block: run them on a worker thread)::

    store = CredentialStore(warn=show_one_line)        # .persistent False: memory only
    sign_in = SignIn(endpoint, store=store)             # open_url defaults to webbrowser.open
    if sign_in.config().local: ...                      # loupe serve: nothing to sign in to
    url = sign_in.begin()                               # opens the browser at url
    sign_in.wait(timeout=300, cancelled=lambda: stop)   # SignInCancelled when stop is set
    client = CloudClient(endpoint, sign_in, api_key=...)  # renews a token the API refuses
    sign_in.signed_in()                                 # a refresh token is kept
    sign_in.sign_out()                                  # revokes it, clears the store

Errors are :class:`cloud.errors.SignInError` (one line each, never a token).
"""

from __future__ import annotations

import contextlib
import json
import math
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from urllib.parse import urlencode

import httpx

from cloud.client.connection import find_connections
from cloud.client.credential_store import SETTINGS_ENTRY, CredentialStore
from cloud.client.endpoint import insecure_reason, normalise_endpoint
from cloud.client.oauth import LoopbackReceiver, SignInConfig, pkce_pair, token_request
from cloud.errors import SignInError

__all__ = ["REFRESH_ENTRY", "SignIn"]

REFRESH_ENTRY = "refresh-token"


def _never() -> bool:
    """A ``cancelled`` that never cancels."""
    return False


def _pin(config: SignInConfig) -> str:
    """The settings a refresh token may be sent with, as kept beside it."""
    kept = {"token_url": config.token_url, "revoke_url": config.revoke_url}
    return json.dumps({**kept, "client_id": config.client_id}, sort_keys=True)


class SignIn:
    """The sign-in to one endpoint, and the access tokens it yields.

    Args:
        endpoint: the API's base URL.
        open_url: opens the sign-in page (default: the system browser); the CLI's
            ``--no-browser`` gives one that prints the URL instead.
        store: where the refresh token is kept (default: the OS keyring).
        config: the sign-in settings, when known (default: asked of the endpoint).
        transport: httpx transport for the API and the token endpoint.
        clock: seconds since the epoch, for token lifetimes.
        margin: refresh this many seconds before an access token expires.

    Raises:
        SignInError: ``endpoint`` is neither ``https`` nor ``http`` to this machine.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        open_url: Callable[[str], object] = webbrowser.open,
        store: CredentialStore | None = None,
        config: SignInConfig | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        margin: float = 60.0,
    ) -> None:
        self.endpoint = normalise_endpoint(endpoint)
        reason = insecure_reason(self.endpoint)
        if reason:
            raise SignInError(reason)
        self.store = store if store is not None else CredentialStore()
        self._open_url = open_url
        self._config = config
        self._http = httpx.Client(timeout=30.0, transport=transport)
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires = 0.0
        self._pending: tuple[LoopbackReceiver, str] | None = None

    def close(self) -> None:
        """Release the HTTP connections and any loopback port still open."""
        if self._pending is not None:
            self._pending[0].close()
            self._pending = None
        self._http.close()

    # ------------------------------------------------------------ settings

    def config(self) -> SignInConfig:
        """How this endpoint signs in (asked once). Raises SignInError."""
        if self._config is None:
            url = f"{self.endpoint}/v1/auth/config"
            try:
                answer = self._http.get(url)
            except httpx.TransportError as exc:
                raise SignInError(f"cannot reach {self.endpoint} ({type(exc).__name__})") from None
            if answer.status_code != 200:
                raise SignInError(
                    f"{self.endpoint} does not say how to sign in (HTTP {answer.status_code}); "
                    "is it a Loupe endpoint?"
                )
            try:
                body = answer.json()
            except ValueError:
                raise SignInError(f"{self.endpoint} answered something that is not JSON") from None
            self._config = SignInConfig.from_answer(body)
        return self._config

    # ------------------------------------------------------------ the browser flow

    def begin(self) -> str:
        """Listen on a registered loopback port and open the sign-in page; its URL.

        Raises:
            SignInError: the endpoint is a local server, or every port is taken.
        """
        config = self.config()
        if config.local:
            raise SignInError(f"{self.endpoint} is a local server: it needs no sign-in")
        if self._pending is not None:
            self._pending[0].close()
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(32)
        receiver = LoopbackReceiver(config.redirect_ports, state)
        self._pending = (receiver, verifier)
        query = {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": receiver.redirect_uri,
            "scope": " ".join(config.scopes),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        url = f"{config.authorize_url}?{urlencode(query)}"
        self._open_url(url)
        return url

    def wait(self, timeout: float = 300.0, cancelled: Callable[[], bool] = _never) -> None:
        """Wait for the browser to come back, then trade the code for tokens.

        The refresh token goes to the store; the access token stays in memory.

        Raises:
            SignInCancelled: ``cancelled()`` turned true.
            SignInError: no :meth:`begin` first, a timeout, a wrong ``state``, or
                the token endpoint refused the code (a wrong verifier among reasons).
        """
        if self._pending is None:
            raise SignInError("the sign-in was not started")
        receiver, verifier = self._pending
        try:
            code = receiver.wait(timeout, cancelled)
        finally:
            self._pending = None
        config = self.config()
        tokens = token_request(
            self._http,
            config.token_url,
            {
                "grant_type": "authorization_code",
                "client_id": config.client_id,
                "code": code,
                "redirect_uri": receiver.redirect_uri,
                "code_verifier": verifier,
            },
            "the sign-in code",
        )
        refresh = tokens.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            raise SignInError("the sign-in service gave no refresh token")
        with self._lock:
            self.store.delete("token", self.endpoint)  # a pasted token is superseded
            # Where the refresh token may go is kept with it: a later answer of the
            # API naming another token endpoint is refused, never sent the token.
            self.store.set(SETTINGS_ENTRY, self.endpoint, _pin(config))
            self.store.set(REFRESH_ENTRY, self.endpoint, refresh)
            self._keep(tokens)

    # ------------------------------------------------------------ tokens

    def signed_in(self) -> bool:
        """Whether a sign-in is kept for this endpoint (a refresh token)."""
        return self.store.get(REFRESH_ENTRY, self.endpoint) is not None

    def access_token(self) -> str:
        """A token valid for at least the margin: the one held, or a fresh one.

        A local server's token comes from its connection file. This is the token
        provider :class:`~cloud.client.cloud_client.CloudClient` takes.

        Raises:
            SignInError: not signed in, or the sign-in expired or was revoked.
        """
        if self.config().local:
            return self._local_token()
        with self._lock:
            if self._access is None or self._clock() >= self._expires:
                self._refresh()
            assert self._access is not None
            return self._access

    def __call__(self) -> str:
        """:meth:`access_token`: a sign-in is the token provider of a CloudClient."""
        return self.access_token()

    def renew(self, refused: str) -> bool:
        """The API refused ``refused``: forget it; whether :meth:`access_token` may now differ.

        A deployment's token is refreshed from the kept sign-in on the next call
        (a clock running behind, or a token revoked early, is thus no reason to
        stop); a local server's comes anew from its connection file, which is
        different once the server was restarted. Never raises.
        """
        try:
            if self.config().local:
                return self._local_token() != refused
        except SignInError:
            return False
        with self._lock:
            if self._access == refused:
                self._access = None
            return self.signed_in()

    def _local_token(self) -> str:
        """The token in the connection file of the local server at this endpoint."""
        for connection in find_connections():
            if normalise_endpoint(connection.url) == self.endpoint:
                return connection.token
        raise SignInError(f"no connection file for the local server at {self.endpoint}")

    def _refresh(self) -> None:
        """Trade the kept refresh token for a new access token (lock held)."""
        refresh = self.store.get(REFRESH_ENTRY, self.endpoint)
        if refresh is None:
            raise SignInError(f"not signed in to {self.endpoint}: run `loupe cloud login`")
        config = self.config()
        if self.store.get(SETTINGS_ENTRY, self.endpoint) != _pin(config):
            raise SignInError(
                f"{self.endpoint} now names another sign-in service than the one you signed in "
                "with; if its deployment changed, sign in again"
            )
        form = {"grant_type": "refresh_token", "client_id": config.client_id}
        form["refresh_token"] = refresh
        try:
            tokens = token_request(self._http, config.token_url, form, "the kept sign-in")
        except SignInError as exc:
            if "invalid_grant" in str(exc):
                # Only the token that failed: a sign-in made meanwhile elsewhere stays.
                if self.store.get(REFRESH_ENTRY, self.endpoint) == refresh:
                    self.store.delete(REFRESH_ENTRY, self.endpoint)
                raise SignInError(
                    f"the sign-in to {self.endpoint} has expired or was revoked; sign in again"
                ) from None
            raise
        rotated = tokens.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != refresh:
            self.store.set(REFRESH_ENTRY, self.endpoint, rotated)
        self._keep(tokens)

    def _keep(self, tokens: dict[str, object]) -> None:
        """Hold the access token until shortly before it expires."""
        access = tokens["access_token"]
        if not isinstance(access, str):
            raise SignInError("the sign-in service gave an unusable access token")
        lifetime = _lifetime(tokens.get("expires_in"))
        self._access = access
        self._expires = self._clock() + lifetime - min(self._margin, lifetime / 2)

    # ------------------------------------------------------------ signing out

    def sign_out(self) -> None:
        """Forget the sign-in here: revoke the refresh token if possible, clear the store.

        The token is revoked where the sign-in was made (the settings kept with
        it), whatever the endpoint answers now.
        """
        refresh = self.store.get(REFRESH_ENTRY, self.endpoint)
        pinned = self.store.get(SETTINGS_ENTRY, self.endpoint)
        with self._lock:
            self._access = None
            self.store.forget(self.endpoint)
        if refresh is None or pinned is None:
            return
        try:
            settings = json.loads(pinned)
            revoke_url, client_id = str(settings["revoke_url"]), str(settings["client_id"])
        except (ValueError, TypeError, KeyError):
            return  # damaged: the kept sign-in is gone all the same
        if revoke_url:
            # Best effort: the store is cleared whether or not the service answers.
            with contextlib.suppress(httpx.HTTPError):
                self._http.post(revoke_url, data={"token": refresh, "client_id": client_id})


def _lifetime(raw: object) -> float:
    """Seconds an access token lives, from ``expires_in``; a short guess when unusable."""
    try:
        seconds = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 300.0
    # NaN, infinite, negative or absurd: refresh soon rather than never.
    return seconds if math.isfinite(seconds) and 0 < seconds <= 86_400 else 300.0
