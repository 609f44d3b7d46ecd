"""Credentials of ``loupe cloud``: from the environment, a local server, or the OS keyring.

The token comes from ``LOUPE_API_TOKEN``, else — for the URL of a ``loupe serve``
running on this machine — its connection file, else the keyring entry
``loupe cloud login`` made for that endpoint; an API Gateway key likewise from
``LOUPE_API_KEY`` or the keyring. Entries are named ``token@<endpoint>`` and
``api-key@<endpoint>`` under the service ``loupe``.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from typing import Any, TextIO

from cloud.client.connection import find_connections
from core.errors import OptionError

__all__ = ["KEYRING_SERVICE", "access_token", "default_endpoint", "login", "logout", "secret"]

KEYRING_SERVICE = "loupe"


def _keyring() -> Any:
    """The keyring module, or OptionError saying why there is none."""
    # Imported here so that a missing package becomes that one-line error.
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        raise OptionError("the keyring package is not installed; set LOUPE_API_TOKEN") from None
    if isinstance(keyring.get_keyring(), NoKeyring):
        raise OptionError("no OS keyring is available on this machine; set LOUPE_API_TOKEN instead")
    return keyring


def secret(env: str, entry: str, endpoint: str, *, required: bool) -> str | None:
    """A credential from the environment variable ``env``, else the keyring entry for ``endpoint``.

    Raises:
        OptionError: ``required`` and there is none, or the keyring cannot be read.
    """
    if os.environ.get(env):
        return os.environ[env]
    try:
        value = _keyring().get_password(KEYRING_SERVICE, f"{entry}@{endpoint}")
    except OptionError:
        if required:
            raise
        return None
    except Exception as exc:  # keyring backends raise their own errors
        raise OptionError(
            f"the OS keyring could not be read ({type(exc).__name__}); set {env} instead"
        ) from None
    if value is not None and not isinstance(value, str):
        raise OptionError(f"the OS keyring gave an unusable value; set {env} instead")
    if value is None and required:
        raise OptionError(
            f"no access token for {endpoint}: set {env}, or run `loupe cloud login "
            f"--endpoint {endpoint}`"
        )
    return value


def default_endpoint(fallback: str) -> str:
    """``LOUPE_ENDPOINT``, else the newest ``loupe serve`` running here, else ``fallback``."""
    if os.environ.get("LOUPE_ENDPOINT"):
        return os.environ["LOUPE_ENDPOINT"]
    running = find_connections()
    return running[0].url if running else fallback


def access_token(endpoint: str) -> str:
    """The token for ``endpoint``: ``LOUPE_API_TOKEN``, a local server's, or the keyring's.

    Raises:
        OptionError: there is none, or the keyring cannot be read.
    """
    if os.environ.get("LOUPE_API_TOKEN"):
        return os.environ["LOUPE_API_TOKEN"]
    # A local server's token lives as long as the server: its own file is fresher
    # than anything kept in the keyring for that address.
    for connection in find_connections():
        if connection.url.rstrip("/") == endpoint.rstrip("/"):
            return connection.token
    token = secret("LOUPE_API_TOKEN", "token", endpoint, required=True)
    assert token is not None
    return token


def login(endpoint: str, stdin: TextIO) -> None:
    """Ask for a token (and an optional API key) and keep them in the keyring.

    Raises:
        OptionError: no token given, or no keyring to keep it in.
    """
    ring = _keyring()
    if stdin.isatty():
        token = getpass.getpass(f"Access token for {endpoint}: ").strip()
        api_key = getpass.getpass("API key (Enter if none): ").strip()
    else:
        lines = [*stdin.read().splitlines(), "", ""]
        token, api_key = lines[0].strip(), lines[1].strip()
    if not token:
        raise OptionError("no token given")
    try:
        ring.set_password(KEYRING_SERVICE, f"token@{endpoint}", token)
        if api_key:
            ring.set_password(KEYRING_SERVICE, f"api-key@{endpoint}", api_key)
    except Exception as exc:
        raise OptionError(f"the OS keyring refused the token ({type(exc).__name__})") from None
    sys.stderr.write(f"token kept in the OS keyring for {endpoint}\n")


def logout(endpoint: str) -> None:
    """Forget the token and API key kept for ``endpoint``. Raises OptionError without a keyring."""
    ring = _keyring()
    for entry in ("token", "api-key"):
        with contextlib.suppress(Exception):  # absent already: nothing to forget
            ring.delete_password(KEYRING_SERVICE, f"{entry}@{endpoint}")
    sys.stderr.write(f"forgot the token for {endpoint}\n")
