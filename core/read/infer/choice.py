"""Choosing a type per text column: narrowing on a sample, then checking every value.

:func:`candidates` narrows each column to the types its sample supports;
:func:`failure_counts` counts, in one lazy query, the values each remaining
candidate would lose; :func:`choose` keeps the first that loses none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from core.read.infer.casting import COL, VAL, clean, failures, lost_values, present
from core.read.infer.kinds import Candidate, Kind, ordered_candidates

__all__ = ["candidates", "choose", "failure_counts", "first_fitting"]

_QUICK_ROWS = 500
_NARROW_ROWS = 5000
# Cheap shape tests that keep expensive strptime attempts off columns that
# cannot be dates at all.
_DATE_SHAPE = r"^(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8})$"
_DATETIME_SHAPE = r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[T ]\d{1,2}:\d{2}"


def candidates(
    sample: pl.DataFrame,
    columns: Iterable[str],
    *,
    decimal_comma: bool = False,
    thorough: bool = True,
) -> dict[str, list[Candidate]]:
    """Narrow each text column to the types its sample supports.

    Args:
        sample: rows of the table, text columns as strings.
        columns: the text columns to consider.
        decimal_comma: also try numbers written ``3,14``.
        thorough: narrow on a few thousand rows after the first few hundred. A
            caller that checks every value against the candidates in turn anyway
            (in memory) gets the same types without: a candidate that fails on
            sampled rows fails on all of them, only later.

    Returns:
        For each column, the candidates (most specific first) under which no
        sampled value is lost. Columns with no present value get none and stay text.
    """
    schema = sample.schema  # built anew on each access: read it once
    columns = [c for c in columns if schema.get(c) == pl.String]
    if not columns or sample.height == 0:
        return {c: [] for c in columns}
    plan = {c: ordered_candidates(decimal_comma) for c in columns}
    # Most candidates fail on the first few hundred rows; only the survivors are
    # checked against the whole sample.
    # Checking the candidates against every value is the caller's job, and a
    # failure there falls back to the next candidate: a few thousand rows narrow
    # the list as well as the whole sample would.
    for rows in (_QUICK_ROWS, _NARROW_ROWS) if thorough else (_QUICK_ROWS,):
        plan = _narrow(sample.head(rows), plan)
        if sample.height <= rows:
            break
    return plan


def _narrow(part: pl.DataFrame, plan: Mapping[str, list[Candidate]]) -> dict[str, list[Candidate]]:
    """Drop the candidates that lose a value of ``part``.

    The sample is unpivoted into one long (column, value) frame so that each
    candidate is one expression over all the columns that still have it: the
    cost grows with the number of values, not with columns times candidates,
    which keeps tables of thousands of columns quick.
    """
    live = [c for c, cands in plan.items() if cands]
    if not live:
        return dict(plan)
    long = (
        part.select(live)
        .unpivot(variable_name=COL, value_name=VAL)
        .filter(present(VAL))
        .with_columns(
            clean(VAL).str.contains(_DATE_SHAPE).alias("date_shape"),
            clean(VAL).str.contains(_DATETIME_SHAPE).alias("datetime_shape"),
        )
    )
    shapes = long.group_by(COL).agg(
        pl.col("date_shape").all().alias("dates"),
        pl.col("datetime_shape").all().alias("datetimes"),
    )
    by_column = {row[COL]: row for row in shapes.iter_rows(named=True)}
    narrowed: dict[str, list[Candidate]] = {}
    for c, cands in plan.items():
        shape = by_column.get(c)
        # No value at all (or only tokens): nothing to type, the column stays text.
        narrowed[c] = (
            []
            if shape is None
            else [
                cand
                for cand in cands
                if not (cand.kind is Kind.DATE and not shape["dates"])
                and not (cand.kind is Kind.DATETIME and not shape["datetimes"])
            ]
        )
    distinct = list(dict.fromkeys(cand for cands in narrowed.values() for cand in cands))
    for cand in distinct:
        holders = [c for c, cands in narrowed.items() if cand in cands]
        lost = (
            long.filter(pl.col(COL).is_in(holders))
            .group_by(COL)
            .agg(failures(VAL, cand).alias("lost"))
            .filter(pl.col("lost") > 0)
            .get_column(COL)
            .to_list()
        )
        for c in lost:
            narrowed[c] = [x for x in narrowed[c] if x != cand]
    return narrowed


def failure_counts(
    frame: pl.LazyFrame,
    plan: Mapping[str, Sequence[Candidate]],
    *,
    streaming: bool = True,
) -> dict[str, dict[Candidate, int]]:
    """Count, in one query over ``frame``, the values each candidate would lose.

    Args:
        frame: the table, text columns as strings.
        plan: candidates to check per column.
        streaming: run on Polars' streaming engine (bounded memory).

    Returns:
        ``{column: {candidate: lost values}}``.
    """
    exprs = [
        failures(c, cand).alias(f"{c}\x00{i}")
        for c, cands in plan.items()
        for i, cand in enumerate(cands)
    ]
    if not exprs:
        return {c: {} for c in plan}
    row = (
        frame.select(exprs)
        .collect(engine="streaming" if streaming else "in-memory")
        .row(0, named=True)
    )
    return {
        c: {cand: int(row[f"{c}\x00{i}"] or 0) for i, cand in enumerate(cands)}
        for c, cands in plan.items()
    }


def first_fitting(
    frame: pl.DataFrame, plan: Mapping[str, Sequence[Candidate]]
) -> dict[str, Candidate]:
    """The first candidate per column that loses no value of ``frame``; text when none does.

    What :func:`choose` picks from :func:`failure_counts`, but for rows in memory:
    each column's candidates are counted one at a time, and only until one fits.
    """
    chosen = {c: Candidate(Kind.STR) for c in plan}
    remaining = {c: list(cands) for c, cands in plan.items() if cands}
    while remaining:
        trying = {c: cands[0] for c, cands in remaining.items()}
        for c, lost in lost_values(frame, trying).items():
            if lost == 0:
                chosen[c] = trying[c]
                del remaining[c]
            else:
                del remaining[c][0]
                if not remaining[c]:
                    del remaining[c]
    return chosen


def choose(
    plan: Mapping[str, Sequence[Candidate]], counts: Mapping[str, Mapping[Candidate, int]]
) -> dict[str, Candidate]:
    """The first candidate per column that loses no value; text when none does."""
    chosen: dict[str, Candidate] = {}
    for c, cands in plan.items():
        chosen[c] = next(
            (cand for cand in cands if counts.get(c, {}).get(cand, 1) == 0), Candidate(Kind.STR)
        )
    return chosen
