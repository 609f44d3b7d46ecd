"""One column's mergeable state: what a pass over some rows accumulates for it.

A :class:`ColumnPartial` takes each chunk's figures (:class:`~core.profiling.figures.ChunkFigures`,
computed for all columns in one query by :func:`update_columns`), counts the
chunk's values (:class:`~core.profiling.values.Values`) and, once the counts are
no longer exact, sketches their distribution (:class:`~core.profiling.sketches.Digest`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

import numpy as np
import polars as pl

from core.errors import StateError
from core.profiling import dtypes
from core.profiling.figures import QUANTILE_FAMILIES, QUANTILES, ChunkFigures, quantiles_expr
from core.profiling.sketches import Digest, Moments
from core.profiling.values import Values

__all__ = ["QUANTILES", "ColumnPartial", "update_columns"]

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

    def aggregations(self, dtype: pl.DataType, *, exact_quantiles: bool) -> pl.Expr:
        """The expression of this column's figures over a chunk (see :meth:`add_figures`).

        Args:
            dtype: the column's Polars type.
            exact_quantiles: also compute exact quantiles (for a chunk that is the whole table).
        """
        return ChunkFigures.expression(
            self.name, dtype, self.family, exact_quantiles=exact_quantiles
        )

    def add_figures(self, figures: ChunkFigures, rows: int) -> None:
        """Absorb a chunk's figures (computed by :meth:`aggregations`) over ``rows`` rows."""
        self.rows += rows
        self.missing += figures.missing
        if figures.n:
            total = figures.total
            self.moments = self.moments.merge(
                Moments(
                    n=figures.n,
                    min=figures.min,
                    max=figures.max,
                    total=int(total) if isinstance(total, int) else float(total),
                    mean=float(figures.mean or 0.0),
                    m2=float(figures.m2 or 0.0),
                    m3=float(figures.m3 or 0.0),
                    m4=float(figures.m4 or 0.0),
                )
            )
            if figures.decimal is not None:
                self.decimal = _merge_decimal(self.decimal, figures.decimal)
            if figures.quantiles is not None:
                levels = (str(q) for q in QUANTILES)
                self.exact_quantiles = {
                    q: float(v)  # type: ignore[arg-type]
                    for q, v in zip(levels, figures.quantiles, strict=True)
                }
        self.zeros += figures.zeros
        self.negatives += figures.negatives
        self.infinite += figures.infinite
        self.empty += figures.empty
        self.trues += figures.trues

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


def update_columns(
    chunk: pl.DataFrame,
    schema: Mapping[str, pl.DataType],
    columns: Mapping[str, ColumnPartial],
    *,
    exact_quantiles: bool,
) -> None:
    """Absorb a chunk into its columns: figures in one multi-threaded query, then sketches.

    Args:
        chunk: flat columns (no structs); list columns' elements are summarised
            the same way, as columns of their own.
        schema: the chunk's columns and types.
        columns: the partial of each column of ``schema``.
        exact_quantiles: also compute exact quantiles (for a chunk that is the whole table).
    """
    parts = [(columns[name], dtype) for name, dtype in schema.items()]
    if not parts:
        return
    # Exact quantiles are sorted out after the values are counted: a column
    # counted exactly takes them from its counts (see core.profiling.distribution).
    found = chunk.select(
        part.aggregations(dtype, exact_quantiles=False).alias(str(i))
        for i, (part, dtype) in enumerate(parts)
    ).row(0)
    for (part, dtype), row in zip(parts, found, strict=True):
        part.add_figures(ChunkFigures.from_row(row), chunk.height)
        if part.family in ("null", "unsupported"):
            continue
        name, family = part.name, part.family
        part.absorb(
            chunk.select(dtypes.keyed(name, dtype, family)).to_series(),
            lambda name=name, dtype=dtype, fam=family: chunk.select(  # type: ignore[misc]
                dtypes.measured(name, dtype, fam)
            ).to_series(),
        )
        if part.elements:
            _update_elements(chunk.get_column(name), part, exact_quantiles=exact_quantiles)
    if exact_quantiles:
        _add_exact_quantiles(chunk, parts)


def _add_exact_quantiles(
    chunk: pl.DataFrame, parts: list[tuple[ColumnPartial, pl.DataType]]
) -> None:
    """Exact quantiles of the columns of a whole table that have too many values to count.

    The others' quantiles come from their exact counts, the same values without a sort.
    """
    wanted = [
        (part, dtype)
        for part, dtype in parts
        if part.family in QUANTILE_FAMILIES
        and part.moments.n
        and (part.values.counts is None or part.values.counts.is_empty())
    ]
    if not wanted:
        return
    found = chunk.select(
        quantiles_expr(part.name, dtype, part.family).alias(str(i))
        for i, (part, dtype) in enumerate(wanted)
    ).row(0)
    for (part, _), quantiles in zip(wanted, found, strict=True):
        part.exact_quantiles = {str(q): float(v) for q, v in zip(QUANTILES, quantiles, strict=True)}


def _update_elements(column: pl.Series, part: ColumnPartial, *, exact_quantiles: bool) -> None:
    """Summarise the elements of a chunk of a list column."""
    elements = dtypes.list_elements(column)
    flat = dtypes.flat_columns({f"{part.name}[]": elements.dtype})
    frame = elements.rename(f"{part.name}[]").to_frame().select(e for _, e in flat.values())
    update_columns(
        frame,
        {n: t for n, (t, _) in flat.items()},
        part.elements,
        exact_quantiles=exact_quantiles,
    )
