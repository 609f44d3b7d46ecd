"""The model: NVIDIA Nemotron through its OpenAI-compatible chat-completions API.

:class:`NemotronClient` calls ``/chat/completions`` with a JSON-schema
response format, timeouts, and retries with backoff on 429 and 5xx that
honour ``Retry-After``; :meth:`NemotronClient.list_models` reads the endpoint's
``GET /models``. Hosted models are withdrawn with HTTP 410 (or 404): that is
:class:`ModelUnavailableError`, naming the models the endpoint lists, never a
retry. The API key never reaches a log line or an error.
(In AWS the key comes from Secrets Manager: :mod:`cloud.workers.secrets`.)
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

from cloud.errors import InsightsError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "ModelUnavailableError",
    "NemotronClient",
    "NemotronSettings",
    "chat_body",
]

DEFAULT_BASE_URL = "https://integrate.api.nvidia.com/v1"
# NVIDIA's default hosted Nemotron (structured output); the Llama-3.3 Nemotrons are retired.
DEFAULT_MODEL = "nvidia/nemotron-3.5-lightning-30b-a3b"
#: How many of an endpoint's models an error message names.
NAMED_MODELS = 6

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
_GONE_STATUSES = frozenset({404, 410})


class ModelUnavailableError(InsightsError):
    """The endpoint does not serve the model (retired or unknown); ``available``: what it does."""

    def __init__(self, message: str, available: list[str]) -> None:
        super().__init__(message)
        self.available = available


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
        return self.send(chat_body(self.settings.model, messages, schema))

    def send(self, body: bytes) -> str:
        """Post ``body`` — byte for byte — to ``chat/completions``; the reply's text.

        Raises:
            InsightsError: refused, or failed after the retries, in one line.
        """
        for attempt in range(1, self.settings.attempts + 1):
            wait: float | None = None
            try:
                answer = self._http.post(
                    "chat/completions", content=body, headers={"Content-Type": "application/json"}
                )
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({type(exc).__name__})"
            else:
                if answer.status_code == 200:
                    return _content(answer)
                problem = f"HTTP {answer.status_code}"
                if answer.status_code in _GONE_STATUSES:
                    raise self._unavailable(body, answer.status_code)
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

    def list_models(self) -> list[str]:
        """The ids of the models the endpoint serves (``GET /models``), sorted.

        Raises:
            InsightsError: unreachable, refused, or not a model list, in one line.
        """
        try:
            answer = self._http.get("models")
        except httpx.TimeoutException:
            raise InsightsError("the model endpoint timed out listing its models") from None
        except httpx.TransportError as exc:
            raise InsightsError(
                f"could not connect to the model endpoint ({type(exc).__name__})"
            ) from None
        if answer.status_code != 200:
            raise InsightsError(
                f"the model endpoint refused to list its models (HTTP {answer.status_code})"
            )
        try:
            entries = answer.json()["data"]
            ids = {str(entry["id"]) for entry in entries}
        except (ValueError, KeyError, TypeError):
            raise InsightsError("the model endpoint listed models in an unknown shape") from None
        return sorted(ids)

    def _unavailable(self, body: bytes, status: int) -> ModelUnavailableError:
        """The error for a model the endpoint does not serve, naming some it does."""
        try:
            model = str(json.loads(body).get("model") or self.settings.model)
        except (ValueError, AttributeError):
            model = self.settings.model
        try:
            available = [m for m in self.list_models() if m != model]
        except InsightsError:
            available = []
        # Nemotrons first: they are what Loupe's prompt is tuned for.
        named = sorted(available, key=lambda m: ("nemotron" not in m.lower(), m))[:NAMED_MODELS]
        if named:
            more = len(available) - len(named)
            choices = ", ".join(named) + (f" and {more} more" if more > 0 else "")
            hint = f"available: {choices}"
        else:
            hint = "the endpoint did not list the models it serves"
        return ModelUnavailableError(
            f"the model {model} is not available at this endpoint (HTTP {status}, retired or "
            f"unknown); {hint}",
            available,
        )


def chat_body(model: str, messages: list[dict[str, str]], schema: dict[str, Any]) -> bytes:
    """The exact bytes of a chat-completions request asking for JSON that follows ``schema``."""
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": 0.2,
        "max_tokens": 4096,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "loupe_insights", "schema": schema},
        },
    }
    if "nemotron-3" in model:
        # Nemotron 3 and 3.5 reason first unless told not to: slower, and no better evidence.
        body["chat_template_kwargs"] = {"enable_thinking": False}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


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
