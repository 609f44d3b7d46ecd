"""What leaves the machine for insights: exactly the previewed bytes, and nothing withheld."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloud.insights import (
    NemotronClient,
    NemotronSettings,
    Privacy,
    build_request,
    default_privacy,
    generate_insights,
    personal_columns,
)
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply

PEOPLE = "customer_name,contact,phone_no,card,city,amount,comment\n" + "".join(
    f"Person {i % 7},p{i % 5}@example.org,+41 44 {600 + i % 9} 18 0{i % 10},"
    f"4111 1111 1111 1111,{['Lyon', 'Bern', 'Graz'][i % 3]},{i * 1.5},note {i % 4}\n"
    for i in range(60)
)


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("people") / "people.csv"
    path.write_text(PEOPLE)
    with open_table(path) as table:
        return json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))


def _texts(value: Any) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _texts(v)]
    if isinstance(value, list):
        return [s for v in value for s in _texts(v)]
    return [value] if isinstance(value, str) else []


def test_personal_columns_are_flagged_by_name_and_by_values(people: dict[str, Any]) -> None:
    assert personal_columns(people) == {
        "customer_name": "names",
        "contact": "e-mail addresses",
        "phone_no": "phone numbers",
        "card": "account numbers",
    }
    assert default_privacy(people) == Privacy(hidden=frozenset(personal_columns(people)))


def test_withheld_values_and_left_out_columns_never_reach_the_model(
    people: dict[str, Any],
) -> None:
    request = build_request(people, model="m", privacy=default_privacy(people))
    sent = request.body.decode()
    for secret in ("@example.org", "4111 1111", "Person 3", "+41 44"):
        assert secret not in sent, secret
    assert "Lyon" in sent  # values of other columns still go
    assert request.raw_rows == 0
    # Left out altogether: not even its name.
    left_out = build_request(people, model="m", privacy=Privacy(excluded=frozenset({"comment"})))
    assert "comment" not in left_out.body.decode() and "note 1" not in left_out.body.decode()
    assert left_out.values < build_request(people, model="m").values
    # A sample is opt-in, and carries no cell of a withheld column.
    sampled = build_request(
        people, model="m", privacy=Privacy(hidden=frozenset({"contact"}), sample_rows=5)
    )
    data = json.loads(sampled.document()["messages"][1]["content"].split("\n")[1])
    assert sampled.raw_rows == 5 and len(data["sample_rows"]["rows"]) == 5
    assert "contact" not in data["sample_rows"]["columns"]
    assert not any("@" in s for s in _texts(data))
    with pytest.raises(ValueError, match="0 to 20"):
        Privacy(sample_rows=21)


def test_the_preview_is_the_request_byte_for_byte(people: dict[str, Any]) -> None:
    privacy = Privacy(excluded=frozenset({"comment"}), hidden=frozenset({"contact"}))
    with FakeNemotron() as fake:
        settings = NemotronSettings(KEY, base_url=fake.url, model="nvidia/test-nemotron")
        request = build_request(
            people, model=settings.model, question="Which columns need cleaning?", privacy=privacy
        )
        fake.replies = [Reply(content=_answer(people))]
        client = NemotronClient(settings)
        try:
            result = generate_insights(
                client, people, "Which columns need cleaning?", request=request
            )
        finally:
            client.close()
    (received,) = fake.received
    assert received.raw == request.body
    assert json.loads(request.pretty()) == received.body
    assert result["request"] == received.body  # kept with the result it brought
    assert "comment" not in received.raw.decode() and "@example.org" not in received.raw.decode()


def _answer(profile: dict[str, Any]) -> str:
    """An answer with one checked insight."""
    rows = profile["dataset"]["rows"]
    insight = {
        "title": "Small table",
        "detail": "Only a few rows.",
        "columns": [],
        "severity": "info",
        "evidence": [{"metric": "rows", "column": None, "value": rows}],
    }
    return json.dumps({"insights": [insight], "charts": []})
