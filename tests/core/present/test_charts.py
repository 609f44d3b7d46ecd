"""Figures from a profile: their structure and the numbers they show, taken from the profile."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pytest

from core import open_table
from core.present import charts
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.samples import SAMPLE_CSV


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    with open_table(SAMPLE_CSV) as table:
        return profile_table(table, ProfileConfig()).profile


def column(profile: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in profile["columns"] if c["name"] == name)


def test_numeric_histogram_shows_the_profile(profile: dict[str, Any]) -> None:
    amount = column(profile, "amount")
    fig = charts.numeric_histogram(amount)
    bars, box = fig.data[0], fig.data[1]
    assert isinstance(bars, go.Bar) and isinstance(box, go.Box)
    assert list(bars.y) == amount["histogram"]["counts"]
    assert sum(bars.y) == amount["count"]
    assert box.median[0] == amount["quantiles"]["0.5"]
    assert box.q1[0] == amount["quantiles"]["0.25"] and box.upperfence[0] == amount["max"]
    markers = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted(s.x0 for s in markers) == sorted(amount["quantiles"].values())
    assert fig.layout.xaxis.title.text == "amount" and fig.layout.yaxis.title.text == "count"


def test_top_values_with_other(profile: dict[str, Any]) -> None:
    city = column(profile, "city")
    fig = charts.top_values_bar(city, limit=5)
    bar = fig.data[0]
    labels, counts = list(bar.y)[::-1], list(bar.x)[::-1]
    assert labels[:5] == [str(v["value"]) for v in city["top_values"][:5]]
    assert labels[-1] == "(other)"
    assert sum(counts) == city["count"]
    assert "%{x:,}" in bar.hovertemplate


def test_datetime_length_and_kind_dispatch(profile: dict[str, Any]) -> None:
    ordered = column(profile, "ordered_at")
    fig = charts.datetime_histogram(ordered)
    assert fig.layout.xaxis.type == "date"
    assert list(fig.data[0].x) == ordered["histogram"]["edges"][:-1]
    comment = column(profile, "comment")
    lengths = charts.length_histogram(comment)
    assert sum(lengths.data[0].y) == comment["count"]
    kinds = {
        c["name"]: [f.layout.title.text for f in charts.column_figures(c)]
        for c in profile["columns"]
    }
    assert kinds["quantity"] == ["quantity: distribution", "quantity: most frequent values"]
    assert kinds["amount"] == ["amount: distribution"]  # hardly repeats: no "most frequent"
    assert kinds["order_id"] == ["order_id: distribution"]  # unique: no "most frequent" chart
    assert kinds["ordered_at"] == ["ordered_at: over time"]
    assert kinds["gift"] == ["gift: most frequent values"]
    assert kinds["city"] == ["city: most frequent values", "city: string lengths"]


def test_heatmaps_are_centred_and_match_the_matrices(profile: dict[str, Any]) -> None:
    pearson = charts.correlation_heatmap(profile, "pearson")
    heat = pearson.data[0]
    assert heat.zmid == 0 and heat.zmin == -1 and heat.zmax == 1
    assert [list(r) for r in heat.z] == profile["correlations"]["pearson"]["matrix"]
    cramers = charts.correlation_heatmap(profile, "cramers_v", theme="dark")
    assert cramers.data[0].zmin == 0 and cramers.layout.template.layout.paper_bgcolor != "white"
    nullity = charts.nullity_heatmap(profile)
    assert list(nullity.data[0].x) == profile["missing"]["nullity_correlation"]["columns"]
    missing = charts.missing_bar(profile)
    assert list(missing.data[0].y) == [c["fraction"] for c in profile["missing"]["columns"]]


def test_overview_counts_kinds_and_alerts(profile: dict[str, Any]) -> None:
    fig = charts.overview(profile)
    kinds, alerts = fig.data
    assert dict(zip(kinds.x, kinds.y, strict=True)) == profile["dataset"]["kinds"]
    assert sum(alerts.y) == len(profile["alerts"])


def test_palette_is_colour_blind_safe(profile: dict[str, Any]) -> None:
    fig = charts.numeric_histogram(column(profile, "amount"))
    assert list(fig.layout.colorway) == list(charts.OKABE_ITO)


def test_every_chart_says_what_it_is(profile: dict[str, Any]) -> None:
    by_name = {c["name"]: c for c in profile["columns"]}
    made = {
        "numeric_histogram": charts.numeric_histogram(by_name["amount"]),
        "top_values": charts.top_values_bar(by_name["city"]),
        "datetime_histogram": charts.datetime_histogram(by_name["ordered_at"]),
        "length_histogram": charts.length_histogram(by_name["comment"]),
        "correlation": charts.correlation_heatmap(profile, "pearson"),
        "missing_bar": charts.missing_bar(profile),
        "nullity_heatmap": charts.nullity_heatmap(profile),
        "overview": charts.overview(profile),
    }
    assert {kind: charts.chart_kind(fig) for kind, fig in made.items()} == {k: k for k in made}
    # city has 12 values: 10 bars, then "(other)".
    assert made["top_values"].layout.meta["values"] == 10
    assert charts.chart_kind(go.Figure()) is None
