"""Comparing two datasets from their profiles: what changed, and how far values drifted.

:mod:`compare` builds the comparison (:mod:`document` types it) from two
profile documents and the mergeable state they carry, never from the data:
schema changes, figures side by side, drift statistics (:mod:`drift`, on the
distributions :mod:`sides` reads from each column's state) and alerts whose
thresholds live in :mod:`config`. :mod:`load` tells saved profiles from data files.

This wing uses :mod:`core.profiling` (and reads files only through it);
:mod:`core.present` and :mod:`core.cli` use it.
"""

from __future__ import annotations

from core.compare.compare import compare_profiles
from core.compare.config import CompareConfig, DriftThresholds, load_compare_config
from core.compare.document import Comparison
from core.compare.load import is_saved_profile, load_saved_profile

__all__ = [
    "CompareConfig",
    "Comparison",
    "DriftThresholds",
    "compare_profiles",
    "is_saved_profile",
    "load_compare_config",
    "load_saved_profile",
]
