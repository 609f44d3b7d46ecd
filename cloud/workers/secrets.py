"""The NVIDIA API key in AWS: read from Secrets Manager, cached across warm invocations."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.parameters import SecretsProvider

from cloud.errors import InsightsError
from cloud.insights.nemotron import (
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    NemotronClient,
    NemotronSettings,
)

__all__ = ["client_from_secret", "nvidia_api_key"]

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
