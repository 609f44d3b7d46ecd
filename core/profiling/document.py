"""The profile document's types: what travels from the engine to the report, desktop and cloud.

Each part of ``core/profiling/schema/profile.schema.json`` has a TypedDict here
(tests keep their keys in step with the schema). TypedDicts are plain dicts at
run time, so the document stays JSON as it is; only type checkers see the names.

:class:`Severity` is the one list of alert severities, most severe first.
"""

# No ``from __future__ import annotations``: the tests read each TypedDict's required
# and optional keys at run time, which Python 3.11 gets right only for evaluated
# annotations (a postponed ``NotRequired[...]`` counts as required).

import math
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

__all__ = [
    "Alert",
    "ColumnProfile",
    "Correlations",
    "Dataset",
    "Evidence",
    "ExactFigures",
    "Histogram",
    "Insight",
    "Lengths",
    "Matrix",
    "Missing",
    "MissingColumn",
    "MissingPattern",
    "Profile",
    "Rows",
    "Samples",
    "Settings",
    "Severity",
    "Source",
    "TextContent",
    "TopValue",
    "View",
    "finite",
]


class Severity(StrEnum):
    """How much an alert matters; members are listed most severe first."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, counting up."""
        return list(Severity).index(self)


def finite(value: float | None) -> float | None:
    """None for NaN and infinities (JSON, and so the document, has neither)."""
    return None if value is None or not math.isfinite(value) else float(value)


class View(TypedDict):
    """The rows profiled when they are not the whole table: of how many, chosen how."""

    of_rows: int
    description: str


class Source(TypedDict):
    """What was read: the file, its format and size, and how it was read."""

    path: str | None
    format: str
    size_bytes: int
    name: NotRequired[str]
    read: NotRequired[dict[str, Any]]
    parts: NotRequired[list[dict[str, Any]]]
    view: NotRequired[View]


class Dataset(TypedDict):
    """Figures of the whole table."""

    rows: int
    columns: int
    cells: int
    missing_cells: int
    missing_cells_fraction: float
    duplicate_rows: int | None
    duplicate_rows_fraction: float | None
    memory_bytes: int
    kinds: dict[str, int]


class Matrix(TypedDict):
    """A symmetric matrix over named columns (None where undefined)."""

    columns: list[str]
    matrix: list[list[float | None]]


class Histogram(TypedDict):
    """Bin edges (numbers, or ISO text for temporal columns) and the counts between them."""

    edges: list[Any]
    counts: list[int]


class TopValue(TypedDict):
    """A frequent value and how often it occurs."""

    value: Any
    count: int


class Lengths(TypedDict):
    """Lengths of strings (characters), binary values (bytes) or lists (elements)."""

    min: int | None
    mean: float | None
    max: int | None
    histogram: Histogram
    quantiles: NotRequired[dict[str, float]]
    quantiles_exact: NotRequired[bool]


class TextContent(TypedDict):
    """Shares of a text column's sampled values that read as numbers, dates or codes."""

    sampled: int
    numeric_share: float
    date_share: float
    code_share: float


class ExactFigures(TypedDict):
    """Extremes and sum of Decimal and wide integer columns, exactly, as text."""

    min: str
    max: str
    sum: str


class ColumnProfile(TypedDict):
    """One column: common figures, then those of its kind (see the schema's ``allOf``)."""

    name: str
    dtype: str
    kind: str
    count: int
    missing: int
    missing_fraction: float
    distinct: int
    distinct_exact: bool
    distinct_bounds: list[int]
    top_values: list[TopValue]
    top_values_error: int
    distinct_fraction: NotRequired[float]
    unique: NotRequired[bool]
    # Numbers, times and durations (min and max are ISO text for times).
    min: NotRequired[Any]
    max: NotRequired[Any]
    range: NotRequired[float | int | None]
    mean: NotRequired[float | None]
    std: NotRequired[float | None]
    variance: NotRequired[float | None]
    cv: NotRequired[float | None]
    sum: NotRequired[float | int | None]
    skewness: NotRequired[float | None]
    kurtosis: NotRequired[float | None]
    zeros: NotRequired[int]
    negatives: NotRequired[int]
    infinite: NotRequired[int]
    quantiles: NotRequired[dict[str, Any]]
    quantiles_exact: NotRequired[bool]
    iqr: NotRequired[float | None]
    histogram: NotRequired[Histogram]
    exact: NotRequired[ExactFigures]
    range_seconds: NotRequired[float | None]
    time_zone: NotRequired[str | None]
    unit: NotRequired[str]
    # Booleans.
    trues: NotRequired[int]
    falses: NotRequired[int]
    # Text, binary values and lists.
    length: NotRequired[Lengths]
    empty: NotRequired[int]
    text_content: NotRequired[TextContent]
    elements: NotRequired[list["ColumnProfile"]]
    # Unsupported columns.
    reason: NotRequired[str | None]


class Correlations(TypedDict):
    """Correlation matrices by method, and the rows they were computed on."""

    pearson: Matrix
    spearman: Matrix
    cramers_v: Matrix
    sample_rows: int
    exact: bool


class MissingColumn(TypedDict):
    """Missing values of one column."""

    column: str
    missing: int
    fraction: float


class MissingPattern(TypedDict):
    """Rows whose missing columns are exactly ``columns``."""

    columns: list[str]
    count: int


class Missing(TypedDict):
    """Missing values per column, how columns go missing together, and the common patterns."""

    columns: list[MissingColumn]
    nullity_correlation: Matrix
    patterns: list[MissingPattern]
    patterns_exact: bool


class Alert(TypedDict):
    """Something in the profile that deserves attention (see :mod:`core.profiling.alerts`)."""

    kind: str
    columns: list[str]
    value: float | int
    threshold: float | int
    severity: Severity
    message: str


class Rows(TypedDict):
    """Rows as JSON-ready lists under their column names."""

    columns: list[str]
    rows: list[list[Any]]


class Samples(TypedDict):
    """The first and last rows."""

    head: Rows
    tail: Rows


class Settings(TypedDict):
    """The settings and alert thresholds the profile was made with."""

    thresholds: dict[str, float]
    correlation_sample: NotRequired[int]
    exact_distinct_limit: NotRequired[int]


class Evidence(TypedDict):
    """A figure an insight rests on: a metric of a column (None: of the dataset) and its value."""

    metric: str
    column: str | None
    value: float | int | str | bool | None


class Insight(TypedDict):
    """An AI insight on the profile; ``status`` says whether its evidence matched the profile."""

    title: str
    detail: str
    severity: str
    columns: list[str]
    evidence: list[Evidence]
    status: str
    model: NotRequired[str]
    question: NotRequired[str | None]


class Profile(TypedDict):
    """The profile document of one table (or, merged, of several parts of one)."""

    schema_version: str
    loupe_version: str
    engine: str
    source: Source
    dataset: Dataset
    columns: list[ColumnProfile]
    correlations: Correlations
    missing: Missing
    alerts: list[Alert]
    samples: Samples
    settings: Settings
    state: str
    insights: NotRequired[list[Insight]]
