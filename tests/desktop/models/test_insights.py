"""Insights on an open dataset, driven without Qt against a fake model endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest

from cloud.insights import MAX_REQUEST_TOKENS, Privacy, default_privacy, generate_insights
from core.profiling.document import Profile
from core.profiling.profile import SCHEMA_PATH
from core.samples import SAMPLE_CSV
from desktop.models.ai import NO_KEYRING, AIAccess, AISettings, ApiKeys
from desktop.models.insight_cards import cards, suggested_figures
from desktop.models.insights import DatasetInsights
from desktop.models.privacy_choice import DictMemory, PrivacyChoice, privacy_from_memory
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from tests.cloud.client.file_keyring import FileKeyring
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, good_answer
from tests.cloud.insights.wide import wide_profile
from tests.desktop.models.conftest import ManualRunner


@pytest.fixture
def profiled() -> DatasetSession:
    session = DatasetSession(SAMPLE_CSV, InlineRunner())
    session.start_loading()
    session.start_profile()
    assert session.profile is not None
    return session


@pytest.fixture
def fake() -> Any:
    with FakeNemotron() as server:
        yield server


def _access(url: str, key: str | None = KEY) -> AIAccess:
    access = AIAccess(AISettings(base_url=url, model="nvidia/test-nemotron"), ApiKeys(None))
    if key:
        access.set_key(key)
    return access


def test_get_insights_sends_the_preview_and_keeps_the_answer_in_the_history(
    profiled: DatasetSession, fake: Any
) -> None:
    insights = DatasetInsights(profiled, _access(fake.url), InlineRunner())
    profile = dict(profiled.profile or {})
    fake.replies = [Reply(content=good_answer(profile))]
    choice = insights.preview()
    assert choice is not None and choice.question is None
    assert choice.state("customer_zip") == "counts only"  # looks like addresses: withheld
    insights.send(choice)
    (received,) = fake.received
    assert received.raw == choice.request().body
    (exchange,) = insights.history
    assert exchange.state == "done" and exchange.question is None
    assert [(c.title, c.verified) for c in exchange.cards] == [
        ("Comments are mostly missing", True),
        ("Amounts are huge", False),
    ]
    assert exchange.cards[0].evidence[0].startswith("missing_fraction of comment: ")
    # The chart naming an unknown column is dropped; the other is Loupe's own histogram.
    (spec,) = exchange.chart_specs
    assert spec["layout"]["meta"]["chart"] == "numeric_histogram"
    assert "Amounts" not in json.dumps(spec)  # the model's title is not drawn

    fake.replies = [Reply(content=good_answer(profile))]
    asked = insights.preview("  Which columns need cleaning before modelling?  ")
    assert asked is not None
    insights.send(asked)
    assert [e.question for e in insights.history] == [
        None,
        "Which columns need cleaning before modelling?",
    ]
    assert "Which columns need cleaning before modelling?" in fake.received[-1].raw.decode()


def test_left_out_and_personal_columns_never_reach_the_endpoint(
    profiled: DatasetSession, fake: Any
) -> None:
    memory = DictMemory()
    insights = DatasetInsights(profiled, _access(fake.url), InlineRunner(), memory)
    fake.replies = [Reply(content=json.dumps({"insights": [], "charts": []}))]
    choice = insights.preview()
    assert choice is not None
    choice.set_state("comment", "leave out")
    choice.set_sample_rows(3)
    assert choice.request().raw_rows == 3 and "3 raw rows" in choice.summary()
    insights.remember(choice, True)
    insights.send(choice)
    sent = fake.received[0].raw.decode()
    assert "comment" not in sent and "fast delivery" not in sent
    zips = [str(v["value"]) for v in _column(profiled, "customer_zip")["top_values"]]
    assert zips and not any(z in sent for z in zips)
    # Remembered for the file: the next preview starts from it.
    again = insights.preview()
    assert again is not None and again.state("comment") == "leave out"
    assert again.privacy.sample_rows == 3 and again.state("customer_zip") == "counts only"


def test_remembered_choices_keep_new_personal_columns_withheld(profiled: DatasetSession) -> None:
    profile = profiled.profile
    assert profile is not None
    assert privacy_from_memory('{"hidden": [], "shown": []}', profile) == Privacy(
        hidden=frozenset({"customer_zip"})
    )
    shown = privacy_from_memory('{"shown": ["customer_zip"], "sample_rows": 99}', profile)
    assert shown == Privacy(sample_rows=20)
    assert privacy_from_memory("not json", profile) == Privacy(hidden=frozenset({"customer_zip"}))


def test_no_key_is_one_line_and_nothing_is_sent(profiled: DatasetSession, fake: Any) -> None:
    insights = DatasetInsights(profiled, _access(fake.url, key=None), InlineRunner())
    assert insights.preview() is None
    assert insights.status == f"No API key for {fake.url}: add one in Settings → AI."
    assert fake.received == [] and insights.history == []


def test_a_retired_model_fails_in_one_line_naming_the_available_ones(
    profiled: DatasetSession, fake: Any
) -> None:
    insights = DatasetInsights(profiled, _access(fake.url), InlineRunner())
    fake.replies = [Reply(410)]
    choice = insights.preview()
    assert choice is not None
    insights.send(choice)
    (exchange,) = insights.history
    assert exchange.state == "failed"
    assert exchange.error.startswith("the model nvidia/test-nemotron is not available")
    assert "available: nvidia/nemotron-3-super-120b-a12b" in exchange.error
    assert insights.status == exchange.error and "\n" not in exchange.error


def test_cancel_drops_the_answer_and_frees_the_pane(profiled: DatasetSession, fake: Any) -> None:
    runner = ManualRunner()
    insights = DatasetInsights(profiled, _access(fake.url), runner)
    choice = insights.preview()
    assert choice is not None
    insights.send(choice)
    assert insights.running and not insights.can_ask
    insights.cancel()
    assert not insights.running and insights.can_ask
    assert insights.history[0].state == "cancelled"
    fake.replies = [Reply(content=good_answer(dict(profiled.profile or {})))]
    runner.complete_all()
    assert insights.history[0].state == "cancelled" and insights.history[0].cards == []


def test_keys_go_to_the_keyring_else_stay_for_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    kept = ApiKeys(FileKeyring())
    kept.set("https://example.org/v1/", " nvapi-abc ")
    assert kept.note == ""
    assert ApiKeys(FileKeyring()).get("https://example.org/v1") == "nvapi-abc"
    kept.forget("https://example.org/v1")
    assert ApiKeys(FileKeyring()).get("https://example.org/v1") is None

    session_only = ApiKeys(None)
    assert session_only.note == NO_KEYRING
    session_only.set("https://example.org/v1", "nvapi-abc")
    assert session_only.get("https://example.org/v1") == "nvapi-abc"
    assert not (tmp_path / "keyring.json").read_text().count("nvapi")


def test_cards_are_plain_text_and_unknown_charts_are_not_drawn(profiled: DatasetSession) -> None:
    result = {
        "insights": [
            {"title": "<b>x</b>", "detail": "d", "severity": "info", "status": "unverified"},
            {"title": "ok", "detail": "d", "severity": "critical", "status": "verified"},
        ]
    }
    made = cards(result)
    assert [c.title for c in made] == ["ok", "<b>x</b>"]
    profile = profiled.profile
    assert profile is not None
    figures = suggested_figures(
        profile,
        [
            {"type": "scatter", "x": "amount", "y": "quantity"},
            {"type": "bar", "x": "nope"},
            {"type": "bar", "x": "channel"},
            {"type": "bar", "x": "channel"},
        ],
        "light",
    )
    kinds = [f.layout.meta["chart"] for f in figures]
    assert kinds == ["correlation", "top_values"]


def _column(session: DatasetSession, name: str) -> dict[str, Any]:
    profile = session.profile
    assert profile is not None
    return dict(next(c for c in profile["columns"] if c["name"] == name))


def test_exports_keep_the_insights_with_their_marks(
    profiled: DatasetSession, fake: Any, tmp_path: Path
) -> None:
    insights = DatasetInsights(profiled, _access(fake.url), InlineRunner())
    fake.replies = [Reply(content=good_answer(dict(profiled.profile or {})))]
    choice = insights.preview("Which columns need cleaning?")
    assert choice is not None
    insights.send(choice)
    profiled.export_profile(tmp_path / "p.json", report=False, insights=insights.document)
    written = json.loads((tmp_path / "p.json").read_text())
    jsonschema.validate(written, json.loads(SCHEMA_PATH.read_text()))
    assert [(i["title"], i["status"]) for i in written["insights"]] == [
        ("Comments are mostly missing", "verified"),
        ("Amounts are huge", "unverified"),
    ]
    assert {i["question"] for i in written["insights"]} == {"Which columns need cleaning?"}
    assert written["insights"][0]["model"] == "nvidia/test-nemotron"
    profiled.export_profile(tmp_path / "r.html", report=True, insights=insights.document)
    page = (tmp_path / "r.html").read_text()
    assert '<h3 id="insights">AI insights</h3>' in page
    assert "Evidence does not match the profile (1)" in page
    # Without insights, the document is as before.
    profiled.export_profile(tmp_path / "plain.json", report=False)
    assert "insights" not in json.loads((tmp_path / "plain.json").read_text())


def test_scatter_and_line_are_drawn_from_the_rows_the_window_holds(
    profiled: DatasetSession,
) -> None:
    profile, rows = profiled.profile, profiled.base
    assert profile is not None and rows is not None
    suggested = [
        {"type": "scatter", "x": "quantity", "y": "amount"},
        {"type": "line", "x": "ordered_at", "y": "amount"},
        {"type": "scatter", "x": "channel", "y": "amount"},  # text: not plotted as points
        {"type": "scatter", "x": "amount", "y": "invented"},
    ]
    figures = suggested_figures(profile, suggested, "light", rows)
    kinds = [f.layout.meta["chart"] for f in figures]
    assert kinds == ["rows_scatter", "rows_line", "top_values"]
    both = rows.select("quantity", "amount").drop_nulls()
    scatter = figures[0].data[0]
    assert len(scatter.x) == both.height and sorted(scatter.y) == sorted(both["amount"].to_list())
    line = figures[1].data[0]
    assert (
        list(line.x) == sorted(line.x)
        and len(line.x) == rows.select("ordered_at", "amount").drop_nulls().height
    )
    # Without the rows (a profile from elsewhere), the profile's correlations answer.
    assert [f.layout.meta["chart"] for f in suggested_figures(profile, suggested[:1], "light")] == [
        "correlation"
    ]


def test_a_wide_profile_preview_says_what_is_left_out_and_is_what_is_sent(
    tmp_path: Path, fake: Any
) -> None:
    wide = wide_profile(tmp_path)
    choice = PrivacyChoice(cast(Profile, wide), "nvidia/test-nemotron", None, default_privacy(wide))
    request = choice.request()
    assert request.tokens <= MAX_REQUEST_TOKENS
    summary = choice.summary()
    assert f"of {MAX_REQUEST_TOKENS:,})" in summary
    assert "columns not sent" in summary and "constant: " in summary
    assert "1 long column name cut" in summary
    fake.replies = [Reply(content=json.dumps({"insights": [], "charts": []}))]
    client = _access(fake.url).client()
    try:
        result = generate_insights(client, wide, request=request)
    finally:
        client.close()
    (received,) = fake.received
    assert received.raw == request.body  # the preview's request, cut as it showed
    assert result["omitted"] == request.omitted.document()


def test_cards_show_no_control_characters(profiled: DatasetSession) -> None:
    (card,) = cards(
        {
            "insights": [
                {
                    "title": "\x1b[2J\x1b]0;owned\x07Title\u202e",
                    "detail": "one\rtwo\x1b[31m",
                    "severity": "warning\x1b[0m",
                    "columns": ["comment"],
                    "evidence": [{"metric": "rows\x07", "column": "a\x9bb", "value": "3\u2066"}],
                    "status": "verified",
                }
            ]
        }
    )
    assert (card.title, card.detail, card.severity) == ("Title", "onetwo", "warning")
    assert card.evidence == ("rows of a: 3",)
    assert card.columns == ("comment",)
