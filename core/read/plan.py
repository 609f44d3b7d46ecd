"""The type plan: what inference decided for each column, as plain immutable values.

Inference (:mod:`core.read.planner`) produces a :class:`TypePlan`; the table
applies it (:func:`apply_types`) and shows it (:class:`core.read.info.ReadInfo`
is derived from the plan and the source). Before checking, inference holds a
:class:`Proposal`: the candidate types each text column's head supports. When a
later batch contradicts the first candidate of a column, the column's candidate is
dropped (:meth:`Proposal.without_first`) and the stream starts again from the first
row with the new proposal. What a format
says about typing its columns reaches the planner as :class:`Traits`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

import polars as pl

from core.read import infer
from core.read.infer import Candidate, ColumnType, Kind

__all__ = ["Decided", "MissingMarkers", "Proposal", "Traits", "TypePlan", "apply_types"]


class Decided(enum.StrEnum):
    """How a column's type was decided."""

    FULL_SCAN = "full scan"  # inferred, checked against every value
    SAMPLED = "sampled"  # inferred, checked against a sample of the rows
    OPTION = "option"  # forced by a type override
    SCHEMA = "schema"  # stored typed in the file (or text kept as text)


@dataclass(frozen=True)
class Traits:
    """What the format says about typing its columns.

    Attributes:
        retype_text: text columns are typed by inference (text formats and
            workbooks); columnar formats store real types, and a string column
            there is text on purpose.
        decimal_comma: numbers may be written ``3,14``.
        own_nulls: the format writes missing values as a null of its own (JSON),
            so a text ``NA`` is a marker only where typed fields use it too.
    """

    retype_text: bool = False
    decimal_comma: bool = False
    own_nulls: bool = False


@dataclass(frozen=True)
class Proposal:
    """Candidate types before they are checked against the data.

    Attributes:
        inferred: per text column, the candidates its head supports, most specific first.
        forced: per overridden text column, the candidates of the user's type.
        overrides: the user's type overrides, ``{column: (kind, format)}``.
    """

    inferred: Mapping[str, tuple[Candidate, ...]]
    forced: Mapping[str, tuple[Candidate, ...]]
    overrides: Mapping[str, tuple[Kind, str | None]]

    def first_choices(self) -> dict[str, Candidate]:
        """The candidate tried first per inferred column (text where none is left)."""
        return {c: cands[0] if cands else Candidate(Kind.STR) for c, cands in self.inferred.items()}

    def without_first(self, columns: Iterable[str]) -> Proposal:
        """A new proposal where ``columns`` move on to their next candidate."""
        dropped = set(columns)
        inferred = {c: cands[1:] if c in dropped else cands for c, cands in self.inferred.items()}
        return Proposal(inferred, self.forced, self.overrides)


@dataclass(frozen=True)
class MissingMarkers:
    """The tokens read as missing, where they come from, and the text columns they apply to.

    Attributes:
        tokens: the file's missing markers, or those given with ``na``.
        source: ``file`` (found in the typed columns), ``option`` (given) or
            ``none`` (kept as values in text columns).
        columns: per text column, the tokens read as missing there.
    """

    tokens: tuple[str, ...] = ()
    source: str = "file"
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TypePlan:
    """The types chosen for a table's columns, and how they were decided.

    Attributes:
        columns: the type chosen for each column read from text (and each overridden one).
        basis: what the types were checked against, e.g. ``every value``.
        full_scan: whether that was every value of the table.
        markers: the missing-value tokens and where they apply.
        warnings: what the user should know (values lost to an override).
    """

    columns: Mapping[str, ColumnType] = field(default_factory=dict)
    basis: str = ""
    full_scan: bool = False
    markers: MissingMarkers = field(default_factory=MissingMarkers)
    warnings: tuple[str, ...] = ()

    def decided(self, column: str) -> Decided:
        """How ``column``'s type was decided."""
        chosen = self.columns.get(column)
        if chosen is None:
            return Decided.SCHEMA
        if chosen.source == "override":
            return Decided.OPTION
        return Decided.FULL_SCAN if self.full_scan else Decided.SAMPLED


def apply_types(
    frame: pl.LazyFrame, chosen: Mapping[str, ColumnType], *, by_batch: bool = False
) -> pl.LazyFrame:
    """Cast the frame's columns to their chosen types (text columns: their markers to missing).

    Args:
        frame: the table as read.
        chosen: the type per column.
        by_batch: cast numbers and booleans batch by batch, trimming whitespace
            only in the batches that need it (the same values, less work for a
            frame that is only streamed through, such as a conversion's).
    """
    schema = frame.collect_schema()
    quick: dict[str, Candidate] = {}
    if by_batch:
        text = {n: t.candidate for n, t in chosen.items() if schema[n] == pl.String}
        dtypes = infer.untrimmed_dtypes(text)
        quick = {n: text[n] for n in dtypes}
    if quick:
        frame = frame.map_batches(
            partial(infer.cast_untrimmed, chosen=quick),
            schema=pl.Schema({n: dtypes.get(n, t) for n, t in schema.items()}),
            streamable=True,
        )
    exprs = []
    for name, col_type in chosen.items():
        if name in quick:
            continue
        cand = col_type.candidate
        if cand.kind is Kind.STR and schema[name] == pl.String:
            if col_type.missing:
                value = pl.col(name)
                exprs.append(
                    pl.when(value.str.strip_chars().is_in(list(col_type.missing)))
                    .then(pl.lit(None, pl.String))
                    .otherwise(value)
                    .alias(name)
                )
            continue
        if schema[name] == pl.String:
            exprs.append(infer.cast_expr(name, cand))
        else:
            exprs.append(pl.col(name).cast(_DTYPES[cand.kind], strict=False))
    return frame.with_columns(exprs) if exprs else frame


_DTYPES: dict[Kind, pl.DataType] = {
    Kind.STR: pl.String(),
    Kind.INT: pl.Int64(),
    Kind.FLOAT: pl.Float64(),
    Kind.BOOL: pl.Boolean(),
    Kind.DATE: pl.Date(),
    Kind.DATETIME: pl.Datetime("us"),
}
