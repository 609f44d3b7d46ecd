"""Profile and Comparison objects: read-only, saved, loaded, merged and compared as the CLI does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import loupe
from tests.core.api.conftest import ROOT, cli_profile


def test_profile_is_read_only_and_round_trips(
    january_csv: Path, cli_csv: dict[str, Any], tmp_path: Path
) -> None:
    profile = loupe.profile(january_csv, progress=False)
    with pytest.raises(TypeError):
        profile.columns["year"] = profile.columns["month"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        profile.rows = 3  # type: ignore[misc]
    copy = profile.to_dict()
    copy["dataset"]["rows"] = 0
    assert profile.rows == 27_004
    saved = profile.save(tmp_path / "jan.profile.json")
    assert loupe.load(saved) == profile
    assert json.loads(profile.to_json(tmp_path / "jan.json").read_text()) == cli_csv
    report = profile.to_html(tmp_path / "jan.html")
    assert "Loupe report: flights-01.csv" in report.read_text()
    assert repr(profile) == "<loupe.Profile 'flights-01.csv', 27,004 rows × 19 columns, 14 alerts>"


def test_merge_gives_the_cli_merge(january: pl.DataFrame, tmp_path: Path) -> None:
    halves = [tmp_path / "first.csv", tmp_path / "second.csv"]
    january.head(13_000).write_csv(halves[0], null_value="NA")
    january.tail(january.height - 13_000).write_csv(halves[1], null_value="NA")
    saved = [cli_profile(p, p.with_suffix(".json")) for p in halves]
    out = tmp_path / "merged.json"
    subprocess.run(
        [sys.executable, "-m", "core.cli", "profile", "--merge",
         str(halves[0].with_suffix(".json")), str(halves[1].with_suffix(".json")),
         "--json", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    expected = json.loads(out.read_text())
    from_files = loupe.merge(*(p.with_suffix(".json") for p in halves))
    in_hand = loupe.merge(*(loupe.profile(p, progress=False) for p in halves))
    assert json.loads(from_files.to_json()) == expected
    assert (
        from_files.rows
        == in_hand.rows
        == january.height
        == sum(s["dataset"]["rows"] for s in saved)
    )
    assert in_hand.columns["dep_delay"].mean == pytest.approx(january["dep_delay"].mean())


def test_compare_gives_the_cli_comparison(
    corpus: dict[str, Path], january_csv: Path, tmp_path: Path
) -> None:
    import zipfile

    with zipfile.ZipFile(corpus["flights.csv.zip"]) as archive:
        data = archive.read(archive.namelist()[0])
    july = tmp_path / "flights-07.csv"
    flights = pl.read_csv(data, null_values="NA", infer_schema_length=None)
    flights.filter(pl.col("month") == 7).write_csv(july, null_value="NA")
    out = tmp_path / "cmp.json"
    subprocess.run(
        [sys.executable, "-m", "core.cli", "compare", str(january_csv), str(july),
         "--json", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    expected = json.loads(out.read_text())
    comparison = loupe.compare(january_csv, july)
    assert json.loads(comparison.to_json()) == expected
    # Profiles in hand, saved ones and frames give the same comparison.
    jan = loupe.profile(january_csv, progress=False)
    assert loupe.compare(jan, loupe.profile(july, progress=False)) == comparison
    saved = jan.save(tmp_path / "jan.profile.json")
    assert loupe.compare(saved, july) == comparison
    drift = {d.column: d for d in comparison.drift}
    assert drift["month"].severity == "critical" and drift["month"].ks == 1
    assert comparison.drift[0].js_distance == max(d.js_distance or 0 for d in comparison.drift)
    assert [a.message for a in comparison.alerts] == [a["message"] for a in expected["alerts"]]
    html = comparison._repr_html_()
    assert "Loupe comparison" in html and "month" in html
    # The drifted columns' overlays (at most four, most drifted first), and the page's own
    # scripts only: figures' data, and plotly.js unless an earlier summary carried it.
    overlays = re.findall(r'<div class="plot" id="(loupe-[0-9a-f]+-overlay-\d)"', html)
    assert [o.rsplit("-", 1)[1] for o in overlays] == ["0", "1", "2", "3"]
    data = html.split('class="loupe-figures">', 1)[1].split("</script>", 1)[0]
    figures = json.loads(data)["figures"]
    assert [figures[o]["layout"]["title"]["text"] for o in overlays][:2] == [
        "month: distribution",
        "time_hour: distribution",
    ]
    assert html.count("<script") in (2, 3)
    # The full report: the CLI's (but for the moment it was made), and in a frame.
    subprocess.run(
        [sys.executable, "-m", "core.cli", "compare", str(january_csv), str(july),
         "--html", str(tmp_path / "cli.html")],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    written = comparison.to_html(tmp_path / "api.html")

    def body(path: Path) -> str:
        return re.sub(r"generated [^<·]*", "", path.read_text("utf-8"))

    assert body(written) == body(tmp_path / "cli.html")
    frame = comparison.to_notebook(height=600)._repr_html_()
    assert frame.startswith('<iframe class="loupe-report" sandbox="allow-scripts" srcdoc="')
    assert "Columns by drift" in frame and "<script" not in frame.split('srcdoc="', 1)[1]


def test_profile_of_frame_fed_to_compare(january: pl.DataFrame) -> None:
    first = january.filter(pl.col("day") <= 15)
    second = january.filter(pl.col("day") > 15)
    comparison = loupe.compare(first, second)
    drift = {d.column: d for d in comparison.drift}
    assert drift["day"].ks == 1 and drift["year"].psi == 0


def test_the_sides_of_a_comparison_are_told_apart(january: pl.DataFrame, tmp_path: Path) -> None:
    first = january.filter(pl.col("day") <= 15).to_pandas()
    second = january.filter(pl.col("day") > 15).to_pandas()
    # Two DataFrames: both "pandas DataFrame" by their kind, so "a" and "b" by their places.
    plain = loupe.compare(first, second)
    assert repr(plain).startswith("<loupe.Comparison 'a' (")
    assert (plain.to_dict()["a"]["name"], plain.to_dict()["b"]["name"]) == ("a", "b")
    assert "· a → b</div>" in plain._repr_html_()
    named = loupe.compare(first, second, names=("first half", "second half"))
    assert "'first half' (13," in repr(named) and "'second half'" in repr(named)
    assert "first half → second half" in named._repr_html_()
    page = named.to_html(tmp_path / "halves.html").read_text("utf-8")
    assert "first half" in page and "second half" in page
    assert named.drift == plain.drift
    with pytest.raises(loupe.OptionError, match="names must be two names"):
        loupe.compare(first, second, names=("only one",))  # type: ignore[arg-type]


def test_profiles_and_comparisons_pickle(january: pl.DataFrame) -> None:
    import copy
    import pickle

    first = loupe.profile(january.filter(pl.col("day") <= 15), progress=False)
    assert first.seconds is not None
    for made in (pickle.loads(pickle.dumps(first)), copy.deepcopy(first), copy.copy(first)):
        assert made == first and made.seconds == first.seconds
        assert made.columns["dep_delay"].mean == first.columns["dep_delay"].mean
        assert repr(made) == repr(first)
    second = loupe.profile(january.filter(pl.col("day") > 15), progress=False)
    comparison = loupe.compare(first, second)
    back = pickle.loads(pickle.dumps(comparison))
    assert back == comparison and repr(back) == repr(comparison)
    assert back.drift == comparison.drift


def test_a_long_drift_table_says_how_many_more_and_severities_are_typed(
    january: pl.DataFrame,
) -> None:
    # The flights' integer columns, 40 times over: more columns than the summary lists.
    numbers = january.select(pl.col(pl.Int64)).head(2000)
    wide = pl.concat(
        [numbers.rename({c: f"{c}_{i}" for c in numbers.columns}) for i in range(40)],
        how="horizontal",
    )
    assert wide.width > 200
    later = wide.with_columns(pl.all() * 2)
    comparison = loupe.compare(wide, later)
    html = comparison._repr_html_()
    shown = html.count("<tr>") - 1  # the header row
    assert shown == 200 + 1 and f"… and {wide.width - 200:,} more columns" in html
    severities = {d.severity for d in comparison.drift}
    assert loupe.Severity.CRITICAL in severities
    assert all(s is None or isinstance(s, loupe.Severity) for s in severities)
