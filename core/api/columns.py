"""Typed, read-only views of a profile's parts: its columns, alerts and frequent values.

They read the profile document (see ``core/profiling/schema/profile.schema.json``)
and never copy or compute figures of their own. A figure a column's kind does
not have (the mean of a text column) is None.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.profiling.document import Alert as AlertDocument
from core.profiling.document import ColumnProfile, Severity

__all__ = ["Alert", "ColumnSummary", "TopValue"]


@dataclass(frozen=True)
class TopValue:
    """A frequent value of a column and how many rows hold it."""

    value: Any
    count: int


@dataclass(frozen=True)
class Alert:
    """Something in the profile that deserves attention.

    Attributes:
        kind: what is wrong, such as ``high_missing`` or ``high_correlation``.
        columns: the columns concerned (empty for the dataset as a whole).
        severity: ``critical``, ``warning`` or ``info`` (a :class:`Severity`, a ``str``).
        message: one sentence for people.
        value: the figure measured.
        threshold: the threshold it crossed.

    Example:
        >>> [a.message for a in profile.alerts if a.severity == "critical"]  # doctest: +SKIP
    """

    kind: str
    columns: tuple[str, ...]
    severity: Severity
    message: str
    value: float | int
    threshold: float | int

    @classmethod
    def of(cls, alert: Mapping[str, Any]) -> Alert:
        """The alert of a profile's (or comparison's) alert entry."""
        return cls(
            kind=str(alert["kind"]),
            columns=tuple(alert["columns"]),
            severity=Severity(alert["severity"]),
            message=str(alert["message"]),
            value=alert["value"],
            threshold=alert["threshold"],
        )


class ColumnSummary:
    """The profile of one column, with typed figures.

    Figures that the column's kind does not have are None: ``mean`` of a text
    column, ``top_values`` are there for every kind. Temporal figures (``min``,
    ``max``, quantiles of dates and datetimes) are ISO text in the column's time
    zone; durations are in seconds.

    Example:
        >>> p = loupe.profile(df)  # doctest: +SKIP
        >>> p.columns["price"].mean, p.columns["price"].quantiles["0.5"]  # doctest: +SKIP
        (12.5, 11.0)
    """

    __slots__ = ("_column",)

    def __init__(self, column: ColumnProfile) -> None:
        self._column = column

    def __repr__(self) -> str:
        return (
            f"ColumnSummary(name={self.name!r}, kind={self.kind!r}, dtype={self.dtype!r}, "
            f"count={self.count}, missing={self.missing}, distinct={self.distinct})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColumnSummary) and other._column == self._column

    def __hash__(self) -> int:
        return hash((self.name, self.dtype, self.count))

    @property
    def name(self) -> str:
        """The column's name."""
        return self._column["name"]

    @property
    def kind(self) -> str:
        """What it holds: numeric, categorical, text, boolean, datetime, time, duration,
        binary, list, empty or unsupported."""
        return self._column["kind"]

    @property
    def dtype(self) -> str:
        """Its Polars data type, as text (``Int64``, ``Datetime(time_unit='us', ...)``)."""
        return self._column["dtype"]

    @property
    def count(self) -> int:
        """Values present (rows minus missing)."""
        return self._column["count"]

    @property
    def missing(self) -> int:
        """Missing values."""
        return self._column["missing"]

    @property
    def missing_fraction(self) -> float:
        """Share of the rows missing (0 to 1)."""
        return self._column["missing_fraction"]

    @property
    def distinct(self) -> int:
        """Distinct values present (an estimate when :attr:`distinct_exact` is False)."""
        return self._column["distinct"]

    @property
    def distinct_exact(self) -> bool:
        """Whether :attr:`distinct` was counted exactly."""
        return self._column["distinct_exact"]

    @property
    def unique(self) -> bool:
        """Whether every present value occurs once."""
        return bool(self._column.get("unique", False))

    @property
    def mean(self) -> float | None:
        """Mean of numbers and durations (seconds); None for other kinds."""
        return self._column.get("mean")

    @property
    def std(self) -> float | None:
        """Sample standard deviation of numbers and durations (seconds); None otherwise."""
        return self._column.get("std")

    @property
    def min(self) -> Any:
        """Smallest value: a number, or ISO text for dates and times; None for other kinds."""
        return self._column.get("min")

    @property
    def max(self) -> Any:
        """Largest value: a number, or ISO text for dates and times; None for other kinds."""
        return self._column.get("max")

    @property
    def sum(self) -> float | int | None:
        """Sum of numbers; None for other kinds."""
        return self._column.get("sum")

    @property
    def zeros(self) -> int | None:
        """Values equal to zero, for numbers; None for other kinds."""
        return self._column.get("zeros")

    @property
    def quantiles(self) -> Mapping[str, Any] | None:
        """Quantiles by level (``"0.05"``, ``"0.25"``, ``"0.5"``...), where the kind has them."""
        quantiles = self._column.get("quantiles")
        return dict(quantiles) if quantiles is not None else None

    @property
    def median(self) -> Any:
        """The 0.5 quantile, where the kind has quantiles."""
        quantiles = self._column.get("quantiles")
        return quantiles.get("0.5") if quantiles else None

    @property
    def top_values(self) -> list[TopValue]:
        """The most frequent values, most frequent first."""
        return [TopValue(t["value"], t["count"]) for t in self._column["top_values"]]

    @property
    def histogram(self) -> tuple[list[Any], list[int]] | None:
        """Bin edges and counts of numbers and instants; None for other kinds."""
        histogram = self._column.get("histogram")
        return (list(histogram["edges"]), list(histogram["counts"])) if histogram else None

    @property
    def time_zone(self) -> str | None:
        """The time zone of a datetime column (None: none, or another kind)."""
        return self._column.get("time_zone")

    @property
    def trues(self) -> int | None:
        """True values of a boolean column; None for other kinds."""
        return self._column.get("trues")

    def to_dict(self) -> dict[str, Any]:
        """The column's entry of the profile document (a copy)."""
        return copy.deepcopy(dict(self._column))


def alerts_of(entries: list[AlertDocument]) -> list[Alert]:
    """Typed alerts of a document's alert entries."""
    return [Alert.of(entry) for entry in entries]
