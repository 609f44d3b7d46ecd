"""The mergeable state of a profile: what one pass over some rows accumulates.

A :class:`PartialProfile` absorbs chunks of a table (:meth:`~PartialProfile.update`)
and combines with the partial of other rows (:meth:`~PartialProfile.merge`), so
the same code profiles a file in one piece, chunk by chunk, or in parallel
across machines. :mod:`core.profiling.profile` turns a partial into the profile document.

Besides each column's summaries (:mod:`core.profiling.sketches`) a partial keeps:

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

import numpy as np
import polars as pl
import zstandard

from core.errors import StateError
from core.profiling import dtypes
from core.profiling.rowhashes import RowHashes
from core.profiling.sketches import Digest, Moments, Values, b64, unb64

__all__ = ["QUANTILES", "ColumnPartial", "PartialProfile"]

# 2: temporal values keyed by their integer microseconds; list, binary and decimal state.
STATE_VERSION = 2
EDGE_ROWS = 10
MAX_NULLITY_COLUMNS = 500
MAX_PATTERNS = 2048
MAX_STATE_HASHES = 2_000_000
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_HASH_SEED = 0x10EC0DE
_DECIMAL_DIGITS = 80


@dataclass
class ColumnPartial:
    """What has been accumulated for one column.

    Attributes:
        name: column name.
        dtype: Polars data type, as text.
        family: how the column is summarised (see :mod:`core.profiling.dtypes`).
        values: value frequencies, keyed as :func:`core.profiling.dtypes.keyed` says.
        rows: rows seen.
        missing: nulls (and NaN for floats).
        moments: the measured numbers (see :func:`core.profiling.dtypes.measured`).
        digest: distribution of the same values as ``moments``, kept only once
            ``values`` has outgrown exact counts (until then the counts say more);
            always kept for binary and list columns, whose counts are of values.
        zeros, negatives, infinite: numeric counts.
        empty: empty strings, byte strings or lists.
        trues: true values (boolean).
        exact_quantiles: quantiles computed exactly in a single pass over all rows;
            dropped by merges.
        time_zone: the zone datetimes are shown in (None: naive).
        decimal: exact ``min``, ``max`` and ``sum`` of a Decimal column, as text.
        lengths: exact counts of the lengths of binary values and lists.
        elements: the partials of a list column's elements (``name[]``, or
            ``name[].field`` for struct elements).
        reason: why an unsupported column is not summarised.
        scale: temporal columns' units per microsecond (1000 where they count nanoseconds).
    """

    name: str
    dtype: str
    family: str
    values: Values
    rows: int = 0
    missing: int = 0
    moments: Moments = field(default_factory=Moments)
    digest: Digest = field(default_factory=Digest)
    zeros: int = 0
    negatives: int = 0
    infinite: int = 0
    empty: int = 0
    trues: int = 0
    exact_quantiles: dict[str, float] | None = None
    time_zone: str | None = None
    decimal: dict[str, str] | None = None
    lengths: Values | None = None
    elements: dict[str, ColumnPartial] = field(default_factory=dict)
    reason: str | None = None
    scale: int = 1

    @classmethod
    def new(cls, name: str, dtype: pl.DataType, limit: int) -> ColumnPartial:
        """An empty partial for a column of ``dtype``."""
        fam = dtypes.family(dtype)
        part = cls(
            name=name,
            dtype=str(dtype),
            family=fam,
            values=Values(limit, dtypes.value_kind(dtype)),
            time_zone=dtypes.time_zone(dtype),
            scale=dtypes.per_microsecond(dtype),
        )
        if fam in ("binary", "list"):
            part.lengths = Values(limit, "int")
        if fam == "list":
            inner = dtypes.flat_columns({f"{name}[]": dtypes.element_dtype(dtype)})
            part.elements = {n: cls.new(n, t, limit) for n, (t, _) in inner.items()}
        if fam == "unsupported":
            part.reason = dtypes.unsupported_reason(dtype)
        return part

    @property
    def sketched_always(self) -> bool:
        """Whether the digest is fed with every value (its counts are not of the measured)."""
        return self.family in ("binary", "list")

    def merge(self, other: ColumnPartial) -> ColumnPartial:
        """Absorb the partial of the same column over other rows (in place)."""
        if other.dtype != self.dtype:
            raise StateError(
                f"column {self.name!r} is {self.dtype} in one part and {other.dtype} in another"
            )
        self.rows += other.rows
        self.missing += other.missing
        self.moments = self.moments.merge(other.moments)
        mine, theirs = self.values.counts, other.values.counts
        self.values.merge(other.values)
        if self.sketched_always:
            self.digest.merge(other.digest)
        elif not self.values.exact:
            # Parts still counted exactly have no digest yet: make it from their counts.
            if mine is not None and theirs is not None:
                self.digest = self._digest_from(self.values.take_spilled())
            else:
                if mine is not None:
                    self.digest = self._digest_from(mine)
                self.digest.merge(other.digest if theirs is None else self._digest_from(theirs))
        self.zeros += other.zeros
        self.negatives += other.negatives
        self.infinite += other.infinite
        self.empty += other.empty
        self.trues += other.trues
        self.exact_quantiles = None
        self.decimal = _merge_decimal(self.decimal, other.decimal)
        if self.lengths is not None and other.lengths is not None:
            self.lengths.merge(other.lengths)
        for name, element in self.elements.items():
            if name in other.elements:
                element.merge(other.elements[name])
        return self

    def absorb(self, column: pl.Series, measured: Callable[[], pl.Series]) -> None:
        """Count a chunk's values; feed the digest once the counts are no longer exact."""
        if self.family in ("null", "unsupported"):
            return
        was_exact = self.values.exact
        first = (
            self.values.exact and self.values.counts is not None and self.values.counts.is_empty()
        )
        self.values.update(column)
        if self.sketched_always:
            self.values.take_spilled()  # its digest is fed below, not rebuilt from counts
            values = measured()
            if self.lengths is not None:
                self.lengths.update(values.cast(pl.Int64))
            self.digest.update(values.drop_nulls().to_numpy())
            return
        if self.values.exact or self.family == "boolean":
            return
        spilled = self.values.take_spilled()
        if was_exact and not first:
            # Earlier chunks are known only by their counts: rebuild from those.
            self.digest = self._digest_from(spilled)
            return
        values = measured()
        self.digest.update(values.filter(values.is_finite()).to_numpy())

    def _digest_from(self, counts: pl.DataFrame | None) -> Digest:
        """A digest of the values behind exact ``counts`` (as :func:`dtypes.measured` measures)."""
        digest = Digest()
        if counts is None or counts.is_empty() or self.family == "boolean":
            return digest
        # The digest depends on the order values arrive in: sorted, it is reproducible.
        counts = counts.sort("value")
        text = counts.get_column("value")
        if self.family == "string":
            numbers = text.str.len_chars().cast(pl.Float64)
        else:
            # Numbers, and temporal values keyed by their microseconds.
            numbers = text.cast(pl.Float64, strict=False)
        keep = numbers.is_finite().fill_null(False)
        weights = counts.get_column("count").filter(keep).to_numpy()
        digest.update(np.repeat(numbers.filter(keep).to_numpy(), weights))
        return digest

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "dtype": self.dtype,
            "family": self.family,
            "rows": self.rows,
            "missing": self.missing,
            "moments": self.moments.to_state(),
            "digest": self.digest.to_state(),
            "values": self.values.to_state(),
            "zeros": self.zeros,
            "negatives": self.negatives,
            "infinite": self.infinite,
            "empty": self.empty,
            "trues": self.trues,
            "time_zone": self.time_zone,
            "decimal": self.decimal,
            "lengths": None if self.lengths is None else self.lengths.to_state(),
            "elements": [element.to_state() for element in self.elements.values()],
            "reason": self.reason,
            "scale": self.scale,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], limit: int) -> ColumnPartial:
        """Rebuild from :meth:`to_state`."""
        return cls(
            name=state["name"],
            dtype=state["dtype"],
            family=state["family"],
            values=Values.from_state(state["values"], limit),
            rows=state["rows"],
            missing=state["missing"],
            moments=Moments.from_state(state["moments"]),
            digest=Digest.from_state(state["digest"]),
            zeros=state["zeros"],
            negatives=state["negatives"],
            infinite=state["infinite"],
            empty=state["empty"],
            trues=state["trues"],
            time_zone=state["time_zone"],
            decimal=state["decimal"],
            lengths=None
            if state["lengths"] is None
            else Values.from_state(state["lengths"], limit),
            elements={e["name"]: cls.from_state(e, limit) for e in state["elements"]},
            reason=state["reason"],
            scale=state["scale"],
        )


def _merge_decimal(a: dict[str, str] | None, b: dict[str, str] | None) -> dict[str, str] | None:
    """Exact Decimal extremes and sums of two parts together, written as Polars writes them."""
    if a is None or b is None:
        return a or b
    # Enough digits for any sum of 38-digit decimals: the addition stays exact.
    with localcontext(Context(prec=_DECIMAL_DIGITS)):
        total = Decimal(a["sum"]) + Decimal(b["sum"])
        low = min(Decimal(a["min"]), Decimal(b["min"]))
        high = max(Decimal(a["max"]), Decimal(b["max"]))
    # Plain notation (never 1E-7), with the parts' own number of decimal places.
    return {"min": format(low, "f"), "max": format(high, "f"), "sum": format(total, "f")}


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    """Missing values: nulls, and NaN in float columns."""
    expr = pl.col(name).is_null()
    if dtype.is_float():
        expr = expr | pl.col(name).is_nan()
    return expr


def _update_columns(
    chunk: pl.DataFrame,
    schema: Mapping[str, pl.DataType],
    columns: Mapping[str, ColumnPartial],
    *,
    exact_quantiles: bool,
) -> None:
    """Per-column aggregates in one multi-threaded query, then the sketches.

    ``chunk`` holds flat columns (no structs); list columns' elements are
    summarised the same way, as columns of their own.
    """
    exprs: list[pl.Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        part = columns[name]
        measured = dtypes.measured(name, dtype, part.family)
        # Only float columns can hold NaN or infinities; filtering copies the column.
        finite = measured.filter(measured.is_finite()) if dtype.is_float() else measured
        deviation = finite - finite.mean()
        squared = deviation * deviation
        # Skewness and kurtosis are reported for numbers only; lengths and
        # times need the mean and spread.
        numeric = part.family in ("numeric", "duration")
        exprs += [
            _missing(name, dtype).sum().alias(f"{i}:missing"),
            finite.count().alias(f"{i}:n"),
            finite.mean().alias(f"{i}:mean"),
            squared.sum().alias(f"{i}:m2"),
            (squared * deviation).sum().alias(f"{i}:m3")
            if numeric
            else pl.lit(0.0).alias(f"{i}:m3"),
            (squared * squared).sum().alias(f"{i}:m4") if numeric else pl.lit(0.0).alias(f"{i}:m4"),
        ]
        if part.family in ("datetime", "time", "duration"):
            # Whole units, exactly: nanoseconds since 1970 exceed a float's 53 bits.
            key = dtypes.keyed(name, dtype, part.family)
            exprs += [
                key.min().alias(f"{i}:min"),
                key.max().alias(f"{i}:max"),
                finite.sum().alias(f"{i}:total"),
            ]
        elif part.family == "numeric" and dtype.is_integer():
            col = pl.col(name)
            # Exact sums in 128 bits; UInt128 values may not fit them, so they sum as floats.
            total = col.cast(pl.Float64) if dtype == pl.UInt128 else col.cast(pl.Int128)
            exprs += [
                col.min().alias(f"{i}:min"),
                col.max().alias(f"{i}:max"),
                total.sum().alias(f"{i}:total"),
            ]
        else:
            exprs += [
                finite.min().alias(f"{i}:min"),
                finite.max().alias(f"{i}:max"),
                finite.sum().alias(f"{i}:total"),
            ]
        if isinstance(dtype, pl.Decimal):
            col = pl.col(name)
            exprs += [
                col.min().cast(pl.String).alias(f"{i}:dmin"),
                col.max().cast(pl.String).alias(f"{i}:dmax"),
                col.sum().cast(pl.String).alias(f"{i}:dsum"),
            ]
        if part.family in ("numeric", "duration"):
            exprs += [
                (measured == 0).sum().alias(f"{i}:zeros"),
                (measured < 0).sum().alias(f"{i}:negatives"),
                measured.is_infinite().sum().alias(f"{i}:infinite"),
            ]
        if part.family == "string":
            exprs.append((pl.col(name).cast(pl.String) == "").sum().alias(f"{i}:empty"))
        if part.family in ("binary", "list"):
            exprs.append((measured == 0).sum().alias(f"{i}:empty"))
        if part.family == "boolean":
            exprs.append(pl.col(name).sum().alias(f"{i}:trues"))
        if exact_quantiles and part.family in ("numeric", "datetime", "time", "duration"):
            exprs += [finite.quantile(q, "linear").alias(f"{i}:q{q}") for q in QUANTILES]
    row = chunk.select(exprs).row(0, named=True) if exprs else {}
    for i, (name, dtype) in enumerate(schema.items()):
        part = columns[name]
        part.rows += chunk.height
        part.missing += int(row[f"{i}:missing"] or 0)
        n = int(row[f"{i}:n"] or 0)
        if n:
            total = row[f"{i}:total"]
            part.moments = part.moments.merge(
                Moments(
                    n=n,
                    min=row[f"{i}:min"],
                    max=row[f"{i}:max"],
                    total=int(total) if isinstance(total, int) else float(total),
                    mean=float(row[f"{i}:mean"]),
                    m2=float(row[f"{i}:m2"]),
                    m3=float(row[f"{i}:m3"]),
                    m4=float(row[f"{i}:m4"]),
                )
            )
            if isinstance(dtype, pl.Decimal):
                exact = {"min": row[f"{i}:dmin"], "max": row[f"{i}:dmax"], "sum": row[f"{i}:dsum"]}
                part.decimal = _merge_decimal(part.decimal, exact)
        part.zeros += int(row.get(f"{i}:zeros") or 0)
        part.negatives += int(row.get(f"{i}:negatives") or 0)
        part.infinite += int(row.get(f"{i}:infinite") or 0)
        part.empty += int(row.get(f"{i}:empty") or 0)
        part.trues += int(row.get(f"{i}:trues") or 0)
        if exact_quantiles and f"{i}:q0.5" in row and n:
            part.exact_quantiles = {str(q): float(row[f"{i}:q{q}"]) for q in QUANTILES}
        if part.family in ("null", "unsupported"):
            continue
        column = chunk.select(dtypes.keyed(name, dtype, part.family)).to_series()
        part.absorb(
            column,
            lambda name=name, dtype=dtype, fam=part.family: chunk.select(  # type: ignore[misc]
                dtypes.measured(name, dtype, fam)
            ).to_series(),
        )
        if part.elements:
            _update_elements(chunk.get_column(name), part, exact_quantiles=exact_quantiles)


def _update_elements(column: pl.Series, part: ColumnPartial, *, exact_quantiles: bool) -> None:
    """Summarise the elements of a chunk of a list column."""
    elements = dtypes.list_elements(column)
    flat = dtypes.flat_columns({f"{part.name}[]": elements.dtype})
    frame = elements.rename(f"{part.name}[]").to_frame().select(e for _, e in flat.values())
    _update_columns(
        frame,
        {n: t for n, (t, _) in flat.items()},
        part.elements,
        exact_quantiles=exact_quantiles,
    )


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
        _update_columns(chunk, self.schema, self.columns, exact_quantiles=exact_quantiles)
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
        if tagged.height > self.sample_rows:
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
            _missing(name, dtype).alias(name) for name, dtype in self.schema.items()
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
        patterns = (
            indicators.select(
                pl.concat_str(
                    [
                        pl.when(pl.col(n)).then(pl.lit(str(i)))
                        for i, n in zip(with_missing, names, strict=True)
                    ],
                    separator=",",
                    ignore_nulls=True,
                ).alias("p")
            )
            .get_column("p")
            .value_counts(name="count")
        )
        for pattern, count in patterns.iter_rows():
            self._add_pattern(pattern, int(count))
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
        import json

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
        import json

        try:
            document = json.loads(zstandard.ZstdDecompressor().decompress(unb64(state)))
        except (ValueError, zstandard.ZstdError) as exc:
            raise StateError(f"the profile's mergeable state is damaged ({exc})") from None
        if document.get("version") != STATE_VERSION:
            raise StateError(
                f"the profile's state has version {document.get('version')}; "
                f"this Loupe reads version {STATE_VERSION} (profile the file again)"
            )
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


_HASH = "\x00hash"


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
