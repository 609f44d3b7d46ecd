"""An insights request exactly as it will leave the machine, to show before it is sent.

:func:`build_request` makes the bytes :meth:`NemotronClient.send` posts — the
preview a user reads *is* the request, not a description of it — and counts
what of the file is in it: the values, and the raw rows (none unless asked).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloud.insights.contract import answer_schema
from cloud.insights.nemotron import chat_body
from cloud.insights.privacy import Privacy
from cloud.insights.prompt import chat_messages, prompt_data

__all__ = ["InsightsRequest", "build_request"]


@dataclass(frozen=True)
class InsightsRequest:
    """A chat-completions request for insights on a profile.

    Attributes:
        body: the exact bytes to post.
        privacy: what was left out or withheld.
        values: how many values taken from the file (figures, names, texts) it carries.
        raw_rows: how many rows of raw data it carries.
    """

    body: bytes
    privacy: Privacy
    values: int
    raw_rows: int

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
) -> InsightsRequest:
    """The request asking ``model`` about ``profile`` (and ``question``) within ``privacy``."""
    privacy = privacy or Privacy()
    data = prompt_data(profile, privacy)
    body = chat_body(model, chat_messages(data, question), answer_schema())
    rows = len(data.get("sample_rows", {}).get("rows", []))
    return InsightsRequest(body=body, privacy=privacy, values=_leaves(data), raw_rows=rows)
