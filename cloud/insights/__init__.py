"""AI insights on a profile, or on a comparison of two datasets, from NVIDIA Nemotron.

Through its OpenAI-compatible API.

Used by the workers' insights step and, directly, by the desktop: nothing here
knows AWS, the API or Qt (import-linter holds it). The pieces, each a plain
function or class:

* :mod:`~cloud.insights.prompt` — the data the model is shown: the
  profile's *aggregates* only, fenced as data, cut to size (:class:`Omitted`
  says what was left out);
* :mod:`~cloud.insights.comparison_prompt` — the same for a comparison
  (what changed from A to B): its figures only, never a row;
* :mod:`~cloud.insights.comparison_figures` — the names of a comparison's
  figures the model cites as evidence (``mean.b``, ``psi``…), told to the
  model and looked up by the verifier;
* :mod:`~cloud.insights.nemotron` — :class:`NemotronClient` with
  timeouts and polite retries;
* :mod:`~cloud.insights.contract` — :class:`InsightsAnswer`, the
  output contract (pydantic);
* :mod:`~cloud.insights.verify` — :func:`verify` checks every
  evidence value against the profile (the figures, not the conclusions),
  :func:`verify_comparison` against the comparison;
* :mod:`~cloud.insights.privacy` — :class:`Privacy` (columns left out,
  values withheld, a sample or none) and :func:`personal_columns`;
* :mod:`~cloud.insights.request` — :func:`build_request` (and
  :func:`build_comparison_request`), the exact bytes sent, within a token
  budget, to preview before sending;
* :mod:`~cloud.insights.printable` — :func:`printable`, model text safe
  for a terminal or a window;
* :mod:`~cloud.insights.generate` — :func:`generate_insights` (and
  :func:`generate_comparison_insights`) ties them together.

Failures are :class:`cloud.errors.InsightsError` (re-exported here).
"""

from __future__ import annotations

from cloud.errors import InsightsError
from cloud.insights.comparison_figures import METRIC_VOCABULARY
from cloud.insights.contract import Chart, Evidence, Insight, InsightsAnswer
from cloud.insights.generate import generate_comparison_insights, generate_insights
from cloud.insights.nemotron import (
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    ModelUnavailableError,
    NemotronClient,
    NemotronSettings,
)
from cloud.insights.printable import printable
from cloud.insights.privacy import Privacy, default_privacy, personal_columns
from cloud.insights.prompt import Omitted, omitted_text
from cloud.insights.request import (
    MAX_REQUEST_TOKENS,
    InsightsRequest,
    Subject,
    build_comparison_request,
    build_request,
    estimated_tokens,
    prompt_messages,
)
from cloud.insights.verify import verify, verify_comparison

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "MAX_REQUEST_TOKENS",
    "METRIC_VOCABULARY",
    "Chart",
    "Evidence",
    "Insight",
    "InsightsAnswer",
    "InsightsError",
    "InsightsRequest",
    "ModelUnavailableError",
    "NemotronClient",
    "NemotronSettings",
    "Omitted",
    "Privacy",
    "Subject",
    "build_comparison_request",
    "build_request",
    "default_privacy",
    "estimated_tokens",
    "generate_comparison_insights",
    "generate_insights",
    "omitted_text",
    "personal_columns",
    "printable",
    "prompt_messages",
    "verify",
    "verify_comparison",
]
