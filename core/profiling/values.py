"""Value frequencies of one column: exact counts up to a limit, then sketches.

:class:`Values` counts each distinct value exactly until a column holds more
than ``limit`` of them, then switches to DataSketches HyperLogLog (distinct
count, relative error ≈0.8% at lg_k=14) and a frequent-items sketch (top
values, with an error bound). Values are keyed by canonical text (:func:`encode`,
:func:`decode`).
"""

from __future__ import annotations

import math
from typing import Any

import datasketches as ds
import polars as pl

from core.profiling.sketches import SLICE, b64, unb64

__all__ = ["FREQUENT_FEED", "Values", "decode", "encode"]

HLL_LG_K = 14
FREQUENT_LG_K = 12
# Per chunk, only this many of the most frequent values feed the frequent-items
# sketch; what is left out is added to the error bound.
FREQUENT_FEED = 4096
_COUNTS_SCHEMA = {"value": pl.String, "count": pl.Int64}
# Integers that may not fit 64 signed bits: keyed and reported as text.
_WIDE_INTEGERS = (pl.UInt64, pl.Int128, pl.UInt128)
_EMPTY = "\x00empty"
# Values per call into a binding: calls that hold the GIL stay in the milliseconds.


class Values:
    """Value frequencies of one column: exact counts, or sketches past a limit.

    Args:
        limit: distinct values kept exactly before switching to sketches.
        kind: how values are encoded for the sketches (used to decode the
            frequent items back to values): see :func:`core.profiling.dtypes.value_kind`.
    """

    def __init__(self, limit: int, kind: str) -> None:
        self.limit = limit
        self.kind = kind
        self.counts: pl.DataFrame | None = pl.DataFrame(schema=_COUNTS_SCHEMA)
        self.hll: Any | None = None
        self.frequent: Any | None = None
        # Counts left out of the frequent-items sketch (a bound on its extra error).
        self.omitted = 0
        self._spilled: pl.DataFrame | None = None

    @property
    def exact(self) -> bool:
        """Whether the counts are exact."""
        return self.counts is not None

    def update(self, column: pl.Series) -> None:
        """Absorb a chunk of a column (nulls ignored)."""
        native = _native_counts(column)
        if self.counts is not None and self.counts.is_empty() and native.height > self.limit:
            # Too many distinct values from the start: straight to sketches, no text.
            self._start_sketches()
        if self.counts is None:
            self._feed_native(native)
            return
        counts = _encoded(native)
        if self.counts is not None:
            merged = (
                counts
                if self.counts.is_empty()
                else pl.concat([self.counts, counts]).group_by("value").agg(pl.col("count").sum())
            )
            if merged.height <= self.limit:
                self.counts = merged
                return
            self._to_sketch(merged)
            return
        self._feed(counts)

    def merge(self, other: Values) -> Values:
        """Absorb another summary of the same column (in place) and return self."""
        if other.counts is not None:
            if self.counts is not None:
                merged = (
                    pl.concat([self.counts, other.counts])
                    .group_by("value")
                    .agg(pl.col("count").sum())
                )
                if merged.height <= self.limit:
                    self.counts = merged
                else:
                    self._to_sketch(merged)
            else:
                self._feed(other.counts)
            return self
        if self.counts is not None:
            mine = self.counts
            self.counts, self.hll, self.frequent = None, other.hll, other.frequent
            self.omitted = other.omitted
            other_copy = Values(self.limit, self.kind)
            other_copy.counts = mine
            return self.merge(other_copy)
        union = ds.hll_union(HLL_LG_K)
        union.update(self.hll)
        union.update(other.hll)
        self.hll = union.get_result(ds.HLL_8)
        assert self.frequent is not None and other.frequent is not None
        self.frequent.merge(other.frequent)
        self.omitted += other.omitted
        return self

    def take_spilled(self) -> pl.DataFrame | None:
        """The exact counts held when the summary last switched to sketches (once)."""
        spilled, self._spilled = self._spilled, None
        return spilled

    def _to_sketch(self, counts: pl.DataFrame) -> None:
        """Switch from exact counts to sketches, feeding them ``counts``."""
        self._spilled = counts
        self._start_sketches()
        self._feed(counts)

    def _start_sketches(self) -> None:
        """Drop exact counts for empty sketches."""
        self.counts = None
        self.hll = ds.hll_sketch(HLL_LG_K, ds.HLL_8)
        self.frequent = ds.frequent_strings_sketch(FREQUENT_LG_K)

    def _feed(self, counts: pl.DataFrame) -> None:
        """Feed value counts keyed by canonical text to the sketches."""
        assert self.hll is not None
        update = self.hll.update
        keys = _hll_keys(_decoded(counts.get_column("value"), self.kind))
        # A directly updated HLL estimates with its HIP accumulator, which depends on
        # the order values arrive in; Polars counts them in no fixed order.
        for part in _slices(keys.sort()):
            for key in part.to_list():
                update(key)
        self._feed_frequent(counts)

    def _feed_native(self, native: pl.DataFrame) -> None:
        """Feed value counts keyed by native values; only the most frequent become text."""
        assert self.hll is not None
        update = self.hll.update
        # Sorted, for an estimate that does not depend on arrival order (see _feed);
        # sliced, so no single call holds the GIL for long.
        for part in _slices(_hll_keys(native.get_column("value")).sort()):
            for key in part.to_list():
                update(key)
        top = _most_frequent(native, FREQUENT_FEED)
        self._feed_frequent(_encoded(top), total_distinct=native.height)

    def _feed_frequent(self, counts: pl.DataFrame, *, total_distinct: int | None = None) -> None:
        """Feed the most frequent of ``counts`` to the frequent-items sketch."""
        assert self.frequent is not None
        distinct = counts.height if total_distinct is None else total_distinct
        fed = _most_frequent(counts, FREQUENT_FEED)
        add = self.frequent.update
        for value, count in fed.sort(["count", "value"], descending=[True, False]).iter_rows():
            add(value, count)
        if distinct > FREQUENT_FEED:
            # Every value left out is at most as frequent as the least frequent fed.
            self.omitted += int(fed.get_column("count").min() or 0)  # type: ignore[arg-type]

    def distinct(self) -> tuple[int, bool]:
        """Distinct values and whether the figure is exact."""
        if self.counts is not None:
            return self.counts.height, True
        assert self.hll is not None
        return round(self.hll.get_estimate()), False

    def distinct_bounds(self) -> tuple[int, int]:
        """A 95% interval for the distinct count (equal bounds when exact)."""
        if self.counts is not None:
            return self.counts.height, self.counts.height
        assert self.hll is not None
        return math.floor(self.hll.get_lower_bound(2)), math.ceil(self.hll.get_upper_bound(2))

    def top(self, k: int) -> tuple[list[tuple[str, int]], int]:
        """The ``k`` most frequent values (encoded) with counts, and the counts' error bound."""
        if self.counts is not None:
            top = self.counts.sort(["count", "value"], descending=[True, False]).head(k)
            return [(str(v), int(c)) for v, c in top.iter_rows()], 0
        assert self.frequent is not None
        items = self.frequent.get_frequent_items(ds.frequent_items_error_type.NO_FALSE_NEGATIVES)
        ranked = sorted(((str(i[0]), int(i[1])) for i in items), key=lambda p: (-p[1], p[0]))
        # The sketch's a-priori bound, plus what was never fed to it.
        bound = math.ceil(self.frequent.epsilon * self.frequent.total_weight) + self.omitted
        return ranked[:k], bound

    def sketch_complete(self) -> bool:
        """Whether a sketch holds every value it stands for, each with its exact count.

        True while the frequent-items sketch never had to drop a value (each
        item's lower and upper bounds agree) and no value was left out of it.
        """
        if self.frequent is None or self.omitted:
            return False
        items = self.frequent.get_frequent_items(ds.frequent_items_error_type.NO_FALSE_NEGATIVES)
        return all(int(i[2]) == int(i[3]) for i in items) and sum(int(i[1]) for i in items) == int(
            self.frequent.total_weight
        )

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        if self.counts is not None:
            return {
                "kind": self.kind,
                "counts": self.counts.sort("value").rows(),
            }
        assert self.hll is not None and self.frequent is not None
        return {
            "kind": self.kind,
            "hll": b64(self.hll.serialize_compact()),
            "frequent": b64(self.frequent.serialize()),
            "omitted": self.omitted,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], limit: int) -> Values:
        """Rebuild from :meth:`to_state`."""
        values = cls(limit, state["kind"])
        if "counts" in state:
            values.counts = pl.DataFrame(
                state["counts"] or None,
                schema=_COUNTS_SCHEMA,
                orient="row",
            )
            return values
        values.counts = None
        values.hll = ds.hll_sketch.deserialize(unb64(state["hll"]))
        values.frequent = ds.frequent_strings_sketch.deserialize(unb64(state["frequent"]))
        values.omitted = int(state["omitted"])
        return values


def encode(column: pl.Series) -> pl.Series:
    """A column's values as canonical text, the key of value counts and sketches."""
    dtype = column.dtype
    if dtype == pl.String:
        return column
    if dtype == pl.Boolean:
        return column.cast(pl.String).str.to_lowercase()
    if dtype.is_temporal() or dtype.is_numeric():
        return column.cast(pl.String)
    return column.cast(pl.String, strict=False)


def decode(value: str, kind: str) -> Any:
    """The value a canonical text stands for (see :func:`encode`).

    Temporal values come back as their integer microseconds (see
    :func:`core.profiling.dtypes.keyed`); Decimal, binary and list values as their text.
    """
    match kind:
        case "int" | "date" | "datetime" | "time" | "duration":
            return int(value)
        case "float":
            number = float(value)
            # JSON has no infinities; they are reported as text.
            return number if math.isfinite(number) else value
        case "bool":
            return value == "true"
        case _:
            return value


def _slices(series: pl.Series) -> list[pl.Series]:
    """``series`` in pieces of SLICE values (zero-copy)."""
    return [series.slice(start, SLICE) for start in range(0, series.len(), SLICE)]


def _most_frequent(counts: pl.DataFrame, k: int) -> pl.DataFrame:
    """The ``k`` most frequent values; ties go to the smaller value, so the choice is fixed."""
    if counts.height <= k:
        return counts
    return counts.top_k(k, by=["count", "value"], reverse=[False, True])


def _native_counts(column: pl.Series) -> pl.DataFrame:
    """Counts of each present value, keyed by the value itself (NaN counts as missing)."""
    present = column.drop_nulls()
    if present.dtype.is_float():
        present = present.filter(~present.is_nan())
    # Counting native values hashes faster than counting their text.
    return (
        present.alias("value")
        .value_counts(name="count")
        .with_columns(pl.col("count").cast(pl.Int64))
    )


def _encoded(native: pl.DataFrame) -> pl.DataFrame:
    """Native value counts keyed by canonical text instead."""
    if native.is_empty():
        return pl.DataFrame(schema=_COUNTS_SCHEMA)
    return pl.DataFrame(
        {"value": encode(native.get_column("value")), "count": native.get_column("count")},
        schema=_COUNTS_SCHEMA,
    )


def _decoded(text: pl.Series, kind: str) -> pl.Series:
    """Canonical texts (see :func:`encode`) back as native values, vectorised."""
    match kind:
        case "int" | "date" | "datetime" | "time" | "duration":
            return text.cast(pl.Int64)
        case "float":
            return text.cast(pl.Float64)
        case "bool":
            return text == "true"
        case _:
            return text


def _hll_keys(values: pl.Series) -> pl.Series:
    """What the HyperLogLog hashes for each value: the same for a value however it arrives."""
    dtype = values.dtype
    if dtype == pl.Boolean:
        return values.cast(pl.Int64)
    if dtype.is_integer() and dtype not in _WIDE_INTEGERS:
        return values.cast(pl.Int64)
    if dtype.is_float():
        return values.cast(pl.Float64)
    # The sketch ignores empty strings: an empty value is keyed by a stand-in instead.
    text = values.cast(pl.String, strict=False)
    return pl.select(pl.when(text == "").then(pl.lit(_EMPTY)).otherwise(text)).to_series()
