"""The comparison of January's flights with July's, built from the corpus, for insights on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.compare import CompareConfig, compare_profiles
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import ReadOptions, open_table
from tests.corpus.conftest import corpus, months

__all__ = ["corpus", "flights", "months"]


def _profile(path: Path) -> dict[str, Any]:
    config = ProfileConfig(engine="memory", exact_distinct_limit=65_536)
    with open_table(path, ReadOptions()) as table:
        profile: dict[str, Any] = json.loads(json.dumps(profile_table(table, config).profile))
    return profile


@pytest.fixture(scope="module")
def flights(months: list[Path]) -> dict[str, Any]:
    """The comparison of January's flights (A) with July's (B), as ``--json`` writes it."""
    found = compare_profiles(_profile(months[0]), _profile(months[1]), CompareConfig())  # type: ignore[arg-type]
    comparison: dict[str, Any] = json.loads(json.dumps(found))
    return comparison
