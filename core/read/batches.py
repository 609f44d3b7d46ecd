"""Checking a stream of batches against a proposal, and the plan it proves.

The streaming engines read a table once, batch by batch. A :class:`BatchCheck`
casts each batch with each column's first candidate type; the first batch that
holds a value a candidate cannot read raises :class:`~core.errors.TypesChanged`
naming the columns, and the reader starts again from
``proposal.without_first(columns)``. Once every batch passed, :meth:`BatchCheck.plan`
is the plan, checked against every value.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from core.errors import TypesChanged
from core.read import infer
from core.read.infer import Candidate, ColumnType, Kind
from core.read.plan import Proposal, TypePlan, apply_types
from core.read.planner import Planner

__all__ = ["BatchCheck"]


class BatchCheck:
    """Casts batches under a proposal's first choices, counting what overrides lose.

    Args:
        planner: the table's planner (for the missing markers and the final plan).
        proposal: the candidates to try; the first of each column is tried.
    """

    def __init__(self, planner: Planner, proposal: Proposal) -> None:
        self._planner = planner
        self._proposal = proposal
        self._trying = proposal.first_choices()
        self._picked = {c: cands[0] for c, cands in proposal.forced.items()}
        self._lost = dict.fromkeys(self._picked, 0)
        rest = {
            c: ColumnType(c, Candidate(k, f), "override")
            for c, (k, f) in proposal.overrides.items()
            if c not in proposal.forced
        }
        kinds = {c: cand.kind for c, cand in {**self._trying, **self._picked}.items()}
        for c, (k, _) in proposal.overrides.items():
            kinds.setdefault(c, k)
        markers = planner.markers(kinds)
        rest.update(
            {c: ColumnType(c, Candidate(Kind.STR), missing=t) for c, t in markers.columns.items()}
        )
        self._rest = rest

    def cast(self, batch: pl.DataFrame) -> pl.DataFrame:
        """``batch`` with the planned types.

        Raises:
            TypesChanged: a value of an inferred column does not fit its candidate.
        """
        cast, losses = infer.cast_counting(batch, {**self._trying, **self._picked})
        wrong = [c for c in self._trying if losses[c]]
        if wrong:
            raise TypesChanged(wrong)
        for c in self._picked:
            self._lost[c] += losses[c]
        typed = batch.with_columns(cast.get_columns())
        if self._rest:
            typed = apply_types(typed.lazy(), self._rest).collect()
        return typed

    def plan(self) -> TypePlan:
        """The plan proved by every batch cast so far (call after the last)."""
        forced = {c: (cand,) for c, cand in self._picked.items()}
        counts = {c: {self._picked[c]: self._lost[c]} for c in self._picked}
        proposal = replace(self._proposal, forced=forced)
        return self._planner.settle(
            proposal, self._trying, counts, basis="every value", full_scan=True
        )
