"""The HTML report of January's flights against July's, drawn offline by a real browser.

What a reader of the report expects to find, as the comparison itself finds it
(see ``test_compare.py``): ``month`` and ``time_hour`` at the top of the drift
table as critical, the two months' date ranges apart, winter-only ski
destinations (``MTJ``, ``HDN``) among the vanished ones, and every chart drawn.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.compare import CompareConfig, compare_profiles
from core.compare.document import Comparison
from core.present.compare_report import write_compare_report
from core.profiling.config import ProfileConfig
from core.profiling.document import Profile
from core.profiling.engine import profile_table
from core.read.table import ReadOptions, open_table
from tests.core.present.browser import rendered_dom


def _profile(path: Path) -> Profile:
    with open_table(path, ReadOptions()) as table:
        return profile_table(table, ProfileConfig(engine="memory")).profile


@pytest.fixture(scope="module")
def comparison(months: list[Path]) -> Comparison:
    return compare_profiles(_profile(months[0]), _profile(months[1]), CompareConfig())


def _section(page: str, column: str, comparison: Comparison) -> str:
    index = [c["name"] for c in comparison["columns"]].index(column)
    part = page[page.index(f'<section class="column" id="col-{index}"') :]
    return part[: part.index("</section>")]


def test_report_of_two_months(comparison: Comparison, tmp_path: Path) -> None:
    report = write_compare_report(comparison, tmp_path / "months.html")
    page = report.read_text(encoding="utf-8")
    assert page.count('<section class="column"') == 19
    assert report.stat().st_size < 3_000_000
    table = page[page.index('<table class="rows drift">') :]
    top = re.findall(r'<a href="#col-\d+">([^<]+)</a>', table)[:2]
    assert sorted(top) == ["month", "time_hour"]
    month = _section(page, "month", comparison)
    assert '<span class="badge critical">' in month and "<td>1</td><td>7</td><td>+6</td>" in month
    assert "do not overlap" in _section(page, "time_hour", comparison)
    vanished = _section(page, "dest", comparison).split("Vanished")[1]
    assert "<td>MTJ</td>" in vanished and "<td>HDN</td>" in vanished


def test_browser_draws_the_charts_offline_and_lazily(
    comparison: Comparison, tmp_path: Path
) -> None:
    report = write_compare_report(comparison, tmp_path / "months.html")
    figures = len(re.findall(r'<div class="plot" id="fig-', report.read_text(encoding="utf-8")))
    # An overlay per column; both sides and their change per correlation method.
    assert figures == 19 + 3 * len(comparison["correlations"])
    everything, errors = rendered_dom(report, tmp_path, "#all")
    assert 'data-plotly="ready"' in everything, errors[-2000:]
    assert "loading charts" not in everything
    # Plotly draws two main-svg layers per figure.
    assert everything.count('class="main-svg"') >= 2 * figures
    # Opened normally, only the charts near the window are drawn.
    in_view, errors = rendered_dom(report, tmp_path, "", size="1400,1000")
    assert 'data-plotly="ready"' in in_view, errors[-2000:]
    assert in_view.count('class="main-svg"') < 2 * figures
