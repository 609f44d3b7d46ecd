"""A profile too big to send whole: 3,000 constant columns, one named with 5,000 characters."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import polars as pl

from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table

LONG = "L" * 4_990 + "_constant"  # 5,000 characters
CONSTANT_COLUMNS = 3_000


def wide_profile(folder: Path) -> dict[str, Any]:
    """The profile, made from the real profile of a small file written in ``folder``.

    Its constant column is repeated (profiling 3,000 columns takes long): 3,001
    columns, 3,000 "constant" alerts.
    """
    path = folder / "wide.parquet"
    pl.DataFrame({LONG: ["same"] * 3, "other": ["same"] * 3, "n": [1, 2, 3]}).write_parquet(path)
    with open_table(path) as table:
        small = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    long_column, constant, number = small["columns"]
    long_alert = next(a for a in small["alerts"] if a["columns"] == [LONG])
    alert = next(a for a in small["alerts"] if a["columns"] == ["other"])
    profile = copy.deepcopy(small)
    profile["columns"] = [long_column, number]
    profile["alerts"] = [long_alert]
    for i in range(CONSTANT_COLUMNS - 1):
        name = f"constant_{i:04d}"
        profile["columns"].append({**constant, "name": name})
        message = alert["message"].replace("'other'", repr(name))
        profile["alerts"].append({**alert, "columns": [name], "message": message})
    profile["dataset"]["columns"] = len(profile["columns"])
    assert len(profile["alerts"]) == CONSTANT_COLUMNS
    return profile
