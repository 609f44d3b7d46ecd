"""The HTML report: self-contained, offline, escaped, and drawn by a real browser."""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from plotly.offline import get_plotlyjs

from core import open_table
from core.present.report import render_report, write_report
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.samples import SAMPLE_CSV
from tests.core.present.browser import rendered_dom


def profile_of(path: Path) -> dict[str, Any]:
    with open_table(path) as table:
        return profile_table(table, ProfileConfig()).profile


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return profile_of(SAMPLE_CSV)


def test_report_is_self_contained(profile: dict[str, Any]) -> None:
    page = render_report(profile, seconds=1.25)
    # No URL at all in the file: plotly.js travels compressed, nothing is fetched.
    assert re.findall(r"https?://", page) == []
    assert "<link" not in page and not re.search(r"<script[^>]*\ssrc=", page)
    blobs = re.findall(
        r'<script type="application/octet-stream" id="plotly-gz">([^<]+)</script>', page
    )
    assert len(blobs) == 1
    assert gzip.decompress(base64.b64decode(blobs[0])).decode("utf-8") == get_plotlyjs()
    for section in (
        "overview",
        "columns",
        "correlations",
        "missing",
        "duplicates",
        "samples",
        "how",
    ):
        assert f'<section id="{section}">' in page
    assert page.count('<section class="column"') == len(profile["columns"])
    assert "1.25 s" in page and "delimiter" in page
    assert len(page) < 3_000_000


def test_samples_can_be_left_out(profile: dict[str, Any]) -> None:
    first_zip = profile["samples"]["head"]["rows"][0][1]
    assert f"<td>{first_zip}</td>" in render_report(profile)
    private = render_report(profile, include_samples=False)
    assert f"<td>{first_zip}</td>" not in private and "Left out of this report" in private


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    pl.DataFrame({"</script><script>alert(1)</script>": ["<b>x</b>", "y"]}).write_csv(path)
    page = render_report(profile_of(path))
    assert "<script>alert(1)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    payload = re.search(
        r'<script type="application/json" id="loupe-data">(.*?)</script>', page, re.S
    )
    assert payload is not None and "</script>" not in payload.group(1)


def test_wide_tables_stay_reasonable(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    pl.DataFrame({f"c{i}": [i, i + 1, i * 2, None] for i in range(500)}).write_csv(path)
    out = write_report(profile_of(path), tmp_path / "wide.html")
    page = out.read_text()
    assert page.count('<section class="column"') == 500
    assert out.stat().st_size < 8_000_000
    assert 'id="search"' in page


def test_browser_draws_the_charts_offline(profile: dict[str, Any], tmp_path: Path) -> None:
    report = write_report(profile, tmp_path / "report.html")
    dom, errors = rendered_dom(report, tmp_path, "#all")
    assert 'data-plotly="ready"' in dom, errors[-2000:]
    drawn = dom.count('class="main-svg"')
    figures = len(re.findall(r'<div class="plot" id="fig-', report.read_text()))
    # Plotly draws two main-svg layers per figure.
    assert figures > 20 and drawn >= 2 * figures
    assert "loading charts" not in dom


def test_long_alert_lists_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "corr.csv"
    pl.DataFrame({f"c{i}": [1, 2, 3, 5 + i] for i in range(40)}).write_csv(path)
    profile = profile_of(path)
    correlated = [a for a in profile["alerts"] if a["kind"] == "high_correlation"]
    assert len(correlated) > 100
    page = render_report(profile)
    assert f"… and {len(profile['alerts']) - 100:,} more" in page
    assert page.count('class="badge') <= 100 + 40 * 10


INSIGHTS = [
    {
        "title": "<b>x</b> needs a look",
        "detail": "Comments <script>alert(1)</script> are missing.",
        "severity": "warning",
        "columns": ["comment"],
        "evidence": [{"metric": "missing_fraction", "column": "comment", "value": "78.5%"}],
        "status": "verified",
        "model": "nvidia/nemotron-3.5-lightning-30b-a3b",
        "question": None,
    },
    {
        "title": "Amounts are huge",
        "detail": "The average order is enormous.",
        "severity": "critical",
        "columns": ["amount"],
        "evidence": [{"metric": "mean", "column": "amount", "value": 987654.0}],
        "status": "unverified",
        "model": "nvidia/nemotron-3.5-lightning-30b-a3b",
        "question": "Which columns need cleaning?",
    },
]


def test_insights_kept_with_a_profile_are_in_the_report_marked_and_escaped(
    profile: dict[str, Any],
) -> None:
    assert 'id="insights"' not in render_report(profile)
    page = render_report({**profile, "insights": INSIGHTS})
    assert '<h3 id="insights">AI insights</h3>' in page
    assert "&lt;b&gt;x&lt;/b&gt; needs a look" in page and "<b>x</b>" not in page
    assert "<script>alert(1)</script>" not in page
    verified, unverified = page.index("needs a look"), page.index("Amounts are huge")
    heading = page.index("Evidence does not match the profile (1)")
    assert verified < heading < unverified
    assert "Evidence: mean of amount: 987654.0" in page
    assert "Asked: Which columns need cleaning?" in page
