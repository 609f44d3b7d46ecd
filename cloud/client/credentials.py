"""Credentials of ``loupe cloud``: from the environment, a local server, or the sign-in kept.

The token comes from ``LOUPE_API_TOKEN``, else — for the URL of a ``loupe serve``
running on this machine — its connection file, else what ``loupe cloud login``
kept for that endpoint in the OS keyring (:class:`CredentialStore`): a refresh
token from the browser sign-in (:class:`SignIn` turns it into access tokens,
refreshed as they expire), or a token pasted with ``--token-from-stdin``. An API
Gateway key likewise comes from ``LOUPE_API_KEY`` or the keyring; a signed-in user
without one is given their own by the deployment (:func:`personal_api_key`), so the
daily quota counts each user's requests alone.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from cloud.client.cloud_client import CloudClient, TokenProvider
from cloud.client.connection import find_connections
from cloud.client.credential_store import CredentialStore
from cloud.client.endpoint import normalise_endpoint
from cloud.client.signin import REFRESH_ENTRY, SignIn
from cloud.errors import ForbiddenError, NotFoundError
from core.errors import OptionError

__all__ = [
    "api_key",
    "browser_login",
    "default_endpoint",
    "kept_credentials",
    "logout",
    "open_store",
    "paste_login",
    "personal_api_key",
    "token_provider",
]


def _quiet(line: str) -> None:
    """The CLI's ``warn``: its errors name the missing keyring themselves."""


def open_store() -> CredentialStore:
    """The OS keyring's store, as the CLI uses it."""
    return CredentialStore(warn=_quiet)


def _no_keyring(store: CredentialStore) -> OptionError:
    """The one-line error for a command that needs the keyring where there is none."""
    return OptionError(f"{store.reason}; set LOUPE_API_TOKEN instead")


def default_endpoint(fallback: str) -> str:
    """``LOUPE_ENDPOINT``, else the newest ``loupe serve`` running here, else ``fallback``."""
    if os.environ.get("LOUPE_ENDPOINT"):
        return os.environ["LOUPE_ENDPOINT"]
    running = find_connections()
    return running[0].url if running else fallback


def token_provider(endpoint: str, store: CredentialStore) -> TokenProvider:
    """What gives ``endpoint``'s token: the environment, a local server, or the kept sign-in.

    Raises:
        OptionError: there is none, or no keyring to keep one in.
    """
    endpoint = normalise_endpoint(endpoint)
    fixed = os.environ.get("LOUPE_API_TOKEN")
    # A local server's token lives as long as the server: its own file is fresher
    # than anything kept in the keyring for that address.
    for connection in find_connections():
        if not fixed and normalise_endpoint(connection.url) == endpoint:
            fixed = connection.token
    fixed = fixed or store.get("token", endpoint)
    if fixed:
        token = fixed
        return lambda: token
    if store.get(REFRESH_ENTRY, endpoint) is not None:
        # The sign-in itself: it refreshes tokens as they expire, and renews one refused.
        return SignIn(endpoint, store=store)
    if not store.persistent:
        raise _no_keyring(store)
    raise OptionError(
        f"no access token for {endpoint}: set LOUPE_API_TOKEN, or run `loupe cloud login "
        f"--endpoint {endpoint}`"
    )


@contextlib.contextmanager
def kept_credentials(
    endpoint: str, store: CredentialStore
) -> Iterator[tuple[TokenProvider, str | None]]:
    """:func:`token_provider` and :func:`api_key` for ``endpoint``, for one piece of work.

    May read the keyring: call it on a worker thread. A sign-in's connections
    are closed when the block ends.

    Raises:
        OptionError: there is no token, or no keyring to keep one in.
        cloud.errors.SignInError: the keyring could not be read.
    """
    provider = token_provider(endpoint, store)
    try:
        if isinstance(provider, SignIn):
            yield provider, personal_api_key(endpoint, provider, store)
        else:
            yield provider, api_key(endpoint, store)
    finally:
        if isinstance(provider, SignIn):
            provider.close()


def api_key(endpoint: str, store: CredentialStore) -> str | None:
    """``LOUPE_API_KEY``, else the API key kept for ``endpoint``, else None."""
    return os.environ.get("LOUPE_API_KEY") or store.get("api-key", endpoint)


def personal_api_key(
    endpoint: str,
    token: str | TokenProvider,
    store: CredentialStore,
    *,
    client: Callable[[str, str | TokenProvider], CloudClient] = CloudClient,
) -> str | None:
    """``LOUPE_API_KEY``, else the key kept for ``endpoint``, else the user's own, asked of
    the deployment (``POST /v1/keys``) and kept; None where the deployment gives none.

    A deployment older than personal keys refuses that route (403/404): None, and the
    operator's key may still be pasted at login.
    """
    key = api_key(endpoint, store)
    if key:
        return key
    try:
        with client(endpoint, token) as api:
            key = api.personal_key()
    except (ForbiddenError, NotFoundError):
        return None
    if key:
        store.set("api-key", endpoint, key)
    return key


def paste_login(endpoint: str, stdin: TextIO, store: CredentialStore) -> None:
    """Ask for a token (and an optional API key) and keep them in the keyring.

    Raises:
        OptionError: no token given, or no keyring to keep it in.
    """
    endpoint = normalise_endpoint(endpoint)
    if not store.persistent:
        raise _no_keyring(store)
    if stdin.isatty():
        token = getpass.getpass(f"Access token for {endpoint}: ").strip()
        key = getpass.getpass("API key (Enter if none): ").strip()
    else:
        lines = [*stdin.read().splitlines(), "", ""]
        token, key = lines[0].strip(), lines[1].strip()
    if not token:
        raise OptionError("no token given")
    store.delete(REFRESH_ENTRY, endpoint)
    store.set("token", endpoint, token)
    if key:
        store.set("api-key", endpoint, key)
    if not store.persistent:
        raise _no_keyring(store)
    sys.stderr.write(f"token kept in the OS keyring for {endpoint}\n")


def browser_login(
    endpoint: str,
    store: CredentialStore,
    open_url: Callable[[str], object],
    stdin: TextIO,
    *,
    no_browser: bool = False,
) -> None:
    """Sign in in the browser and keep the refresh token; a local server needs none.

    Without a terminal (a script) and without ``no_browser``, nobody would see
    the browser open: that fails at once rather than waiting ten minutes.

    Raises:
        OptionError: no keyring to keep the sign-in in, or no terminal.
        cloud.errors.SignInError: the sign-in failed or timed out.
    """
    endpoint = normalise_endpoint(endpoint)
    sign_in = SignIn(endpoint, open_url=open_url, store=store)
    try:
        if sign_in.config().local:
            sys.stderr.write(
                f"{endpoint} is a local server: it needs no login (loupe cloud takes its "
                "token from the server's connection file)\n"
            )
            return
        if not store.persistent:
            raise OptionError(f"{store.reason}: a sign-in could not outlive this command")
        if not no_browser and not stdin.isatty():
            raise OptionError(
                "not at a terminal: sign in once with `loupe cloud login --no-browser` and open "
                "the address it prints, or pass a token with --token-from-stdin"
            )
        sign_in.begin()
        sys.stderr.write("waiting for the sign-in in the browser (Ctrl+C to stop)\n")
        sign_in.wait(timeout=600)
        own_key = personal_api_key(endpoint, sign_in, store)
    finally:
        sign_in.close()
    if own_key is None and stdin.isatty() and not os.environ.get("LOUPE_API_KEY"):
        key = getpass.getpass("API key of this deployment (Enter to keep or skip): ").strip()
        if key:
            store.set("api-key", endpoint, key)
    if not store.persistent:
        raise _no_keyring(store)
    sys.stderr.write(f"signed in to {endpoint}; the sign-in is kept in the OS keyring\n")


def logout(endpoint: str, store: CredentialStore) -> None:
    """Forget the sign-in, token and API key kept for ``endpoint`` (revoking the sign-in)."""
    endpoint = normalise_endpoint(endpoint)
    sign_in = SignIn(endpoint, store=store)
    try:
        sign_in.sign_out()
    finally:
        sign_in.close()
    if not store.persistent:
        sys.stderr.write(f"{store.reason}: nothing was kept for {endpoint}\n")
        return
    sys.stderr.write(f"forgot the sign-in for {endpoint}\n")
