"""The profile: numbers against independent computations, engines, merges, sketches, schema."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_table
from core.errors import Cancelled
from core.profiling.config import ProfileConfig
from core.profiling.correlations import CorrelationMethod, _numeric_matrix
from core.profiling.engine import profile_table
from core.profiling.partial import PartialProfile
from core.profiling.profile import (
    SCHEMA_PATH,
    ProfileError,
    build_profile,
    dumps,
    load_profile,
    merge_profiles,
)

ROWS = 6000


def make_frame(rows: int = ROWS, seed: int = 3) -> pl.DataFrame:
    """Mixed columns with nulls, NaN, infinities, empties, ties and dates."""
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(2.0, 1.2, rows)
    amount[rng.random(rows) < 0.03] = np.nan
    amount[:3] = [np.inf, -np.inf, 0.0]
    cities = np.array(["Lyon", "Oslo", "Kraków", "Québec", ""])
    frame = pl.DataFrame(
        {
            "id": np.arange(rows),
            "count": rng.poisson(1.5, rows),
            "amount": amount,
            "score": rng.normal(50, 10, rows).round(1),
            "city": cities[rng.integers(0, len(cities), rows)],
            "flag": rng.random(rows) < 0.3,
            "day": [
                dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 900, rows)
            ],
            "note": [f"note {i % 977} {'x' * (i % 13)}" for i in range(rows)],
        }
    )
    nulls = rng.random((rows, 3)) < [0.1, 0.25, 0.05]
    return frame.with_columns(
        pl.when(pl.Series(nulls[:, 0])).then(None).otherwise(pl.col("count")).alias("count"),
        pl.when(pl.Series(nulls[:, 1])).then(None).otherwise(pl.col("city")).alias("city"),
        pl.when(pl.Series(nulls[:, 1] | nulls[:, 2]))
        .then(None)
        .otherwise(pl.col("score"))
        .alias("score"),
    )


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return make_frame()


@pytest.fixture(scope="module")
def parquet(frame: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "mixed.parquet"
    # Duplicate a few rows so duplicates are found.
    pl.concat([frame, frame.head(7)]).write_parquet(path)
    return path


def profile_of(path: Path, **config: Any) -> dict[str, Any]:
    with open_table(path) as table:
        return profile_table(table, ProfileConfig(**config)).profile


def column(profile: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in profile["columns"] if c["name"] == name)


@pytest.fixture(scope="module")
def profile(parquet: Path) -> dict[str, Any]:
    return profile_of(parquet, engine="memory")


def test_numeric_statistics_match_polars_and_duckdb(parquet: Path, profile: dict[str, Any]) -> None:
    data = pl.read_parquet(parquet)
    for name in ("count", "amount", "score"):
        series = data[name].cast(pl.Float64)
        finite = series.filter(series.is_finite())
        got = column(profile, name)
        assert got["count"] == series.drop_nulls().drop_nans().len()
        assert got["missing"] == series.null_count() + int(series.is_nan().sum())
        assert got["min"] == pytest.approx(finite.min())
        assert got["max"] == pytest.approx(finite.max())
        assert got["mean"] == pytest.approx(finite.mean(), rel=1e-12)
        assert got["variance"] == pytest.approx(finite.var(), rel=1e-10)
        assert got["std"] == pytest.approx(finite.std(), rel=1e-10)
        assert got["sum"] == pytest.approx(finite.sum(), rel=1e-12)
        assert got["skewness"] == pytest.approx(finite.skew(bias=False), rel=1e-8)
        assert got["kurtosis"] == pytest.approx(finite.kurtosis(bias=False), rel=1e-8)
        assert got["zeros"] == int((series == 0).sum())
        assert got["negatives"] == int((series < 0).sum())
        assert got["infinite"] == int(series.is_infinite().sum())
        for q, value in got["quantiles"].items():
            assert value == pytest.approx(finite.quantile(float(q), "linear"), rel=1e-12)
        assert got["quantiles_exact"]
        assert sum(got["histogram"]["counts"]) == got["count"] - got["infinite"]
    # DuckDB, an independent engine, on the same file.
    con = duckdb.connect()
    mean, sd, median, distinct = con.execute(
        f"SELECT avg(score), stddev_samp(score), quantile_cont(score, 0.5), count(DISTINCT score) "
        f"FROM read_parquet('{parquet}')"
    ).fetchone()
    score = column(profile, "score")
    assert score["mean"] == pytest.approx(mean, rel=1e-12)
    assert score["std"] == pytest.approx(sd, rel=1e-10)
    assert score["quantiles"]["0.5"] == pytest.approx(median)
    assert score["distinct"] == distinct


def test_integer_sums_are_exact(tmp_path: Path) -> None:
    big = 2**62
    path = tmp_path / "big.parquet"
    pl.DataFrame({"n": [big, big, big, 1]}).write_parquet(path)
    got = column(profile_of(path), "n")
    assert got["sum"] == 3 * big + 1  # beyond both Int64 and float64 precision


def test_categorical_text_boolean_and_dates(parquet: Path, profile: dict[str, Any]) -> None:
    data = pl.read_parquet(parquet)
    city = column(profile, "city")
    expected = data["city"].drop_nulls().value_counts(sort=True)
    assert city["kind"] == "categorical"
    assert city["distinct"] == data["city"].drop_nulls().n_unique()
    assert [(v["value"], v["count"]) for v in city["top_values"]] == sorted(
        expected.rows(), key=lambda r: (-r[1], r[0])
    )
    assert city["empty"] == int((data["city"] == "").sum())
    lengths = data["city"].drop_nulls().str.len_chars()
    assert city["length"]["min"] == lengths.min()
    assert city["length"]["max"] == lengths.max()
    assert city["length"]["mean"] == pytest.approx(lengths.mean())
    assert sum(city["length"]["histogram"]["counts"]) == city["count"]
    note = column(profile, "note")
    assert note["distinct"] == data["note"].n_unique()
    flag = column(profile, "flag")
    assert flag["kind"] == "boolean"
    assert flag["trues"] == int(data["flag"].sum())
    assert flag["falses"] == int((~data["flag"]).sum())
    day = column(profile, "day")
    assert day["kind"] == "datetime"
    assert day["min"] == data["day"].min().isoformat()
    assert day["max"] == data["day"].max().isoformat()
    assert sum(day["histogram"]["counts"]) == data.height
    assert day["range_seconds"] == (data["day"].max() - data["day"].min()).total_seconds()


def test_dataset_figures(parquet: Path, profile: dict[str, Any]) -> None:
    data = pl.read_parquet(parquet)
    dataset = profile["dataset"]
    assert dataset["rows"] == data.height
    assert dataset["columns"] == data.width
    nan_cells = int(data["amount"].is_nan().sum())
    assert dataset["missing_cells"] == int(data.null_count().sum_horizontal()[0]) + nan_cells
    assert dataset["duplicate_rows"] == data.height - data.unique().height == 7
    assert dataset["kinds"] == {
        "boolean": 1,
        "categorical": 1,
        "datetime": 1,
        "numeric": 4,
        "text": 1,
    }
    assert any(a["kind"] == "duplicate_rows" and a["value"] == 7 for a in profile["alerts"])


def test_correlations_match_polars(parquet: Path, profile: dict[str, Any]) -> None:
    data = pl.read_parquet(parquet)
    corr = profile["correlations"]
    assert corr["exact"]
    names = corr["pearson"]["columns"]
    assert names == ["id", "count", "amount", "score"]
    frame = data.select(pl.col(n).cast(pl.Float64) for n in names)
    for method in ("pearson", "spearman"):
        matrix = corr[method]["matrix"]
        for i, a in enumerate(names):
            assert matrix[i][i] == 1.0
            for j, b in enumerate(names):
                if i == j:
                    continue
                expected = frame.select(pl.corr(a, b, method=method)).item()
                if expected is None or not math.isfinite(expected):
                    assert matrix[i][j] is None
                else:
                    assert matrix[i][j] == pytest.approx(expected, abs=1e-9)
    cramers = corr["cramers_v"]
    assert cramers["columns"] == ["city", "flag"]
    # Independent random columns: Cramér's V near zero.
    assert 0 <= cramers["matrix"][0][1] < 0.1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_spearman_is_polars_pairwise_spearman_to_the_bit(seed: int) -> None:
    """Ranking once per set of rows gives exactly what ``pl.corr`` gives pair by pair."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(3, 400))
    shared = rng.random(rows) < 0.2  # two columns with the same missing rows
    columns: dict[str, pl.Series] = {}
    for i in range(6):
        values = rng.integers(0, int(rng.integers(2, 30)), rows).astype(float)
        values[rng.random(rows) < 0.05] = np.nan
        series = pl.Series(f"c{i}", values)
        missing = shared if i in (1, 2) else rng.random(rows) < rng.random() * 0.4 * (i % 2)
        columns[f"c{i}"] = series.scatter(np.flatnonzero(missing), None)
    frame = pl.DataFrame(columns)
    names = frame.columns
    matrix = _numeric_matrix(frame, names, CorrelationMethod.SPEARMAN)["matrix"]
    for (i, a), (j, b) in itertools.combinations(enumerate(names), 2):
        expected = frame.select(pl.corr(a, b, method="spearman")).item()
        want = expected if expected is not None and math.isfinite(expected) else None
        assert matrix[i][j] == want and matrix[j][i] == want, (a, b)


def test_nullity_correlation_matches_numpy(parquet: Path, profile: dict[str, Any]) -> None:
    data = pl.read_parquet(parquet)
    block = profile["missing"]["nullity_correlation"]
    # The columns with some (not all) values missing, in table order.
    assert block["columns"] == ["count", "amount", "score", "city"]
    indicators = {
        name: (
            data[name].is_null() | (data[name].is_nan() if data[name].dtype.is_float() else False)
        ).to_numpy()
        for name in block["columns"]
    }
    for i, a in enumerate(block["columns"]):
        for j, b in enumerate(block["columns"]):
            expected = np.corrcoef(indicators[a], indicators[b])[0, 1]
            assert block["matrix"][i][j] == pytest.approx(expected, abs=1e-9)
    # score is missing wherever city is (by construction): they go missing together.
    names = list(indicators)
    missing_sets = pl.DataFrame(indicators).select(
        pl.concat_str(
            [pl.when(pl.col(n)).then(pl.lit(n)) for n in names], separator=",", ignore_nulls=True
        ).alias("set")
    )
    both = missing_sets.filter(pl.col("set") == "score,city").height
    assert both > 0
    top = profile["missing"]["patterns"]
    assert {"columns": ["score", "city"], "count": both} in top


def test_profile_validates_against_schema(profile: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(dumps(profile)), schema)


def test_same_file_same_json(parquet: Path) -> None:
    for engine in ("memory", "streaming"):
        first = dumps(profile_of(parquet, engine=engine, chunk_rows=1000))
        second = dumps(profile_of(parquet, engine=engine, chunk_rows=1000))
        assert first == second


def _comparable(profile: dict[str, Any]) -> dict[str, Any]:
    """A profile without the fields that legitimately differ between engines."""
    out = json.loads(dumps(profile))
    for key in ("engine", "state"):
        out.pop(key)
    out["dataset"].pop("memory_bytes")
    return out


def test_streaming_equals_memory(parquet: Path) -> None:
    memory = profile_of(parquet, engine="memory")
    streaming = profile_of(parquet, engine="streaming", chunk_rows=700)
    # Float sums accumulate in another order chunk by chunk: compare numbers closely.
    assert_close(_comparable(memory), _comparable(streaming))


def assert_close(a: Any, b: Any, path: str = "") -> None:
    """Equal structures; floats equal to 1e-9 relative (1e-12 absolute, for near-zero moments)."""
    if isinstance(a, float) or isinstance(b, float):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-12), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            assert_close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def _partial(frame: pl.DataFrame, **kwargs: Any) -> PartialProfile:
    partial = PartialProfile(
        frame.schema,
        exact_distinct_limit=kwargs.get("limit", 65_536),
        sample_rows=kwargs.get("sample", 50_000),
    )
    partial.update(frame)
    return partial


EXACT_KEYS = (
    "count",
    "missing",
    "distinct",
    "zeros",
    "negatives",
    "infinite",
    "trues",
    "empty",
    "top_values",
)
CLOSE_KEYS = ("min", "max", "mean", "variance", "std", "sum", "skewness", "kurtosis")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    cuts=st.lists(st.integers(1, 399), min_size=1, max_size=4, unique=True),
)
def test_merge_equals_profile_of_union(seed: int, cuts: list[int]) -> None:
    frame = make_frame(400, seed)
    bounds = [0, *sorted(cuts), frame.height]
    parts = [_partial(frame.slice(a, b - a)) for a, b in itertools.pairwise(bounds)]
    merged = parts[0]
    for part in parts[1:]:
        # Through the serialized state, as merges of saved profiles do.
        merged = merged.merge(PartialProfile.from_state(part.to_state()))
    config = ProfileConfig()
    whole = build_profile(
        _partial(frame),
        config,
        source={"path": None, "format": "x", "size_bytes": 0},
        engine="memory",
    )
    combined = build_profile(
        merged, config, source={"path": None, "format": "x", "size_bytes": 0}, engine="merged"
    )
    assert combined["dataset"]["rows"] == whole["dataset"]["rows"]
    assert combined["dataset"]["duplicate_rows"] == whole["dataset"]["duplicate_rows"]
    assert combined["missing"]["patterns"] == whole["missing"]["patterns"]
    assert combined["samples"] == whole["samples"]
    assert combined["correlations"] == whole["correlations"]
    for a, b in zip(whole["columns"], combined["columns"], strict=True):
        for key in EXACT_KEYS:
            assert a.get(key) == b.get(key), (a["name"], key)
        for key in CLOSE_KEYS:
            if a.get(key) is None or isinstance(a[key], str):
                assert b.get(key) == a.get(key), (a["name"], key)
            else:
                assert b[key] == pytest.approx(a[key], rel=1e-9, abs=1e-12), (a["name"], key)
        if "quantiles" in a and a.get("quantiles_exact") and b.get("quantiles_exact"):
            for q in a["quantiles"]:
                assert (
                    a["quantiles"][q] == pytest.approx(b["quantiles"][q]) or a["kind"] == "datetime"
                )


def test_sketches_stay_within_their_bounds() -> None:
    rows = 200_000
    rng = np.random.default_rng(11)
    heavy = rng.choice(["alpha", "beta", "gamma"], rows // 4)
    frame = pl.DataFrame(
        {
            "key": np.concatenate([rng.integers(0, 10**12, rows - rows // 4).astype(str), heavy]),
            "x": rng.normal(0, 1, rows),
        }
    ).sample(fraction=1.0, shuffle=True, seed=1)
    partial = PartialProfile(frame.schema, exact_distinct_limit=1000, sample_rows=5000)
    for start in range(0, rows, 20_000):
        partial.update(frame.slice(start, 20_000))
    profile = build_profile(
        partial,
        ProfileConfig(),
        source={"path": None, "format": "x", "size_bytes": 0},
        engine="streaming",
    )
    key = column(profile, "key")
    true_distinct = frame["key"].n_unique()
    assert not key["distinct_exact"]
    low, high = key["distinct_bounds"]
    assert low <= true_distinct <= high
    assert abs(key["distinct"] - true_distinct) / true_distinct < 0.03
    truth = dict(frame["key"].value_counts().rows())
    top = {v["value"]: v["count"] for v in key["top_values"][:3]}
    assert set(top) == {"alpha", "beta", "gamma"}
    for value, count in top.items():
        assert abs(count - truth[value]) <= key["top_values_error"]
    x = column(profile, "x")
    assert not x["quantiles_exact"]
    ordered = np.sort(frame["x"].to_numpy())
    for q, value in x["quantiles"].items():
        rank = np.searchsorted(ordered, value) / rows
        assert abs(rank - float(q)) < 0.01
    assert sum(x["histogram"]["counts"]) == rows


def test_merge_profiles_from_files(tmp_path: Path, frame: pl.DataFrame) -> None:
    first, second, whole = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "all.parquet"
    frame.head(2500).write_parquet(first)
    frame.slice(2500).write_parquet(second)
    frame.write_parquet(whole)
    parts = []
    for path in (first, second):
        out = tmp_path / f"{path.stem}.json"
        out.write_text(dumps(profile_of(path)))
        parts.append(load_profile(out))
    merged = merge_profiles(parts, ProfileConfig())
    full = profile_of(whole)
    assert merged["engine"] == "merged"
    assert merged["dataset"]["rows"] == full["dataset"]["rows"]
    assert column(merged, "score")["variance"] == pytest.approx(
        column(full, "score")["variance"], rel=1e-9
    )
    assert column(merged, "city")["top_values"] == column(full, "city")["top_values"]
    jsonschema.validate(json.loads(dumps(merged)), json.loads(SCHEMA_PATH.read_text()))


def test_loading_profiles_of_other_versions(tmp_path: Path, profile: dict[str, Any]) -> None:
    newer = dict(profile, schema_version="2.0")
    path = tmp_path / "new.json"
    path.write_text(json.dumps(newer))
    with pytest.raises(ProfileError, match=r"schema version 2\.0 is not supported"):
        load_profile(path)
    older_minor = dict(profile, schema_version="1.0")
    path.write_text(json.dumps(older_minor))
    assert load_profile(path)["dataset"] == profile["dataset"]
    path.write_text("{not json")
    with pytest.raises(ProfileError, match="not a JSON file"):
        load_profile(path)
    stateless = {k: v for k, v in profile.items() if k != "state"}
    with pytest.raises(ProfileError, match="no mergeable state"):
        merge_profiles([stateless], ProfileConfig(), names=["x.json"])


def test_progress_and_cancel(parquet: Path) -> None:
    seen: list[tuple[str, float]] = []
    with open_table(parquet) as table:
        profile_table(
            table,
            ProfileConfig(engine="streaming", chunk_rows=500),
            progress=lambda phase, f: seen.append((phase, f)),
        )
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"reading", "done"} <= {p for p, _ in seen}
    calls = {"n": 0}

    def cancel_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    for engine in ("streaming", "memory"):
        calls["n"] = 0
        with open_table(parquet) as table, pytest.raises(Cancelled):
            profile_table(
                table, ProfileConfig(engine=engine, chunk_rows=500), cancel=cancel_after_two
            )


def test_empty_and_header_only_tables(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("a,b\n")
    profile = profile_of(path)
    assert profile["dataset"]["rows"] == 0
    assert [a["kind"] for a in profile["alerts"]] == ["empty_dataset"]
    jsonschema.validate(json.loads(dumps(profile)), json.loads(SCHEMA_PATH.read_text()))


def test_sample_option_limits_rows(parquet: Path) -> None:
    assert profile_of(parquet, sample=100)["dataset"]["rows"] == 100


def test_both_engines_type_late_surprises_in_csv(tmp_path: Path) -> None:
    rows = 30_000
    lines = ["n,code,when"] + [f"{i},{i % 9},2024-01-{1 + i % 28:02d}" for i in range(rows)]
    lines.append("2.5,x9,2024-02-30")  # a decimal, a word and an impossible date, at the very end
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    profiles = [profile_of(path, engine=e, chunk_rows=4000) for e in ("memory", "streaming")]
    for profile in profiles:
        assert column(profile, "n")["dtype"] == "Float64"
        assert column(profile, "n")["max"] == rows - 1
        assert column(profile, "code")["kind"] == "categorical"
        assert column(profile, "code")["distinct"] == 10
        assert column(profile, "when")["dtype"] == "String"
        assert column(profile, "when")["count"] == rows + 1
    assert_close(_comparable(profiles[0]), _comparable(profiles[1]))


def test_merge_of_exact_and_sketched_parts_keeps_quantiles_within_bounds() -> None:
    rng = np.random.default_rng(8)
    low = pl.DataFrame({"x": rng.integers(0, 30, 40_000).astype(float)})  # few distinct: exact
    high = pl.DataFrame({"x": rng.normal(15, 5, 60_000)})  # many distinct: sketched
    for first, second in ((low, high), (high, low)):
        a, b = _partial(first, limit=100), _partial(second, limit=100)
        assert a.columns["x"].values.exact != b.columns["x"].values.exact
        merged = a.merge(PartialProfile.from_state(b.to_state()))
        profile = build_profile(
            merged,
            ProfileConfig(),
            source={"path": None, "format": "x", "size_bytes": 0},
            engine="merged",
        )
        x = column(profile, "x")
        assert not x["quantiles_exact"]
        everything = np.sort(np.concatenate([first["x"].to_numpy(), second["x"].to_numpy()]))
        for q, value in x["quantiles"].items():
            lo = np.searchsorted(everything, value, side="left") / everything.size
            hi = np.searchsorted(everything, value, side="right") / everything.size
            assert lo - 0.01 <= float(q) <= hi + 0.01
        assert sum(x["histogram"]["counts"]) == everything.size


def test_nullity_correlation_of_many_rows_does_not_overflow() -> None:
    # The co-missing products exceed 64-bit integers at millions of rows.
    partial = _partial(pl.DataFrame({"a": [None, 1.0, None, 2.0], "b": [None, 1.0, 3.0, None]}))
    partial.rows = 12_000_000
    partial.co_missing = np.array([[6_000_000, 3_000_000], [3_000_000, 6_000_000]], dtype=np.int64)
    profile = build_profile(
        partial,
        ProfileConfig(),
        source={"path": None, "format": "x", "size_bytes": 0},
        engine="memory",
    )
    assert profile["missing"]["nullity_correlation"]["matrix"][0][1] == pytest.approx(0.0)


def test_wide_integers_and_decimals(tmp_path: Path) -> None:
    from decimal import Decimal

    big = 2**64 - 5
    frame = pl.DataFrame(
        {
            "u": pl.Series([big, big - 1, 7, big], dtype=pl.UInt64),
            "d": pl.Series(
                [Decimal("1.10"), Decimal("2.25"), None, Decimal("1.10")], dtype=pl.Decimal(10, 2)
            ),
        }
    )
    path = tmp_path / "w.parquet"
    frame.write_parquet(path)
    for limit in (65_536, 2):  # exact counts, and sketches
        profile = profile_of(path, exact_distinct_limit=limit)
        u, d = column(profile, "u"), column(profile, "d")
        assert u["max"] == big and u["min"] == 7
        assert u["distinct"] == 3
        assert d["mean"] == pytest.approx((1.10 + 2.25 + 1.10) / 3)
        assert d["distinct"] == 2
    assert column(profile_of(path), "u")["top_values"][0] == {"value": str(big), "count": 2}


def test_auto_engine_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.profiling import engine

    path = tmp_path / "s.csv"
    path.write_text("a\n1\n")
    with open_table(path) as table:
        assert engine.choose_engine(table, ProfileConfig()) == "memory"
        monkeypatch.setattr(engine, "available_memory", lambda: 10)
        assert engine.choose_engine(table, ProfileConfig()) == "streaming"
        assert engine.choose_engine(table, ProfileConfig(engine="memory")) == "memory"
        monkeypatch.setattr(table.source, "size", 2 * engine.AUTO_MEMORY_MAX_BYTES)
        monkeypatch.setattr(engine, "available_memory", lambda: 1 << 50)
        assert engine.choose_engine(table, ProfileConfig()) == "streaming"


def test_available_memory_respects_ulimit() -> None:
    import subprocess
    import sys

    code = (
        "import resource; from core.read.memory import available_memory; "
        "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, resource.RLIM_INFINITY)); "
        "print(available_memory())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 0 < int(out.stdout) < 3 << 30


def test_cgroup_limits_are_found_for_this_process() -> None:
    from core.read.memory import _cgroup_limit_files

    v1 = "9:name=systemd:/\n4:memory:/jobs/job-7\n3:cpu,cpuacct:/jobs/job-7\n"
    assert _cgroup_limit_files(v1) == [
        Path("/sys/fs/cgroup/memory/jobs/job-7/memory.limit_in_bytes")
    ]
    assert _cgroup_limit_files("0::/user.slice/app.scope\n") == [
        Path("/sys/fs/cgroup/user.slice/app.scope/memory.max")
    ]
    assert _cgroup_limit_files("garbage\n") == []


def test_same_json_when_sketches_are_used(parquet: Path) -> None:
    # A low exact limit puts every diverse column on HyperLogLog, frequent items and
    # t-digest, whose results must not depend on the order Polars hands values over.
    for engine in ("memory", "streaming"):
        runs = {
            dumps(profile_of(parquet, engine=engine, chunk_rows=1500, exact_distinct_limit=50))
            for _ in range(3)
        }
        assert len(runs) == 1, engine


def test_cramers_v_does_not_depend_on_column_names() -> None:
    """Columns called like the helper columns of the contingency table ("len", "r", "c")."""
    from core.profiling.correlations import cramers_v

    renamed = {"len": "one", "c": "two", "r": "three"}
    named = pl.DataFrame(
        {
            "len": ["a", "b", "a", "a", "b", "b", "a"],
            "c": ["x", "y", "x", "y", "y", "y", "x"],
            "r": ["p", "q", "q", "p", "p", "q", "p"],
        }
    )
    plain = named.rename(renamed)
    for a, b in itertools.combinations(renamed, 2):
        expected = cramers_v(plain, renamed[a], renamed[b])
        assert expected is not None and cramers_v(named, a, b) == expected


@pytest.mark.parametrize(
    ("limit_name", "usage_name", "idle_key"),
    [
        ("memory.max", "memory.current", "inactive_file"),
        ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
    ],
)
def test_a_cgroups_headroom_is_its_limit_less_what_it_holds(
    tmp_path: Path, limit_name: str, usage_name: str, idle_key: str
) -> None:
    from core.read.memory import _cgroup_in_use

    limit = tmp_path / limit_name
    limit.write_text(str(1 << 30))
    assert _cgroup_in_use(limit) == 0  # nothing known: nothing taken away
    (tmp_path / usage_name).write_text(str(700 << 20))
    (tmp_path / "memory.stat").write_text(f"cache 1\n{idle_key} {200 << 20}\nactive_file 5\n")
    assert _cgroup_in_use(limit) == 500 << 20  # idle file cache is given back first
    (tmp_path / "memory.stat").write_text(f"{idle_key} {900 << 20}\n")
    assert _cgroup_in_use(limit) == 0
