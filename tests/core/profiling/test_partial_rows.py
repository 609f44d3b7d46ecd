"""What a partial profile keeps of each chunk's rows: missing-value patterns, the row sample."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from core.profiling import partial
from core.profiling.partial import PartialProfile


@settings(max_examples=40, deadline=None)
@given(
    missing=st.lists(st.lists(st.booleans(), min_size=70, max_size=70), min_size=1, max_size=30),
    columns=st.sampled_from([3, 63, 64, 70]),
)
def test_missing_patterns_counted_as_bits_are_those_counted_as_text(
    missing: list[list[bool]], columns: int
) -> None:
    """Up to 63 columns with missing values a pattern is an integer's bits; beyond, text."""
    frame = pl.DataFrame(
        {f"c{i}": [row[i] for row in missing] for i in range(columns)}, orient="col"
    )
    indexes = [i * 2 + 1 for i in range(columns)]
    names = frame.columns
    found = sorted(partial._patterns(frame, indexes, names))
    expected: dict[str, int] = {}
    for row in missing:
        key = ",".join(str(indexes[i]) for i in range(columns) if row[i])
        expected[key] = expected.get(key, 0) + 1
    assert found == sorted(expected.items())


def test_the_row_sample_is_the_same_whatever_the_chunks() -> None:
    """A full sample skips rows hashed above its largest; the sample is still the bottom k."""
    rng = np.random.default_rng(3)
    n = 5_000
    frame = pl.DataFrame(
        {
            "a": rng.integers(0, 40, n),  # duplicate rows: ties among hashes
            "b": rng.choice(["x", "y"], n),
        }
    )
    whole = PartialProfile(frame.schema, exact_distinct_limit=100, sample_rows=300)
    whole.update(frame)
    for size in (1, 7, 299, 300, 301, 1_000):
        chunked = PartialProfile(frame.schema, exact_distinct_limit=100, sample_rows=300)
        for start in range(0, n, size):
            chunked.update(frame.slice(start, size))
        assert chunked.sample is not None and whole.sample is not None
        assert chunked.sample.equals(whole.sample)
