"""Realistic synthetic tables for benchmarks and the bundled sample.

Mixed types with the usual mess of real exports: missing values written as
tokens, codes with leading zeros, dates, yes/no booleans, skewed amounts and
categorical columns with a long tail. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

CITIES = [
    "Lyon",
    "São Paulo",
    "München",
    "Zürich",
    "Kraków",
    "Québec",
    "Oslo",
    "Austin",
    "Nairobi",
    "Osaka",
    "Reykjavík",
    "Córdoba",
]
CHANNELS = ["web", "store", "phone", "partner"]
COMMENTS = [
    "fast delivery",
    "box damaged, item fine",
    "would buy again",
    'late, but polite "support"',
    "two lines:\nfirst, then second",
]


def orders(rows: int, seed: int = 7) -> pl.DataFrame:
    """An order log of ``rows`` rows (about 100 bytes a row as CSV)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01T00:00:00")
    seconds = rng.integers(0, 3 * 365 * 86400, rows)
    amount = np.round(rng.lognormal(3.5, 1.0, rows), 2)
    quantity = rng.poisson(2.0, rows) + 1
    discount = np.where(rng.random(rows) < 0.7, 0.0, np.round(rng.random(rows) * 0.3, 2))
    city = rng.choice(
        len(CITIES), rows, p=np.linspace(3, 1, len(CITIES)) / np.linspace(3, 1, len(CITIES)).sum()
    )
    frame = pl.DataFrame(
        {
            "order_id": np.arange(1, rows + 1),
            "customer_zip": [f"{z:05d}" for z in rng.integers(0, 99999, rows)],
            "ordered_at": (start + seconds.astype("timedelta64[s]")).astype("datetime64[ms]"),
            "ship_date": (
                start
                + seconds.astype("timedelta64[s]")
                + rng.integers(1, 10, rows).astype("timedelta64[D]")
            ).astype("datetime64[D]"),
            "city": np.array(CITIES)[city],
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), rows)],
            "quantity": quantity,
            "amount": amount,
            "discount": discount,
            "gift": np.where(rng.random(rows) < 0.1, "yes", "no"),
            "rating": rng.integers(1, 6, rows).astype(float),
            "comment": np.array(COMMENTS)[rng.integers(0, len(COMMENTS), rows)],
        }
    )
    missing = rng.random(rows) < 0.05
    frame = frame.with_columns(
        pl.when(pl.Series(missing)).then(None).otherwise(pl.col("rating")).alias("rating"),
        pl.when(pl.Series(rng.random(rows) < 0.8))
        .then(None)
        .otherwise(pl.col("comment"))
        .alias("comment"),
        pl.when(pl.Series(rng.random(rows) < 0.02))
        .then(pl.lit("NA"))
        .otherwise(pl.col("amount").cast(pl.String))
        .alias("amount"),
    )
    return frame


def wide_orders(rows: int, seed: int = 7) -> pl.DataFrame:
    """The order log with eight more columns (20 in all, about 100 bytes a row as CSV)."""
    rng = np.random.default_rng(seed + 1000)
    base = orders(rows, seed)
    amount = base.get_column("amount").cast(pl.Float64, strict=False).fill_null(0).to_numpy()
    segments = np.array(["retail", "wholesale", "online", "b2b", "staff", "other"])
    countries = np.array([f"C{i:02d}" for i in range(30)])
    return base.with_columns(
        pl.Series("weight_kg", np.round(rng.gamma(2.0, 1.5, rows), 3)),
        pl.Series("age", rng.integers(18, 90, rows)),
        pl.Series("segment", segments[rng.choice(6, rows, p=[0.5, 0.2, 0.15, 0.1, 0.03, 0.02])]),
        pl.Series("margin", np.round(amount * 0.3 + rng.normal(0, 2, rows), 2)),
        pl.Series("country", countries[rng.zipf(1.6, rows) % 30]),
        pl.Series("email", [f"user{u}@example.org" for u in rng.integers(0, rows // 2, rows)]),
        pl.Series("visits", rng.poisson(3.0, rows)),
        pl.Series("returned", np.where(rng.random(rows) < 0.05, "true", "false")),
    )


def main() -> None:
    """Write a generated order log to a CSV file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--wide", action="store_true", help="20 columns instead of 12")
    args = parser.parse_args()
    (wide_orders if args.wide else orders)(args.rows, args.seed).write_csv(args.out)


if __name__ == "__main__":
    main()
