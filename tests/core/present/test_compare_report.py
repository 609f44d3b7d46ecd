"""The HTML report of a comparison: self-contained, offline, escaped, in the document's order."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import html
import json
import re
from typing import Any

import numpy as np
import polars as pl
import pytest
from plotly.offline import get_plotlyjs

from core.compare import CompareConfig, compare_profiles
from core.present.compare_report import render_compare_report, side_labels
from tests.core.compare.helpers import profile_of

HOSTILE = "<script>alert(1)</script>"
HOSTILE_VALUE = "<img src=x onerror=alert(2)>"


def _frame(seed: int, n: int, later: bool) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    shift = 1.0 if later else 0.0
    cities = ["Paris", "Lyon", HOSTILE_VALUE] if later else ["Paris", "Lyon", "Nice"]
    columns: dict[str, Any] = {
        "amount": rng.normal(1000 + 2000 * shift, 300, n),
        "year": np.full(n, 2014 if later else 2013),
        HOSTILE: rng.choice(cities, n, p=[0.5, 0.3, 0.2]),
        "at": [
            dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d + 60 * shift))
            for d in rng.integers(0, 20, n)
        ],
        "score": rng.normal(0, 1, n),
    }
    columns["new" if later else "old"] = rng.integers(0, 9, n)
    return pl.DataFrame(columns)


@pytest.fixture(scope="module")
def comparison():  # type: ignore[no-untyped-def]
    a = profile_of(_frame(1, 3000, False), name="data/jan.csv")
    b = profile_of(_frame(2, 2500, True), name="data/jul.csv")
    return compare_profiles(a, b, CompareConfig())


def _payload(page: str) -> str:
    found = re.search(r'<script type="application/json" id="loupe-data">(.*?)</script>', page, re.S)
    assert found is not None
    return found.group(1)


def test_report_is_self_contained(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison, theme="dark")
    # No URL at all: plotly.js travels compressed, nothing is fetched.
    assert re.findall(r"https?://", page) == []
    assert "<link" not in page and not re.search(r"<script[^>]*\ssrc=", page)
    blobs = re.findall(
        r'<script type="application/octet-stream" id="plotly-gz">([^<]+)</script>', page
    )
    assert len(blobs) == 1
    assert gzip.decompress(base64.b64decode(blobs[0])).decode("utf-8") == get_plotlyjs()
    for section in ("overview", "drift", "columns", "correlations", "how"):
        assert f'<section id="{section}">' in page
    assert page.count('<section class="column"') == len(comparison["schema"]["common"]) == 5
    assert 'data-theme="dark"' in page and 'id="search"' in page
    # An overlay per column and three matrices per correlation method, each drawn lazily.
    figures = re.findall(r'<div class="plot" id="(fig-[^"]+)"', page)
    assert len(figures) == 5 + 3 * len(comparison["correlations"])
    assert set(figures) == set(json.loads(_payload(page))["figures"])
    assert len(page) < 2_500_000


def test_sides_are_named_by_their_files(comparison) -> None:  # type: ignore[no-untyped-def]
    assert side_labels(comparison) == ("jan.csv", "jul.csv")
    page = render_compare_report(comparison, generated=dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC))
    assert "<h1>jan.csv → jul.csv</h1>" in page
    assert "generated 2024-05-06 07:08 UTC" in page and "Loupe " in page
    assert "3,000 rows × 6 columns" in page and "2,500 rows × 6 columns" in page
    same = {**comparison, "b": {**comparison["b"], "name": "elsewhere/jan.csv"}}
    assert side_labels(same) == ("A", "B")


def test_hostile_names_and_values_stay_text(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the category that appeared
    assert "</script>" not in _payload(page) and "<img" not in _payload(page)


def test_overview_lists_schema_changes_and_alerts_most_severe_first(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison)
    overview = page[page.index('<section id="overview">') : page.index('<section id="drift">')]
    assert "added (only in B): <code>new</code>" in overview
    assert "removed (only in A): <code>old</code>" in overview
    badges = re.findall(r'<li><span class="badge (\w+)">', overview)
    assert len(badges) == len(comparison["alerts"]) and "critical" in badges
    rank = {"critical": 0, "warning": 1, "info": 2}
    assert [rank[b] for b in badges] == sorted(rank[b] for b in badges)


def test_columns_by_drift_follow_the_document(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison)
    table = page[page.index('<table class="rows drift">') :]
    table = table[: table.index("</table>")]
    order = re.findall(r'<tr data-name="([^"]+)"><td><a href="#(col-\d+)">', table)
    shown = [html.unescape(name) for name, _ in order]
    assert shown == [r["column"].lower() for r in comparison["drift"]]
    names = [c["name"] for c in comparison["columns"]]
    for name, (_, anchor) in zip(shown, order, strict=True):
        # Each row links to its column's section.
        index = int(anchor.removeprefix("col-"))
        assert names[index].lower() == name
        assert f'<section class="column" id="{anchor}"' in page
    assert comparison["drift"][0]["severity"] == "critical"
    assert '<span class="badge critical">' in table.split("</tr>")[1]


def test_figures_read_as_the_columns_values(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison)
    names = [c["name"] for c in comparison["columns"]]
    year = page[page.index(f'id="col-{names.index("year")}"') :]
    year = year[: year.index("</section>")]
    assert "<td>2013</td><td>2014</td><td>+1</td>" in year and "2,01" not in year
    at = page[page.index(f'id="col-{names.index("at")}"') :]
    at = at[: at.index("</section>")]
    # Dates as a grid shows them, their shifts as durations; the ranges no longer overlap.
    assert "2024-01-01 00:00:00" in at and "+60d 00:00:00" in at
    assert "do not overlap" in at
    city = page[page.index(f'id="col-{names.index(HOSTILE)}"') :]
    city = city[: city.index("</section>")]
    assert "Appeared (only in jul.csv)" in city and "Vanished (only in jan.csv)" in city
    assert "<td>Nice</td>" in city


def test_correlations_show_both_sides_and_their_change(comparison) -> None:  # type: ignore[no-untyped-def]
    page = render_compare_report(comparison)
    section = page[page.index('<section id="correlations">') : page.index('<section id="how">')]
    for method in comparison["correlations"]:
        for part in ("difference", "a", "b"):
            assert f'id="fig-corr-{method}-{part}"' in section
    assert section.count("<h4>Moved most</h4>") == len(comparison["correlations"])


def test_renames_are_suggestions_and_estimates_are_marked() -> None:
    # Past 100 distinct values a side keeps a digest, not exact counts: amount and score.
    a = profile_of(_frame(1, 3000, False), exact_distinct_limit=100)
    b = profile_of(_frame(2, 2500, True), exact_distinct_limit=100)
    comparison = compare_profiles(a, b, CompareConfig())
    page = render_compare_report(comparison)
    # old and new hold the same digits 0 to 8: possibly renamed, said to be a suggestion.
    assert [(r["a"], r["b"]) for r in comparison["schema"]["renamed"]] == [("old", "new")]
    assert "possibly renamed: <code>old</code> → <code>new</code>" in page
    assert "a suggestion, not a certainty" in page
    estimated = sorted(r["column"] for r in comparison["drift"] if r["exact"] is False)
    assert estimated == ["amount", "score"]
    table = page[page.index('<table class="rows drift">') :]
    rows = {
        html.unescape(name): row
        for name, row in re.findall(
            r'<tr data-name="([^"]+)">(.*?)</tr>', table[: table.index("</table>")]
        )
    }
    assert all(("≈" in rows[name]) == (name in estimated) for name in rows)
    in_order = [c["name"] for c in comparison["columns"] if c["name"] in estimated]
    assert f"estimated from a digest for {', '.join(in_order)}; exact for the others" in page


def test_a_number_that_became_a_date_and_columns_without_drift_say_so() -> None:
    a = pl.DataFrame({"v": list(range(30)), "gone": [1.0] * 30, "x": [float("nan")] * 30})
    b = pl.DataFrame(
        {
            "v": [dt.datetime(2024, 1, 1) + dt.timedelta(days=i) for i in range(30)],
            "gone": pl.Series([None] * 30, dtype=pl.Float64),
            "x": [1.0] * 30,
        }
    )
    page = render_compare_report(compare_profiles(profile_of(a), profile_of(b), CompareConfig()))
    v = page.split('id="col-0"', 1)[1].split('<section class="column"', 1)[0]
    # A's numbers stay numbers beside B's dates; no shift between the two.
    assert ">29<" in v and "2024-01-30" in v and " µs" not in v
    assert "No drift measured: the sides hold different kinds of values." in v
    assert "No drift measured: side B has no values." in page
    assert "No drift measured: side A has no values." in page
