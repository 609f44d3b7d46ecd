"""Profiling settings and alert thresholds, with their documented defaults.

Every threshold is a field of :class:`Thresholds`; a TOML or JSON file passed
with ``loupe profile --config`` overrides any of them::

    engine = "streaming"
    correlation_sample = 100000

    [thresholds]
    high_correlation = 0.95
    zeros = 0.25

Defaults, and how they compare with ydata-profiling's:

==================  =======  ============================================================
threshold           default  meaning
==================  =======  ============================================================
missing             0.01     missing share of a column at or above which it is noted (info);
                             0 notes every column with a missing value (dataprep: 1%)
high_missing        0.20     missing share at or above which it is a warning (ydata flags
                             any missing value at one level; that buries real problems)
critical_missing    0.50     missing share at or above which it is critical; a column with
                             no value at all is always critical
high_correlation    0.90     |Pearson|, |Spearman| or Cramér's V at or above which a pair is
                             flagged (ydata documents 0.9 but fires at 0.5)
high_cardinality    50       distinct values above which a categorical/text column is
                             flagged, when also over half its values are distinct
skewness            20.0     |skewness| above which a numeric column is flagged (as ydata)
zeros               0.10     share of zeros at or above which a numeric column is flagged
                             (ydata fires at 1%, which flags most count columns)
imbalance           0.50     1 - normalised entropy of a categorical/boolean column above
                             which it is flagged (as ydata)
duplicate_rows      0.0      share of duplicate rows above which the dataset is flagged
text_as_type        0.90     share of a text column's values that read as numbers or dates
                             at or above which it is flagged as "stored as text"
mixed_types         0.10     share of a text column's values that read as numbers, at or
                             above which (and below text_as_type) it is flagged as mixed
==================  =======  ============================================================
"""

from __future__ import annotations

import json
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from core.errors import OptionError

__all__ = [
    "ENGINES",
    "ProfileConfig",
    "Thresholds",
    "checked_settings",
    "config_of",
    "load_config",
    "read_settings",
]

ENGINES = ("auto", "memory", "streaming")


@dataclass(frozen=True)
class Thresholds:
    """Alert thresholds; see the module docstring for each one's meaning."""

    missing: float = 0.01
    high_missing: float = 0.20
    critical_missing: float = 0.50
    high_correlation: float = 0.90
    high_cardinality: int = 50
    skewness: float = 20.0
    zeros: float = 0.10
    imbalance: float = 0.50
    duplicate_rows: float = 0.0
    text_as_type: float = 0.90
    mixed_types: float = 0.10


@dataclass(frozen=True)
class ProfileConfig:
    """How to profile.

    Attributes:
        engine: ``memory``, ``streaming`` or ``auto`` (by file size and free memory).
        sample: profile only the first N rows (None: all).
        chunk_rows: rows per batch in the streaming engine, at most (fewer when
            memory is short).
        correlation_sample: rows in the uniform sample used for Spearman,
            Cramér's V and the text-content alerts (exact when the table is smaller).
        max_correlation_columns: numeric (and, separately, categorical) columns at
            most in the correlation matrices; the ones with most values are kept.
        max_categories: distinct values at most for a column to take part in Cramér's V.
        exact_distinct_limit: distinct values per column counted exactly; above
            it, a HyperLogLog sketch estimates them.
        top_values: entries in each column's ``top_values``.
        histogram_bins: bins in numeric, datetime and length histograms.
        thresholds: alert thresholds.
    """

    engine: str = "auto"
    sample: int | None = None
    chunk_rows: int = 500_000
    correlation_sample: int = 50_000
    max_correlation_columns: int = 100
    max_categories: int = 50
    exact_distinct_limit: int = 65_536
    top_values: int = 20
    histogram_bins: int = 30
    thresholds: Thresholds = field(default_factory=Thresholds)

    def __post_init__(self) -> None:
        if not isinstance(self.engine, str):
            raise OptionError(f"engine must be text, not {self.engine!r}")
        for name in (
            "sample",
            "chunk_rows",
            "correlation_sample",
            "max_correlation_columns",
            "max_categories",
            "exact_distinct_limit",
            "top_values",
            "histogram_bins",
        ):
            value = getattr(self, name)
            if (value is not None or name != "sample") and (
                not isinstance(value, numbers.Integral) or isinstance(value, bool)
            ):
                raise OptionError(f"{name} must be a whole number, not {value!r}")
        if self.engine not in ENGINES:
            raise OptionError(f"unknown engine {self.engine!r}; use one of {', '.join(ENGINES)}")
        for name in ("chunk_rows", "correlation_sample", "top_values", "histogram_bins"):
            if getattr(self, name) < 1:
                raise OptionError(f"{name} must be at least 1")
        if self.sample is not None and self.sample < 0:
            raise OptionError("sample must be 0 or more rows")


def load_config(path: str | Path | None, **overrides: Any) -> ProfileConfig:
    """Read a TOML or JSON settings file, then apply ``overrides`` (None values ignored).

    Raises:
        OptionError: unreadable file, unknown key or a value of the wrong type.
    """
    return config_of(read_settings(path), path, **overrides)


def config_of(
    settings: Mapping[str, Any], path: str | Path | None = None, **overrides: Any
) -> ProfileConfig:
    """The configuration a table of settings describes (as a settings file holds it).

    Args:
        settings: names and values, thresholds under ``thresholds``.
        path: the file they come from, named in errors (None: given in code).
        overrides: values that replace the settings' (None values ignored).

    Raises:
        OptionError: an unknown name or a value of the wrong type.
    """
    data = dict(settings)
    where = f"{path}: " if path is not None else ""
    raw_thresholds = data.pop("thresholds", {})
    if not isinstance(raw_thresholds, Mapping):
        raise OptionError(f"{where}thresholds must be a table of name = value")
    thresholds = replace(Thresholds(), **checked_settings(Thresholds, dict(raw_thresholds), path))
    checked = checked_settings(ProfileConfig, data, path)
    checked.update({k: v for k, v in overrides.items() if v is not None})
    return ProfileConfig(thresholds=thresholds, **checked)


def read_settings(path: str | Path | None) -> dict[str, Any]:
    """The table of a TOML file, or of a JSON file by its ``.json`` name (None: empty).

    Raises:
        OptionError: the file cannot be read, is not valid, or holds no table.
    """
    if path is None:
        return {}
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except OSError as exc:
        raise OptionError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise OptionError(f"{path}: not valid {path.suffix[1:] or 'TOML'}: {exc}") from None
    if not isinstance(data, dict):
        raise OptionError(f"{path}: settings must be a table of name = value")
    return data


def checked_settings(
    cls: type, values: dict[str, Any], path: str | Path | None = None
) -> dict[str, Any]:
    """Values for the fields of dataclass ``cls`` (but ``thresholds``), checked.

    Raises:
        OptionError: an unknown name, or a value of the wrong type (naming ``path``).
    """
    where = f"{path}: " if path is not None else ""
    known = {f.name: f for f in fields(cls) if f.name != "thresholds"}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise OptionError(f"{where}unknown setting {name!r}; known: {', '.join(sorted(known))}")
        default = getattr(cls(), name)
        expected = type(default) if default is not None else int
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) != isinstance(default, bool):
            raise OptionError(f"{where}setting {name!r} must be {expected.__name__}, not {value!r}")
        out[name] = value
    return out
