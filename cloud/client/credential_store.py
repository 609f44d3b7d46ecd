"""Where sign-ins are kept: the OS keyring, or this process's memory when there is none.

:class:`CredentialStore` keeps named entries per endpoint — ``refresh-token``,
``sign-in-settings`` (the token and revocation URLs and client id the refresh
token belongs with, as JSON), ``token`` (pasted by ``loupe cloud login
--token-from-stdin``) and ``api-key`` — under the keyring service ``loupe`` as
``<entry>@<endpoint>``, the endpoint spelt by
:func:`~cloud.client.endpoint.normalise_endpoint`. Access tokens are never
stored: they live in memory and are refreshed.

The Windows Credential Manager holds at most about 1,280 characters per secret,
and a Cognito refresh token is longer: a value over :data:`PART_LENGTH` is kept in
parts (``<entry>#<n>@<endpoint>``) with ``parts:<count>`` in the main entry. A
token never contains ``:``, so a stored value cannot be taken for that marker.

When there is no keyring (the ``fail`` backend, the package missing) or it refuses
to keep a value (a locked keychain), the store says so in one line, through ``warn``, and keeps
the credentials in memory for this process only: never in a file, a settings
store or a log. ``persistent`` tells which it is. A keyring that cannot be read
is an error instead (:class:`~cloud.errors.SignInError`, one line): taking it for
an empty one would make ``loupe cloud logout`` neither revoke nor forget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from cloud.client.endpoint import normalise_endpoint
from cloud.errors import SignInError

__all__ = ["KEYRING_SERVICE", "PART_LENGTH", "SETTINGS_ENTRY", "CredentialStore"]

KEYRING_SERVICE = "loupe"
PART_LENGTH = 1000
SETTINGS_ENTRY = "sign-in-settings"
_ENTRIES = ("refresh-token", SETTINGS_ENTRY, "token", "api-key")
_MARKER = "parts:"

_log = logging.getLogger(__name__)


def _log_warning(line: str) -> None:
    """The default ``warn``: the line to the log (it names no secret)."""
    _log.warning(line)


class CredentialStore:
    """Credentials per endpoint, in the OS keyring when there is one.

    Args:
        backend: a keyring backend (an object with ``get_password``,
            ``set_password`` and ``delete_password``); default: the OS keyring
            the ``keyring`` package finds. ``None`` found, or the ``fail``
            backend, means memory only.
        warn: called once with a one-line notice when credentials can only be
            kept in memory (default: a warning in the log).

    Attributes:
        notice: that line, once said; ``reason`` its first half (why).
    """

    def __init__(
        self, backend: Any | None = None, *, warn: Callable[[str], None] = _log_warning
    ) -> None:
        self._warn = warn
        self._memory: dict[str, str] = {}
        self.notice: str | None = None
        self.reason: str | None = None
        self._ring: Any | None = backend if backend is not None else self._os_keyring()

    def _os_keyring(self) -> Any | None:
        """The OS keyring, or None after saying why there is none."""
        try:
            import keyring
            from keyring.backends.fail import Keyring as NoKeyring
        except ImportError:
            self._fall_back("the keyring package is not installed")
            return None
        ring = keyring.get_keyring()
        if isinstance(ring, NoKeyring):
            self._fall_back("no OS keyring is available on this machine")
            return None
        return ring

    def _fall_back(self, why: str) -> None:
        """Keep credentials in memory from now on; say so once."""
        self._ring = None
        if self.notice is None:
            self.reason = why
            self.notice = f"{why}: the sign-in is kept in memory until Loupe quits"
            self._warn(self.notice)

    @property
    def persistent(self) -> bool:
        """Whether credentials outlive this process (False: memory only)."""
        return self._ring is not None

    # ------------------------------------------------------------ raw entries

    def _raw_get(self, name: str, *, writing: bool = False) -> str | None:
        """One keyring entry (or memory's).

        Raises:
            SignInError: the keyring could not be read, unless ``writing`` (then:
                memory from now on, as for a refused write).
        """
        if self._ring is not None:
            try:
                value = self._ring.get_password(KEYRING_SERVICE, name)
            except Exception as exc:  # keyring backends raise their own errors
                why = f"the OS keyring could not be read ({type(exc).__name__})"
                if not writing:
                    raise SignInError(
                        f"{why}: nothing was changed; unlock it and try again"
                    ) from None
                self._fall_back(why)
            else:
                return value if isinstance(value, str) else None
        return self._memory.get(name)

    def _raw_set(self, name: str, value: str) -> None:
        """Write one entry."""
        if self._ring is not None:
            try:
                self._ring.set_password(KEYRING_SERVICE, name, value)
            except Exception as exc:
                self._fall_back(f"the OS keyring refused to keep a sign-in ({type(exc).__name__})")
            else:
                return
        self._memory[name] = value

    def _raw_delete(self, name: str) -> None:
        """Remove one entry (absent already: nothing to do)."""
        self._memory.pop(name, None)
        if self._ring is not None:
            try:
                self._ring.delete_password(KEYRING_SERVICE, name)
            except Exception as exc:
                # Absent entries raise PasswordDeleteError; anything else is worth a note.
                if type(exc).__name__ != "PasswordDeleteError":
                    _log.warning("the OS keyring did not delete an entry (%s)", type(exc).__name__)

    # ------------------------------------------------------------ entries

    def get(self, entry: str, endpoint: str) -> str | None:
        """The value of ``entry`` for ``endpoint``, joined from its parts; None if absent.

        Raises:
            SignInError: the keyring could not be read.
        """
        endpoint = normalise_endpoint(endpoint)
        name = f"{entry}@{endpoint}"
        value = self._raw_get(name)
        if value is None or not value.startswith(_MARKER):
            return value
        try:
            count = int(value[len(_MARKER) :])
        except ValueError:
            return None
        parts = [self._raw_get(f"{entry}#{n}@{endpoint}") for n in range(count)]
        if any(part is None for part in parts):
            return None  # half written or half deleted: unusable
        return "".join(part for part in parts if part is not None)

    def set(self, entry: str, endpoint: str, value: str) -> None:
        """Keep ``value`` as ``entry`` for ``endpoint``, in parts when it is long."""
        endpoint = normalise_endpoint(endpoint)
        self._delete(entry, endpoint, writing=True)
        name = f"{entry}@{endpoint}"
        if len(value) <= PART_LENGTH:
            self._raw_set(name, value)
            return
        parts = [value[i : i + PART_LENGTH] for i in range(0, len(value), PART_LENGTH)]
        for n, part in enumerate(parts):
            self._raw_set(f"{entry}#{n}@{endpoint}", part)
        self._raw_set(name, f"{_MARKER}{len(parts)}")

    def delete(self, entry: str, endpoint: str) -> None:
        """Forget ``entry`` for ``endpoint`` and its parts.

        Raises:
            SignInError: the keyring could not be read (nothing is deleted then).
        """
        self._delete(entry, normalise_endpoint(endpoint), writing=False)

    def _delete(self, entry: str, endpoint: str, *, writing: bool) -> None:
        """:meth:`delete`; ``writing``: a keyring that cannot be read means memory."""
        name = f"{entry}@{endpoint}"
        value = self._raw_get(name, writing=writing)
        if value is not None and value.startswith(_MARKER):
            count = value[len(_MARKER) :]
            for n in range(int(count) if count.isdigit() else 0):
                self._raw_delete(f"{entry}#{n}@{endpoint}")
        self._raw_delete(name)

    def forget(self, endpoint: str) -> None:
        """Forget everything kept for ``endpoint`` (signing out)."""
        for entry in _ENTRIES:
            self.delete(entry, endpoint)
