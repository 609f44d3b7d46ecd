"""The comparison document's types: what ``compare_profiles`` returns and ``--json`` writes.

TypedDicts are plain dicts at run time, so the document stays JSON as it is.
``schema/comparison.schema.json`` describes the same document as JSON Schema
(:data:`SCHEMA_PATH`). Every figure that has a side carries ``a`` (the first
dataset, the reference), ``b`` (the second) and their ``difference``
(``b − a``; None where there is none).
"""

# No ``from __future__ import annotations``: TypedDicts read their annotations at run time.

from pathlib import Path
from typing import Any, TypedDict

from core.profiling.document import Alert

__all__ = [
    "SCHEMA_PATH",
    "CategoryChange",
    "Change",
    "ColumnComparison",
    "Comparison",
    "CorrelationChange",
    "CorrelationPair",
    "DateRange",
    "Drift",
    "DriftRow",
    "Overlay",
    "Rename",
    "Retype",
    "SchemaChange",
    "Side",
]

#: The JSON Schema of the comparison document.
SCHEMA_PATH = Path(__file__).with_name("schema") / "comparison.schema.json"


class Change(TypedDict):
    """A figure on both sides and ``b − a`` (None where not a number on both)."""

    a: Any
    b: Any
    difference: float | int | None


class Side(TypedDict):
    """What one side of the comparison is: its source, rows and columns."""

    name: str | None
    format: str
    engine: str
    rows: int
    columns: int


class Retype(TypedDict):
    """A column whose type or kind differs between the sides."""

    column: str
    dtype: Change
    kind: Change


class Rename(TypedDict):
    """A removed and an added column whose values look alike: possibly renamed, never certain."""

    a: str
    b: str
    js_distance: float
    message: str


class SchemaChange(TypedDict):
    """Columns added (only in b), removed (only in a), retyped and possibly renamed."""

    common: list[str]
    added: list[str]
    removed: list[str]
    retyped: list[Retype]
    renamed: list[Rename]


class Drift(TypedDict):
    """How far a column's distribution moved (see :mod:`core.compare.drift`).

    ``method`` is ``categories`` (buckets are categories, ``other`` the rest) or
    ``bins`` (the same ``bins`` over the union range on both sides). ``ks`` and
    ``wasserstein`` (in ``unit``; ``wasserstein_std`` divided by a's standard
    deviation) are None for categories. ``exact`` says whether every figure came
    from exact value counts on both sides; when not, bins and quantiles come
    from a side's digest, or categories from its frequent values.
    """

    method: str
    buckets: int
    psi: float
    js_distance: float
    ks: float | None
    wasserstein: float | None
    wasserstein_std: float | None
    unit: str | None
    exact: bool


class Overlay(TypedDict):
    """Both sides' counts in the same buckets, to draw one over the other.

    ``method`` is ``bins`` or ``categories``, as the column's :class:`Drift`.
    Bins: ``edges`` are the bucket edges (numbers; ISO text for instants;
    seconds for durations; lengths for binary values and lists), one more
    than the counts, and ``labels`` is None. Categories: ``labels`` name the
    buckets, None standing for every other value; ``edges`` is None. Counts
    are estimates when the drift is not ``exact``.
    """

    method: str
    edges: list[Any] | None
    labels: list[str | None] | None
    a: list[int]
    b: list[int]


class CategoryChange(TypedDict):
    """Categories found on one side only (the most common first, at most ``listed``).

    ``exact`` is False when a side's values are known by its most frequent ones
    only. Only an exact side can show that a category is missing from it: what
    appeared is listed when ``a`` is exact, what vanished when ``b`` is.
    """

    appeared: list[dict[str, Any]]
    appeared_count: int
    appeared_share: float
    vanished: list[dict[str, Any]]
    vanished_count: int
    vanished_share: float
    exact: bool


class DateRange(TypedDict):
    """The first and last instants on both sides, their shifts in seconds, and the overlap."""

    min: Change
    max: Change
    overlap: bool


class ColumnComparison(TypedDict):
    """One column found on both sides; ``severity`` is its drift's (None: below the thresholds)."""

    name: str
    kind: Change
    dtype: Change
    count: Change
    missing: Change
    missing_fraction: Change
    distinct: Change
    distinct_exact: bool
    stats: dict[str, Change]
    drift: Drift | None
    categories: CategoryChange | None
    date_range: DateRange | None
    overlay: Overlay | None
    severity: str | None


class DriftRow(TypedDict):
    """A line of the table of columns sorted by drift."""

    column: str
    kind: str
    severity: str | None
    js_distance: float | None
    psi: float | None
    ks: float | None
    exact: bool | None


class CorrelationPair(TypedDict):
    """Two columns' correlation on both sides."""

    columns: list[str]
    a: float | None
    b: float | None
    difference: float | None


class CorrelationChange(TypedDict):
    """One correlation method on both sides, over the columns both matrices hold.

    ``difference`` is ``b − a`` cell by cell (None where either is undefined);
    ``largest`` lists the pairs that moved most, largest change first.
    """

    columns: list[str]
    a: list[list[float | None]]
    b: list[list[float | None]]
    difference: list[list[float | None]]
    largest: list[CorrelationPair]


class Comparison(TypedDict):
    """What changed from dataset ``a`` to dataset ``b``."""

    comparison_version: str
    a: Side
    b: Side
    settings: dict[str, Any]
    dataset: dict[str, Change]
    schema: SchemaChange
    columns: list[ColumnComparison]
    drift: list[DriftRow]
    correlations: dict[str, CorrelationChange]
    alerts: list[Alert]
