"""Insights on the comparison of January's flights with July's, driven without Qt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from core.compare.document import Comparison
from desktop.models.ai import AIAccess, AISettings, ApiKeys
from desktop.models.comparison_insights import ComparisonInsights
from desktop.models.privacy_choice import DictMemory
from desktop.models.tasks import InlineRunner
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, comparison_answer
from tests.cloud.insights.conftest import corpus, flights, months

__all__ = ["corpus", "flights", "months"]

A, B = Path("flights-01.csv"), Path("flights-07.csv")


@pytest.fixture
def fake() -> Any:
    with FakeNemotron() as server:
        yield server


def _access(url: str, key: str | None = KEY) -> AIAccess:
    access = AIAccess(AISettings(base_url=url, model="nvidia/test-nemotron"), ApiKeys(None))
    if key:
        access.set_key(key)
    return access


def test_comparison_insights_preview_what_is_sent_and_keep_the_checked_answer(
    flights: dict[str, Any], fake: Any
) -> None:
    memory = DictMemory()
    insights = ComparisonInsights(A, B, _access(fake.url), InlineRunner(), memory)
    assert not insights.can_ask and insights.preview() is None
    assert insights.status.startswith("Compare the two datasets first")
    insights.set_comparison(cast(Comparison, flights))
    choice = insights.preview("Does July matter?")
    assert choice is not None and choice.subject == "comparison" and not choice.sends_rows
    assert [c.name for c in choice.columns] == [c["name"] for c in flights["columns"]]
    choice.set_sample_rows(5)  # a comparison never sends a row
    assert choice.privacy.sample_rows == 0
    choice.set_state("dest", "leave out")
    assert "no raw rows (never for a comparison)" in choice.summary()
    insights.remember(choice, True)
    fake.replies = [Reply(content=comparison_answer(flights))]
    insights.send(choice)
    (received,) = fake.received
    assert received.raw == choice.request().body
    assert b"<<<COMPARISON" in received.raw and b'"dest"' not in received.raw
    (exchange,) = insights.history
    assert exchange.state == "done" and exchange.question == "Does July matter?"
    assert [(c.title, c.verified) for c in exchange.cards] == [
        ("Departures are later in B", True),
        ("Far fewer rows", False),
    ]
    assert exchange.chart_specs == []  # no rows to draw from
    assert [i["status"] for i in insights.document()] == ["verified", "unverified"]
    # Remembered for the pair: the next preview starts from it.
    again = insights.preview()
    assert again is not None and again.state("dest") == "leave out"
    assert json.loads(memory.saved[str(insights.path)])["excluded"] == ["dest"]
    # Another comparison: the answers about this one are forgotten.
    insights.set_comparison(cast(Comparison, dict(flights)))
    assert insights.history == []


def test_no_key_is_one_line_and_nothing_is_sent(flights: dict[str, Any], fake: Any) -> None:
    insights = ComparisonInsights(
        A, B, _access(fake.url, key=None), InlineRunner(), comparison=cast(Comparison, flights)
    )
    assert insights.preview() is None
    assert insights.status == f"No API key for {fake.url}: add one in Settings → AI."
    assert fake.received == [] and insights.history == []
