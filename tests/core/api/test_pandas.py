"""pandas data: each extension dtype profiled as what it means, checked with pandas' figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import loupe


@pytest.fixture(scope="module")
def frame(january_parquet: Path) -> pd.DataFrame:
    """January's flights in pandas, a column of each extension dtype built from them."""
    flights = pl.read_parquet(january_parquet).to_pandas()
    delay = flights["dep_delay"].astype("Int64")
    return pd.DataFrame(
        {
            "delay": delay,
            "air_time": flights["air_time"].astype("Float64"),
            "late": (delay > 15).astype("boolean"),
            "carrier": flights["carrier"].astype("string[pyarrow]"),
            "tailnum": flights["tailnum"].astype("string[python]"),
            "origin": flights["origin"].astype("category"),
            "departure": flights["time_hour"].dt.tz_convert("America/New_York"),
            "airborne": pd.to_timedelta(flights["air_time"], unit="min"),
            "day": flights["time_hour"].dt.tz_localize(None).dt.to_period("D"),
            "distance_band": pd.cut(flights["distance"], bins=[0, 500, 1000, 5000]),
            "mixed": pd.Series(
                [1, "two", 3.5, None, b"x"] * (len(flights) // 5) + [None] * (len(flights) % 5),
                dtype=object,
            ),
            "nothing": pd.Series([None] * len(flights), dtype=object),
        }
    )


@pytest.fixture(scope="module")
def profile(frame: pd.DataFrame) -> loupe.Profile:
    return loupe.profile(frame, progress=False)


def test_nullable_numbers_and_booleans(frame: pd.DataFrame, profile: loupe.Profile) -> None:
    delay = profile.columns["delay"]
    assert (delay.kind, delay.dtype) == ("numeric", "Int64")
    assert delay.missing == frame["delay"].isna().sum() > 0
    assert delay.count == frame["delay"].count()
    assert delay.mean == pytest.approx(frame["delay"].mean())
    assert delay.std == pytest.approx(frame["delay"].std())
    assert (delay.min, delay.max) == (frame["delay"].min(), frame["delay"].max())
    air = profile.columns["air_time"]
    assert air.kind == "numeric" and air.missing == frame["air_time"].isna().sum()
    assert air.mean == pytest.approx(frame["air_time"].mean())
    late = profile.columns["late"]
    assert late.kind == "boolean"
    assert late.trues == frame["late"].sum() and late.missing == frame["late"].isna().sum()


def test_strings_and_categories(frame: pd.DataFrame, profile: loupe.Profile) -> None:
    for name in ("carrier", "tailnum", "origin"):
        column = profile.columns[name]
        assert column.missing == frame[name].isna().sum()
        assert column.distinct == frame[name].nunique()
        counts = frame[name].value_counts()
        assert column.top_values[0].value == counts.index[0]
        assert column.top_values[0].count == counts.iloc[0]
    assert profile.columns["carrier"].kind == "categorical"
    assert profile.columns["tailnum"].kind == "text"  # 3,000 distinct plates
    assert profile.columns["origin"].kind == "categorical"
    assert profile.columns["origin"].dtype.startswith("Categorical")


def test_times_durations_and_periods(frame: pd.DataFrame, profile: loupe.Profile) -> None:
    departure = profile.columns["departure"]
    assert departure.kind == "datetime" and departure.time_zone == "America/New_York"
    first = frame["departure"].min()
    assert departure.min == first.isoformat()  # in its zone: 2013-01-01T05:00:00-05:00
    airborne = profile.columns["airborne"]
    assert airborne.kind == "duration"
    assert airborne.mean == pytest.approx(frame["airborne"].mean().total_seconds())
    assert airborne.missing == frame["airborne"].isna().sum()
    # Periods are profiled by their start: a datetime of each day.
    day = profile.columns["day"]
    assert day.kind == "datetime" and day.distinct == frame["day"].nunique()
    assert day.min.startswith(frame["day"].min().start_time.isoformat())
    assert day.max.startswith(frame["day"].max().start_time.isoformat())


def test_intervals_mixed_objects_and_nothing(frame: pd.DataFrame, profile: loupe.Profile) -> None:
    band = profile.columns["distance_band"]
    assert band.kind == "categorical" and band.dtype == "Categorical"
    counts = frame["distance_band"].astype(str).value_counts()
    assert band.top_values[0] == loupe.TopValue(counts.index[0], counts.iloc[0])
    assert band.top_values[0].value == "(1000, 5000]"
    plain = pd.DataFrame({"iv": pd.interval_range(0, 3)})
    intervals = loupe.profile(plain, progress=False).columns["iv"]
    assert intervals.dtype == "String"
    assert sorted(t.value for t in intervals.top_values) == ["(0, 1]", "(1, 2]", "(2, 3]"]
    mixed = profile.columns["mixed"]
    assert mixed.kind == "categorical" and mixed.dtype == "String"
    assert {t.value for t in mixed.top_values} == {"1", "two", "3.5", "b'x'"}
    assert mixed.missing == frame["mixed"].isna().sum()
    nothing = profile.columns["nothing"]
    assert nothing.kind == "empty" and nothing.missing == len(frame) and nothing.mean is None


def test_the_index_is_profiled_unless_plain() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0]})
    assert list(loupe.profile(frame, progress=False).columns) == ["x"]
    named = frame.set_axis(pd.Index(["a", "b", "c", "d"], name="key"))
    assert list(loupe.profile(named, progress=False).columns) == ["key", "x"]
    assert list(loupe.profile(named, index=False, progress=False).columns) == ["x"]
    multi = frame.set_axis(pd.MultiIndex.from_tuples([(1, "a"), (1, "b"), (2, "a"), (2, "b")]))
    both = loupe.profile(multi, progress=False).columns
    assert list(both) == ["level_0", "level_1", "x"]
    assert both["level_0"].distinct == 2 and both["x"].missing == 1
    clash = frame.set_axis(pd.Index([1, 2, 3, 4], name="x"))
    with pytest.raises(loupe.OptionError, match="two columns named 'x'"):
        loupe.profile(clash, progress=False)
    series = pd.Series([1, 2, None], name="s", dtype="Int64")
    assert loupe.profile(series, progress=False).columns["s"].missing == 1


def test_same_figures_as_the_cli_on_its_parquet_file(tmp_path: Path) -> None:
    from tests.core.api.conftest import cli_profile

    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3, 4, 4], dtype="Int64"),
            "s": pd.array(["a", "b", None, "a", "a"], dtype="string[pyarrow]"),
            "t": pd.to_datetime(["2024-01-01", None, "2024-03-01", "2024-01-01", "2024-05-01"]),
            "f": pd.array([0.5, 1.5, None, 2.5, 0.0], dtype="Float64"),
            "b": pd.array([True, False, None, True, True], dtype="boolean"),
            "c": pd.Categorical(["x", "y", "x", None, "x"]),
            "z": pd.to_datetime(
                [
                    "2024-01-01 10:00",
                    None,
                    "2024-03-01 00:00",
                    "2024-01-01 00:00",
                    "2024-05-01 09:30",
                ]
            ).tz_localize("Europe/Paris"),
            "u": pd.array(["é", "b", "c", "d", None], dtype="string[python]"),
        }
    )
    path = tmp_path / "frame.parquet"
    frame.to_parquet(path, index=False)
    expected = cli_profile(path, tmp_path / "frame.json")
    found = loupe.profile(frame, progress=False).to_dict()
    assert found["columns"] == expected["columns"]
    assert found["dataset"] == expected["dataset"]


def test_complex_numbers_are_text_and_a_chunked_array_is_one_column(frame: pd.DataFrame) -> None:
    import pyarrow as pa

    # Complex numbers, which Arrow has no type for, made of the flights' delays.
    delays = frame["delay"].dropna().astype(float).head(1000).to_numpy()
    signal = pd.DataFrame({"z": delays + 1j * delays[::-1]})
    column = loupe.profile(signal, progress=False).columns["z"]
    assert column.dtype == "String" and column.count == 1000
    counts = signal["z"].astype(str).value_counts()
    top = column.top_values[0]
    assert top.count == counts.iloc[0] and top.value in counts[counts == top.count].index
    carriers = pa.chunked_array(
        [frame["carrier"].astype(str).iloc[:10_000], frame["carrier"].astype(str).iloc[10_000:]]
    )
    chunked = loupe.profile(carriers, progress=False)
    assert list(chunked.columns) == ["values"] and chunked.rows == len(frame)
    assert chunked.columns["values"].distinct == frame["carrier"].nunique()


def test_rows_without_columns_are_refused_with_their_count(frame: pd.DataFrame) -> None:
    import pyarrow as pa

    rows = len(frame)
    no_columns = frame.drop(columns=list(frame.columns))
    assert no_columns.shape == (rows, 0)
    with pytest.raises(loupe.OptionError, match=rf"{rows:,} rows but no columns to profile"):
        loupe.profile(no_columns, progress=False)
    table = pa.Table.from_pandas(frame[["delay"]], preserve_index=False).drop_columns(["delay"])
    with pytest.raises(loupe.OptionError, match=rf"{rows:,} rows but no columns"):
        loupe.profile(table, progress=False)
    # The index, when profiled, is a column: its rows are counted.
    assert loupe.profile(no_columns, index=True, progress=False).rows == rows
    # No rows and no columns: an empty profile, as before.
    assert loupe.profile(pd.DataFrame(), progress=False).rows == 0
