"""The comparison's charts: both sides drawn from the comparison's own buckets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from core.compare import CompareConfig, compare_profiles
from core.present.charts import chart_kind
from core.present.compare_charts import correlation_change_heatmap, overlay_figure
from tests.core.compare.helpers import profile_of


def _frame(seed: int, n: int, shift: float) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(10 + shift, 2, n)
    return pl.DataFrame(
        {
            "x": x,
            "y": x * (1 + shift) + rng.normal(0, 1, n),
            "year": np.full(n, 2013),
            "city": rng.choice(
                ["<b>Paris</b>", "Lyon", "Nice"], n, p=[0.5, 0.3 + shift / 10, 0.2 - shift / 10]
            ),
            "at": [
                dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d + 30 * shift))
                for d in rng.integers(0, 20, n)
            ],
        }
    )


@pytest.fixture(scope="module")
def comparison():  # type: ignore[no-untyped-def]
    a, b = profile_of(_frame(1, 2000, 0.0)), profile_of(_frame(2, 1500, 1.0))
    return compare_profiles(a, b, CompareConfig())


def test_overlays_draw_each_sides_share_of_its_own_values(comparison) -> None:  # type: ignore[no-untyped-def]
    columns = {c["name"]: c for c in comparison["columns"]}
    for name in ("x", "at"):
        fig = overlay_figure(columns[name], names=("before", "after"))
        assert chart_kind(fig) == "overlay"
        bars, line = fig.data
        assert (bars.name, line.name) == ("before", "after")
        overlay = columns[name]["overlay"]
        assert sum(bars.y) == pytest.approx(1) and sum(line.y[:-1]) == pytest.approx(1)
        assert [round(s * sum(overlay["a"])) for s in bars.y] == overlay["a"]
        assert [round(s * sum(overlay["b"])) for s in line.y[:-1]] == overlay["b"]
    assert overlay_figure(columns["at"]).layout.xaxis.type == "date"
    years = overlay_figure(columns["year"])
    assert years.layout.xaxis.dtick == 1 and years.layout.xaxis.tickformat == "d"


def test_category_overlays_keep_values_as_text(comparison) -> None:  # type: ignore[no-untyped-def]
    city = next(c for c in comparison["columns"] if c["name"] == "city")
    fig = overlay_figure(city)
    labels = ["(other)" if v is None else v for v in city["overlay"]["labels"]]
    assert {tuple(t.y) for t in fig.data} == {tuple(labels)}
    assert fig.layout.yaxis.autorange == "reversed"  # the most common on top
    assert "<b>Paris</b>" in fig.data[0].y and fig.layout.yaxis.type == "category"
    shares = dict(zip(fig.data[1].y, fig.data[1].x, strict=True))
    assert shares["Lyon"] > dict(zip(fig.data[0].y, fig.data[0].x, strict=True))["Lyon"]


def test_correlation_changes_show_both_sides_and_the_difference(comparison) -> None:  # type: ignore[no-untyped-def]
    found = comparison["correlations"]["pearson"]
    for part in ("a", "b", "difference"):
        fig = correlation_change_heatmap(comparison, "pearson", part)
        assert [list(r) for r in fig.data[0].z] == found[part]
    difference = correlation_change_heatmap(comparison, "pearson", "difference")
    largest = abs(found["largest"][0]["difference"])
    assert difference.data[0].zmax >= largest and difference.data[0].zmax < largest + 0.1
    empty = correlation_change_heatmap({**comparison, "correlations": {}}, "spearman")
    assert empty.layout.meta["empty"]


def test_a_column_without_values_says_so(comparison) -> None:  # type: ignore[no-untyped-def]
    column = {**comparison["columns"][0], "overlay": None}
    assert overlay_figure(column).layout.meta["empty"]


def test_many_categories_draw_the_most_common_and_the_rest_as_other() -> None:
    rng = np.random.default_rng(5)
    names = [f"c{i:02d}" for i in range(40)]
    weights = np.linspace(2, 1, 40) / np.linspace(2, 1, 40).sum()
    frames = [pl.DataFrame({"c": rng.choice(names, 4000, p=weights)}) for _ in range(2)]
    found = compare_profiles(profile_of(frames[0]), profile_of(frames[1]), CompareConfig())
    (column,) = found["columns"]
    fig = overlay_figure(column)
    for trace, side in zip(fig.data, "ab", strict=True):
        assert len(trace.y) == 21 and trace.y[-1] == "(other)"
        assert list(trace.y[:20]) == column["overlay"]["labels"][:20]
        assert round(trace.x[-1] * 4000) == sum(column["overlay"][side][20:])
        assert list(trace.marker.opacity) == [1.0] * 20 + [0.45]
