"""What "verified" checks: the evidence's figures are the profile's, matched strictly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cloud.insights import InsightsAnswer, verify
from cloud.insights.verify import parse_number


def _profile() -> dict[str, Any]:
    return {
        "dataset": {"rows": 300, "duplicate_rows": 1234567, "missing_cells_fraction": 0.0123456},
        "columns": [
            {
                "name": "ssn",
                "count": 300,
                "missing": 0,
                "distinct": 300,
                "missing_fraction": 0.784321,
                "mean": 47.8123,
                "std": 0.00123456,
                "min": 3,
                "quantiles": {"0.5": 12.5},
            }
        ],
    }


def _status(metric: str, value: Any, column: str | None = "ssn") -> str:
    answer = InsightsAnswer.model_validate(
        {
            "insights": [
                {
                    "title": "t",
                    "detail": "d",
                    "columns": [column] if column else [],
                    "evidence": [{"metric": metric, "column": column, "value": value}],
                }
            ]
        }
    )
    return verify(answer, _profile()).insights[0].status


@pytest.mark.parametrize(
    ("metric", "column", "value"),
    [
        ("rows", None, 300),
        ("rows", None, "300"),
        ("rows", None, 300.0),
        ("duplicate_rows", None, "1,234,567"),
        ("duplicate_rows", None, 1234567),
        ("missing", "ssn", 0),
        ("min", "ssn", 3),
        ("missing_fraction", "ssn", "78.4%"),  # rounded to its last digit
        ("missing_fraction", "ssn", "78.43 %"),
        ("missing_fraction", "ssn", 0.784321),
        ("missing_fraction", "ssn", 0.78),
        ("missing_fraction", "ssn", 78.4),  # a percentage without its sign
        ("missing_cells_fraction", None, "1.2%"),
        ("missing_cells_fraction", None, 0.0123456),
        ("mean", "ssn", 47.8),
        ("mean", "ssn", "47.81"),
        ("mean", "ssn", 48),
        ("std", "ssn", 0.0012),
        ("std", "ssn", "1.23e-3"),
        ("median", "ssn", 12.5),
    ],
)
def test_evidence_that_is_the_profiles_matches(metric: str, column: str | None, value: Any) -> None:
    assert _status(metric, value, column) == "verified"


@pytest.mark.parametrize(
    ("metric", "column", "value"),
    [
        ("rows", None, "0,300"),  # not a number, let alone 300
        ("rows", None, "3,00"),
        ("rows", None, 301),  # counts are exact: no 1% slack
        ("rows", None, 299),
        ("rows", None, 300.5),
        ("rows", None, "300%"),
        ("rows", None, "1e3"),
        ("rows", None, "three hundred"),
        ("rows", None, True),
        ("duplicate_rows", None, "1234,567"),
        ("duplicate_rows", None, "1,2345,67"),
        ("duplicate_rows", None, "1,234,568"),
        ("distinct", "ssn", 297),  # 1% off
        ("missing_fraction", "ssn", "78.5%"),  # off by more than half its last digit
        ("missing_fraction", "ssn", 0.79),
        ("missing_fraction", "ssn", 0.8),  # one significant digit: must be exact
        ("missing_fraction", "ssn", "0"),
        ("missing_cells_fraction", None, "1.3%"),
        ("mean", "ssn", 47.3),
        ("mean", "ssn", 50),
        ("std", "ssn", 0.0013),
        ("mean", "ssn", "047.8"),
        ("mean", "ssn", "nan"),
        ("mean", "ssn", "inf"),
    ],
)
def test_evidence_that_is_not_does_not(metric: str, column: str | None, value: Any) -> None:
    assert _status(metric, value, column) == "unverified"


def test_numbers_are_read_strictly() -> None:
    assert parse_number("1,234,567") == (Decimal(1234567), False)
    assert parse_number(" -1,234.50 ") == (Decimal("-1234.50"), False)
    assert parse_number("12.5%") == (Decimal("12.5"), True)
    assert parse_number(".5") == (Decimal("0.5"), False)
    bad = ("0,300", "1,23", "12,3456", "1.2.3", "", "-", "1_000", "٣", "1٣", "5.", "0x10", "1e")
    for text in bad:
        assert parse_number(text) is None, text


def test_a_claim_resting_on_a_misread_count_is_not_verified() -> None:
    # Even a matching count would only say the figure is the profile's, not that the
    # claim is true: the wording shown to users says so (see the cards and the CLI).
    answer = InsightsAnswer.model_validate(
        {
            "insights": [
                {
                    "title": "ssn holds no personal data",
                    "detail": "Safe to share.",
                    "columns": ["ssn"],
                    "evidence": [{"metric": "rows", "column": None, "value": "0,300"}],
                }
            ]
        }
    )
    assert verify(answer, _profile()).insights[0].status == "unverified"
