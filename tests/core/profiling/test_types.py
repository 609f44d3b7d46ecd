"""Every type a file can hold profiles, in both engines, merged, in the report and the preview.

Expected figures come from pyarrow, the standard library or Polars directly, never
from Loupe's own code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
import zoneinfo
from decimal import Context, Decimal, localcontext
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_table
from core.errors import LoupeError
from core.present.report import render_report
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import SCHEMA_PATH, dumps, merge_profiles

SCHEMA = json.loads(SCHEMA_PATH.read_text())
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def profile_of(path: Path, **config: Any) -> dict[str, Any]:
    with open_table(path) as table:
        return profile_table(table, ProfileConfig(**config)).profile


def column(profile: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in profile["columns"] if c["name"] == name)


DECIMALS = [
    Decimal("1.10"),
    Decimal("2.25"),
    None,
    Decimal("-3.00"),
    Decimal("10.01"),
    Decimal("0.00"),
]
LISTS = [[1, 2], [], None, [3], [4, 5, 6], [None]]
DURATIONS = [1_000_000, 2_000_000, None, 5, 60_000_000, 86_400_000_000 * 2]
TIMES = [dt.time(1, 2, 3), dt.time(23, 59), None, dt.time(0), dt.time(12), dt.time(6, 30)]
INSTANTS = [dt.datetime(2020, 1, 1, h, tzinfo=dt.UTC) for h in range(6)]
BLOBS = [b"\x00\xff", b"abc", None, b"", b"\x80", b"zz"]
MAPS = [[("a", 1)], [], None, [("b", 2), ("c", 3)], [("a", 4)], [("d", 5)]]
STRUCTS = [
    {"x": 1, "y": {"z": "a"}},
    {"x": 2, "y": None},
    None,
    {"x": None, "y": {"z": "c"}},
    {"x": 5, "y": {"z": "d"}},
    {"x": 6, "y": {"z": "e"}},
]
WIDE = [2**64 - 1, 0, None, 2**63, 1, 5]


def all_types() -> pa.Table:
    """One column of each type that Parquet files exported by databases, Spark and pandas hold."""
    return pa.table(
        {
            "dec": pa.array(DECIMALS, pa.decimal128(10, 2)),
            "lst": pa.array(LISTS, pa.list_(pa.int64())),
            "dur": pa.array(DURATIONS, pa.duration("us")),
            "tm": pa.array(TIMES, pa.time64("us")),
            "paris": pa.array(INSTANTS, pa.timestamp("us", tz="Europe/Paris")),
            "bin": pa.array(BLOBS, pa.binary()),
            "fixed": pa.array([b"ab", b"cd", None, b"ef", b"gh", b"ij"], pa.binary(2)),
            "mp": pa.array(MAPS, pa.map_(pa.string(), pa.int32())),
            "st": pa.array(
                STRUCTS,
                pa.struct([("x", pa.int64()), ("y", pa.struct([("z", pa.string())]))]),
            ),
            "u64": pa.array(WIDE, pa.uint64()),
            "f32": pa.array([1.5, None, 2.0, float("nan"), float("inf"), -1.0], pa.float32()),
            "nothing": pa.array([None] * 6, pa.null()),
            "cat": pa.array(["a", "b", None, "a", "c", "a"]).dictionary_encode(),
            "far": pa.array(
                [1_608_000_000_000_000, 0, 1, None, 2, 3], pa.timestamp("ms")
            ),  # year 52925
            "ns": pa.array([1, 2, 3, 4, 5, None], pa.timestamp("ns")),
            "day": pa.array([dt.date(1, 1, 1), dt.date(9999, 12, 31), None] * 2, pa.date32()),
        }
    )


@pytest.fixture(scope="module")
def types_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("types") / "types.parquet"
    pq.write_table(all_types(), path, row_group_size=3)
    return path


@pytest.fixture(scope="module", params=["memory", "streaming"])
def types_profile(request: pytest.FixtureRequest, types_parquet: Path) -> dict[str, Any]:
    return profile_of(types_parquet, engine=request.param, chunk_rows=2)


def test_profile_of_every_type_validates(types_profile: dict[str, Any]) -> None:
    jsonschema.validate(json.loads(dumps(types_profile)), SCHEMA)
    kinds = {c["name"]: c["kind"] for c in types_profile["columns"]}
    assert kinds == {
        "dec": "numeric",
        "lst": "list",
        "dur": "duration",
        "tm": "time",
        "paris": "datetime",
        "bin": "binary",
        "fixed": "binary",
        "mp": "list",
        "st.x": "numeric",
        "st.y.z": "categorical",
        "u64": "numeric",
        "f32": "numeric",
        "nothing": "empty",
        "cat": "categorical",
        "far": "datetime",
        "ns": "datetime",
        "day": "datetime",
    }


def test_decimals_are_exact(types_profile: dict[str, Any]) -> None:
    dec = column(types_profile, "dec")
    present = [d for d in DECIMALS if d is not None]
    assert dec["exact"] == {
        "min": str(min(present)),
        "max": str(max(present)),
        "sum": str(sum(present)),
    }
    assert dec["mean"] == pytest.approx(float(sum(present)) / len(present))
    assert dec["missing"] == 1 and dec["zeros"] == 1 and dec["negatives"] == 1


def test_durations_in_seconds(types_profile: dict[str, Any]) -> None:
    dur = column(types_profile, "dur")
    seconds = [d / 1e6 for d in DURATIONS if d is not None]
    assert dur["unit"] == "seconds"
    assert dur["min"] == min(seconds) and dur["max"] == max(seconds)
    assert dur["mean"] == pytest.approx(statistics.fmean(seconds))
    assert dur["std"] == pytest.approx(statistics.stdev(seconds))
    assert dur["sum"] == pytest.approx(sum(seconds))


def test_times_of_day(types_profile: dict[str, Any]) -> None:
    tm = column(types_profile, "tm")
    present = [t for t in TIMES if t is not None]
    assert tm["min"] == min(present).isoformat() and tm["max"] == max(present).isoformat()


def test_zoned_datetimes_keep_their_zone(types_profile: dict[str, Any]) -> None:
    paris = column(types_profile, "paris")
    assert paris["time_zone"] == "Europe/Paris"
    assert paris["min"] == min(INSTANTS).astimezone(PARIS).isoformat()
    assert paris["max"] == max(INSTANTS).astimezone(PARIS).isoformat()
    assert paris["range_seconds"] == (max(INSTANTS) - min(INSTANTS)).total_seconds()


def test_datetimes_beyond_python_and_in_nanoseconds(types_profile: dict[str, Any]) -> None:
    far = column(types_profile, "far")
    assert far["max"].startswith("+52925-") and far["min"] == "1970-01-01T00:00:00"
    assert column(types_profile, "ns")["count"] == 5
    day = column(types_profile, "day")
    assert (day["min"], day["max"]) == ("0001-01-01", "9999-12-31")


def test_binary_sizes(types_profile: dict[str, Any]) -> None:
    blob = column(types_profile, "bin")
    sizes = [len(b) for b in BLOBS if b is not None]
    assert blob["length"]["min"] == min(sizes) and blob["length"]["max"] == max(sizes)
    assert blob["length"]["mean"] == pytest.approx(statistics.fmean(sizes))
    assert blob["empty"] == sizes.count(0)
    assert blob["distinct"] == len(sizes)  # the empty value counts too
    assert {v["value"] for v in blob["top_values"]} == {b.hex() for b in BLOBS if b is not None}
    assert column(types_profile, "fixed")["length"]["mean"] == 2


def test_lists_lengths_empties_and_elements(types_profile: dict[str, Any]) -> None:
    lst = column(types_profile, "lst")
    lengths = [len(v) for v in LISTS if v is not None]
    assert lst["missing"] == 1 and lst["empty"] == lengths.count(0)
    assert (lst["length"]["min"], lst["length"]["max"]) == (min(lengths), max(lengths))
    assert lst["length"]["histogram"]["counts"] == [lengths.count(n) for n in range(4)]
    (elements,) = lst["elements"]
    values = [x for v in LISTS if v for x in v]
    assert elements["name"] == "lst[]" and elements["kind"] == "numeric"
    assert elements["count"] == len([x for x in values if x is not None])
    assert elements["missing"] == values.count(None)
    assert elements["sum"] == sum(x for x in values if x is not None)
    mp = column(types_profile, "mp")
    keys, counts = mp["elements"]
    assert keys["name"] == "mp[].key" and counts["name"] == "mp[].value"
    assert keys["top_values"][0] == {"value": "a", "count": 2}
    assert counts["sum"] == sum(v for m in MAPS if m for _, v in m)


def test_struct_fields_are_columns(types_profile: dict[str, Any]) -> None:
    x, z = column(types_profile, "st.x"), column(types_profile, "st.y.z")
    xs = [s["x"] if s else None for s in STRUCTS]
    zs = [s["y"]["z"] if s and s["y"] else None for s in STRUCTS]
    assert x["missing"] == xs.count(None) and x["sum"] == sum(v for v in xs if v is not None)
    assert z["missing"] == zs.count(None)
    assert types_profile["samples"]["head"]["columns"][8:10] == ["st.x", "st.y.z"]


def test_wide_integers_exactly(types_profile: dict[str, Any]) -> None:
    u64 = column(types_profile, "u64")
    present = [v for v in WIDE if v is not None]
    assert u64["exact"] == {"min": "0", "max": str(2**64 - 1), "sum": str(sum(present))}


def test_null_column_is_empty_and_alerted(types_profile: dict[str, Any]) -> None:
    nothing = column(types_profile, "nothing")
    assert nothing["count"] == 0 and nothing["missing"] == 6
    alerts = [a for a in types_profile["alerts"] if a["columns"] == ["nothing"]]
    assert [(a["kind"], a["severity"]) for a in alerts] == [("all_missing", "critical")]


def test_merge_of_halves_equals_whole(types_parquet: Path, tmp_path: Path) -> None:
    table = pq.read_table(types_parquet)
    halves = []
    for i, part in enumerate((table.slice(0, 3), table.slice(3))):
        path = tmp_path / f"part{i}.parquet"
        pq.write_table(part, path)
        halves.append(profile_of(path))
    merged = merge_profiles(halves, ProfileConfig())
    whole = profile_of(types_parquet)
    jsonschema.validate(json.loads(dumps(merged)), SCHEMA)
    for a, b in zip(merged["columns"], whole["columns"], strict=True):
        for key in ("name", "kind", "count", "missing", "distinct", "min", "max", "exact"):
            assert a.get(key) == b.get(key), (a["name"], key)
        if "length" in a:
            mean = a["length"].pop("mean")
            assert mean == pytest.approx(b["length"].pop("mean"))
            assert a["length"] == b["length"], a["name"]


def test_report_and_preview_of_every_type(
    types_parquet: Path, types_profile: dict[str, Any]
) -> None:
    html = render_report(types_profile)
    assert "Europe/Paris" in html and "mp[].key" in html
    with open_table(types_parquet) as table:
        preview = table.preview(10)
    assert preview.frame.height == 6


def test_a_file_polars_cannot_profile_column_by_column_still_profiles(tmp_path: Path) -> None:
    frame = pl.DataFrame({"obj": pl.Series([object(), None], dtype=pl.Object), "n": [1, 2]})
    profile = profile_of_frame(frame)
    obj = column(profile, "obj")
    assert obj["kind"] == "unsupported" and "Python objects" in obj["reason"]
    assert column(profile, "n")["sum"] == 3
    assert any(a["kind"] == "unsupported" for a in profile["alerts"])


def profile_of_frame(frame: pl.DataFrame) -> dict[str, Any]:
    from core.profiling.partial import PartialProfile
    from core.profiling.profile import build_profile

    partial = PartialProfile(frame.schema, exact_distinct_limit=100, sample_rows=100)
    partial.update(frame)
    return build_profile(
        partial,
        ProfileConfig(),
        source={"path": None, "format": "frame", "size_bytes": 0},
        engine="memory",
    )


# -- time zones in text files ------------------------------------------------------


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        (["2013-01-01T10:00:00Z", "2013-01-01T11:00:00Z"], None),
        (["2013-01-01T10:00:00+02:00", "2013-01-01T11:00:00-05:00"], None),
        (["2013-01-01 10:00:00+02:00", "2013-01-01 11:30:00+0200"], None),
        (["2013-01-01T10:00:00.250Z", "2013-06-01T11:00:00Z"], None),
        (["2013-01-01T10:00:00Z", "2013-01-01T11:00:00+02:00"], None),
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".ndjson"])
@pytest.mark.parametrize("engine", ["memory", "streaming"])
def test_zoned_timestamps_in_text_files(
    tmp_path: Path, stamps: list[str], expected: None, suffix: str, engine: str
) -> None:
    path = tmp_path / f"z{suffix}"
    if suffix == ".csv":
        path.write_text("a,t\n" + "".join(f"{i},{s}\n" for i, s in enumerate(stamps)))
    else:
        path.write_text("".join(json.dumps({"a": i, "t": s}) + "\n" for i, s in enumerate(stamps)))
    t = column(profile_of(path, engine=engine), "t")
    instants = [dt.datetime.fromisoformat(s.replace("+0200", "+02:00")) for s in stamps]
    assert t["kind"] == "datetime" and t["time_zone"] == "UTC"
    assert dt.datetime.fromisoformat(t["min"]) == min(instants)
    assert dt.datetime.fromisoformat(t["max"]) == max(instants)
    assert t["min"].endswith("+00:00")


# -- missing-value alerts ----------------------------------------------------------


def test_missing_alerts_have_tiers(tmp_path: Path) -> None:
    rows = 200
    frame = pl.DataFrame(
        {
            "few": [None if i < 5 else i for i in range(rows)],  # 2.5%
            "tiny": [None if i < 1 else i for i in range(rows)],  # 0.5%
            "many": [None if i < 60 else i for i in range(rows)],  # 30%
            "most": [None if i < 150 else i for i in range(rows)],  # 75%
            "none": pl.Series([None] * rows, dtype=pl.Int64),
        }
    )
    path = tmp_path / "m.parquet"
    frame.write_parquet(path)
    profile = profile_of(path)
    found = {
        a["columns"][0]: (a["kind"], a["severity"])
        for a in profile["alerts"]
        if "missing" in a["kind"]
    }
    assert found == {
        "few": ("missing", "info"),
        "many": ("high_missing", "warning"),
        "most": ("high_missing", "critical"),
        "none": ("all_missing", "critical"),
    }
    from core.profiling.config import Thresholds

    anything = profile_of(path, thresholds=Thresholds(missing=0.0))
    assert any(a["columns"] == ["tiny"] and a["kind"] == "missing" for a in anything["alerts"])


# -- property: any frame of any type --------------------------------------------------

_SCALARS = {
    "i8": (st.integers(-128, 127), pl.Int8),
    "u64": (st.integers(0, 2**64 - 1), pl.UInt64),
    "f64": (st.floats(allow_nan=True, allow_infinity=True), pl.Float64),
    "f32": (st.floats(width=32, allow_nan=True, allow_infinity=True), pl.Float32),
    "s": (st.text(max_size=5), pl.String),
    "b": (st.booleans(), pl.Boolean),
    "d": (st.dates(), pl.Date),
    "t": (st.datetimes(timezones=st.just(dt.UTC)), pl.Datetime("us", "UTC")),
    "tm": (st.times(), pl.Time),
    "dur": (
        st.timedeltas(min_value=dt.timedelta(days=-999), max_value=dt.timedelta(days=999)),
        pl.Duration("us"),
    ),
    "dec": (
        st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
        pl.Decimal(12, 2),
    ),
    "bin": (st.binary(max_size=4), pl.Binary),
    "lst": (st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=3), pl.List(pl.Int64)),
    "st": (
        st.fixed_dictionaries(
            {
                "a": st.one_of(st.none(), st.integers(0, 9)),
                "b": st.one_of(st.none(), st.text(max_size=2)),
            }
        ),
        pl.Struct({"a": pl.Int64, "b": pl.String}),
    ),
}


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    names = draw(st.lists(st.sampled_from(sorted(_SCALARS)), min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(0, 12))
    columns = {}
    for name in names:
        strategy, dtype = _SCALARS[name]
        values = draw(st.lists(st.one_of(st.none(), strategy), min_size=rows, max_size=rows))
        columns[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(columns)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frame=frames())
def test_any_frame_profiles_and_agrees_with_polars(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "any.parquet"
    frame.write_parquet(path)
    flat = frame.select(
        pl.col(n).struct.unnest().name.prefix(f"{n}.") if isinstance(t, pl.Struct) else pl.col(n)
        for n, t in frame.schema.items()
    )
    profiles = [profile_of(path, engine=e, chunk_rows=5) for e in ("memory", "streaming")]
    if frame.height >= 2:
        halves = []
        for i, part in enumerate(
            (frame.head(frame.height // 2), frame.tail(frame.height - frame.height // 2))
        ):
            part_path = tmp_path / f"half{i}.parquet"
            part.write_parquet(part_path)
            halves.append(profile_of(part_path))
        profiles.append(merge_profiles(halves, ProfileConfig()))
    for profile in profiles:
        jsonschema.validate(json.loads(dumps(profile)), SCHEMA)
        render_report(profile)
        assert profile["dataset"]["rows"] == frame.height
        for name, series in flat.to_dict().items():
            entry = column(profile, name)
            missing = series.null_count() + (
                int(series.is_nan().sum()) if series.dtype.is_float() else 0
            )
            assert entry["missing"] == missing, name
            assert entry["count"] == frame.height - missing, name
            if series.dtype.is_integer() and entry["count"]:
                # Python's sum: Polars' own wraps around past 2^64.
                exact = sum(v for v in series.to_list() if v is not None)
                assert int(entry.get("exact", {}).get("sum", entry["sum"])) == exact, name
    for suffix, write in ((".ndjson", "write_ndjson"), (".csv", "write_csv")):
        # CSV holds no nested values, and bytes only as text.
        text_frame = (
            frame
            if suffix == ".ndjson"
            else flat.select(
                pl.col(n).bin.encode("hex") if t == pl.Binary else pl.col(n)
                for n, t in flat.schema.items()
                if not t.is_nested()
            )
        )
        if suffix == ".ndjson" and any(t == pl.Binary for t in frame.schema.values()):
            continue  # NDJSON has no bytes
        text_path = tmp_path / f"any{suffix}"
        try:
            getattr(text_frame, write)(text_path)
        except pl.exceptions.PolarsError:
            continue  # a type this writer cannot write
        if text_path.stat().st_size == 0:
            continue
        try:
            with open_table(text_path) as table:
                table.preview(5)
                result = profile_table(table, ProfileConfig())
        except LoupeError as exc:
            # Control characters and the like may make text unreadable as a table: then
            # one line naming the file, never anything else.
            assert str(text_path) in str(exc) and "\n" not in str(exc)
            continue
        assert result.profile["dataset"]["rows"] == frame.height or frame.height == 0
        assert not math.isnan(result.profile["dataset"]["missing_cells_fraction"])


def test_a_valid_parquet_file_polars_refuses_is_read_by_pyarrow(tmp_path: Path) -> None:
    wide = [Decimal("1" * 50), None, Decimal("-2" + "0" * 45)]
    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({"wide": pa.array(wide, pa.decimal256(60, 0)), "n": [1, 2, 3]}), path)
    with pytest.raises(pl.exceptions.PolarsError):
        pl.read_parquet(path)  # the reason for the fallback; if this reads, drop it
    with open_table(path) as table:
        result = profile_table(table, ProfileConfig())
        warnings = table.info.warnings
    column_ = column(result.profile, "wide")
    assert column_["missing"] == 1 and column_["max"] == pytest.approx(float(wide[0]))
    assert column(result.profile, "n")["sum"] == 6
    assert warnings == [
        "column 'wide': decimal256(60, 0) has no Polars type; read as floating-point numbers"
    ]


def test_extension_types_profile_as_their_storage(tmp_path: Path) -> None:
    path = tmp_path / "ext.parquet"
    uuids = [b"0123456789abcdef", None, b"fedcba9876543210"]
    table = pa.table(
        {
            "id": pa.array(uuids, pa.uuid()),
            "doc": pa.array(['{"a":1}', None, '{"a":1}'], pa.json_()),
            "flag": pa.array([1, 0, 1], pa.int8()).cast(pa.bool8()),
        }
    )
    pq.write_table(table, path)
    profile = profile_of(path)
    assert column(profile, "id")["kind"] == "binary"
    assert column(profile, "id")["distinct"] == 2
    assert column(profile, "doc")["top_values"] == [{"value": '{"a":1}', "count": 2}]
    assert column(profile, "flag")["sum"] == 2


def test_edge_types_bytes_in_lists_wide_decimals_and_name_clashes(tmp_path: Path) -> None:
    decimals = [Decimal("0.0000001000"), Decimal("1234567890123456789012345678.1234567890"), None]
    frame = pl.DataFrame(
        {
            "blobs": [[b"ab"], [b"c", None], None],
            "d": pl.Series(decimals, dtype=pl.Decimal(38, 10)),
            "a": [{"b": 1}, {"b": 2}, None],
            "a.b": ["x", "y", "z"],
            "u": pl.Series([2**128 - 1, 1, None], dtype=pl.UInt128),
        }
    )
    path = tmp_path / "edge.parquet"
    frame.write_parquet(path)
    with open_table(path) as table:
        assert table.preview(5).frame.height == 3
    present = [d for d in decimals if d is not None]
    with localcontext(Context(prec=80)):  # Python's default 28 digits would round the sum
        total = sum(present)
    for engine in ("memory", "streaming"):
        profile = profile_of(path, engine=engine, chunk_rows=1)
        blobs = column(profile, "blobs")
        assert {v["value"] for v in blobs["top_values"]} == {'["6162"]', '["63",null]'}
        assert column(profile, "d")["exact"] == {
            "min": "0.0000001000",
            "max": str(max(present)),
            "sum": str(total),
        }
        # The real column keeps its name; the struct's field gives way.
        assert column(profile, "a.b")["kind"] == "categorical"
        assert column(profile, "a.b#2")["sum"] == 3
        assert column(profile, "u")["max"] == 2**128 - 1


def test_nanoseconds_are_kept(tmp_path: Path) -> None:
    base = 1_600_000_000_000_000_001
    frame = pl.DataFrame(
        {
            "ts": pl.Series([base + i for i in range(4)]).cast(pl.Datetime("ns", "UTC")),
            "gap": pl.Series([-500, 500, 400, 300], dtype=pl.Duration("ns")),
            "tod": pl.Series([1, 2, 3, 3_600_000_000_000]).cast(pl.Time),
        }
    )
    path = tmp_path / "ns.parquet"
    frame.write_parquet(path)
    for engine in ("memory", "streaming"):
        profile = profile_of(path, engine=engine, chunk_rows=2)
        ts, gap, tod = (column(profile, n) for n in ("ts", "gap", "tod"))
        assert ts["distinct"] == 4
        assert ts["min"] == "2020-09-13T12:26:40.000000001+00:00"
        assert ts["max"] == "2020-09-13T12:26:40.000000004+00:00"
        assert gap["distinct"] == 4 and gap["negatives"] == 1 and gap["zeros"] == 0
        assert gap["min"] == pytest.approx(-5e-7) and gap["max"] == pytest.approx(5e-7)
        assert tod["distinct"] == 4 and tod["min"] == "00:00:00.000000001"


def test_long_lists_and_blobs_are_counted_by_a_bounded_key(tmp_path: Path) -> None:
    embeddings = [[float(i + j) for j in range(300)] for i in range(50)]
    blobs = [bytes([i]) * 400 for i in range(50)]
    frame = pl.DataFrame({"emb": embeddings + embeddings[:5], "blob": blobs + blobs[:5]})
    path = tmp_path / "long.parquet"
    frame.write_parquet(path)
    profile = profile_of(path)
    emb, blob = column(profile, "emb"), column(profile, "blob")
    assert emb["distinct"] == 50 and blob["distinct"] == 50 and emb["distinct_exact"]
    top = emb["top_values"][0]
    assert top["count"] == 2
    # The first 20 elements as JSON, then a mark and a hash of the whole list.
    assert top["value"].startswith("[0.0,1.0,") and "…#" in top["value"]
    assert len(top["value"]) < 200
    assert blob["top_values"][0]["value"].startswith("00" * 32 + "…#")
    assert emb["length"]["min"] == 300 and blob["length"]["max"] == 400
