"""AI insights on a profile from NVIDIA Nemotron, through its OpenAI-compatible API.

The pieces, each a plain function or class the insights step and the tests call:

* :mod:`~cloud.workers.insights.prompt` — :func:`prompt_messages` builds the
  chat from the profile's *aggregates* only, fenced as data;
* :mod:`~cloud.workers.insights.nemotron` — :class:`NemotronClient` with
  timeouts and polite retries, and the key read from Secrets Manager
  (:func:`nvidia_api_key`, :func:`client_from_secret`);
* :mod:`~cloud.workers.insights.contract` — :class:`InsightsAnswer`, the
  output contract (pydantic);
* :mod:`~cloud.workers.insights.verify` — :func:`verify` checks every
  evidence value against the profile;
* :mod:`~cloud.workers.insights.generate` — :func:`generate_insights` ties
  them together.

Failures are :class:`cloud.errors.InsightsError` (re-exported here).
"""

from __future__ import annotations

from cloud.errors import InsightsError
from cloud.workers.insights.contract import Chart, Evidence, Insight, InsightsAnswer
from cloud.workers.insights.generate import generate_insights
from cloud.workers.insights.nemotron import (
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    NemotronClient,
    NemotronSettings,
    client_from_secret,
    nvidia_api_key,
)
from cloud.workers.insights.prompt import prompt_messages
from cloud.workers.insights.verify import verify

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "Chart",
    "Evidence",
    "Insight",
    "InsightsAnswer",
    "InsightsError",
    "NemotronClient",
    "NemotronSettings",
    "client_from_secret",
    "generate_insights",
    "nvidia_api_key",
    "prompt_messages",
    "verify",
]
