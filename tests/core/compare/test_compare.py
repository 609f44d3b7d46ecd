"""The comparison of two profiles: against itself, against Polars, and from saved profiles."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from core.compare import (
    CompareConfig,
    compare_profiles,
    is_saved_profile,
    load_compare_config,
    load_saved_profile,
)
from core.errors import OptionError, ProfileError
from core.profiling.profile import dumps, write_profile
from tests.core.compare.helpers import profile_of


def _table(seed: int, n: int, *, shift: float = 0.0, cities: str = "abcde") -> pl.DataFrame:
    """A mixed table: numbers with gaps, categories, booleans, instants and free text."""
    rng = np.random.default_rng(seed)
    numbers = rng.normal(10 + shift, 3, n).round(3)
    return pl.DataFrame(
        {
            "amount": pl.Series(numbers).set(pl.Series(rng.random(n) < 0.05), None),
            "count": rng.poisson(3 + shift, n),
            "city": rng.choice(list(cities), n),
            "paid": rng.random(n) < 0.7,
            "at": [
                dt.datetime(2024, 1, 1) + dt.timedelta(hours=int(h + 24 * shift))
                for h in rng.integers(0, 24 * 60, n)
            ],
            "note": [f"n{i}" for i in rng.integers(0, n * 10, n)],
        }
    )


def test_a_profile_compared_with_itself_has_no_drift_and_no_alert() -> None:
    frame = _table(1, 5000)
    profile = profile_of(frame)
    found = compare_profiles(profile, profile, CompareConfig())
    assert found["alerts"] == []
    assert found["schema"]["added"] == found["schema"]["removed"] == []
    assert found["schema"]["retyped"] == found["schema"]["renamed"] == []
    for column in found["columns"]:
        drift = column["drift"]
        assert drift is not None, column["name"]
        assert drift["psi"] == drift["js_distance"] == 0, column["name"]
        assert drift["ks"] in (None, 0) and drift["wasserstein"] in (None, 0), column["name"]
        assert column["severity"] is None
        assert all(c["difference"] in (0, None) for c in column["stats"].values())
    assert all(row["severity"] is None for row in found["drift"])


def test_a_sketched_profile_compared_with_itself_has_no_drift_either() -> None:
    profile = profile_of(_table(2, 6000), exact_distinct_limit=100)
    found = compare_profiles(profile, profile, CompareConfig())
    assert found["alerts"] == []
    amount = next(c for c in found["columns"] if c["name"] == "amount")["drift"]
    assert amount is not None and not amount["exact"]
    assert amount["ks"] == amount["psi"] == amount["wasserstein"] == 0


def test_exact_figures_match_polars_on_both_sides() -> None:
    fa, fb = _table(3, 4000), _table(4, 3000, shift=1.0, cities="cdefg")
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    assert found["dataset"]["rows"] == {"a": 4000, "b": 3000, "difference": -1000}
    missing = [f.null_count().sum_horizontal().item() for f in (fa, fb)]
    assert found["dataset"]["missing_cells"]["a"] == missing[0]
    assert found["dataset"]["missing_cells"]["b"] == missing[1]
    columns = {c["name"]: c for c in found["columns"]}
    for name in ("amount", "count"):
        stats = columns[name]["stats"]
        for key, side in (("a", fa), ("b", fb)):
            values = side.get_column(name)
            assert stats["mean"][key] == pytest.approx(values.mean(), rel=1e-12)
            assert stats["min"][key] == values.min() and stats["max"][key] == values.max()
            assert columns[name]["missing"][key] == values.null_count()
        assert stats["mean"]["difference"] == pytest.approx(
            fb.get_column(name).mean() - fa.get_column(name).mean(), rel=1e-9
        )
    cities = columns["city"]["categories"]
    assert cities is not None and cities["exact"]
    in_a, in_b = set(fa.get_column("city")), set(fb.get_column("city"))
    assert {v["value"] for v in cities["appeared"]} == in_b - in_a == {"f", "g"}
    assert {v["value"] for v in cities["vanished"]} == in_a - in_b == {"a", "b"}
    assert cities["appeared_share"] == pytest.approx(
        fb.get_column("city").is_in(list(in_b - in_a)).mean()
    )
    at = columns["at"]["date_range"]
    assert at is not None and at["overlap"]
    shift = (fb.get_column("at").min() - fa.get_column("at").min()).total_seconds()
    assert at["min"]["difference"] == shift
    kinds = {a["kind"] for a in found["alerts"]}
    assert {"categories_appeared", "categories_vanished", "drift", "row_count"} <= kinds


def test_schema_changes_are_named_and_a_rename_is_only_suggested() -> None:
    fa = _table(5, 3000)
    fb = (
        _table(6, 3000)
        .rename({"amount": "total"})
        .drop("note")
        .with_columns(pl.col("count").cast(pl.Float64), pl.lit(1).alias("new"))
    )
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    schema = found["schema"]
    assert schema["removed"] == ["amount", "note"]
    assert schema["added"] == ["total", "new"]
    assert [r["column"] for r in schema["retyped"]] == ["count"]
    assert schema["retyped"][0]["dtype"] == {"a": "Int64", "b": "Float64", "difference": None}
    assert [(r["a"], r["b"]) for r in schema["renamed"]] == [("amount", "total")]
    assert "possibly" in schema["renamed"][0]["message"]
    alerts = {(a["kind"], tuple(a["columns"])) for a in found["alerts"]}
    assert ("possibly_renamed", ("amount", "total")) in alerts
    assert ("column_removed", ("note",)) in alerts
    assert ("column_retyped", ("count",)) in alerts


def test_columns_are_sorted_by_drift() -> None:
    fa, fb = _table(7, 3000), _table(8, 3000, shift=3.0)
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    rows = found["drift"]
    ranks = [["critical", "warning", "info", None].index(r["severity"]) for r in rows]
    assert ranks == sorted(ranks)
    assert rows[0]["column"] in ("amount", "count", "at")
    assert rows[0]["severity"] == "critical"
    severities = {c["name"]: c["severity"] for c in found["columns"]}
    assert severities["paid"] is None and severities["city"] is None


def test_saved_profiles_compare_as_the_tables_do(tmp_path: Path) -> None:
    pa, pb = profile_of(_table(9, 4000)), profile_of(_table(10, 3500, shift=0.5))
    direct = compare_profiles(pa, pb, CompareConfig())
    write_profile(pa, tmp_path / "a.json")
    write_profile(pb, tmp_path / "b.json")
    assert is_saved_profile(tmp_path / "a.json")
    saved = compare_profiles(
        load_saved_profile(tmp_path / "a.json"),
        load_saved_profile(tmp_path / "b.json"),
        CompareConfig(),
    )
    assert dumps(saved) == dumps(direct)


def test_data_files_are_not_taken_for_profiles(tmp_path: Path) -> None:
    (tmp_path / "rows.json").write_text('[{"a": 1}]')
    (tmp_path / "lines.json").write_text('{"a": 1}\n{"a": 2}\n')
    (tmp_path / "t.csv").write_text("a\n1\n")
    for name in ("rows.json", "lines.json", "t.csv", "missing.json"):
        assert not is_saved_profile(tmp_path / name)
    # A profile on one line (as the cloud sends them) is a profile all the same.
    profile = profile_of(_table(18, 50))
    (tmp_path / "compact.json").write_text(json.dumps(profile, default=str) + "\n")
    assert is_saved_profile(tmp_path / "compact.json")


def test_a_profile_without_state_is_refused_naming_the_file(tmp_path: Path) -> None:
    profile = dict(profile_of(_table(11, 100)))
    del profile["state"]
    (tmp_path / "p.json").write_text(json.dumps(profile, default=str))
    with pytest.raises(ProfileError, match=r"p\.json: the profile has no mergeable state"):
        load_saved_profile(tmp_path / "p.json")


def test_thresholds_are_read_from_toml_and_json(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("bins = 10\n[thresholds]\npsi_warning = 0.2\n")
    config = load_compare_config(tmp_path / "c.toml")
    assert config.bins == 10 and config.thresholds.psi_warning == 0.2
    (tmp_path / "c.json").write_text('{"thresholds": {"ks_critical": 1}}')
    assert load_compare_config(tmp_path / "c.json").thresholds.ks_critical == 1.0
    (tmp_path / "bad.toml").write_text("[thresholds]\npsi = 0.2\n")
    with pytest.raises(OptionError, match="unknown setting 'psi'"):
        load_compare_config(tmp_path / "bad.toml")


def test_thresholds_decide_the_alerts() -> None:
    fa, fb = _table(12, 3000), _table(13, 3000, shift=1.0)
    pa, pb = profile_of(fa), profile_of(fb)
    loose = load_compare_config(None)
    found = compare_profiles(pa, pb, loose)
    drifted = {a["columns"][0] for a in found["alerts"] if a["kind"] == "drift"}
    assert "count" in drifted
    lax = CompareConfig(
        thresholds=type(loose.thresholds)(
            psi_warning=9, psi_critical=9, js_warning=9, js_critical=9, ks_warning=9, ks_critical=9
        )
    )
    assert not [a for a in compare_profiles(pa, pb, lax)["alerts"] if a["kind"] == "drift"]


def _restated(profile: dict, **changes: object) -> str:  # type: ignore[type-arg]
    """The profile's state with some of its document's entries changed."""
    import base64

    import zstandard

    raw = zstandard.ZstdDecompressor().decompress(base64.b64decode(profile["state"]))
    document = {**json.loads(raw), **changes}
    packed = zstandard.ZstdCompressor().compress(json.dumps(document).encode())
    return base64.b64encode(packed).decode()


def test_a_profile_of_another_polars_version_compares_but_another_state_version_does_not() -> None:
    profile = profile_of(_table(14, 500))
    found = compare_profiles(profile, profile, CompareConfig())
    other = {**profile, "state": _restated(profile, hash="polars-0.0.1")}
    assert compare_profiles(other, profile, CompareConfig()) == found  # type: ignore[arg-type]
    old = {**profile, "state": _restated(profile, version=1)}
    with pytest.raises(ProfileError, match=r"^old\.json: the profile's state has version 1"):
        compare_profiles(old, profile, CompareConfig(), names=("old.json", "b"))  # type: ignore[arg-type]


def test_sketched_categories_are_marked_approximate() -> None:
    fa = _table(15, 4000, cities="abcdefghijklmnopqrstuvwxyz")
    fb = _table(16, 4000, cities="abcdefghijklmnopqrstuvwxy")
    found = compare_profiles(
        profile_of(fa, exact_distinct_limit=10),
        profile_of(fb, exact_distinct_limit=10),
        CompareConfig(),
    )
    city = next(c for c in found["columns"] if c["name"] == "city")
    assert city["drift"] is not None and not city["drift"]["exact"]
    assert city["categories"] is not None and not city["categories"]["exact"]
    assert [v["value"] for v in city["categories"]["vanished"]] == ["z"]
    exact = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    exact_city = next(c for c in exact["columns"] if c["name"] == "city")["drift"]
    assert exact_city is not None and exact_city["exact"]
    # 26 categories, 10 counted exactly: the frequent items still hold them all.
    assert city["drift"]["js_distance"] == pytest.approx(exact_city["js_distance"], abs=0.02)


def test_a_merged_profile_is_a_side_and_matches_the_whole_table() -> None:
    from core.profiling.config import ProfileConfig
    from core.profiling.profile import merge_profiles

    frame = _table(17, 4000)
    merged = merge_profiles(
        [profile_of(frame.head(1500)), profile_of(frame.tail(2500))], ProfileConfig()
    )
    found = compare_profiles(merged, profile_of(frame), CompareConfig())
    assert found["a"]["name"] is None and found["a"]["engine"] == "merged"
    assert found["alerts"] == []
    for column in found["columns"]:
        drift = column["drift"]
        assert drift is not None and drift["exact"], column["name"]
        assert drift["psi"] == drift["js_distance"] == 0, column["name"]
        assert drift["ks"] in (None, 0), column["name"]


def test_a_kind_change_alone_is_noted_and_a_type_change_warned() -> None:
    fa = pl.DataFrame({"code": ["a", "b", "c"] * 40, "n": list(range(120))})
    fb = pl.DataFrame({"code": [f"c{i}" for i in range(120)], "n": [float(i) for i in range(120)]})
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    retyped = {r["column"]: r for r in found["schema"]["retyped"]}
    assert retyped["code"]["kind"] == {"a": "categorical", "b": "text", "difference": None}
    levels = {
        a["columns"][0]: a["severity"] for a in found["alerts"] if a["kind"] == "column_retyped"
    }
    assert levels == {"code": "info", "n": "warning"}


def test_lists_and_binary_values_drift_by_their_lengths_as_scipy_measures() -> None:
    from scipy import stats

    rng = np.random.default_rng(7)

    def frame(n: int, mean: float) -> pl.DataFrame:
        lengths = rng.poisson(mean, n)
        return pl.DataFrame(
            {
                "tags": [[f"t{k}" for k in range(m)] for m in lengths],
                "blob": [bytes(int(m) * 2) for m in lengths],
            }
        )

    fa, fb = frame(3000, 2.0), frame(2500, 4.0)
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    columns = {c["name"]: c for c in found["columns"]}
    for name, unit, size in (
        ("tags", "elements", pl.col("tags").list.len()),
        ("blob", "bytes", pl.col("blob").bin.size()),
    ):
        column = columns[name]
        drift = column["drift"]
        assert drift is not None and drift["method"] == "bins" and drift["unit"] == unit
        la, lb = (f.select(size).to_series().to_numpy() for f in (fa, fb))
        assert drift["ks"] == pytest.approx(stats.ks_2samp(la, lb).statistic, abs=1e-12)
        assert drift["wasserstein"] == pytest.approx(stats.wasserstein_distance(la, lb), rel=1e-9)
        assert column["severity"] == "critical"
        overlay = column["overlay"]
        assert overlay is not None and sum(overlay["a"]) == 3000 and sum(overlay["b"]) == 2500
        assert column["stats"]["length_mean"]["a"] == pytest.approx(la.mean())
    # The lists' elements compare as a column of their own, right after the list.
    names = [c["name"] for c in found["columns"]]
    assert names.index("tags[]") == names.index("tags") + 1
    elements = columns["tags[]"]
    assert elements["drift"] is not None and elements["drift"]["method"] == "categories"
    counts = fb.select(pl.col("tags").explode().drop_nulls().value_counts()).unnest("tags")
    assert elements["count"]["b"] == counts.get_column("count").sum()
    assert elements["categories"] is not None and elements["categories"]["appeared_count"] > 0
    same = compare_profiles(profile_of(fa), profile_of(fa), CompareConfig())
    assert all(c["drift"] and c["drift"]["ks"] in (0, None) for c in same["columns"])
    assert all(c["drift"] and c["drift"]["psi"] == 0 for c in same["columns"])


def test_comparisons_follow_their_json_schema(tmp_path: Path) -> None:
    """Removed, added, retyped and renamed columns, lists, binary values, instants: all valid.

    The schema forbids unknown fields, so a field added to the document without
    being described fails here.
    """
    import jsonschema

    from core.compare.document import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    fa, fb = _table(1, 3000), _table(2, 2000, shift=1.0, cities="cdefgh")
    fa = fa.with_columns(
        old_name=pl.int_range(pl.len()) % 10,
        gone=pl.lit("x"),
        tags=pl.concat_list(pl.col("city"), pl.col("city")),
        blob=pl.col("note").cast(pl.Binary),
    )
    fb = fb.with_columns(
        new_name=pl.int_range(pl.len()) % 10,
        added=pl.lit(1.5),
        tags=pl.concat_list(pl.col("city")),
        blob=pl.col("note").cast(pl.Binary),
        paid=pl.col("paid").cast(pl.String),
    )
    documents = [
        compare_profiles(profile_of(fa), profile_of(fb), CompareConfig()),
        compare_profiles(profile_of(fa), profile_of(fa), CompareConfig()),
        compare_profiles(
            profile_of(fa, exact_distinct_limit=20),
            profile_of(fb, exact_distinct_limit=20),
            CompareConfig(),
        ),
    ]
    first = documents[0]
    assert first["schema"]["added"] and first["schema"]["removed"] and first["schema"]["retyped"]
    assert first["schema"]["renamed"] and first["correlations"]
    for document in documents:
        jsonschema.validate(json.loads(dumps(document)), schema)
    wrong = json.loads(dumps(first))
    wrong["columns"][0]["drift"]["unknown"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)


def test_a_category_that_fills_one_side_is_never_hidden_among_a_sketched_sides_others() -> None:
    """A: 70,000 distinct values (sketched); B: two of them, counted exactly."""
    fa = pl.DataFrame({"v": [f"v{i}" for i in range(70_000)]})
    fb = pl.DataFrame({"v": ["v5", "v6"] * 35_000})
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    (column,) = found["columns"]
    assert column["drift"] is not None and column["severity"] == "critical"
    assert column["drift"]["js_distance"] > 0.9
    # A sketched side cannot show that v5 and v6 are missing from it: nothing "appeared".
    assert column["categories"] is not None and column["categories"]["appeared"] == []
    assert [v["value"] for v in column["categories"]["vanished"]][:1]  # B is exact


def test_damaged_or_missing_state_and_empty_sides(tmp_path: Path) -> None:
    profile = profile_of(_table(3, 500))
    with pytest.raises(ProfileError, match=r"^b: the profile's mergeable state is damaged$"):
        compare_profiles(profile, {**profile, "state": {"bogus": 1}}, CompareConfig())  # type: ignore[typeddict-item]
    stateless = tmp_path / "nostate.json"
    stateless.write_text(json.dumps({k: v for k, v in profile.items() if k != "state"}))
    assert is_saved_profile(stateless)
    with pytest.raises(ProfileError, match="no mergeable state"):
        load_saved_profile(stateless)
    # From no rows to some: noted, though there is no relative change to give.
    empty = profile_of(_table(3, 500).head(0))
    found = compare_profiles(empty, profile, CompareConfig())
    (rows,) = [a for a in found["alerts"] if a["kind"] == "row_count"]
    assert rows["message"] == "rows went from none to 500" and rows["value"] == 500


def test_an_element_named_as_a_column_is_left_out() -> None:
    frame = pl.DataFrame({"l": [[1, 2], [3]], "l[]": ["x", "y"]})
    found = compare_profiles(profile_of(frame), profile_of(frame), CompareConfig())
    assert [c["name"] for c in found["columns"]] == ["l", "l[]"]
    assert found["columns"][1]["kind"]["a"] != "numeric"  # the real column, not the elements


def test_settings_files_are_named_and_warnings_stay_below_criticals(tmp_path: Path) -> None:
    bad = tmp_path / "b.toml"
    bad.write_text("bins = 0\n")
    with pytest.raises(OptionError, match=f"^{re.escape(str(bad))}: bins must be at least 1$"):
        load_compare_config(bad)
    bad.write_text("[thresholds]\npsi_warning = 0.5\n")
    with pytest.raises(OptionError, match=r"psi_warning \(0.5\) must not exceed psi_critical"):
        load_compare_config(bad)
