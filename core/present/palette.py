"""The colours every view of a profile shares: the Okabe-Ito palette and one colour per kind.

Okabe-Ito stays distinguishable for the common colour blindnesses. A column
kind has the same colour in every chart, the report and the desktop's column
list, whatever kinds a dataset happens to have.
"""

from __future__ import annotations

__all__ = ["KIND_COLOURS", "OKABE_ITO", "kind_colour"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

KIND_COLOURS = {
    "numeric": "#0072B2",
    "categorical": "#009E73",
    "text": "#CC79A7",
    "datetime": "#E69F00",
    "boolean": "#D55E00",
    "time": "#E69F00",
    "duration": "#56B4E9",
    "binary": "#666666",
    "list": "#8C7A00",
    "empty": "#999999",
    "unsupported": "#999999",
}


def kind_colour(kind: str) -> str:
    """The colour of ``kind`` (grey for a kind without one)."""
    return KIND_COLOURS.get(kind, "#999999")
