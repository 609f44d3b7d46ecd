"""Every alert kind fires on data made to trigger it, and stays quiet below its threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from core import open_table
from core.profiling.config import ProfileConfig, Thresholds, load_config
from core.profiling.engine import profile_table

RNG = np.random.default_rng(5)
N = 2000


def alerts_of(frame: pl.DataFrame, tmp_path: Path, **thresholds: Any) -> list[dict[str, Any]]:
    path = tmp_path / "a.parquet"
    frame.write_parquet(path)
    config = ProfileConfig(thresholds=Thresholds(**thresholds))
    with open_table(path) as table:
        return profile_table(table, config).profile["alerts"]


def kinds(alerts: list[dict[str, Any]], column: str | None = None) -> set[str]:
    return {a["kind"] for a in alerts if column is None or column in a["columns"]}


def test_each_alert_fires(tmp_path: Path) -> None:
    x = RNG.normal(0, 1, N)
    skewed = np.exp(RNG.normal(0, 3, N))
    skewed[0] = 1e12
    frame = pl.DataFrame(
        {
            "const": ["same"] * N,
            "ident": [f"id-{i}" for i in range(N)],
            "mostly_missing": [None if i % 10 < 3 else i for i in range(N)],
            "x": x,
            "x_twin": x * 2 + 0.01 * RNG.normal(0, 1, N),
            "skewed": skewed,
            "zeros": np.where(RNG.random(N) < 0.4, 0.0, 1.0 + RNG.random(N)),
            "inf": np.where(np.arange(N) == 7, np.inf, 1.0),
            "imbalanced": np.where(RNG.random(N) < 0.98, "a", "b"),
            "numbers": [str(v) for v in RNG.integers(0, 10**6, N)],
            "when": [f"2024-01-{1 + i % 28:02d}" for i in range(N)],
            "mixed": [str(i) if i % 3 else f"x{i}" for i in range(N)],
            "many": [f"v{i % 1500}" for i in range(N)],
        }
    )
    alerts = alerts_of(frame, tmp_path)
    assert "constant" in kinds(alerts, "const")
    assert "unique" in kinds(alerts, "ident")
    assert "high_missing" in kinds(alerts, "mostly_missing")
    correlated = [a for a in alerts if a["kind"] == "high_correlation"]
    assert [a["columns"] for a in correlated] == [["x", "x_twin"]]
    assert correlated[0]["value"] > 0.99 and correlated[0]["threshold"] == 0.9
    assert "skewed" in kinds(alerts, "skewed")
    assert "zeros" in kinds(alerts, "zeros")
    assert "infinite" in kinds(alerts, "inf")
    assert "imbalance" in kinds(alerts, "imbalanced")
    assert "numbers_as_text" in kinds(alerts, "numbers")
    assert "dates_as_text" in kinds(alerts, "when")
    assert "mixed_types" in kinds(alerts, "mixed")
    assert "high_cardinality" in kinds(alerts, "many")
    for alert in alerts:
        assert set(alert) == {"kind", "columns", "value", "threshold", "severity", "message"}
    severities = [a["severity"] for a in alerts]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)


def test_dataset_alerts(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 2, 2, 3], "b": ["x", "y", "y", "z"]})
    assert "duplicate_rows" in kinds(alerts_of(frame, tmp_path))
    empty = alerts_of(frame.clear(), tmp_path)
    assert [a["kind"] for a in empty] == ["empty_dataset"]
    assert empty[0]["severity"] == "critical"


def test_quiet_below_thresholds(tmp_path: Path) -> None:
    # What ydata-profiling's users complain about: alerts at 0.5 correlation and 1% zeros.
    x = RNG.normal(0, 1, N)
    y = 0.6 * x + 0.8 * RNG.normal(0, 1, N)  # correlation about 0.6
    frame = pl.DataFrame(
        {
            "x": x,
            "y": y,
            "few_zeros": np.where(np.arange(N) % 50 == 0, 0.0, 1.0 + RNG.random(N)),  # 2%
            "some_missing": [None if i % 20 == 0 else float(i) for i in range(N)],  # 5%
            "zip": [f"{z:05d}" for z in RNG.integers(0, 99999, N)],
        }
    )
    alerts = alerts_of(frame, tmp_path)
    assert "high_correlation" not in kinds(alerts)
    assert "zeros" not in kinds(alerts)
    assert "high_missing" not in kinds(alerts)
    # Codes with leading zeros are text on purpose, not numbers stored as text.
    assert not {"numbers_as_text", "mixed_types"} & kinds(alerts, "zip")


def test_thresholds_are_configurable(tmp_path: Path) -> None:
    frame = pl.DataFrame({"few_zeros": np.where(np.arange(N) % 50 == 0, 0.0, 1.5)})
    assert "zeros" in kinds(alerts_of(frame, tmp_path, zeros=0.01))
    config_file = tmp_path / "loupe.toml"
    config_file.write_text(
        'engine = "streaming"\n[thresholds]\nzeros = 0.01\nhigh_correlation = 0.5\n'
    )
    config = load_config(config_file)
    assert config.engine == "streaming"
    assert config.thresholds.zeros == 0.01 and config.thresholds.high_correlation == 0.5
    assert config.thresholds.skewness == Thresholds().skewness
