"""An insights request exactly as it will leave the machine, to show before it is sent.

:func:`build_request` (about a profile) and :func:`build_comparison_request`
(about a comparison of two datasets) make the bytes :meth:`NemotronClient.send` posts — the
preview a user reads *is* the request, not a description of it — and counts
what of the file is in it: the values, and the raw rows (none unless asked).

The whole request is held within a token budget, :data:`MAX_REQUEST_TOKENS`
by default, estimated by :func:`estimated_tokens`; columns and alerts are
dropped from the end until it fits, and :attr:`InsightsRequest.omitted` says
what was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from cloud.errors import InsightsError
from cloud.insights.comparison_prompt import COMPARISON_FENCE, COMPARISON_SYSTEM, comparison_data
from cloud.insights.contract import answer_schema
from cloud.insights.nemotron import chat_body
from cloud.insights.privacy import MAX_SAMPLE_ROWS, Privacy
from cloud.insights.prompt import (
    MAX_PROMPT_ALERTS,
    MAX_PROMPT_COLUMNS,
    Omitted,
    PromptData,
    chat_messages,
    prompt_data,
)

__all__ = [
    "MAX_REQUEST_TOKENS",
    "InsightsRequest",
    "Subject",
    "build_comparison_request",
    "build_request",
    "estimated_tokens",
    "prompt_messages",
]

#: The most a request may hold, in estimated tokens: a fraction of the hosted Nemotrons'
#: context, leaving room for the answer's 4,096 tokens and for an estimate that runs low
#: (digits take more tokens than letters).
MAX_REQUEST_TOKENS = 32_000
_BYTES_PER_TOKEN = 4

#: What a request asks about: a profile, or the comparison of two datasets.
Subject = Literal["profile", "comparison"]


def estimated_tokens(body: bytes) -> int:
    """About how many tokens ``body`` is: one per four bytes of UTF-8, rounded up.

    Four characters a token is the usual figure for English and JSON; text in
    other scripts takes several bytes a character, which counting bytes allows for.
    """
    return -(-len(body) // _BYTES_PER_TOKEN)


@dataclass(frozen=True)
class InsightsRequest:
    """A chat-completions request for insights on a profile or on a comparison.

    Attributes:
        body: the exact bytes to post.
        privacy: what was left out or withheld.
        values: how many values taken from the file (figures, names, texts) it carries.
        raw_rows: how many rows of raw data it carries.
        omitted: what was left out or cut to keep it within its budget.
        budget: the most tokens (estimated) it was allowed.
        subject: what it asks about ("comparison": never any raw row).
    """

    body: bytes
    privacy: Privacy
    values: int
    raw_rows: int
    omitted: Omitted = field(default_factory=Omitted)
    budget: int = MAX_REQUEST_TOKENS
    subject: Subject = "profile"

    @property
    def tokens(self) -> int:
        """The body's size in estimated tokens."""
        return estimated_tokens(self.body)

    def pretty(self) -> str:
        """The body, indented for reading (what is sent is :attr:`body`, compact)."""
        return json.dumps(json.loads(self.body), indent=2, ensure_ascii=False)

    def document(self) -> dict[str, Any]:
        """The body as JSON, to keep with the result it brought."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


def _leaves(value: Any) -> int:
    """The scalar values in a JSON document."""
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value)
    return 0 if value is None else 1


def build_request(
    profile: dict[str, Any],
    *,
    model: str,
    question: str | None = None,
    privacy: Privacy | None = None,
    budget: int = MAX_REQUEST_TOKENS,
) -> InsightsRequest:
    """The request asking ``model`` about ``profile`` (and ``question``) within ``privacy``.

    Holds at most ``budget`` estimated tokens: fewer columns and alerts are
    listed until it does (see :attr:`InsightsRequest.omitted`).

    Raises:
        InsightsError: even with no column or alert listed it would be over ``budget``.
    """
    privacy = privacy or Privacy()
    return _fitted(
        lambda columns, alerts: prompt_data(
            profile, privacy, max_columns=columns, max_alerts=alerts
        ),
        lambda data: chat_messages(data, question),
        model=model,
        privacy=privacy,
        budget=budget,
        subject="profile",
    )


def build_comparison_request(
    comparison: Mapping[str, Any],
    *,
    model: str,
    question: str | None = None,
    privacy: Privacy | None = None,
    budget: int = MAX_REQUEST_TOKENS,
) -> InsightsRequest:
    """The request asking ``model`` what changed in ``comparison`` and whether it matters.

    As :func:`build_request`, for a comparison document (see
    :mod:`cloud.insights.comparison_prompt`): the same answer contract, the same
    budget. No raw row is ever sent: ``privacy``'s sample is dropped.

    Raises:
        InsightsError: even with no column or alert listed it would be over ``budget``.
    """
    privacy = replace(privacy or Privacy(), sample_rows=0)
    return _fitted(
        lambda columns, alerts: comparison_data(
            comparison, privacy, max_columns=columns, max_alerts=alerts
        ),
        lambda data: chat_messages(
            data, question, system=COMPARISON_SYSTEM, fence=COMPARISON_FENCE
        ),
        model=model,
        privacy=privacy,
        budget=budget,
        subject="comparison",
    )


def _fitted(
    prompt_of: Callable[[int, int], PromptData],
    messages_of: Callable[[dict[str, Any]], list[dict[str, str]]],
    *,
    model: str,
    privacy: Privacy,
    budget: int,
    subject: Subject,
) -> InsightsRequest:
    """The request of ``prompt_of(columns, alerts)``, with as many listed as fit ``budget``."""
    columns, alerts = MAX_PROMPT_COLUMNS, MAX_PROMPT_ALERTS
    while True:
        prompt = prompt_of(columns, alerts)
        body = chat_body(model, messages_of(prompt.data), answer_schema())
        tokens = estimated_tokens(body)
        listed = len(prompt.data["columns"]) if prompt.listed is None else prompt.listed
        noted = len(prompt.data["alerts"])
        if tokens <= budget:
            break
        if listed == 0 and noted == 0:
            raise InsightsError(
                f"the insights request needs about {tokens:,} tokens even without columns, "
                f"over its budget of {budget:,}; ask a shorter question"
            )
        # Shrink in proportion, a little more than needed so it rarely takes a third try.
        share = budget / tokens * 0.9
        columns = max(0, min(listed - 1, int(listed * share)))
        alerts = max(0, min(noted - 1, int(noted * share))) if noted else 0
    rows = len(prompt.data.get("sample_rows", {}).get("rows", []))
    return InsightsRequest(
        body=body,
        privacy=privacy,
        values=_leaves(prompt.data),
        raw_rows=rows,
        omitted=prompt.omitted,
        budget=budget,
        subject=subject,
    )


def prompt_messages(
    profile: dict[str, Any],
    question: str | None = None,
    *,
    sample_rows: int = 0,
    privacy: Privacy | None = None,
) -> list[dict[str, str]]:
    """The chat for ``profile``: a system message, then the data as fenced JSON.

    The messages of :func:`build_request`'s body, so within its budget.

    Args:
        profile: a Loupe profile document.
        question: the analyst's question, if any (quoted as data).
        sample_rows: raw rows to include from the profile's head sample, only
            when the user opted in (at most 20); ``privacy``'s count wins if given.
        privacy: columns to leave out or whose values to hide.
    """
    if privacy is None:
        privacy = Privacy(sample_rows=max(0, min(sample_rows, MAX_SAMPLE_ROWS)))
    request = build_request(profile, model="", question=question, privacy=privacy)
    messages: list[dict[str, str]] = request.document()["messages"]
    return messages
