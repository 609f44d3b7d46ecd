"""Numbers and shares as text."""

from __future__ import annotations

import html

import pytest

from core.present.markup import percent
from core.present.numbers import format_dtype, format_share


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0.0%"),
        (94 / 336_776, "<0.1%"),  # a top value of 94 in the flights' 336,776 rows
        (0.0005, "0.1%"),
        (0.074, "7.4%"),
        (0.9996, ">99.9%"),
        (1.0, "100.0%"),
        (None, "—"),
    ],
)
def test_a_few_values_never_read_as_none_nor_all(share: float | None, text: str) -> None:
    assert format_share(share) == text
    assert html.unescape(percent(share)) == text  # the HTML report's shares are the same


def test_shares_without_decimals_keep_the_rule() -> None:
    assert [format_share(s, digits=0) for s in (0.003, 0.005, 0.02, 0.996, 1.0)] == [
        "<1%",
        "<1%",
        "2%",
        ">99%",
        "100%",
    ]


@pytest.mark.parametrize(
    ("dtype", "label"),
    [
        ("Datetime(time_unit='us', time_zone='UTC')", "Datetime[us, UTC]"),
        ("Datetime(time_unit='ns', time_zone=None)", "Datetime[ns]"),
        ("Duration(time_unit='ms')", "Duration[ms]"),
        ("Decimal(precision=10, scale=2)", "Decimal[10, 2]"),
        ("List(Int64)", "List(Int64)"),
        ("Int64", "Int64"),
    ],
)
def test_types_read_as_short_labels(dtype: str, label: str) -> None:
    import polars as pl

    assert format_dtype(dtype) == label
    if dtype.startswith("Datetime"):  # the text is Polars' own
        assert format_dtype(str(pl.Datetime("us", "UTC"))) == "Datetime[us, UTC]"
