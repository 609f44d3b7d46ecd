"""The drift statistics against SciPy's implementations (and PSI against its formula in numpy)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance

from core.compare import CompareConfig, compare_profiles
from core.compare.drift import js_distance, ks_statistic, psi, wasserstein
from core.compare.sides import sample
from core.profiling.partial import PartialProfile
from tests.core.compare.helpers import profile_of


def _psi(a: np.ndarray, b: np.ndarray) -> float:
    """PSI written out: shares, empty buckets at 0.0001, Σ (b − a) ln(b / a)."""
    pa = np.clip(a / a.sum(), 1e-4, None)
    pb = np.clip(b / b.sum(), 1e-4, None)
    return float(((pb - pa) * np.log(pb / pa)).sum())


@pytest.mark.parametrize("seed", range(5))
def test_bucket_statistics_match_scipy_and_the_formula(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 500, size=12).astype(float)
    b = rng.integers(0, 500, size=12).astype(float)
    a[rng.integers(0, 12)] = 0  # an empty bucket
    assert js_distance(a, b) == pytest.approx(jensenshannon(a, b, base=2), abs=1e-12)
    assert psi(a, b) == pytest.approx(_psi(a, b), rel=1e-12)
    assert js_distance(a, a) == 0 and psi(a, a) == 0
    assert js_distance(np.array([1.0, 0]), np.array([0, 1.0])) == 1


@pytest.mark.parametrize("seed", range(5))
def test_weighted_sample_statistics_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xa = np.sort(rng.normal(0, 1, 40).round(1))
    xb = np.sort(rng.normal(0.5, 2, 30).round(1))
    wa = rng.integers(1, 9, size=40).astype(float)
    wb = rng.integers(1, 9, size=30).astype(float)
    expected_w = wasserstein_distance(xa, xb, u_weights=wa, v_weights=wb)
    assert wasserstein(xa, wa, xb, wb) == pytest.approx(expected_w, rel=1e-9)
    expected_ks = ks_2samp(np.repeat(xa, wa.astype(int)), np.repeat(xb, wb.astype(int))).statistic
    assert ks_statistic(xa, wa, xb, wb) == pytest.approx(expected_ks, abs=1e-12)


def _frames(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two tables of the same columns drawn from different distributions."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefgh"))

    def frame(n: int, shift: float, weights: list[float]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "x": rng.normal(shift, 1 + shift, n).round(2),
                "k": rng.choice(letters, n, p=np.array(weights) / sum(weights)),
            }
        )

    return (
        frame(3000, 0.0, [8, 4, 2, 1, 1, 1, 1, 0]),
        frame(2500, 0.4, [2, 2, 2, 2, 2, 2, 0, 5]),
    )


@pytest.mark.parametrize("seed", range(3))
def test_exact_drift_of_numbers_matches_scipy_on_the_data(seed: int) -> None:
    fa, fb = _frames(seed)
    config = CompareConfig(bins=20)
    found = compare_profiles(profile_of(fa), profile_of(fb), config)
    drift = {c["name"]: c["drift"] for c in found["columns"]}["x"]
    assert drift is not None and drift["exact"] and drift["method"] == "bins"
    xa, xb = fa.get_column("x").to_numpy(), fb.get_column("x").to_numpy()
    assert drift["ks"] == pytest.approx(ks_2samp(xa, xb).statistic, abs=1e-12)
    assert drift["wasserstein"] == pytest.approx(wasserstein_distance(xa, xb), rel=1e-9)
    # The same 20 bins over the union range on both sides.
    edges = np.linspace(min(xa.min(), xb.min()), max(xa.max(), xb.max()), 21)
    ha, _ = np.histogram(xa, edges)
    hb, _ = np.histogram(xb, edges)
    assert drift["buckets"] == 20
    assert drift["js_distance"] == pytest.approx(jensenshannon(ha, hb, base=2), abs=1e-9)
    assert drift["psi"] == pytest.approx(_psi(ha.astype(float), hb.astype(float)), rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_drift_of_categories_matches_scipy_on_the_counts(seed: int) -> None:
    fa, fb = _frames(seed)
    found = compare_profiles(profile_of(fa), profile_of(fb), CompareConfig())
    drift = {c["name"]: c["drift"] for c in found["columns"]}["k"]
    assert drift is not None and drift["exact"] and drift["method"] == "categories"
    counts = (
        fa.get_column("k")
        .value_counts(name="a")
        .join(fb.get_column("k").value_counts(name="b"), on="k", how="full", coalesce=True)
        .fill_null(0)
    )
    ca, cb = counts.get_column("a").to_numpy(), counts.get_column("b").to_numpy()
    assert drift["buckets"] == counts.height
    assert drift["js_distance"] == pytest.approx(jensenshannon(ca, cb, base=2), abs=1e-9)
    assert drift["psi"] == pytest.approx(_psi(ca.astype(float), cb.astype(float)), rel=1e-9)


def test_drift_from_digests_is_close_to_scipy_and_says_it_is_estimated() -> None:
    rng = np.random.default_rng(7)
    fa = pl.DataFrame({"x": rng.lognormal(0, 1, 40_000)})
    fb = pl.DataFrame({"x": rng.lognormal(0.2, 1.1, 30_000)})
    # 1,000 distinct values at most counted exactly: these columns are known by their digests.
    a, b = profile_of(fa, exact_distinct_limit=1000), profile_of(fb, exact_distinct_limit=1000)
    drift = compare_profiles(a, b, CompareConfig())["columns"][0]["drift"]
    assert drift is not None and not drift["exact"]
    xa, xb = fa.get_column("x").to_numpy(), fb.get_column("x").to_numpy()
    assert drift["ks"] == pytest.approx(ks_2samp(xa, xb).statistic, abs=0.01)
    assert drift["wasserstein"] == pytest.approx(wasserstein_distance(xa, xb), rel=0.03)
    # And the weighted samples the digests give are compared as SciPy compares them.
    sa, sb = (sample(PartialProfile.from_state(p["state"]).columns["x"], 1000) for p in (a, b))
    assert sa is not None and sb is not None
    assert drift["wasserstein"] == pytest.approx(
        wasserstein_distance(sa.values, sb.values, sa.weights, sb.weights), rel=1e-9
    )


_values = st.lists(st.integers(-50, 50), min_size=1, max_size=30)
_weights = st.lists(st.integers(1, 20), min_size=30, max_size=30)


@settings(max_examples=60, deadline=None)
@given(_values, _weights, _values, _weights)
def test_any_weighted_samples_compare_as_scipy_compares_them(
    a: list[int], wa: list[int], b: list[int], wb: list[int]
) -> None:
    xa, xb = np.sort(np.array(a, dtype=float)), np.sort(np.array(b, dtype=float))
    ua, ub = np.array(wa[: len(a)], dtype=float), np.array(wb[: len(b)], dtype=float)
    assert wasserstein(xa, ua, xb, ub) == pytest.approx(
        wasserstein_distance(xa, xb, ua, ub), rel=1e-9, abs=1e-12
    )
    expected = ks_2samp(np.repeat(xa, ua.astype(int)), np.repeat(xb, ub.astype(int))).statistic
    assert ks_statistic(xa, ua, xb, ub) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000)), min_size=1, max_size=40))
def test_any_bucket_counts_compare_as_scipy_and_the_formula(pairs: list[tuple[int, int]]) -> None:
    a = np.array([p[0] for p in pairs], dtype=float)
    b = np.array([p[1] for p in pairs], dtype=float)
    assume(a.sum() > 0 and b.sum() > 0)
    assert js_distance(a, b) == pytest.approx(jensenshannon(a, b, base=2), abs=1e-7)
    assert psi(a, b) == pytest.approx(_psi(a, b), rel=1e-9, abs=1e-12)
