"""Comparing real data: the New York flights of January 2013 with those of July 2013.

What a reader expects of winter against summer, written down before the comparison was run:

- ``month`` moves entirely (1 to 7): KS 1, JS distance 1, a critical drift;
- ``time_hour`` ranges do not overlap, July's starting about 181 days after January's,
  and its drift is critical (KS 1);
- ``year`` does not move at all, and ``day`` (1 to 31 in both months) hardly: KS below 0.05;
- summer thunderstorms: July's ``dep_delay`` is larger on average, more spread
  (standard deviation), and its 95th percentile (the highest the profile keeps; 90th
  was written first, which profiles do not hold) is later; likewise ``arr_delay``'s mean;
- a weaker jet stream in summer: July's mean ``air_time`` is shorter;
- more flights in July than in January, and more cancelled ones (missing ``dep_time``);
- ski destinations flown to in winter only (Montrose ``MTJ``, Hayden ``HDN``)
  vanish in July;
- the exact parts (rows, missing values, means, appeared and vanished destinations)
  equal Polars' own figures on each month, and the comparison of the two saved
  profiles equals that of the two files.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import polars as pl
import pytest

from core.compare import CompareConfig, compare_profiles, load_saved_profile
from core.compare.document import SCHEMA_PATH
from core.present.compare_numbers import centre_text
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import dumps, write_profile
from core.read.table import ReadOptions, open_table


def _profile(path: Path, limit: int = 65_536) -> dict:  # type: ignore[type-arg]
    config = ProfileConfig(engine="memory", exact_distinct_limit=limit)
    with open_table(path, ReadOptions()) as table:
        return profile_table(table, config).profile  # type: ignore[return-value]


def test_january_and_july(months: list[Path], tmp_path: Path) -> None:
    jan, jul = _profile(months[0]), _profile(months[1])
    found = compare_profiles(jan, jul, CompareConfig())  # type: ignore[arg-type]
    columns = {c["name"]: c for c in found["columns"]}
    drift = {name: c["drift"] for name, c in columns.items()}
    assert all(d is not None and d["exact"] for d in drift.values())

    assert drift["month"]["ks"] == 1 and drift["month"]["js_distance"] == 1
    assert columns["month"]["severity"] == "critical"
    dates = columns["time_hour"]["date_range"]
    assert not dates["overlap"]
    assert dates["min"]["difference"] == pytest.approx(181 * 86400, abs=86400)
    assert drift["time_hour"]["ks"] == 1 and columns["time_hour"]["severity"] == "critical"
    assert drift["year"]["ks"] == drift["year"]["psi"] == 0
    assert drift["day"]["ks"] < 0.05

    delay = columns["dep_delay"]["stats"]
    assert delay["mean"]["difference"] > 0 and delay["std"]["difference"] > 0
    assert delay["q0.95"]["b"] > delay["q0.95"]["a"]
    assert columns["arr_delay"]["stats"]["mean"]["difference"] > 0
    assert columns["air_time"]["stats"]["mean"]["difference"] < 0
    assert found["dataset"]["rows"]["difference"] > 0
    assert columns["dep_time"]["missing"]["b"] > columns["dep_time"]["missing"]["a"]
    dest = columns["dest"]["categories"]
    assert dest["exact"]
    assert {"MTJ", "HDN"} <= {v["value"] for v in dest["vanished"]}

    # The exact parts, against Polars on each month.
    frames = [pl.read_csv(p, null_values="NA", infer_schema_length=None) for p in months]
    for side, frame in zip("ab", frames, strict=True):
        assert found["dataset"]["rows"][side] == frame.height
        assert found["dataset"]["missing_cells"][side] == frame.null_count().sum_horizontal().item()
        for name in ("dep_delay", "arr_delay", "air_time", "distance"):
            assert columns[name]["stats"]["mean"][side] == pytest.approx(
                frame.get_column(name).mean(), rel=1e-12
            )
            assert columns[name]["missing"][side] == frame.get_column(name).null_count()
    in_jan, in_jul = (set(f.get_column("dest")) for f in frames)
    assert dest["vanished_count"] == len(in_jan - in_jul)
    assert dest["appeared_count"] == len(in_jul - in_jan)
    listed = {v["value"] for v in dest["vanished"]} | {v["value"] for v in dest["appeared"]}
    assert listed == (in_jan - in_jul) | (in_jul - in_jan)

    # Two saved profiles compare as the two files do.
    write_profile(jan, tmp_path / "jan.json")
    write_profile(jul, tmp_path / "jul.json")
    saved = compare_profiles(
        load_saved_profile(tmp_path / "jan.json"),
        load_saved_profile(tmp_path / "jul.json"),
        CompareConfig(),
    )
    assert dumps(saved) == dumps(found)


def test_january_and_july_from_digests_agree_with_the_exact_comparison(
    months: list[Path],
) -> None:
    """With 50 distinct values at most counted exactly, numbers are known by their digests.

    KS and Wasserstein then come from the digests' quantiles, bin counts from their
    estimated distributions: each close to the exact comparison, and marked as
    estimated. (Categories then come from the most frequent values: marked estimated,
    their buckets are not those of the exact comparison.)
    """
    exact = compare_profiles(_profile(months[0]), _profile(months[1]), CompareConfig())
    sketched = compare_profiles(
        _profile(months[0], limit=50), _profile(months[1], limit=50), CompareConfig()
    )
    expected = {c["name"]: c["drift"] for c in exact["columns"]}
    for column in sketched["columns"]:
        name, found = column["name"], column["drift"]
        want = expected[name]
        assert found is not None and want is not None
        if column["distinct"]["a"] <= 50 and column["distinct"]["b"] <= 50:
            assert found == want, name
            continue
        assert not found["exact"], name
        if want["ks"] is not None:
            assert found["js_distance"] == pytest.approx(want["js_distance"], abs=0.03), name
            assert found["ks"] == pytest.approx(want["ks"], abs=0.02), name
            assert found["wasserstein"] == pytest.approx(want["wasserstein"], rel=0.1), name


def test_overlays_and_correlations_of_january_and_july_equal_numpy_and_polars(
    months: list[Path],
) -> None:
    """The charts' data: both months' counts in the same buckets, and correlations on both sides."""
    found = compare_profiles(_profile(months[0]), _profile(months[1]), CompareConfig())
    jsonschema.validate(json.loads(dumps(found)), json.loads(SCHEMA_PATH.read_text()))
    columns = {c["name"]: c for c in found["columns"]}
    frames = [pl.read_csv(p, null_values="NA", infer_schema_length=None) for p in months]

    delay = columns["dep_delay"]["overlay"]
    assert delay is not None and delay["method"] == "bins" and delay["labels"] is None
    for side, frame in zip("ab", frames, strict=True):
        values = frame.get_column("dep_delay").drop_nulls().to_numpy()
        counts, _ = np.histogram(values, bins=np.asarray(delay["edges"], dtype=float))
        assert delay[side] == counts.tolist()  # type: ignore[literal-required]

    carrier = columns["carrier"]["overlay"]
    assert carrier is not None and carrier["method"] == "categories"
    labels = carrier["labels"]
    assert labels is not None
    for side, frame in zip("ab", frames, strict=True):
        counts = dict(frame.get_column("carrier").value_counts().iter_rows())
        listed = carrier[side]  # type: ignore[literal-required]
        for label, count in zip(labels, listed, strict=True):
            if label is not None:
                assert count == counts.get(label, 0), label
        assert sum(listed) == sum(counts.values())

    hours = columns["time_hour"]["overlay"]
    assert hours is not None and all(isinstance(e, str) for e in hours["edges"] or [])
    assert (hours["edges"] or [""])[0] == columns["time_hour"]["stats"]["min"]["a"]
    assert sum(hours["a"]) == frames[0].height and sum(hours["b"]) == frames[1].height
    assert sum(hours["a"][len(hours["a"]) // 2 :]) == 0  # January in the early bins only
    assert sum(hours["b"][: len(hours["b"]) // 2]) == 0

    # The drift tables' centre: a mean in the column's own style, else a median instant.
    assert centre_text(columns["year"]) == ("2013", "2013")
    assert centre_text(columns["dep_delay"]) == ("10.037", "21.728")
    hour_a, hour_b = centre_text(columns["time_hour"]) or ("", "")
    assert hour_a.startswith("2013-01-1") and hour_b.startswith("2013-07-1") and len(hour_a) == 16

    pearson = found["correlations"]["pearson"]
    names = pearson["columns"]
    i, j = names.index("dep_delay"), names.index("arr_delay")
    pairs = [
        f.select(["dep_delay", "arr_delay"]).drop_nulls().select(pl.corr("dep_delay", "arr_delay"))
        for f in frames
    ]
    want = [p.item() for p in pairs]
    assert pearson["a"][i][j] == pytest.approx(want[0], abs=1e-9)
    assert pearson["b"][i][j] == pytest.approx(want[1], abs=1e-9)
    assert pearson["difference"][i][j] == pytest.approx(want[1] - want[0], abs=1e-9)
    moved = [abs(p["difference"] or 0) for p in pearson["largest"]]
    assert moved == sorted(moved, reverse=True)
    flat = [abs(v) for row in pearson["difference"] for v in row if v is not None]
    assert moved[0] == pytest.approx(max(flat))
