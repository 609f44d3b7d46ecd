"""Comparing two datasets from Python: :func:`compare` and the :class:`Comparison` it returns.

Each side is a profile, a saved profile, a table file or data in memory; tables
and data are profiled first, as :func:`loupe.profile` does. The comparison is the
document ``loupe compare A B --json`` writes (``core/compare/schema``).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from core.api.columns import Alert, alerts_of
from core.api.profile import Profile, document_of
from core.api.profiling import profile
from core.compare import (
    CompareConfig,
    compare_profiles,
    is_saved_profile,
    load_compare_config,
    load_saved_profile,
)
from core.compare.config import compare_config_of
from core.compare.document import Comparison as ComparisonDocument
from core.errors import OptionError
from core.output import write_text
from core.profiling.document import Severity
from core.profiling.profile import dumps

__all__ = ["Comparison", "DriftRow", "NotebookCompareReport", "compare"]

#: What ``config`` may be: settings in hand, a table of them, or a settings file.
CompareConfigLike = CompareConfig | Mapping[str, Any] | str | os.PathLike[str] | None


@dataclass(frozen=True)
class DriftRow:
    """How far one column's distribution moved (a line of the drift table, largest first).

    Attributes:
        column: the column's name.
        kind: its kind in the reference.
        severity: ``critical``, ``warning`` or ``info`` (a :class:`Severity`, a ``str``);
            None below the thresholds.
        js_distance: Jensen-Shannon distance (0 to 1), None when not measured.
        psi: population stability index, None when not measured.
        ks: Kolmogorov-Smirnov statistic, None for categories.
        exact: whether the figures came from exact counts on both sides.
    """

    column: str
    kind: str
    severity: Severity | None
    js_distance: float | None
    psi: float | None
    ks: float | None
    exact: bool | None


class Comparison:
    """What changed from dataset ``a`` (the reference) to dataset ``b``.

    Example:
        >>> c = loupe.compare("jan.csv", "jul.csv")  # doctest: +SKIP
        >>> [(d.column, d.severity) for d in c.drift][:2]  # doctest: +SKIP
        [('month', 'critical'), ('time_hour', 'critical')]
        >>> c.to_json("jan-jul.json")  # doctest: +SKIP
    """

    __slots__ = ("_document", "_names")

    def __init__(
        self, document: ComparisonDocument, *, names: tuple[str, str] = ("a", "b")
    ) -> None:
        """Wrap a comparison document; ``names`` say what to call the sides."""
        self._document = document
        self._names = names

    def __repr__(self) -> str:
        a, b = self._document["a"], self._document["b"]
        drifted = sum(1 for d in self._document["drift"] if d["severity"])
        return (
            f"<loupe.Comparison {self._names[0]!r} ({a['rows']:,} rows) → {self._names[1]!r} "
            f"({b['rows']:,} rows), {drifted:,} columns drifted, "
            f"{len(self._document['alerts']):,} alerts>"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Comparison) and other._document == self._document

    __hash__ = None  # type: ignore[assignment]

    @property
    def alerts(self) -> list[Alert]:
        """What changed enough to deserve attention, most severe first."""
        return alerts_of(self._document["alerts"])

    @property
    def drift(self) -> list[DriftRow]:
        """The columns on both sides, the most drifted first."""
        return [
            DriftRow(
                column=d["column"],
                kind=d["kind"],
                severity=Severity(d["severity"]) if d["severity"] else None,
                js_distance=d["js_distance"],
                psi=d["psi"],
                ks=d["ks"],
                exact=d["exact"],
            )
            for d in self._document["drift"]
        ]

    @property
    def added(self) -> list[str]:
        """Columns only in ``b``."""
        return list(self._document["schema"]["added"])

    @property
    def removed(self) -> list[str]:
        """Columns only in ``a``."""
        return list(self._document["schema"]["removed"])

    def to_dict(self) -> ComparisonDocument:
        """The comparison document, as ``loupe compare --json`` writes it (a copy)."""
        return copy.deepcopy(self._document)

    @overload
    def to_json(self, path: None = None) -> str: ...

    @overload
    def to_json(self, path: str | Path) -> Path: ...

    def to_json(self, path: str | Path | None = None) -> str | Path:
        """The comparison as JSON text, or written to ``path`` (complete or not at all).

        Raises:
            OutputError: the file cannot be written.
        """
        text = dumps(self._document)
        if path is None:
            return text
        return write_text(path, text + "\n")

    def to_html(self, path: str | Path, *, theme: str = "light") -> Path:
        """Write the compare report (as ``loupe compare --html``): one HTML file, offline.

        Args:
            path: the file to write (complete or not at all).
            theme: ``light`` or ``dark``.

        Raises:
            OutputError: the file cannot be written.
        """
        from core.present.compare_report import write_compare_report

        return write_compare_report(self._document, path, theme=theme)

    def to_notebook(self, *, height: int = 800) -> NotebookCompareReport:
        """The full compare report, for a notebook: displayed in a frame of its own.

        Example:
            >>> loupe.compare("january.csv", "july.csv").to_notebook()  # doctest: +SKIP
        """
        return NotebookCompareReport(self._document, height=height)

    def _repr_html_(self) -> str:
        """A compact summary for notebooks: the sides, the alerts and the drift table."""
        from core.api.profile import plotly_carried
        from core.present.notebook import comparison_summary

        with plotly_carried() as include_plotly:
            return comparison_summary(
                self._document, names=self._names, include_plotly=include_plotly
            )


class NotebookCompareReport:
    """A comparison's full report in a notebook frame: see :meth:`Comparison.to_notebook`."""

    __slots__ = ("_document", "_height")

    def __init__(self, document: ComparisonDocument, *, height: int) -> None:
        self._document = document
        self._height = height

    def __repr__(self) -> str:
        return "<loupe compare report>"

    def _repr_html_(self) -> str:
        """The report in a sandboxed frame, its HTML escaped into ``srcdoc``."""
        from core.present.compare_report import render_compare_report
        from core.present.notebook import html_frame

        return html_frame(render_compare_report(self._document), height=self._height)


def compare(
    a: Any,
    b: Any,
    *,
    config: CompareConfigLike = None,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Compare dataset ``b`` with dataset ``a`` (the reference).

    Args:
        a: a :class:`Profile`, the path of a saved profile or of a table, or data
            in memory (anything :func:`loupe.profile` takes).
        b: the same, compared with ``a``.
        config: comparison settings and thresholds: a :class:`CompareConfig`, a
            mapping of settings, or the path of a TOML or JSON settings file.
        names: what to call ``a`` and ``b`` (default: their files' or profiles'
            names; ``a`` and ``b`` when those are the same, as for two DataFrames).

    Returns:
        The comparison: schema changes, figures side by side, drift and alerts.

    Raises:
        SourceError: a table cannot be read.
        ProfileError: a saved profile that cannot be used.
        OptionError: a bad setting.
    """
    settings = _compare_config(config)
    if names is not None and (
        not isinstance(names, tuple | list)
        or len(names) != 2
        or not all(isinstance(n, str) and n for n in names)
    ):
        raise OptionError(f"names must be two names, such as ('january', 'july'), not {names!r}")
    sides = [_side(side, label) for side, label in ((a, "a"), (b, "b"))]
    labels = (sides[0][1], sides[1][1])
    renamed = names is not None or labels[0] == labels[1]
    if names is not None:
        labels = (names[0], names[1])
    elif renamed:
        # Two sides of the same kind (two pandas DataFrames): told apart by their places.
        labels = ("a", "b")
    document = compare_profiles(
        document_of(sides[0][0]), document_of(sides[1][0]), settings, names=labels
    )
    if renamed:
        # The reports (to_html, to_notebook) name the sides as the summary does.
        document["a"]["name"], document["b"]["name"] = labels
    return Comparison(document, names=labels)


def _compare_config(config: CompareConfigLike) -> CompareConfig:
    """The comparison settings ``config`` stands for."""
    if isinstance(config, CompareConfig):
        return config
    if isinstance(config, Mapping):
        return compare_config_of(config)
    if config is None or isinstance(config, str | os.PathLike):
        return load_compare_config(None if config is None else Path(config))
    raise OptionError(
        "config must be a CompareConfig, a mapping of settings or a settings file, "
        f"not {type(config).__name__}"
    )


def _side(side: Any, label: str) -> tuple[Profile, str]:
    """A side's profile and what to call it."""
    if isinstance(side, Profile):
        return side, side.name or label
    if isinstance(side, str | os.PathLike):
        if is_saved_profile(Path(side)):
            return Profile(load_saved_profile(Path(side))), str(side)
        return profile(side), str(side)
    made = profile(side)
    return made, made.name or label
