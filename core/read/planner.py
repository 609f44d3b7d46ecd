"""Planning column types: from a table's head sample and the read options to a :class:`TypePlan`.

A :class:`Planner` proposes candidate types from the head sample
(:meth:`Planner.propose`), checks them against the data, and settles the result
into an immutable :class:`~core.read.plan.TypePlan`. It never touches the table:
the table applies the plan it gets back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import polars as pl

from core.errors import OptionError
from core.read import infer
from core.read.infer import Candidate, ColumnType, Kind
from core.read.options import ReadOptions
from core.read.plan import MissingMarkers, Proposal, Traits, TypePlan, apply_types

__all__ = ["Planner"]


class Planner:
    """Plans the column types of one table.

    Args:
        sample: the head sample, text columns still text (``na`` tokens already missing).
        options: how the file is read (overrides, ``infer``, ``na``, ``keep_na``).
        path: the file, for error messages.
        traits: what the format says about typing.
    """

    def __init__(
        self, sample: pl.DataFrame, options: ReadOptions, *, path: Path, traits: Traits
    ) -> None:
        self.sample = sample
        self.options = options
        self.path = path
        self.traits = traits

    def propose(self, *, thorough: bool = True) -> Proposal:
        """Candidate types per text column, and for the overridden ones.

        Args:
            thorough: narrow the candidates on a few thousand rows, not only a
                few hundred (see :func:`core.read.infer.candidates`): worth it
                where a wrong first candidate costs a second pass over the file.

        Raises:
            OptionError: an override names no column, or no known type.
        """
        overrides = self._overrides(self.sample.columns)
        decimal_comma = self.traits.decimal_comma
        schema = self.sample.schema
        text_columns = [c for c, t in schema.items() if t == pl.String and c not in overrides]
        inferred = (
            infer.candidates(
                self.sample, text_columns, decimal_comma=decimal_comma, thorough=thorough
            )
            if self.options.infer and self.traits.retype_text
            else {}
        )
        forced = {
            c: tuple(infer.override_candidates(kind, fmt, decimal_comma=decimal_comma))
            for c, (kind, fmt) in overrides.items()
            if schema[c] == pl.String
        }
        return Proposal({c: tuple(v) for c, v in inferred.items()}, forced, overrides)

    def check(
        self, frame: pl.LazyFrame, *, streaming: bool, basis: str, full_scan: bool
    ) -> TypePlan:
        """Propose, check every candidate against ``frame`` in one query, and settle."""
        proposal = self.propose()
        if streaming:
            counts = infer.failure_counts(
                frame, {**proposal.inferred, **proposal.forced}, streaming=True
            )
            picked = infer.choose(proposal.inferred, counts)
        else:
            # Rows in memory: each column's candidates are counted only until one fits.
            rows = frame.collect()
            picked = infer.first_fitting(rows, proposal.inferred)
            counts = infer.failure_counts(rows.lazy(), proposal.forced, streaming=False)
        return self.settle(proposal, picked, counts, basis=basis, full_scan=full_scan)

    def type_frame(
        self, raw: pl.DataFrame, *, basis: str, full_scan: bool
    ) -> tuple[pl.DataFrame, TypePlan]:
        """Infer types from, check them against, and apply them to in-memory rows."""
        # Every value is checked against the candidates in turn: a candidate the
        # thorough narrowing would drop is dropped here, at the cost of one parse.
        proposal = self.propose(thorough=False)
        # One parse per column: the cast itself tells whether any value was lost.
        frame, picked = infer.cast_checked(raw, proposal.inferred)
        counts = infer.failure_counts(raw.lazy(), proposal.forced, streaming=False)
        plan = self.settle(proposal, picked, counts, basis=basis, full_scan=full_scan)
        rest = {c: t for c, t in plan.columns.items() if c not in picked or t.missing}
        typed = apply_types(frame.lazy(), rest).collect() if rest else frame
        return typed, plan

    def settle(
        self,
        proposal: Proposal,
        picked: Mapping[str, Candidate],
        counts: Mapping[str, Mapping[Candidate, int]],
        *,
        basis: str,
        full_scan: bool,
    ) -> TypePlan:
        """The plan: inferred types, then overrides (warning of lost values), then markers."""
        chosen = {c: ColumnType(c, cand) for c, cand in picked.items()}
        warnings: list[str] = []
        for c, cands in proposal.forced.items():
            best = min(cands, key=lambda cand: counts[c][cand])
            chosen[c] = ColumnType(c, best, source="override", lost=counts[c][best])
            if counts[c][best]:
                warnings.append(
                    f"column {c!r}: {counts[c][best]:,} values could not be read as "
                    f"{best.describe()} and are shown as missing"
                )
        for c, (kind, fmt) in proposal.overrides.items():
            if c not in proposal.forced:
                chosen[c] = ColumnType(c, Candidate(kind, fmt), source="override")
        markers = self.markers({c: t.candidate.kind for c, t in chosen.items()})
        for c, tokens in markers.columns.items():
            chosen[c] = replace(chosen[c], missing=tokens)
        return TypePlan(chosen, basis, full_scan, markers, tuple(warnings))

    def markers(self, kinds: Mapping[str, Kind]) -> MissingMarkers:
        """The file's missing markers, and the tokens of each text column read as missing.

        Args:
            kinds: the kind chosen (or being tried) for each column read from text.
        """
        if self.options.na:
            # Read as missing where the file was read; nothing is left to find.
            return MissingMarkers(self.options.na, "option")
        typed = [c for c, k in kinds.items() if k is not Kind.STR]
        text = [c for c, k in kinds.items() if k is Kind.STR]
        # JSON has a null of its own: there, a text "NA" is a missing marker only where
        # the file also writes it in its typed fields.
        unmistakable = [] if self.traits.own_nulls else text
        tokens = tuple(infer.file_markers(self.sample, typed, unmistakable))
        if self.options.keep_na:
            return MissingMarkers(tokens, "none")
        return MissingMarkers(tokens, "file", infer.text_markers(self.sample, text, tokens))

    def _overrides(self, columns: list[str]) -> dict[str, tuple[Kind, str | None]]:
        """The user's type overrides, checked against the columns."""
        parsed: dict[str, tuple[Kind, str | None]] = {}
        for name, spec in self.options.types.items():
            _, kind, fmt = infer.parse_override(f"{name}={spec}")
            if name not in columns:
                shown = ", ".join(columns[:20])
                raise OptionError(f"{self.path}: no column named {name!r} (columns: {shown})")
            parsed[name] = (kind, fmt)
        return parsed
