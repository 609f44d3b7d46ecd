"""The column summaries on their own: moments, the quantile digest and value frequencies.

Figures are checked against DuckDB and NumPy on the bundled sample table, and
merging the summaries of two halves must give the summary of the whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import duckdb
import numpy as np
import polars as pl
import pytest

from core.profiling.sketches import Digest, Moments
from core.profiling.values import Values, decode, encode
from core.samples import SAMPLE_CSV


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE sample AS SELECT amount, customer_zip, city FROM read_csv("
        f"'{SAMPLE_CSV}', nullstr = 'NA', "
        "types = {'amount': 'DOUBLE', 'customer_zip': 'VARCHAR', 'city': 'VARCHAR'})"
    )
    yield con
    con.close()


@pytest.fixture(scope="module")
def amounts(duck: duckdb.DuckDBPyConnection) -> np.ndarray:
    rows = duck.execute("SELECT amount FROM sample WHERE amount IS NOT NULL").fetchall()
    return np.array([r[0] for r in rows], dtype=np.float64)


def moments_of(values: np.ndarray) -> Moments:
    """Moments of one chunk, from its definition (as the profile's query computes them)."""
    if not values.size:
        return Moments()
    mean = float(values.mean())
    d = values - mean
    return Moments(
        n=int(values.size),
        min=float(values.min()),
        max=float(values.max()),
        total=float(values.sum()),
        mean=mean,
        m2=float((d**2).sum()),
        m3=float((d**3).sum()),
        m4=float((d**4).sum()),
    )


# -- moments --------------------------------------------------------------------------


def test_moments_match_duckdb(duck: duckdb.DuckDBPyConnection, amounts: np.ndarray) -> None:
    n, mean, variance, skew, kurt, low, high, total = duck.execute(
        "SELECT count(amount), avg(amount), var_samp(amount), skewness(amount), "
        "kurtosis(amount), min(amount), max(amount), sum(amount) FROM sample"
    ).fetchone()
    m = moments_of(amounts)
    assert m.n == n
    assert (m.min, m.max) == (low, high)
    assert m.total == pytest.approx(total, rel=1e-12)
    assert m.mean == pytest.approx(mean, rel=1e-12)
    assert m.variance() == pytest.approx(variance, rel=1e-10)
    assert m.skewness() == pytest.approx(skew, rel=1e-8)
    assert m.kurtosis() == pytest.approx(kurt, rel=1e-8)


@pytest.mark.parametrize("cut", [1, 2, 700, 1500])
def test_merged_moments_equal_the_whole(amounts: np.ndarray, cut: int) -> None:
    whole = moments_of(amounts)
    merged = moments_of(amounts[:cut]).merge(moments_of(amounts[cut:]))
    assert merged.n == whole.n
    assert (merged.min, merged.max) == (whole.min, whole.max)
    for name in ("total", "mean", "m2", "m3", "m4"):
        assert getattr(merged, name) == pytest.approx(getattr(whole, name), rel=1e-9), name
    assert merged.skewness() == pytest.approx(whole.skewness(), rel=1e-9)
    assert merged.kurtosis() == pytest.approx(whole.kurtosis(), rel=1e-9)


def test_moments_of_too_few_values_have_no_shape() -> None:
    empty = Moments()
    two = moments_of(np.array([1.0, 3.0]))
    assert empty.merge(two) is two and two.merge(empty) is two
    assert two.variance() == 2.0
    assert two.skewness() is None and two.kurtosis() is None
    assert moments_of(np.array([5.0])).variance() is None
    constant = moments_of(np.array([4.0] * 10))
    assert constant.skewness() is None and constant.kurtosis() is None


def test_moments_round_trip_their_state(amounts: np.ndarray) -> None:
    m = moments_of(amounts)
    assert Moments.from_state(m.to_state()) == m


# -- the quantile digest ------------------------------------------------------------


def rank(values: np.ndarray, x: float) -> float:
    """The share of values at or below ``x``."""
    return float(np.searchsorted(np.sort(values), x, side="right")) / values.size


LEVELS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def test_digest_quantiles_match_duckdb_on_the_sample(
    duck: duckdb.DuckDBPyConnection, amounts: np.ndarray
) -> None:
    digest = Digest()
    digest.update(amounts)
    (exact,) = duck.execute(f"SELECT quantile_cont(amount, {LEVELS}) FROM sample").fetchone()
    for q, got, want in zip(LEVELS, digest.quantiles(LEVELS), exact, strict=True):
        # The digest's promise is on ranks: its quantile sits where DuckDB's exact one does.
        assert abs(rank(amounts, got) - rank(amounts, want)) < 0.005, q
        assert abs(rank(amounts, got) - q) < 0.005, q
    assert digest.quantiles([0.5]) == [pytest.approx(exact[3], rel=0.01)]


def test_digest_rank_error_is_small_and_halves_merge() -> None:
    values = np.random.default_rng(11).lognormal(1.0, 1.5, 200_000)
    whole, first, second = Digest(), Digest(), Digest()
    whole.update(values)
    first.update(values[:80_000])
    second.update(values[80_000:])
    merged = first.merge(second)
    for digest in (whole, merged):
        for q, got in zip(LEVELS, digest.quantiles(LEVELS), strict=True):
            assert abs(rank(values, got) - q) < 0.005, q


def test_digest_counts_add_up_and_follow_the_histogram() -> None:
    values = np.random.default_rng(12).normal(10, 2, 50_000)
    digest = Digest()
    digest.update(values)
    edges = list(np.linspace(values.min(), values.max(), 21))
    counts = digest.counts(edges, values.size)
    exact, _ = np.histogram(values, bins=edges)
    assert sum(counts) == values.size
    assert all(c >= 0 for c in counts)
    assert max(abs(a - b) for a, b in zip(counts, exact, strict=True)) < 0.01 * values.size
    assert Digest().counts(edges, 0) == []


def test_digest_round_trips_its_state() -> None:
    values = np.random.default_rng(13).exponential(3.0, 10_000)
    digest = Digest()
    digest.update(values)
    again = Digest.from_state(digest.to_state())
    assert again.quantiles(LEVELS) == digest.quantiles(LEVELS)
    assert Digest().empty and not again.empty


# -- value frequencies --------------------------------------------------------------


def column_of(duck: duckdb.DuckDBPyConnection, name: str) -> pl.Series:
    rows = duck.execute(f"SELECT {name} FROM sample").fetchall()
    return pl.Series(name, [r[0] for r in rows], dtype=pl.String)


def test_exact_counts_match_duckdb(duck: duckdb.DuckDBPyConnection) -> None:
    city = column_of(duck, "city")
    values = Values(10_000, "str")
    values.update(city)
    want = dict(
        duck.execute(
            "SELECT city, count(*) FROM sample WHERE city IS NOT NULL GROUP BY city"
        ).fetchall()
    )
    assert values.exact
    assert values.distinct() == (len(want), True)
    assert values.distinct_bounds() == (len(want), len(want))
    top, error = values.top(3)
    ranked = sorted(want.items(), key=lambda p: (-p[1], p[0]))[:3]
    assert (top, error) == (ranked, 0)


def test_past_the_limit_sketches_stay_within_their_bounds(
    duck: duckdb.DuckDBPyConnection,
) -> None:
    zips = column_of(duck, "customer_zip")
    (distinct,) = duck.execute("SELECT count(DISTINCT customer_zip) FROM sample").fetchone()
    values = Values(100, "str")
    values.update(zips)
    estimate, exact = values.distinct()
    low, high = values.distinct_bounds()
    assert not values.exact and not exact
    assert low <= distinct <= high
    assert abs(estimate - distinct) <= 0.03 * distinct
    truth = dict(
        duck.execute("SELECT customer_zip, count(*) FROM sample GROUP BY customer_zip").fetchall()
    )
    top, bound = values.top(5)
    for value, count in top:
        assert abs(count - truth[value]) <= bound


@pytest.mark.parametrize("limit", [10_000, 100])
def test_merged_halves_equal_the_whole(duck: duckdb.DuckDBPyConnection, limit: int) -> None:
    zips = column_of(duck, "customer_zip")
    whole, first, second = Values(limit, "str"), Values(limit, "str"), Values(limit, "str")
    whole.update(zips)
    first.update(zips.head(1000))
    second.update(zips.slice(1000))
    merged = first.merge(second)
    assert merged.exact == whole.exact
    if whole.exact:
        assert merged.distinct() == whole.distinct()
        assert merged.top(10) == whole.top(10)
    else:
        (distinct,) = duck.execute("SELECT count(DISTINCT customer_zip) FROM sample").fetchone()
        low, high = merged.distinct_bounds()
        assert low <= distinct <= high


@pytest.mark.parametrize("limit", [10_000, 100])
def test_values_round_trip_their_state(duck: duckdb.DuckDBPyConnection, limit: int) -> None:
    zips = column_of(duck, "customer_zip")
    values = Values(limit, "str")
    values.update(zips)
    again = Values.from_state(values.to_state(), limit)
    assert again.exact == values.exact
    assert again.distinct() == values.distinct()
    assert again.top(10) == values.top(10)


def test_values_are_keyed_by_text_that_reads_back() -> None:
    assert encode(pl.Series([True, False])).to_list() == ["true", "false"]
    assert [decode(v, "int") for v in encode(pl.Series([-3, 2**40])).to_list()] == [-3, 2**40]
    assert [decode(v, "float") for v in encode(pl.Series([0.25, -1.5])).to_list()] == [0.25, -1.5]
    # JSON has no infinities: they stay text.
    assert decode("inf", "float") == "inf"
    assert decode("true", "bool") is True
    assert decode("abc", "str") == "abc"
    assert math.isclose(decode("1e-7", "float"), 1e-7)
