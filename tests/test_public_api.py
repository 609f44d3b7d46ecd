"""The public surface of ``import loupe``, written out: a change to it must be deliberate.

Adding, removing or renaming a name, a parameter or an attribute fails here; update
the expected surface below (and the README's "Python API" section) on purpose.
"""

from __future__ import annotations

import dataclasses
import inspect

import loupe

NAMES = [
    "Alert", "ColumnSummary", "CompareConfig", "Comparison", "DriftRow", "LoupeError",
    "NotebookCompareReport", "NotebookReport", "OptionError", "Profile", "ProfileConfig",
    "ProfileError", "Severity", "SourceError", "Thresholds", "TopValue", "__version__",
    "compare", "load", "merge", "profile", "read",
]  # fmt: skip

SIGNATURES = {
    "profile": "(data: 'Any', *, engine: 'str | None' = None, config: 'ConfigLike' = None, "
    "sample: 'int | None' = None, name: 'str | None' = None, index: 'bool | None' = None, "
    "progress: 'bool | None' = None, reading: 'Mapping[str, Any] | None' = None) -> 'Profile'",
    "read": "(path: 'str | os.PathLike[str]', *, sheet: 'str | int | None' = None, "
    "encoding: 'str | None' = None, delimiter: 'str | None' = None, "
    "has_header: 'bool | None' = None, skip_rows: 'int' = 0, lenient: 'bool' = False, "
    "types: 'Mapping[str, str] | None' = None, infer: 'bool' = True, "
    "na: 'str | Iterable[str] | None' = None, keep_na: 'bool' = False) -> 'pl.LazyFrame'",
    "merge": "(*profiles: 'Profile | str | os.PathLike[str]', config: 'ConfigLike' = None) "
    "-> 'Profile'",
    "compare": "(a: 'Any', b: 'Any', *, config: 'CompareConfigLike' = None, "
    "names: 'tuple[str, str] | None' = None) -> 'Comparison'",
    "load": "(path: 'str | os.PathLike[str]') -> 'Profile'",
}

ATTRIBUTES = {
    "Profile": [
        "_repr_html_", "alerts", "columns", "duplicate_rows", "engine", "missing_cells", "name",
        "rows", "save", "seconds", "to_dict", "to_html", "to_json", "to_notebook",
    ],
    "ColumnSummary": [
        "count", "distinct", "distinct_exact", "dtype", "histogram", "kind", "max", "mean",
        "median", "min", "missing", "missing_fraction", "name", "quantiles", "std", "sum",
        "time_zone", "to_dict", "top_values", "trues", "unique", "zeros",
    ],
    "Comparison": [
        "_repr_html_", "added", "alerts", "drift", "removed", "to_dict", "to_html", "to_json",
        "to_notebook",
    ],
    "NotebookReport": ["_repr_html_"],
    "NotebookCompareReport": ["_repr_html_"],
}  # fmt: skip

FIELDS = {
    "Alert": ["kind", "columns", "severity", "message", "value", "threshold"],
    "DriftRow": ["column", "kind", "severity", "js_distance", "psi", "ks", "exact"],
    "TopValue": ["value", "count"],
}

# The types of fields that are enumerations (compared as text, but typed).
FIELD_TYPES = {"Alert.severity": "Severity", "DriftRow.severity": "Severity | None"}

METHODS = {
    "Profile.to_json": "(self, path: 'str | Path | None' = None) -> 'str | Path'",
    "Profile.to_html": "(self, path: 'str | Path', *, include_samples: 'bool' = True, "
    "theme: 'str' = 'light') -> 'Path'",
    "Profile.to_notebook": "(self, *, height: 'int' = 800, include_samples: 'bool' = True) "
    "-> 'NotebookReport'",
    "Profile.save": "(self, path: 'str | Path') -> 'Path'",
    "Comparison.to_json": "(self, path: 'str | Path | None' = None) -> 'str | Path'",
    "Comparison.to_html": "(self, path: 'str | Path', *, theme: 'str' = 'light') -> 'Path'",
    "Comparison.to_notebook": "(self, *, height: 'int' = 800) -> 'NotebookCompareReport'",
}


def _public(cls: type) -> list[str]:
    return sorted(n for n in dir(cls) if not n.startswith("_") or n == "_repr_html_")


def test_names() -> None:
    assert sorted(loupe.__all__) == sorted(NAMES)
    assert all(hasattr(loupe, name) for name in loupe.__all__)


def test_function_signatures() -> None:
    for name, expected in SIGNATURES.items():
        assert str(inspect.signature(getattr(loupe, name))) == expected, name


def test_class_surfaces() -> None:
    for name, expected in ATTRIBUTES.items():
        assert _public(getattr(loupe, name)) == sorted(expected), name
    for name, expected in FIELDS.items():
        assert [f.name for f in dataclasses.fields(getattr(loupe, name))] == expected, name
    for dotted, expected in METHODS.items():
        cls, method = dotted.split(".")
        assert str(inspect.signature(getattr(getattr(loupe, cls), method))) == expected, dotted


def test_every_public_name_is_documented() -> None:
    assert loupe.__doc__
    for name in loupe.__all__:
        if name == "__version__":
            continue
        obj = getattr(loupe, name)
        assert inspect.getdoc(obj), name
        for attribute in ATTRIBUTES.get(name, []):
            assert inspect.getdoc(getattr(obj, attribute)), f"{name}.{attribute}"


def test_field_types() -> None:
    for qualified, expected in FIELD_TYPES.items():
        owner, name = qualified.split(".")
        found = {f.name: f.type for f in dataclasses.fields(getattr(loupe, owner))}
        assert found[name] == expected, qualified
