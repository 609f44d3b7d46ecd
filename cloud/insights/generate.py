"""Insights on a profile: the prompt, the model's answer, parsed and checked."""

from __future__ import annotations

import logging
from typing import Any

from cloud.errors import InsightsError
from cloud.insights.contract import parse_answer
from cloud.insights.nemotron import NemotronClient
from cloud.insights.privacy import MAX_SAMPLE_ROWS, Privacy
from cloud.insights.request import InsightsRequest, build_request
from cloud.insights.verify import verify

__all__ = ["generate_insights"]

log = logging.getLogger(__name__)


def generate_insights(
    client: NemotronClient,
    profile: dict[str, Any],
    question: str | None = None,
    *,
    sample_rows: int = 0,
    privacy: Privacy | None = None,
    request: InsightsRequest | None = None,
) -> dict[str, Any]:
    """Ask the model about ``profile`` and return the checked answer as a JSON document.

    Sends ``request`` if given (the one the user saw in a preview), else builds it
    from ``privacy`` (or a sample of ``sample_rows``). The document keeps the
    request's body under ``request``, so what an insight was based on can be shown
    later, and under ``omitted`` what was left out of it to fit (see
    :meth:`cloud.insights.prompt.Omitted.document`). An answer that is not valid
    JSON for the contract is asked for once more, then InsightsError.
    """
    if request is None:
        if privacy is None:
            privacy = Privacy(sample_rows=max(0, min(sample_rows, MAX_SAMPLE_ROWS)))
        request = build_request(
            profile, model=client.settings.model, question=question, privacy=privacy
        )
    problem = ""
    for _ in range(2):
        content = client.send(request.body)
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
        "omitted": request.omitted.document(),
        "request": request.document(),
    }
