"""Insights on a profile: the prompt, the model's answer, parsed and checked."""

from __future__ import annotations

import logging
from typing import Any

from cloud.errors import InsightsError
from cloud.insights.contract import answer_schema, parse_answer
from cloud.insights.nemotron import NemotronClient
from cloud.insights.prompt import prompt_messages
from cloud.insights.verify import verify

__all__ = ["generate_insights"]

log = logging.getLogger(__name__)


def generate_insights(
    client: NemotronClient,
    profile: dict[str, Any],
    question: str | None = None,
    *,
    sample_rows: int = 0,
) -> dict[str, Any]:
    """Ask the model about ``profile`` and return the checked answer as a JSON document.

    An answer that is not valid JSON for the contract is asked for once more,
    then the job fails with InsightsError.
    """
    messages = prompt_messages(profile, question, sample_rows=sample_rows)
    schema = answer_schema()
    problem = ""
    for _ in range(2):
        content = client.complete(messages, schema)
        try:
            answer = parse_answer(content)
            break
        except ValueError as exc:
            problem = str(exc).splitlines()[0][:200]
            log.warning("model answer rejected", extra={"problem": problem})
    else:
        raise InsightsError(f"the model's answer did not follow the format twice ({problem})")
    checked = verify(answer, profile)
    return {
        "model": client.settings.model,
        "question": question,
        **checked.model_dump(mode="json"),
    }
