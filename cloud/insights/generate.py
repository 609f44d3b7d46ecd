"""Insights on a profile or on a comparison: the prompt, the model's answer, parsed and checked."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cloud.errors import InsightsError
from cloud.insights.contract import InsightsAnswer, parse_answer
from cloud.insights.nemotron import NemotronClient
from cloud.insights.privacy import MAX_SAMPLE_ROWS, Privacy
from cloud.insights.request import InsightsRequest, build_comparison_request, build_request
from cloud.insights.verify import verify, verify_comparison

__all__ = ["generate_comparison_insights", "generate_insights"]

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
    checked = verify(_answer(client, request), profile)
    return _document(client, question, checked, request)


def generate_comparison_insights(
    client: NemotronClient,
    comparison: Mapping[str, Any],
    question: str | None = None,
    *,
    privacy: Privacy | None = None,
    request: InsightsRequest | None = None,
) -> dict[str, Any]:
    """Ask the model what changed in ``comparison`` and whether it matters; the checked answer.

    As :func:`generate_insights`, for a comparison document: sends ``request`` if
    given (the one previewed), else builds it within ``privacy`` (never with raw
    rows), and checks every evidence figure against ``comparison`` (see
    :func:`cloud.insights.verify.verify_comparison`).
    """
    if request is None:
        request = build_comparison_request(
            comparison, model=client.settings.model, question=question, privacy=privacy
        )
    checked = verify_comparison(_answer(client, request), comparison)
    return _document(client, question, checked, request)


def _answer(client: NemotronClient, request: InsightsRequest) -> InsightsAnswer:
    """The model's answer to ``request``, asked once more if it does not follow the contract."""
    problem = ""
    for _ in range(2):
        content = client.send(request.body)
        try:
            return parse_answer(content)
        except ValueError as exc:
            problem = str(exc).splitlines()[0][:200]
            log.warning("model answer rejected", extra={"problem": problem})
    raise InsightsError(f"the model's answer did not follow the format twice ({problem})")


def _document(
    client: NemotronClient, question: str | None, checked: InsightsAnswer, request: InsightsRequest
) -> dict[str, Any]:
    """The checked answer as kept: the model, the question, the request and what it left out."""
    return {
        "model": client.settings.model,
        "question": question,
        **checked.model_dump(mode="json"),
        "omitted": request.omitted.document(),
        "request": request.document(),
    }
