"""However wide or strange the file, the request keeps to its budget and says what it left out."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cloud.insights import (
    MAX_REQUEST_TOKENS,
    InsightsAnswer,
    InsightsError,
    NemotronClient,
    NemotronSettings,
    Privacy,
    build_request,
    estimated_tokens,
    generate_insights,
    omitted_text,
    verify,
)
from cloud.insights.prompt import NAME_CHARS
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import merge_profiles
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply
from tests.cloud.insights.wide import LONG, wide_profile


def _profile(path: Path) -> dict[str, Any]:
    with open_table(path) as table:
        return json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))


def _data(request: Any) -> dict[str, Any]:
    """The profile block of a request, as the model reads it."""
    content = request.document()["messages"][1]["content"]
    parsed: dict[str, Any] = json.loads(content.split("<<<PROFILE\n")[1].split("\nPROFILE>>>")[0])
    return parsed


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return _profile(SAMPLE_CSV)


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return wide_profile(tmp_path_factory.mktemp("wide"))


def test_thousands_of_alerts_and_a_huge_name_stay_within_the_budget(wide: dict[str, Any]) -> None:
    assert len(wide["alerts"]) == 3_000 and len(wide["columns"]) == 3_001
    request = build_request(wide, model="m")
    assert request.tokens <= MAX_REQUEST_TOKENS
    assert estimated_tokens(request.body) == request.tokens
    body = request.body.decode()
    assert len(body) < 4 * MAX_REQUEST_TOKENS
    # The name is cut everywhere: its column, its alert, its message.
    assert "L" * (NAME_CHARS + 1) not in body
    data = _data(request)
    shown = data["columns"][0]["name"]
    assert len(shown) == NAME_CHARS and shown.startswith("L" * 60) and "…#" in shown
    long_alert = next(a for a in data["alerts"] if a["columns"] == [shown])
    assert repr(shown) in long_alert["message"]
    # Alerts past the first ones go as counts by kind, and the request says so.
    assert len(data["alerts"]) <= 50
    assert data["alerts_not_shown"] == {"constant": 3_000 - len(data["alerts"])}
    assert data["dataset"]["columns_not_shown"] == 3_001 - len(data["columns"])
    omitted = request.omitted.document()
    assert omitted == {
        "columns": 3_001 - len(data["columns"]),
        "alerts": {"constant": 3_000 - len(data["alerts"])},
        "names_cut": 1,
    }
    text = omitted_text(omitted)
    assert f"constant: {3_000 - len(data['alerts']):,} more" in text
    assert f"{3_001 - len(data['columns']):,} columns not sent" in text
    assert "1 long column name cut" in text


def test_a_cut_name_is_unique_and_evidence_citing_it_is_checked(wide: dict[str, Any]) -> None:
    twin = "L" * 4_990 + "_different"  # the same start as LONG
    profile = copy.deepcopy(wide)
    profile["columns"].insert(1, {**profile["columns"][0], "name": twin})
    data = _data(build_request(profile, model="m"))
    first, second = data["columns"][0]["name"], data["columns"][1]["name"]
    assert first != second and first[:70] == second[:70]
    answer = InsightsAnswer.model_validate(
        {
            "insights": [
                {
                    "title": "One value only",
                    "detail": "The long column holds a single value.",
                    "columns": [first],
                    "evidence": [
                        {"metric": "distinct", "column": first, "value": 1},
                        {"metric": "count", "column": second, "value": 3},
                    ],
                }
            ],
            "charts": [{"type": "bar", "x": first}],
        }
    )
    checked = verify(answer, profile)
    (insight,) = checked.insights
    assert insight.status == "verified"
    # Given back as the profile spells them, so the desktop can find them.
    assert insight.columns == [LONG]
    assert [e.column for e in insight.evidence] == [LONG, twin]
    assert checked.charts[0].x == LONG


def test_a_smaller_budget_lists_fewer_columns_and_says_so(sample: dict[str, Any]) -> None:
    full = build_request(sample, model="m")
    budget = full.tokens * 2 // 3
    small = build_request(sample, model="m", budget=budget)
    assert small.tokens <= budget < full.tokens
    data = _data(small)
    assert 0 < len(data["columns"]) < len(sample["columns"])
    assert small.omitted.columns == len(sample["columns"]) - len(data["columns"])
    assert data["dataset"]["columns_not_shown"] == small.omitted.columns
    with pytest.raises(InsightsError, match="over its budget of 100"):
        build_request(sample, model="m", budget=100)


def test_an_ordinary_file_goes_whole(sample: dict[str, Any]) -> None:
    request = build_request(sample, model="m", question="What should I fix first?")
    data = _data(request)
    assert not request.omitted and omitted_text(request.omitted.document()) == ""
    assert [c["name"] for c in data["columns"]] == [c["name"] for c in sample["columns"]]
    assert len(data["alerts"]) == len(sample["alerts"]) and "alerts_not_shown" not in data
    assert "columns_not_shown" not in data["dataset"]
    assert [a["message"] for a in data["alerts"]] == [a["message"] for a in sample["alerts"]]


def test_the_result_says_what_was_left_out(wide: dict[str, Any]) -> None:
    answer = {"insights": [], "charts": []}
    with FakeNemotron() as fake:
        fake.replies = [Reply(content=json.dumps(answer))]
        client = NemotronClient(NemotronSettings(KEY, base_url=fake.url, model="m"))
        try:
            result = generate_insights(client, wide)
        finally:
            client.close()
    (received,) = fake.received
    assert estimated_tokens(received.raw) <= MAX_REQUEST_TOKENS
    assert result["omitted"]["names_cut"] == 1
    assert result["omitted"]["alerts"]["constant"] > 2_900
    assert result["omitted"]["columns"] > 2_500


def test_no_path_of_the_server_or_the_user_reaches_the_model(tmp_path: Path) -> None:
    # A profile merged from six chunks, each profiled from a temporary file, as the workers do.
    chunks = tmp_path / "loupe-chunk-abc123"
    chunks.mkdir()
    parts = []
    for i in range(6):
        path = chunks / f"chunk-{i}.parquet"
        pl.DataFrame({"n": [i, i + 1, i + 2], "t": ["a", "b", "a"]}).write_parquet(path)
        parts.append(_profile(path))
    merged = json.loads(json.dumps(merge_profiles(parts, ProfileConfig())))
    merged["source"]["path"] = str(tmp_path / "home" / "alice" / "orders.csv")
    assert str(chunks) in json.dumps(merged)  # the paths are in the profile…
    for privacy in (Privacy(), Privacy(sample_rows=3)):
        request = build_request(merged, model="m", question="Which file is this?", privacy=privacy)
        body = request.body.decode()
        # …and nowhere in what is sent.
        assert "loupe-chunk" not in body and str(tmp_path) not in body
        assert "chunk-" not in body and "orders.csv" not in body and "parts" not in body
