"""The mergeable state of a profile: what one pass over some rows accumulates.

A :class:`PartialProfile` absorbs chunks of a table (:meth:`~PartialProfile.update`)
and combines with the partial of other rows (:meth:`~PartialProfile.merge`), so
the same code profiles a file in one piece, chunk by chunk, or in parallel
across machines. :mod:`core.profiling.profile` turns a partial into the profile document.

Besides each column's state (:mod:`core.profiling.column_partial`) a partial keeps:

- the 64-bit hash of every row (exact duplicate counts across chunks);
- a uniform sample of rows: the ``k`` rows with the smallest hashes. Taking
  the smallest hashes of a union is the same as taking the smallest of each
  part's smallest, so the sample merges exactly and deterministically;
- co-missing counts of every pair of columns (nullity correlation) and the
  most common missing-value patterns;
- the first and last rows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl
import zstandard

from core.errors import StateError
from core.profiling import dtypes
from core.profiling.column_partial import ColumnPartial, update_columns
from core.profiling.figures import missing_expr
from core.profiling.rowhashes import RowHashes
from core.profiling.sketches import b64, unb64

__all__ = ["PartialProfile"]

# 2: temporal values keyed by their integer microseconds; list, binary and decimal state.
STATE_VERSION = 2
EDGE_ROWS = 10
MAX_NULLITY_COLUMNS = 500
MAX_PATTERNS = 2048
MAX_STATE_HASHES = 2_000_000
_HASH_SEED = 0x10EC0DE
# With fewer columns with missing values than this, a row's pattern is counted as an integer's bits.
_PATTERN_BITS = 64


class PartialProfile:
    """The mergeable state of a profile over some rows of a table.

    Struct columns are profiled field by field (see :func:`core.profiling.dtypes.flat_columns`):
    ``schema`` and the chunks given to :meth:`update` may hold them.

    Args:
        schema: the table's columns and types.
        exact_distinct_limit: distinct values per column counted exactly.
        sample_rows: size of the uniform row sample.
    """

    def __init__(
        self, schema: Mapping[str, pl.DataType], *, exact_distinct_limit: int, sample_rows: int
    ) -> None:
        flat = dtypes.flat_columns(schema)
        self._flatten = (
            [expr for _, expr in flat.values()]
            if any(isinstance(t, pl.Struct | pl.Extension) for t in schema.values())
            else None
        )
        self.schema = pl.Schema({name: dtype for name, (dtype, _) in flat.items()})
        self.limit = exact_distinct_limit
        self.sample_rows = sample_rows
        self.rows = 0
        self.chunks = 0
        self.columns = {
            name: ColumnPartial.new(name, dtype, exact_distinct_limit)
            for name, dtype in self.schema.items()
        }
        self.hashes: RowHashes | None = RowHashes()
        self.memory_bytes = 0
        self.sample: pl.DataFrame | None = None
        nullity = len(self.schema) if len(self.schema) <= MAX_NULLITY_COLUMNS else 0
        self.co_missing = np.zeros((nullity, nullity), dtype=np.int64)
        self.patterns: dict[str, int] = {}
        self.patterns_omitted = 0
        self.head: pl.DataFrame | None = None
        self.tail: pl.DataFrame | None = None

    # -- absorbing rows -------------------------------------------------------------

    def update(self, chunk: pl.DataFrame, *, exact_quantiles: bool = False) -> None:
        """Absorb a chunk of rows (in table order).

        Args:
            chunk: rows with this partial's schema (struct columns not yet flattened).
            exact_quantiles: also compute exact quantiles (for a chunk that is
                the whole table).
        """
        if chunk.height == 0 and self.rows:
            return
        if self._flatten is not None:
            chunk = chunk.select(self._flatten)
        self.chunks += 1
        self.rows += chunk.height
        update_columns(chunk, self.schema, self.columns, exact_quantiles=exact_quantiles)
        self._update_rows(chunk)

    def _update_rows(self, chunk: pl.DataFrame) -> None:
        """Row hashes, the row sample, missing-value co-occurrence and edge rows."""
        if chunk.height == 0:
            return
        self._update_missing(chunk)
        unsupported = [n for n, p in self.columns.items() if p.family == "unsupported"]
        if unsupported:
            # Python objects can be neither hashed nor stored: rows are compared without them.
            chunk = chunk.drop(unsupported)
        hashes = chunk.hash_rows(_HASH_SEED)
        if self.hashes is not None:
            self.hashes.add(hashes.to_numpy())
        self.memory_bytes += int(chunk.estimated_size())
        tagged = chunk.with_columns(hashes.alias(_HASH))
        if self.sample is not None and self.sample.height >= self.sample_rows:
            # A full sample keeps only rows with smaller hashes than its largest (ties
            # go to the rows it holds): the others need not be copied.
            tagged = tagged.filter(pl.col(_HASH) < self.sample.get_column(_HASH).max())
        elif tagged.height > self.sample_rows:
            cutoff = hashes.bottom_k(self.sample_rows).max()
            tagged = tagged.filter(pl.col(_HASH) <= cutoff)
        self.sample = _bottom(self.sample, tagged, self.sample_rows)
        if self.head is None:
            self.head = chunk.head(EDGE_ROWS)
        self.tail = _last_rows(self.tail, chunk)

    def _update_missing(self, chunk: pl.DataFrame) -> None:
        """Co-missing counts (by matrix product) and missing-value patterns."""
        if not len(self.co_missing):
            return
        indicators = chunk.select(
            missing_expr(name, dtype).alias(name) for name, dtype in self.schema.items()
        )
        counts = indicators.sum().row(0)
        with_missing = [i for i, c in enumerate(counts) if c]
        if not with_missing:
            self._add_pattern("", chunk.height)
            return
        names = [indicators.columns[i] for i in with_missing]
        # Slices keep the float32 indicator matrix small whatever the chunk size.
        for start in range(0, chunk.height, 1_000_000):
            block = indicators.slice(start, 1_000_000).select(names).to_numpy().astype(np.float32)
            product = np.rint(block.T @ block).astype(np.int64)
            self.co_missing[np.ix_(with_missing, with_missing)] += product
        for pattern, count in _patterns(indicators, with_missing, names):
            self._add_pattern(pattern, count)
        self._trim_patterns()

    def _add_pattern(self, pattern: str, count: int) -> None:
        """Count rows whose missing columns are ``pattern`` (column indexes)."""
        self.patterns[pattern] = self.patterns.get(pattern, 0) + count

    def _trim_patterns(self) -> None:
        """Keep the most common patterns; remember how many rows the rest held."""
        if len(self.patterns) > MAX_PATTERNS:
            ranked = sorted(self.patterns.items(), key=lambda p: (-p[1], p[0]))
            self.patterns = dict(ranked[:MAX_PATTERNS])
            self.patterns_omitted += sum(c for _, c in ranked[MAX_PATTERNS:])

    # -- combining ----------------------------------------------------------------

    def merge(self, other: PartialProfile) -> PartialProfile:
        """Absorb the partial of the rows that follow this one's (in place).

        Raises:
            StateError: the two partials describe different columns or types.
        """
        if list(self.columns) != list(other.columns):
            raise StateError("the parts have different columns")
        self.rows += other.rows
        self.chunks += other.chunks
        self.memory_bytes += other.memory_bytes
        for name, part in self.columns.items():
            part.merge(other.columns[name])
        if self.hashes is None or other.hashes is None:
            self.hashes = None
        else:
            self.hashes.extend(other.hashes)
        if other.sample is not None:
            self.sample = _bottom(self.sample, other.sample, self.sample_rows)
        if other.head is not None:
            self.head = (
                other.head
                if self.head is None
                else pl.concat([self.head, other.head], how="vertical_relaxed").head(EDGE_ROWS)
            )
        if other.tail is not None:
            self.tail = _last_rows(self.tail, other.tail)
        if self.co_missing.shape == other.co_missing.shape:
            self.co_missing += other.co_missing
        for pattern, count in other.patterns.items():
            self._add_pattern(pattern, count)
        self.patterns_omitted += other.patterns_omitted
        self._trim_patterns()
        return self

    def duplicate_rows(self) -> int | None:
        """Rows equal to an earlier row (by 64-bit hash); None when unknown after a merge."""
        if self.hashes is None:
            return None
        return self.rows - self.hashes.distinct()

    # -- serialization --------------------------------------------------------------

    def to_state(self) -> str:
        """The whole partial as compact text (zstd-compressed JSON, base64)."""
        hashes = None
        if self.hashes is not None and self.rows <= MAX_STATE_HASHES and not self.hashes.spilled:
            hashes = self.hashes.unique()
        document = {
            "version": STATE_VERSION,
            "hash": f"polars-{pl.__version__}",
            "rows": self.rows,
            "chunks": self.chunks,
            "memory_bytes": self.memory_bytes,
            "limit": self.limit,
            "sample_rows": self.sample_rows,
            "schema": [[name, str(dtype)] for name, dtype in self.schema.items()],
            "columns": [part.to_state() for part in self.columns.values()],
            # Sorted unique hashes compress well as deltas. Past MAX_STATE_HASHES
            # rows they are left out, and merged profiles cannot count duplicates.
            "row_hashes": None
            if hashes is None
            else b64(np.diff(hashes, prepend=np.uint64(0)).astype("<u8").tobytes()),
            "sample": _frame_state(self.sample),
            "head": _frame_state(self.head),
            "tail": _frame_state(self.tail),
            "co_missing": self.co_missing.tolist(),
            "patterns": sorted(self.patterns.items()),
            "patterns_omitted": self.patterns_omitted,
        }
        raw = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return b64(zstandard.ZstdCompressor(level=3).compress(raw))

    @classmethod
    def from_state(cls, state: str) -> PartialProfile:
        """Rebuild from :meth:`to_state`.

        Raises:
            StateError: another state version or Polars version, or damaged data.
        """
        document = _decoded(state)
        if document["hash"] != f"polars-{pl.__version__}":
            raise StateError(
                f"the profile was made with {document['hash']}, whose row hashes differ from "
                f"polars-{pl.__version__}'s; profile the files again with one version"
            )
        head = _frame_from_state(document["head"])
        schema = head.schema if head is not None else pl.Schema()
        partial = cls(
            schema, exact_distinct_limit=document["limit"], sample_rows=document["sample_rows"]
        )
        partial.rows = document["rows"]
        partial.chunks = document["chunks"]
        partial.memory_bytes = document["memory_bytes"]
        partial.columns = {
            c["name"]: ColumnPartial.from_state(c, document["limit"]) for c in document["columns"]
        }
        if document["row_hashes"] is None:
            partial.hashes = None
        else:
            deltas = np.frombuffer(unb64(document["row_hashes"]), dtype="<u8")
            partial.hashes = RowHashes()
            partial.hashes.add(np.cumsum(deltas, dtype=np.uint64))
        partial.sample = _frame_from_state(document["sample"])
        partial.head = head
        partial.tail = _frame_from_state(document["tail"])
        partial.co_missing = np.array(document["co_missing"], dtype=np.int64).reshape(
            (len(document["co_missing"]),) * 2
        )
        partial.patterns = dict(document["patterns"])
        partial.patterns_omitted = document["patterns_omitted"]
        return partial

    @staticmethod
    def columns_from_state(state: str) -> dict[str, ColumnPartial]:
        """Only the columns' partials of :meth:`to_state`, by name.

        Unlike :meth:`from_state` this takes states of any Polars version: the
        columns' summaries do not depend on its row hashes.

        Raises:
            StateError: another state version, or damaged data.
        """
        document = _decoded(state)
        return {
            c["name"]: ColumnPartial.from_state(c, document["limit"]) for c in document["columns"]
        }


def _decoded(state: str) -> dict[str, Any]:
    """The JSON document of a state, checked to be of this Loupe's state version.

    Raises:
        StateError: another state version, or damaged data.
    """
    try:
        document = json.loads(zstandard.ZstdDecompressor().decompress(unb64(state)))
    except (ValueError, zstandard.ZstdError) as exc:
        raise StateError(f"the profile's mergeable state is damaged ({exc})") from None
    if not isinstance(document, dict) or document.get("version") != STATE_VERSION:
        version = document.get("version") if isinstance(document, dict) else None
        raise StateError(
            f"the profile's state has version {version}; "
            f"this Loupe reads version {STATE_VERSION} (profile the file again)"
        )
    return document


_HASH = "\x00hash"


def _patterns(
    indicators: pl.DataFrame, columns: list[int], names: list[str]
) -> list[tuple[str, int]]:
    """Rows by missing-value pattern: the indexes of their missing columns, joined by commas.

    Args:
        indicators: True where a value is missing, a column for each of the table's.
        columns: the indexes of the columns with a missing value.
        names: their names in ``indicators``.
    """
    if len(names) < _PATTERN_BITS:
        # Each pattern as the bits of one integer: counted far faster than as text.
        bits = indicators.select(
            pl.sum_horizontal(
                pl.col(n).cast(pl.UInt64) * pl.lit(1 << b, dtype=pl.UInt64)
                for b, n in enumerate(names)
            ).alias("p")
        )
        counts = bits.get_column("p").value_counts(name="count")
        return [
            (",".join(str(i) for b, i in enumerate(columns) if key >> b & 1), int(count))
            for key, count in counts.iter_rows()
        ]
    text = indicators.select(
        pl.concat_str(
            [pl.when(pl.col(n)).then(pl.lit(str(i))) for i, n in zip(columns, names, strict=True)],
            separator=",",
            ignore_nulls=True,
        ).alias("p")
    )
    counts = text.get_column("p").value_counts(name="count")
    return [(str(pattern), int(count)) for pattern, count in counts.iter_rows()]


def _bottom(current: pl.DataFrame | None, new: pl.DataFrame, k: int) -> pl.DataFrame:
    """The ``k`` rows with the smallest hashes of both frames, in hash order."""
    frame = new if current is None else pl.concat([current, new], how="vertical_relaxed")
    return frame.sort(_HASH, maintain_order=True).head(k)


def _last_rows(current: pl.DataFrame | None, new: pl.DataFrame) -> pl.DataFrame:
    """The last EDGE_ROWS rows of ``current`` followed by ``new``."""
    if current is None:
        return new.tail(EDGE_ROWS)
    return pl.concat([current, new.tail(EDGE_ROWS)], how="vertical_relaxed").tail(EDGE_ROWS)


def _frame_state(frame: pl.DataFrame | None) -> str | None:
    """A frame as base64 Parquet (keeps exact types)."""
    if frame is None:
        return None
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return b64(buffer.getvalue())


def _frame_from_state(state: str | None) -> pl.DataFrame | None:
    """Rebuild a frame from :func:`_frame_state`."""
    if state is None:
        return None
    return pl.read_parquet(io.BytesIO(unb64(state)))
