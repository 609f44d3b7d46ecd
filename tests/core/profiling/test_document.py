"""The profile document's types, and its enumerations, stay in step with its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.profiling import document as doc
from core.profiling.alerts import ALERT_KINDS
from core.profiling.correlations import CorrelationMethod
from core.profiling.document import Severity
from core.profiling.profile import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

# Each TypedDict and the schema object it describes, as a path of keys from the root.
PLACES: list[tuple[Any, tuple[str, ...]]] = [
    (doc.Profile, ()),
    (doc.Source, ("properties", "source")),
    (doc.View, ("properties", "source", "properties", "view")),
    (doc.Dataset, ("properties", "dataset")),
    (doc.Correlations, ("properties", "correlations")),
    (doc.Missing, ("properties", "missing")),
    (doc.MissingColumn, ("properties", "missing", "properties", "columns", "items")),
    (doc.MissingPattern, ("properties", "missing", "properties", "patterns", "items")),
    (doc.Samples, ("properties", "samples")),
    (doc.Settings, ("properties", "settings")),
    (doc.Matrix, ("$defs", "matrix")),
    (doc.Histogram, ("$defs", "histogram")),
    (doc.Rows, ("$defs", "rows")),
    (doc.Alert, ("$defs", "alert")),
    (doc.Insight, ("$defs", "insight")),
    (doc.Evidence, ("$defs", "insight", "properties", "evidence", "items")),
    (doc.ColumnProfile, ("$defs", "column")),
    (doc.TopValue, ("$defs", "column", "properties", "top_values", "items")),
    (doc.Lengths, ("$defs", "column", "properties", "length")),
    (doc.TextContent, ("$defs", "column", "properties", "text_content")),
    (doc.ExactFigures, ("$defs", "column", "properties", "exact")),
]


def _schema_object(path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = SCHEMA
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(("typed", "path"), PLACES, ids=[t.__name__ for t, _ in PLACES])
def test_typed_dict_has_the_schema_keys(typed: Any, path: tuple[str, ...]) -> None:
    node = _schema_object(path)
    required = set(node.get("required", []))
    described = set(node.get("properties", {})) | required
    assert set(typed.__required_keys__) == required
    assert set(typed.__optional_keys__) == described - required


def test_every_schema_object_with_keys_has_a_type() -> None:
    """A new object in the schema needs its TypedDict (and a place in PLACES)."""
    typed_paths = {path for _, path in PLACES}

    def objects(node: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        if not isinstance(node, dict):
            return []
        found = [path] if ("properties" in node or "required" in node) else []
        for key, child in node.items():
            if key in ("properties", "$defs"):
                for name, sub in child.items():
                    found += objects(sub, (*path, key, name))
            elif key == "items":
                found += objects(child, (*path, key))
        return found

    untyped = [p for p in objects(SCHEMA, ()) if p not in typed_paths]
    assert untyped == []


def test_alert_kinds_and_severities_match_the_schema() -> None:
    alert = SCHEMA["$defs"]["alert"]["properties"]
    assert list(ALERT_KINDS) == alert["kind"]["enum"]
    assert [s.value for s in Severity] == alert["severity"]["enum"]
    assert [s.value for s in Severity] == SCHEMA["$defs"]["insight"]["properties"]["severity"][
        "enum"
    ]
    assert [s.rank for s in Severity] == [0, 1, 2]


def test_correlation_methods_match_the_schema() -> None:
    correlations = SCHEMA["properties"]["correlations"]["properties"]
    methods = [k for k, v in correlations.items() if v == {"$ref": "#/$defs/matrix"}]
    assert [m.value for m in CorrelationMethod] == methods
    assert [m.signed for m in CorrelationMethod] == [True, True, False]
    assert CorrelationMethod("cramers_v").label == "Cramér's V"


def test_a_typed_dict_is_a_plain_dict() -> None:
    matrix: doc.Matrix = {"columns": ["a"], "matrix": [[1.0]]}
    assert type(matrix) is dict
    assert json.dumps({"severity": Severity.WARNING}) == '{"severity": "warning"}'


def test_a_loaded_profile_holds_the_same_types_as_a_fresh_one(tmp_path: Path) -> None:
    from core.profiling.alerts import find_alerts
    from core.profiling.config import ProfileConfig, Thresholds
    from core.profiling.correlations import matrix_of
    from core.profiling.engine import profile_table
    from core.profiling.profile import load_profile, write_profile
    from core.read.table import open_table
    from core.samples import SAMPLE_CSV

    with open_table(SAMPLE_CSV) as table:
        fresh = profile_table(table, ProfileConfig()).profile
    path = write_profile(fresh, tmp_path / "p.json")
    loaded = load_profile(path)
    assert loaded["alerts"] and all(isinstance(a["severity"], Severity) for a in loaded["alerts"])
    assert [a["severity"].rank for a in loaded["alerts"]] == sorted(
        a["severity"].rank for a in fresh["alerts"]
    )
    # A 1.x profile from elsewhere may leave a correlation method out.
    del loaded["correlations"]["cramers_v"]
    assert matrix_of(loaded["correlations"], CorrelationMethod.CRAMERS_V)["columns"] == []
    kinds = {a["kind"] for a in find_alerts(loaded, Thresholds())}
    assert kinds == {a["kind"] for a in fresh["alerts"]}
