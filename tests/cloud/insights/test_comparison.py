"""Insights on a real comparison: New York flights of January 2013 (A) against July 2013 (B).

The request holds the drifted columns and none of the values of a column left
out or withheld, keeps within its budget on a comparison of thousands of
columns, the verifier tells the comparison's figures from wrong ones, and a
whole exchange through the fake endpoint comes back checked.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cloud.insights import (
    Evidence,
    Insight,
    InsightsAnswer,
    NemotronClient,
    NemotronSettings,
    Privacy,
    build_comparison_request,
    default_privacy,
    generate_comparison_insights,
    omitted_text,
    verify_comparison,
)
from core.compare import CompareConfig, compare_profiles
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, comparison_answer
from tests.cloud.insights.wide import LONG, wide_profile


def _data(body: bytes) -> dict[str, Any]:
    """The comparison as the request shows it to the model."""
    user = json.loads(body)["messages"][1]["content"]
    start, end = user.index("<<<COMPARISON\n"), user.index("\nCOMPARISON>>>")
    data: dict[str, Any] = json.loads(user[start + len("<<<COMPARISON\n") : end])
    return data


def _column(comparison: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in comparison["columns"] if c["name"] == name)


def test_the_request_holds_the_drifted_columns_most_drifted_first(
    flights: dict[str, Any],
) -> None:
    request = build_comparison_request(flights, model="nvidia/test")
    assert request.subject == "comparison" and request.raw_rows == 0
    assert request.tokens <= request.budget and not request.omitted
    data = _data(request.body)
    system = json.loads(request.body)["messages"][0]["content"]
    assert "A (the reference) and B" in system and '"mean.b"' in system and '"psi"' in system
    drifted = [c["name"] for c in flights["columns"] if c["severity"] is not None]
    assert {"month", "time_hour", "dep_delay", "arr_delay", "air_time"} <= set(drifted)
    # The drift table and the columns in the comparison's order: month and time_hour first.
    assert [r["column"] for r in data["drift"]] == [r["column"] for r in flights["drift"]]
    assert [c["name"] for c in data["columns"]][:2] == ["month", "time_hour"]
    listed = {c["name"]: c for c in data["columns"]}
    for name in drifted:
        assert listed[name]["severity"] == _column(flights, name)["severity"]
        assert listed[name]["drift"]["psi"] == pytest.approx(
            _column(flights, name)["drift"]["psi"], rel=1e-5
        )
    delay = listed["dep_delay"]["stats"]["mean"]
    truth = _column(flights, "dep_delay")["stats"]["mean"]
    assert delay["b"] == pytest.approx(truth["b"], rel=1e-5) and delay["b"] > delay["a"]
    assert data["dataset"]["rows"] == flights["dataset"]["rows"]
    assert data["sides"]["b"]["rows"] == flights["b"]["rows"]
    assert listed["time_hour"]["date_range"]["overlap"] is False
    assert {"MTJ", "HDN"} <= {c["value"] for c in listed["dest"]["categories"]["vanished"]}
    assert {a["kind"] for a in data["alerts"]} == {a["kind"] for a in flights["alerts"]}
    # Where the files were read is not sent.
    assert b"flights-01" not in request.body and b"flights-07" not in request.body


def test_a_column_left_out_or_withheld_sends_none_of_its_values(flights: dict[str, Any]) -> None:
    dest = _column(flights, "dest")["categories"]
    tails = _column(flights, "tailnum")["categories"]
    dest_values = [c["value"] for c in dest["appeared"] + dest["vanished"]]
    tail_values = [c["value"] for c in tails["appeared"] + tails["vanished"]]
    plain = build_comparison_request(flights, model="m").body
    assert all(v.encode() in plain for v in dest_values + tail_values)
    assert b"2013-01-01T10:00:00" in plain  # time_hour's first instant

    privacy = Privacy(
        excluded=frozenset({"dest"}), hidden=frozenset({"tailnum", "time_hour"}), sample_rows=5
    )
    request = build_comparison_request(flights, model="m", privacy=privacy)
    body = request.body
    assert b'"dest"' not in body and b"'dest'" not in body
    assert not [v for v in dest_values + tail_values if f'"{v}"'.encode() in body]
    assert b"2013-" not in body  # neither the dates nor the alert that quotes them
    assert request.raw_rows == 0 and request.privacy.sample_rows == 0
    assert b"sample_rows" not in body
    data = _data(body)
    listed = {c["name"]: c for c in data["columns"]}
    assert "dest" not in listed and "dest" not in [r["column"] for r in data["drift"]]
    assert data["dataset"]["columns_left_out_by_the_user"] == 1
    # Withheld: counts and drift statistics stay, values go.
    tail = listed["tailnum"]
    assert tail["values_withheld"] is True and "stats" not in tail
    assert tail["categories"]["appeared_count"] == tails["appeared_count"]
    assert "appeared" not in tail["categories"] and "vanished" not in tail["categories"]
    assert tail["distinct"] == _column(flights, "tailnum")["distinct"]
    assert tail["drift"]["js_distance"] == pytest.approx(
        _column(flights, "tailnum")["drift"]["js_distance"], rel=1e-5
    )
    assert listed["time_hour"]["date_range"] == {"overlap": False}
    assert "wasserstein" not in listed["time_hour"]["drift"]
    assert all("message" not in a for a in data["alerts"] if "time_hour" in a["columns"])


def test_personal_columns_of_a_comparison_are_withheld_by_default(
    flights: dict[str, Any],
) -> None:
    comparison = copy.deepcopy(flights)
    _column(comparison, "tailnum")["name"] = "customer_email"
    # Most of the categories found on one side only look like e-mail addresses.
    _column(comparison, "dest")["categories"]["appeared"] = [
        {"value": f"someone{i}@example.com", "count": 3} for i in range(8)
    ]
    comparison["schema"]["added"] = ["phone"]
    privacy = default_privacy(comparison)
    assert privacy.hidden == {"customer_email", "dest", "phone"}
    body = build_comparison_request(comparison, model="m", privacy=privacy).body
    assert b"@example.com" not in body


def test_a_huge_comparison_keeps_to_its_budget_and_says_what_was_left_out(
    tmp_path: Path,
) -> None:
    a = wide_profile(tmp_path)
    b = copy.deepcopy(a)
    b["columns"] = b["columns"][:2000] + [
        {**c, "name": c["name"] + "_new"} for c in b["columns"][2000:]
    ]
    comparison: dict[str, Any] = json.loads(json.dumps(compare_profiles(a, b, CompareConfig())))  # type: ignore[arg-type]
    assert len(comparison["columns"]) == 2000 and len(comparison["schema"]["added"]) == 1001
    budget = 8_000
    request = build_comparison_request(comparison, model="m", budget=budget)
    assert request.tokens <= budget
    data = _data(request.body)
    assert 0 < len(data["columns"]) < 2000
    shown = len(data["columns"]) + len(data["schema"]["added"]) + len(data["schema"]["removed"])
    assert request.omitted.columns == 2000 + 1001 + 1001 - shown
    assert data["schema"]["added_not_shown"] == 1001 - len(data["schema"]["added"])
    assert request.omitted.names_cut == 1
    assert LONG.encode() not in request.body
    text = omitted_text(request.omitted.document())
    assert f"{request.omitted.columns:,} columns not sent" in text
    # The default budget holds too.
    assert build_comparison_request(comparison, model="m").tokens <= 32_000


def _insight(*evidence: Evidence, columns: list[str] | None = None) -> Insight:
    return Insight(title="t", detail="d", columns=columns or [], evidence=list(evidence))


def test_the_verifier_accepts_the_comparisons_figures_and_flags_wrong_ones(
    flights: dict[str, Any],
) -> None:
    delay, dest = _column(flights, "dep_delay"), _column(flights, "dest")
    month = _column(flights, "month")
    true = [
        Evidence(metric="psi", column="month", value=f"{month['drift']['psi']:.2f}"),
        Evidence(metric="ks", column="month", value=1),
        Evidence(metric="mean.b", column="dep_delay", value=round(delay["stats"]["mean"]["b"], 1)),
        Evidence(metric="Mean.Difference", column="dep_delay", value="11.69"),
        Evidence(
            metric="missing_fraction.b",
            column="dep_time",
            value=f"{_column(flights, 'dep_time')['missing_fraction']['b'] * 100:.2f}%",
        ),
        Evidence(metric="median.b", column="dep_delay", value=delay["stats"]["q0.5"]["b"]),
        Evidence(metric="p95.a", column="dep_delay", value=delay["stats"]["q0.95"]["a"]),
        Evidence(metric="rows.b", column=None, value=f"{flights['b']['rows']:,}"),
        Evidence(
            metric="vanished_count", column="dest", value=dest["categories"]["vanished_count"]
        ),
        Evidence(metric="overlap", column="time_hour", value=False),
        Evidence(metric="min.b", column="time_hour", value="2013-07-01"),
        Evidence(metric="severity", column="month", value="critical"),
        Evidence(metric="columns_added", column=None, value=0),
    ]
    wrong = [
        Evidence(metric="mean.b", column="dep_delay", value=99.0),
        Evidence(metric="rows.b", column=None, value=flights["a"]["rows"]),  # the other side
        Evidence(metric="ks", column="dest", value=0.5),  # categories have no KS
        Evidence(metric="mean", column="dep_delay", value=delay["stats"]["mean"]["b"]),  # no side
        Evidence(metric="psi", column="no_such_column", value=1.0),
    ]
    answer = InsightsAnswer(
        insights=[_insight(*true, columns=["month", "dep_delay"])]
        + [_insight(*true, e) for e in wrong]
    )
    checked = verify_comparison(answer, flights)
    assert [i.status for i in checked.insights] == ["verified"] + ["unverified"] * len(wrong)
    # Each true figure on its own is verified too, and each wrong one is not.
    for item in true:
        single = verify_comparison(InsightsAnswer(insights=[_insight(item)]), flights)
        assert single.insights[0].status == "verified", item


def test_generate_through_the_endpoint_returns_checked_insights(flights: dict[str, Any]) -> None:
    privacy = Privacy(hidden=frozenset({"tailnum"}))
    with FakeNemotron() as fake:
        fake.replies = [Reply(content=comparison_answer(flights))]
        client = NemotronClient(NemotronSettings(KEY, base_url=fake.url, model="nvidia/test"))
        try:
            request = build_comparison_request(
                flights, model="nvidia/test", question="Does July matter?", privacy=privacy
            )
            result = generate_comparison_insights(
                client, flights, "Does July matter?", request=request
            )
        finally:
            client.close()
    (received,) = fake.received
    assert received.raw == request.body
    assert received.headers["Authorization"] == f"Bearer {KEY}"
    assert [i["status"] for i in result["insights"]] == ["verified", "unverified"]
    assert result["insights"][0]["columns"] == ["dep_delay"]
    assert [c["x"] for c in result["charts"]] == ["dep_delay"]  # the invented column dropped
    assert result["request"] == json.loads(request.body)
    assert result["question"] == "Does July matter?" and result["omitted"]["columns"] == 0


def test_keys_the_comparison_may_gain_are_ignored(flights: dict[str, Any]) -> None:
    comparison = copy.deepcopy(flights)
    for column in comparison["columns"]:
        column["overlay"] = {"x": [1, 2], "a": [0.5, 0.5], "b": [0.25, 0.75]}
    comparison["correlations"] = {"pearson": {"columns": ["day"], "matrix": [[1.0]]}}
    request = build_comparison_request(comparison, model="m")
    assert b"overlay" not in request.body and b"correlations" not in request.body
    assert request.body == build_comparison_request(flights, model="m").body
