"""The model: NVIDIA Nemotron through its OpenAI-compatible chat-completions API.

:class:`NemotronClient` calls ``/chat/completions`` with a JSON-schema
response format, timeouts, and retries with backoff on 429 and 5xx that
honour ``Retry-After``. :func:`nvidia_api_key` reads the key from Secrets
Manager, cached across warm Lambda invocations. The API key never reaches a
log line or an error.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aws_lambda_powertools.utilities.parameters import SecretsProvider

from cloud.errors import InsightsError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "NemotronClient",
    "NemotronSettings",
    "client_from_secret",
    "nvidia_api_key",
]

DEFAULT_BASE_URL = "https://integrate.api.nvidia.com/v1"
DEFAULT_MODEL = "nvidia/llama-3.3-nemotron-super-49b-v1"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NemotronSettings:
    """Where and how to reach the model."""

    api_key: str
    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL
    timeout: float = 120.0
    attempts: int = 4

    def __repr__(self) -> str:  # the key must never be printed
        return f"NemotronSettings(base_url={self.base_url!r}, model={self.model!r})"


_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


class NemotronClient:
    """A chat-completions client with timeouts and polite retries.

    Args:
        settings: endpoint, model and key.
        transport: an httpx transport (tests may pass their own).
        sleep: how to wait between attempts (tests may record instead).
    """

    def __init__(
        self,
        settings: NemotronSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {settings.api_key}"},
            timeout=httpx.Timeout(settings.timeout, connect=10.0),
            transport=transport,
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        """The model's reply to ``messages``, asked to follow ``schema``. Raises InsightsError."""
        body = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0.2,
            "max_tokens": 4096,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "loupe_insights", "schema": schema},
            },
        }
        for attempt in range(1, self.settings.attempts + 1):
            wait: float | None = None
            try:
                answer = self._http.post("chat/completions", json=body)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({type(exc).__name__})"
            else:
                if answer.status_code == 200:
                    return _content(answer)
                problem = f"HTTP {answer.status_code}"
                if answer.status_code not in _RETRY_STATUSES:
                    raise InsightsError(f"the model endpoint refused the request ({problem})")
                wait = _retry_after(answer.headers.get("retry-after"))
            log.warning("model call failed", extra={"attempt": attempt, "problem": problem})
            if attempt == self.settings.attempts:
                raise InsightsError(
                    f"the model endpoint failed {attempt} times (last: {problem}); try again later"
                )
            backoff = min(30.0, 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
            self._sleep(min(60.0, wait) if wait is not None else backoff)
        raise AssertionError("unreachable")


def _retry_after(header: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _content(answer: httpx.Response) -> str:
    """The message text of a chat-completions answer. Raises InsightsError."""
    try:
        content = answer.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise InsightsError("the model endpoint answered in an unknown shape") from None
    if not isinstance(content, str):
        raise InsightsError("the model endpoint answered in an unknown shape")
    return content


_SECRET_SECONDS = 300


def nvidia_api_key(secret_id: str, *, client: Any = None) -> str:
    """The NVIDIA API key stored in Secrets Manager under ``secret_id``.

    Cached for five minutes across warm invocations (Powertools' parameters
    utility). The secret is the bare key, or JSON with an ``api_key`` field.
    Raises InsightsError without ever quoting the secret.
    """
    provider = _providers.get(id(client))
    if provider is None:
        provider = _providers[id(client)] = SecretsProvider(boto3_client=client)
    try:
        value = provider.get(secret_id, max_age=_SECRET_SECONDS)
    except Exception as exc:
        raise InsightsError(
            f"the NVIDIA API key could not be read from its secret ({type(exc).__name__})"
        ) from None
    text = value.decode() if isinstance(value, bytes) else str(value)
    if text.lstrip().startswith("{"):
        try:
            text = str(json.loads(text)["api_key"])
        except (ValueError, KeyError):
            raise InsightsError("the NVIDIA API key secret has no api_key field") from None
    if not text.strip():
        raise InsightsError("the NVIDIA API key secret is empty")
    return text.strip()


_providers: dict[int, Any] = {}


def client_from_secret(
    secret_id: str,
    *,
    base_url: str | None = None,
    model: str | None = None,
    secrets_client: Any = None,
) -> NemotronClient:
    """A model client whose key is read (cached) from Secrets Manager.

    Args:
        secret_id: the secret holding the NVIDIA API key.
        base_url: the OpenAI-compatible endpoint (default: NVIDIA's).
        model: the model (default: Nemotron Super).
        secrets_client: a boto3 Secrets Manager client (default: boto3's usual one).
    """
    return NemotronClient(
        NemotronSettings(
            api_key=nvidia_api_key(secret_id, client=secrets_client),
            base_url=base_url or DEFAULT_BASE_URL,
            model=model or DEFAULT_MODEL,
        )
    )
