"""Type inference for text columns: numbers, booleans, dates and datetimes.

Text formats (CSV, JSON strings, Excel text cells) arrive as strings. A column
becomes a typed column only when *every* value that is not a missing-value
token parses as that type, checked over the whole column or a large sample
spread through the file — never just the first rows. Inference runs in two
steps so that it stays one pass over the data:

1. :func:`candidates` narrows each column to the types its sample supports;
2. :func:`failure_counts` counts, in one lazy query, the values that each
   remaining candidate would lose; the first candidate that loses none wins
   (:func:`choose`). For rows in memory, :func:`first_fitting` picks the same
   candidate counting each column's candidates only until one fits.

Missing-value tokens (``NA``, ``N/A``, ``NULL``, ``NaN``, ``#N/A``, empty, …)
become missing in columns that end up numeric, boolean or temporal. The tokens
a file uses so are its *missing markers* (:func:`file_markers`): R and the
tools that follow it write ``NA`` in every column. In text columns a marker is
missing too, unless it has the shape of the column's values (:func:`text_markers`:
Namibia's ``NA`` among country codes stays a value). Codes with leading zeros
(``08123``) stay text.

What lives here: :mod:`.kinds` (kinds, candidates, the chosen
:class:`ColumnType`, overrides), :mod:`.casting` (parsing a value as a candidate,
counting losses), :mod:`.choice` (narrowing and choosing), :mod:`.markers` (the
file's missing markers). The plan built from them is :mod:`core.read.plan`.
"""

from __future__ import annotations

from core.read.infer.casting import (
    MISSING_TOKENS,
    cast_checked,
    cast_counting,
    cast_expr,
    cast_untrimmed,
    untrimmed_dtypes,
)
from core.read.infer.choice import candidates, choose, failure_counts, first_fitting
from core.read.infer.kinds import (
    Candidate,
    ColumnType,
    Kind,
    ordered_candidates,
    override_candidates,
    parse_override,
)
from core.read.infer.markers import file_markers, text_markers

__all__ = [
    "MISSING_TOKENS",
    "Candidate",
    "ColumnType",
    "Kind",
    "candidates",
    "cast_checked",
    "cast_counting",
    "cast_expr",
    "cast_untrimmed",
    "choose",
    "failure_counts",
    "file_markers",
    "first_fitting",
    "ordered_candidates",
    "override_candidates",
    "parse_override",
    "text_markers",
    "untrimmed_dtypes",
]
