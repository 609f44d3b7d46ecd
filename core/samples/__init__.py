"""Datasets bundled with Loupe, for a first look without a file of one's own."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_CSV"]

SAMPLE_CSV = Path(__file__).with_name("retail_orders.csv")
"""A small synthetic retail order log with the usual mess: missing values,
codes with leading zeros, dates, booleans written yes/no, and a skewed amount."""
