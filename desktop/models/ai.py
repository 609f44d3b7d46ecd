"""The app's way to a model for insights, without Qt: which endpoint, which model, which key.

:class:`AIAccess` holds the endpoint's base URL and the model chosen in
Settings → AI (preferences, never secret) and finds the API key in
:class:`ApiKeys`: the OS keyring (service ``loupe``, entry ``ai-key@<url>``)
or, on a machine without one, this session's memory alone, said in one line
(:attr:`ApiKeys.note`). A key never reaches a preference, a file, a log line
or a message.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cloud.client.credential_store import KEYRING_SERVICE
from cloud.errors import InsightsError
from cloud.insights import DEFAULT_BASE_URL, DEFAULT_MODEL, NemotronClient, NemotronSettings
from core.errors import LoupeError
from desktop.models.events import Event

__all__ = [
    "NO_KEYRING",
    "AIAccess",
    "AISettings",
    "ApiKeys",
    "InsightsFailed",
    "KeyStore",
    "insights_call",
    "os_keyring",
]

_log = logging.getLogger(__name__)

NO_KEYRING = "No OS keyring on this computer: the key is kept for this session only."


class InsightsFailed(LoupeError):
    """Insights could not be had: no key, the endpoint refused, the answer was unusable."""


def insights_call(work: Callable[[], Any]) -> Any:
    """Run ``work``; an insights error becomes :class:`InsightsFailed`, its line kept."""
    try:
        return work()
    except InsightsError as exc:
        raise InsightsFailed(str(exc) or type(exc).__name__) from None


class KeyStore(Protocol):
    """What of a keyring backend is used (``keyring``'s ``KeyringBackend`` has it)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def os_keyring() -> KeyStore | None:
    """The OS keyring, or None when the machine has none (or the package is missing)."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        return None
    backend = keyring.get_keyring()
    return None if isinstance(backend, NoKeyring) else backend


def _entry(base_url: str) -> str:
    """The keyring entry of an endpoint's key."""
    return f"ai-key@{base_url.strip().rstrip('/')}"


class ApiKeys:
    """API keys per endpoint: in ``store`` (the OS keyring), else for this session only.

    The keyring is looked for at the first use when given as ``find``.
    """

    def __init__(
        self, store: KeyStore | None = None, *, find: Callable[[], KeyStore | None] | None = None
    ) -> None:
        """Keep keys in ``store``; or in what ``find`` returns, asked at the first use.

        Finding the OS keyring loads every backend ``keyring`` knows, a tenth of a
        second: ``find`` keeps that out of the app's start.
        """
        self._store = store
        self._find = find
        # Finding runs once, on whichever thread asks first (a worker, in the app).
        self._finding = threading.Lock()
        self._session: dict[str, str] = {}
        self._note = "" if store is not None or find is not None else NO_KEYRING

    @property
    def note(self) -> str:
        """One line to show when keys cannot be kept in a keyring ("" when they can)."""
        self._resolve()
        return self._note

    def find_now(self) -> None:
        """Look for the keyring now, if not yet: from a worker, it keeps the GUI thread free.

        Loading the keyring's backends takes a tenth of a second or more; done
        here it is not paid when the window first asks for a key. A failure is
        left for the first use to meet and report.
        """
        with contextlib.suppress(Exception):
            self._resolve()

    def _resolve(self) -> KeyStore | None:
        """The store, found now if it was not yet."""
        with self._finding:
            if self._find is not None:
                self._store = self._find()
                self._find = None
                self._note = "" if self._store is not None else NO_KEYRING
        return self._store

    def get(self, base_url: str) -> str | None:
        """The key for ``base_url``, if one was given."""
        entry = _entry(base_url)
        if entry in self._session:
            return self._session[entry]
        store = self._resolve()
        if store is None:
            return None
        try:
            value = store.get_password(KEYRING_SERVICE, entry)
        except Exception as exc:  # keyring backends raise their own errors
            self._lose_keyring(exc)
            return None
        return value if isinstance(value, str) and value else None

    def set(self, base_url: str, key: str) -> None:
        """Keep ``key`` for ``base_url``: in the keyring, else for this session."""
        entry, key = _entry(base_url), key.strip()
        store = self._resolve()
        if store is not None:
            try:
                store.set_password(KEYRING_SERVICE, entry, key)
                self._session.pop(entry, None)
                return
            except Exception as exc:  # keyring backends raise their own errors
                self._lose_keyring(exc)
        self._session[entry] = key

    def forget(self, base_url: str) -> None:
        """Forget the key for ``base_url`` wherever it is kept."""
        entry = _entry(base_url)
        self._session.pop(entry, None)
        store = self._resolve()
        if store is not None:
            # Nothing was there, or the keyring refuses: there is nothing more to forget.
            with contextlib.suppress(Exception):
                store.delete_password(KEYRING_SERVICE, entry)

    def _lose_keyring(self, error: BaseException) -> None:
        """Fall back to this session's memory when the keyring fails (its name only is logged)."""
        _log.warning("the OS keyring failed (%s); keys kept for this session", type(error).__name__)
        self._store = None
        self._note = (
            f"The OS keyring failed ({type(error).__name__}): "
            "the key is kept for this session only."
        )


@dataclass(frozen=True)
class AISettings:
    """The endpoint and the model insights use (preferences: nothing secret)."""

    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL


class AIAccess:
    """The app's endpoint, model and keys; see the module docstring.

    Attributes:
        settings: the endpoint and the model.
        keys: where the API keys are.
        changed: emitted when the settings or a key change.
    """

    def __init__(self, settings: AISettings, keys: ApiKeys) -> None:
        self.settings = settings
        self.keys = keys
        self.changed: Event[[]] = Event()

    @property
    def has_key(self) -> bool:
        """Whether a key is known for the endpoint."""
        return self.keys.get(self.settings.base_url) is not None

    def configure(self, settings: AISettings) -> None:
        """Use another endpoint or model from now on."""
        if settings != self.settings:
            self.settings = settings
            self.changed.emit()

    def set_key(self, key: str, base_url: str | None = None) -> None:
        """Keep ``key`` for ``base_url`` (default: the endpoint in use)."""
        self.keys.set(base_url or self.settings.base_url, key)
        self.changed.emit()

    def forget_key(self, base_url: str | None = None) -> None:
        """Forget the key of ``base_url`` (default: the endpoint in use)."""
        self.keys.forget(base_url or self.settings.base_url)
        self.changed.emit()

    def client(self, settings: AISettings | None = None, key: str | None = None) -> NemotronClient:
        """A client for ``settings`` (default: those in use), with ``key`` or the one kept.

        Raises:
            InsightsFailed: no key is known for the endpoint.
        """
        settings = settings or self.settings
        key = key or self.keys.get(settings.base_url)
        if not key:
            raise InsightsFailed(f"no API key for {settings.base_url}: add one in Settings → AI")
        chosen = NemotronSettings(key, base_url=settings.base_url, model=settings.model)
        return NemotronClient(chosen)
