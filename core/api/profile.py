"""A profile in hand: :class:`Profile`, the document with typed accessors and its outputs.

A :class:`Profile` wraps the profile document that ``loupe profile --json``
writes (``core/profiling/schema/profile.schema.json``). It has no setters:
:meth:`Profile.to_dict` hands out a copy, and the accessors read the document.
In a notebook it shows as a compact summary (:meth:`Profile._repr_html_`);
:meth:`Profile.to_notebook` shows the full report instead.
"""

from __future__ import annotations

import contextlib
import copy
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import overload

from core.api.columns import Alert, ColumnSummary, alerts_of
from core.output import write_text
from core.profiling.document import Profile as ProfileDocument
from core.profiling.profile import dumps, write_profile

__all__ = ["NotebookReport", "Profile"]

# plotly.js goes to the page once per kernel (a kernel is a process): with the
# first summary shown. Later summaries wait for it, except where each output is a
# page of its own.
_plotly_shown = threading.Event()


class Profile:
    """The profile of a table: figures of the dataset, each column, correlations and alerts.

    Made by :func:`loupe.profile`, :func:`loupe.merge` or :func:`loupe.load`.

    Example:
        >>> import loupe  # doctest: +SKIP
        >>> p = loupe.profile("flights.csv")  # doctest: +SKIP
        >>> p.rows, p.columns["dep_delay"].mean  # doctest: +SKIP
        (336776, 12.64)
        >>> [a.message for a in p.alerts][:1]  # doctest: +SKIP
        ['dep_time: 2.5% missing']
        >>> p.to_html("flights.html")  # doctest: +SKIP
    """

    __slots__ = ("_columns", "_document", "_seconds")

    def __init__(self, document: ProfileDocument, *, seconds: float | None = None) -> None:
        """Wrap a profile document (as built by the engines or read from a file).

        Args:
            document: the document; the profile keeps it and never changes it.
            seconds: the time profiling took, shown in the report.
        """
        self._document = document
        self._seconds = seconds
        self._columns = MappingProxyType({c["name"]: ColumnSummary(c) for c in document["columns"]})

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        return (
            f"<loupe.Profile {name}{self.rows:,} rows × {len(self._columns):,} columns, "
            f"{len(self._document['alerts']):,} alerts>"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and other._document == self._document

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled as its document and time: the column views are rebuilt from it.
        return (_rebuild, (self._document, self._seconds))

    __hash__ = None  # type: ignore[assignment]

    # -- figures -------------------------------------------------------------------------

    @property
    def name(self) -> str | None:
        """What was profiled: the file's name, or the ``name`` given (None when merged)."""
        source = self._document.get("source", {})
        return source.get("name") or source.get("path")

    @property
    def rows(self) -> int:
        """Rows profiled."""
        return self._document["dataset"]["rows"]

    @property
    def columns(self) -> Mapping[str, ColumnSummary]:
        """Each column's summary by name, in the table's order (read-only)."""
        return self._columns

    @property
    def alerts(self) -> list[Alert]:
        """What deserves attention, most severe first."""
        return alerts_of(self._document["alerts"])

    @property
    def missing_cells(self) -> int:
        """Missing values in the whole table."""
        return self._document["dataset"]["missing_cells"]

    @property
    def duplicate_rows(self) -> int | None:
        """Rows that repeat an earlier row exactly (None: unknown, for merged profiles)."""
        return self._document["dataset"]["duplicate_rows"]

    @property
    def engine(self) -> str:
        """The engine that made the profile: ``memory``, ``streaming`` or ``merged``."""
        return self._document["engine"]

    @property
    def seconds(self) -> float | None:
        """The time profiling took (None when loaded or merged)."""
        return self._seconds

    # -- outputs -------------------------------------------------------------------------

    def to_dict(self) -> ProfileDocument:
        """The profile document, as ``loupe profile --json`` writes it (a copy)."""
        return copy.deepcopy(self._document)

    @overload
    def to_json(self, path: None = None) -> str: ...

    @overload
    def to_json(self, path: str | Path) -> Path: ...

    def to_json(self, path: str | Path | None = None) -> str | Path:
        """The profile as JSON text, or written to ``path`` (complete or not at all).

        Args:
            path: where to write it (None: return the text instead).

        Returns:
            The JSON text, or the path written.

        Raises:
            OutputError: the file cannot be written.
        """
        text = dumps(self._document)
        if path is None:
            return text
        return write_text(path, text + "\n")

    def save(self, path: str | Path) -> Path:
        """Save the profile, to load it with :func:`loupe.load` (or compare and merge it later).

        Raises:
            OutputError: the file cannot be written.
        """
        return write_profile(self._document, path)

    def to_html(
        self, path: str | Path, *, include_samples: bool = True, theme: str = "light"
    ) -> Path:
        """Write the full report as one HTML file that works offline.

        Args:
            path: the file to write (complete or not at all).
            include_samples: show the first and last rows (leave out for privacy).
            theme: ``light`` or ``dark``.

        Raises:
            OutputError: the file cannot be written.
        """
        from core.present.report import write_report

        return write_report(
            self._document,
            path,
            seconds=self._seconds,
            include_samples=include_samples,
            theme=theme,
        )

    def to_notebook(self, *, height: int = 800, include_samples: bool = True) -> NotebookReport:
        """The full report, for a notebook: displayed in a frame of its own.

        Example:
            >>> p.to_notebook()  # doctest: +SKIP
        """
        return NotebookReport(self, height=height, include_samples=include_samples)

    def _repr_html_(self) -> str:
        """The compact summary a notebook shows: dataset, alerts, columns and a few charts."""
        from core.present.notebook import profile_summary

        with plotly_carried() as include_plotly:
            return profile_summary(self._document, include_plotly=include_plotly)


class NotebookReport:
    """A profile's full report, shown in a notebook in a frame: see :meth:`Profile.to_notebook`."""

    __slots__ = ("_height", "_include_samples", "_profile")

    def __init__(self, profile: Profile, *, height: int, include_samples: bool) -> None:
        self._profile = profile
        self._height = height
        self._include_samples = include_samples

    def __repr__(self) -> str:
        return f"<loupe report of {self._profile!r}>"

    def _repr_html_(self) -> str:
        """The report in a sandboxed frame, its HTML escaped into ``srcdoc``."""
        from core.present.notebook import report_frame

        return report_frame(
            self._profile._document,
            height=self._height,
            seconds=self._profile.seconds,
            include_samples=self._include_samples,
        )


@contextlib.contextmanager
def plotly_carried() -> Iterator[bool]:
    """Whether the summary about to be made carries plotly.js: the first of a kernel does.

    Counted as carried only once the summary is made: a failed one leaves none on
    the page. Where each output is a page of its own (Google Colab) every one does.
    """
    yield not _plotly_shown.is_set() or _outputs_apart()
    _plotly_shown.set()


def _rebuild(document: ProfileDocument, seconds: float | None) -> Profile:
    """A pickled profile, unpickled."""
    return Profile(document, seconds=seconds)


def _outputs_apart() -> bool:
    """Whether each output is a page of its own (Google Colab), so each needs plotly.js."""
    return "google.colab" in sys.modules


def document_of(profile: Profile) -> ProfileDocument:
    """The document a profile wraps (not a copy: for Loupe's own functions, which keep it as is)."""
    return profile._document
