"""What a text column can be read as: kinds, candidates, the type chosen, the user's overrides.

A :class:`Candidate` is one way to read a text column (``date`` with
``%d/%m/%Y``, ``float`` with a decimal comma…); :func:`ordered_candidates`
lists them all, most specific first, and inference keeps the first one that
loses no value. A :class:`ColumnType` is the one chosen, with how.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.errors import OptionError

__all__ = [
    "Candidate",
    "ColumnType",
    "Kind",
    "ordered_candidates",
    "override_candidates",
    "parse_override",
]


class Kind(enum.StrEnum):
    """Target types of inference and of user overrides."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Candidate:
    """One way to read a text column.

    Attributes:
        kind: the target type.
        fmt: the strptime format for dates and datetimes.
        decimal_comma: numbers written with a decimal comma.
        thousands: the digit-group separator numbers are written with, if any.
    """

    kind: Kind
    fmt: str | None = None
    decimal_comma: bool = False
    thousands: str | None = None

    def describe(self) -> str:
        """Short human description, e.g. ``date (%d/%m/%Y)``."""
        extras = [self.fmt] if self.fmt else []
        if self.decimal_comma:
            extras.append("decimal comma")
        if self.thousands:
            extras.append(f"thousands {self.thousands!r}")
        return f"{self.kind.value} ({', '.join(extras)})" if extras else self.kind.value


@dataclass(frozen=True)
class ColumnType:
    """The type chosen for a column, and how sure Loupe is of it.

    Attributes:
        name: column name.
        candidate: how the column is read.
        source: ``inferred`` or ``override``.
        lost: values that did not parse under an override and became missing.
        missing: in a text column, the file's missing markers read as missing there.
    """

    name: str
    candidate: Candidate
    source: str = "inferred"
    lost: int = 0
    missing: tuple[str, ...] = ()

    def describe(self) -> str:
        """How the column was read, e.g. ``inferred as int``; ``text, "NA" as missing``."""
        how = f"{self.source} as {self.candidate.describe()}"
        if self.missing:
            tokens = ", ".join(f'"{t}"' for t in self.missing)
            how += f"; {tokens} read as missing (the file's marker)"
        return how


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d")
_DATETIME_FORMATS = (
    # With a time zone: an offset (`+02:00`, `+0200`) or `Z`; read as UTC instants.
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)


def ordered_candidates(decimal_comma: bool) -> list[Candidate]:
    """All candidates, most specific first."""
    if decimal_comma:
        # Where the comma is the decimal mark, a point can only group thousands;
        # point-decimals come last, for the odd column exported differently.
        numbers = [
            Candidate(Kind.INT),
            Candidate(Kind.INT, thousands="."),
            Candidate(Kind.FLOAT, decimal_comma=True),
            Candidate(Kind.FLOAT, decimal_comma=True, thousands="."),
            Candidate(Kind.FLOAT),
        ]
    else:
        numbers = [
            Candidate(Kind.INT),
            Candidate(Kind.INT, thousands=","),
            Candidate(Kind.FLOAT),
            Candidate(Kind.FLOAT, thousands=","),
        ]
    return [
        Candidate(Kind.BOOL),
        *numbers,
        *(Candidate(Kind.DATE, fmt) for fmt in _DATE_FORMATS),
        *(Candidate(Kind.DATETIME, fmt) for fmt in _DATETIME_FORMATS),
    ]


_KIND_ALIASES = {
    "str": Kind.STR, "string": Kind.STR, "text": Kind.STR, "utf8": Kind.STR,
    "int": Kind.INT, "integer": Kind.INT, "int64": Kind.INT,
    "float": Kind.FLOAT, "double": Kind.FLOAT, "float64": Kind.FLOAT, "number": Kind.FLOAT,
    "bool": Kind.BOOL, "boolean": Kind.BOOL,
    "date": Kind.DATE, "datetime": Kind.DATETIME, "timestamp": Kind.DATETIME,
}  # fmt: skip


def parse_override(spec: str) -> tuple[str, Kind, str | None]:
    """Parse a user's ``NAME=TYPE`` or ``NAME=TYPE:FORMAT`` type override.

    Raises:
        OptionError: no ``=``, or an unknown type name.
    """
    name, sep, rest = spec.rpartition("=")
    if not sep or not name:
        raise OptionError(f"type override {spec!r} is not NAME=TYPE (e.g. zip=str)")
    type_name, _, fmt = rest.partition(":")
    kind = _KIND_ALIASES.get(type_name.strip().lower())
    if kind is None:
        known = ", ".join(k.value for k in Kind)
        raise OptionError(f"unknown type {type_name!r} in {spec!r}; use one of {known}")
    return name, kind, fmt or None


def override_candidates(kind: Kind, fmt: str | None, *, decimal_comma: bool) -> list[Candidate]:
    """Candidates to try, in order, for a column the user forced to ``kind``."""
    if kind is Kind.STR:
        return [Candidate(Kind.STR)]
    if fmt is not None:
        return [Candidate(kind, fmt)]
    return [c for c in ordered_candidates(decimal_comma) if c.kind is kind]
