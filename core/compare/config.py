"""Comparison settings and drift thresholds, with their documented defaults.

A TOML or JSON file passed with ``loupe compare --config`` overrides any of them::

    bins = 20

    [thresholds]
    psi_warning = 0.2
    ks_critical = 0.3

==========================  =======  ======================================================
setting                     default  meaning
==========================  =======  ======================================================
bins                        20       bins over the union range of a numeric or temporal
                                     column, the same on both sides (PSI, JS distance)
max_categories              50       categories kept as buckets of their own (the most
                                     common over both sides); the rest form "other"
listed_categories           20       appeared and vanished categories listed per column
quantile_grid               1000     quantile levels a digest is read at when value
                                     counts are not exact (KS and Wasserstein)
psi_warning                 0.10     population stability index at or above which a
                                     column's drift is a warning (common practice:
                                     below 0.1 no significant change)
psi_critical                0.25     PSI at or above which it is critical (common
                                     practice: 0.25 and more is a significant shift)
js_warning                  0.10     Jensen–Shannon distance (base 2, 0 to 1) at or above
                                     which drift is a warning (Evidently's default)
js_critical                 0.20     JS distance at or above which it is critical
ks_warning                  0.10     Kolmogorov–Smirnov statistic (largest gap between the
                                     two cumulative distributions) for a warning
ks_critical                 0.20     KS statistic for critical
missing_warning             0.05     change of a column's missing share (absolute) for a
                                     warning
missing_critical            0.20     change of the missing share for critical
row_change                  0.10     relative change of the row count noted (info)
category_share              0.01     share of a side's values in categories that appeared
                                     (or vanished) at or above which it is noted (info)
rename_js                   0.05     JS distance at most for a removed and an added column
                                     to be suggested as possibly renamed
rename_missing              0.02     difference of missing shares at most for a rename
rename_distinct             0.90     distinct counts' ratio (smaller over larger) at least
                                     for a rename
==========================  =======  ======================================================

The KS and Wasserstein statistics are statistics, not tests: with hundreds of
thousands of rows any difference is "significant", so no p-value is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import OptionError
from core.profiling.config import checked_settings, read_settings

__all__ = ["CompareConfig", "DriftThresholds", "compare_config_of", "load_compare_config"]


@dataclass(frozen=True)
class DriftThresholds:
    """Drift and change thresholds; see the module docstring for each one's meaning."""

    psi_warning: float = 0.10
    psi_critical: float = 0.25
    js_warning: float = 0.10
    js_critical: float = 0.20
    ks_warning: float = 0.10
    ks_critical: float = 0.20
    missing_warning: float = 0.05
    missing_critical: float = 0.20
    row_change: float = 0.10
    category_share: float = 0.01
    rename_js: float = 0.05
    rename_missing: float = 0.02
    rename_distinct: float = 0.90


@dataclass(frozen=True)
class CompareConfig:
    """How to compare two profiles.

    Attributes:
        bins: bins over the union range of a numeric or temporal column.
        max_categories: categories kept as buckets of their own; the rest form "other".
        listed_categories: appeared and vanished categories listed per column.
        quantile_grid: quantile levels read from a digest (KS, Wasserstein).
        thresholds: drift and change thresholds.
    """

    bins: int = 20
    max_categories: int = 50
    listed_categories: int = 20
    quantile_grid: int = 1000
    thresholds: DriftThresholds = field(default_factory=DriftThresholds)

    def __post_init__(self) -> None:
        for name in ("bins", "max_categories", "quantile_grid"):
            if getattr(self, name) < 1:
                raise OptionError(f"{name} must be at least 1")
        if self.listed_categories < 0:
            raise OptionError("listed_categories must be 0 or more")


def load_compare_config(path: str | Path | None) -> CompareConfig:
    """Read a TOML or JSON file of comparison settings (None: the defaults).

    Raises:
        OptionError: unreadable file, unknown key or a value of the wrong type.
    """
    return compare_config_of(read_settings(path), path)


def compare_config_of(settings: Mapping[str, Any], path: str | Path | None = None) -> CompareConfig:
    """The comparison settings a table of names and values describes (as a file holds them).

    Args:
        settings: names and values, thresholds under ``thresholds``.
        path: the file they come from, named in errors (None: given in code).

    Raises:
        OptionError: an unknown name or a value of the wrong type.
    """
    data = dict(settings)
    where = f"{path}: " if path is not None else ""
    raw = data.pop("thresholds", {})
    if not isinstance(raw, Mapping):
        raise OptionError(f"{where}thresholds must be a table of name = value")
    thresholds = replace(DriftThresholds(), **checked_settings(DriftThresholds, dict(raw), path))
    for measure in ("psi", "js", "ks", "missing"):
        warning = getattr(thresholds, f"{measure}_warning")
        critical = getattr(thresholds, f"{measure}_critical")
        if warning > critical:
            raise OptionError(
                f"{where}{measure}_warning ({warning:g}) must not exceed "
                f"{measure}_critical ({critical:g})"
            )
    try:
        return CompareConfig(thresholds=thresholds, **checked_settings(CompareConfig, data, path))
    except OptionError as exc:
        raise OptionError(f"{where}{exc}") from None
