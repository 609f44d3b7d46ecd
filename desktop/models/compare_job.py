"""Comparing a dataset tab with another side, without Qt: the profiles, the comparison, its charts.

The reference (side A) is an open dataset tab; the other side (B) is another
tab (:class:`TabSide`), a data file (:class:`FileSide`, profiled as a tab
profiles a file it has not read, through the profile cache), or a profile
saved with ``loupe profile --json`` (:class:`SavedSide`, loaded as it is). A
tab's profile is reused when it has one, else the tab profiles itself (its own
bar shows the progress) and the comparison waits for it. The file's profiling
and the comparison run in one background request that reports progress and
can be cancelled; the charts of the column or correlations shown are built in
another, where only the newest request counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.compare import CompareConfig, compare_profiles, is_saved_profile, load_saved_profile
from core.compare.document import Comparison
from core.errors import ProfileError
from core.output import write_text
from core.present.compare_charts import correlation_change_heatmap, overlay_figure
from core.profiling.config import ProfileConfig
from core.profiling.document import Profile
from core.profiling.engine import profile_table
from core.profiling.profile import dumps
from core.read.table import ReadOptions, open_table
from desktop.models.compare import DriftTable, column_of, detail_html
from desktop.models.events import Event
from desktop.models.profile_cache import ProfileCache
from desktop.models.sections import figure_specs
from desktop.models.session import DatasetSession
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = [
    "COMPARE_SECTIONS",
    "CompareJob",
    "CompareSide",
    "FileSide",
    "SavedSide",
    "TabSide",
    "side_name",
]

#: The detail pane's sections.
COMPARE_SECTIONS = ("Column", "Correlations")
_COMPARING = "comparing"


@dataclass(frozen=True)
class TabSide:
    """An open dataset tab."""

    session: DatasetSession


@dataclass(frozen=True)
class FileSide:
    """A data file (a saved profile chosen as a file is loaded as one)."""

    path: Path


@dataclass(frozen=True)
class SavedSide:
    """A profile saved with ``loupe profile --json``."""

    path: Path


CompareSide = TabSide | FileSide | SavedSide


def side_name(side: CompareSide) -> str:
    """What the side is called in the tab's title and the panes."""
    return side.session.name if isinstance(side, TabSide) else side.path.name


def _load_side(
    side: FileSide | SavedSide,
    config: ProfileConfig,
    cache: ProfileCache | None,
    progress: Progress,
    cancelled: Callable[[], bool],
) -> Profile:
    """The profile of a file or saved profile (in a worker).

    Raises:
        ProfileError: a saved profile that is not one, or cannot be used.
        SourceError: a data file that cannot be read.
    """
    path = side.path
    if is_saved_profile(path):
        return load_saved_profile(path)
    if isinstance(side, SavedSide):
        raise ProfileError(
            f"{path}: not a saved profile (`loupe profile FILE --json PROFILE.json` writes one); "
            "choose a data file with File…"
        )
    options = ReadOptions()
    found = cache.get(path, options, config) if cache is not None else None
    if found is not None:
        return found.profile
    progress(f"profiling {path.name}", 0.0)
    with open_table(path, options) as table:
        result = profile_table(
            table,
            config,
            progress=lambda phase, fraction: progress(f"profiling {path.name}", fraction),
            cancel=cancelled,
        )
    if cache is not None:
        cache.put(path, options, config, result.profile, result.seconds)
    return result.profile


class CompareJob:
    """The comparison of tab ``a`` with ``b``: making it, then what the view shows of it.

    Args:
        a: the reference tab.
        b: what it is compared with.
        runner: runs the profiling, comparing, charts and export in the background.
        config: the profiling configuration for a data file (read when it starts).
        cache: where a file's profile may already be, and is kept.

    State: :attr:`comparison` (None until made), :attr:`status`, :attr:`fraction`
    and :attr:`busy` while it is being made; :attr:`column` and :attr:`section`
    shown, :attr:`specs` and :attr:`html` of their charts.
    """

    def __init__(
        self,
        a: DatasetSession,
        b: CompareSide,
        runner: Runner,
        config: Callable[[], ProfileConfig] = ProfileConfig,
        cache: ProfileCache | None = None,
    ) -> None:
        self.a, self.b = a, b
        self.names = (a.name, side_name(b))
        self.comparison: Comparison | None = None
        self.table = DriftTable()
        self.status = ""
        self.fraction = 0.0
        self.section = "Column"
        self.column: str | None = None
        self.method = "pearson"
        self.dark = False
        self.specs: list[dict[str, Any]] = []
        self.html = ""
        self._config = config
        self._cache = cache
        self._profiles: dict[str, Profile] = {}
        self._waiting: list[
            tuple[DatasetSession, Callable[..., object], Callable[..., object]]
        ] = []
        self._started_on: list[DatasetSession] = []
        self._work = Newest(runner, lambda: self.changed.emit())
        self._charts = Newest(runner)
        self._writing = Newest(runner)
        #: the status, progress or busy changed.
        self.changed: Event[[]] = Event()
        #: the comparison is made (``comparison``, ``table``).
        self.compared: Event[[]] = Event()
        #: making it failed (the user's one line), or was cancelled ("").
        self.failed: Event[[str]] = Event()
        #: a column was selected (its name).
        self.selected: Event[[str]] = Event()
        #: the charts asked for last are built (``specs``, ``html``).
        self.charts: Event[[]] = Event()
        #: a file was written (its path), or writing failed (``message``).
        self.exported: Event[[str]] = Event()
        #: something to tell the user in passing.
        self.message: Event[[str]] = Event()

    # -- derived state ------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while the comparison is being made (a side profiled, or compared)."""
        return self._work.running or bool(self._waiting)

    @property
    def title(self) -> str:
        """The tab's title: ``A ↔ B``."""
        return f"{self.names[0]} ↔ {self.names[1]}"

    @property
    def charts_pending(self) -> bool:
        """True while the charts asked for last are being built."""
        return self._charts.running

    @property
    def methods(self) -> list[str]:
        """The correlation methods computed on both sides."""
        return list(self.comparison["correlations"]) if self.comparison is not None else []

    # -- making the comparison ----------------------------------------------------------

    def start(self) -> None:
        """Get both profiles (a tab's, or made in the background), then compare them."""
        self.comparison = None
        self._profiles.clear()
        self._set_status(f"{self.names[0]}: getting its profile…", 0.0)
        self._tab_profile("a", self.a, self._then_b)

    def _then_b(self) -> None:
        """A's profile is in: get B's."""
        if isinstance(self.b, TabSide):
            self._tab_profile("b", self.b.session, self._compare)
        else:
            self._compare()

    def _tab_profile(self, key: str, session: DatasetSession, then: Callable[[], None]) -> None:
        """Take the tab's profile, or have the tab make it and wait."""
        if session.profile is not None:
            self._profiles[key] = session.profile
            then()
            return
        self._set_status(f"{session.name}: profiling the tab first…", 0.0)

        def profiled() -> None:
            self._stop_waiting(session)
            if session.profile is not None:
                self._profiles[key] = session.profile
                then()

        def failed(text: str) -> None:
            self._stop_waiting(session)
            self._fail(text)

        session.events.profiled.connect(profiled)
        session.events.failed.connect(failed)
        self._waiting.append((session, profiled, failed))
        self.changed.emit()
        if session.base is not None and session.can_profile and not session.busy:
            session.start_profile()
            self._started_on.append(session)
        elif session.base is None and not session.busy:
            # Not read (and not reading): the tab profiles the file from disk.
            session.start_profile()
            self._started_on.append(session)
        elif session.base is None:
            # Still reading: the profile starts once every row is in.
            def loaded() -> None:
                session.events.loaded.disconnect(loaded)
                if self._is_waiting(session) and session.profile is None:
                    session.start_profile()
                    self._started_on.append(session)

            session.events.loaded.connect(loaded)

    def _is_waiting(self, session: DatasetSession) -> bool:
        """Whether the comparison waits for ``session``'s profile."""
        return any(s is session for s, _, _ in self._waiting)

    def _stop_waiting(self, session: DatasetSession) -> None:
        """Stop listening to ``session``."""
        for entry in [e for e in self._waiting if e[0] is session]:
            session.events.profiled.disconnect(entry[1])
            session.events.failed.disconnect(entry[2])
            self._waiting.remove(entry)
        self.changed.emit()

    def _compare(self) -> None:
        """Profile B if it is a file, and compare, in the background."""
        a = self._profiles["a"]
        b_side, known = self.b, self._profiles.get("b")
        names, config, cache = self.names, self._config(), self._cache

        def run(progress: Progress, cancelled: Callable[[], bool]) -> Comparison:
            if known is not None:
                b = known
            else:
                assert not isinstance(b_side, TabSide)
                b = _load_side(b_side, config, cache, progress, cancelled)
            if cancelled():
                return None  # type: ignore[return-value]  # reported as cancelled
            progress(_COMPARING, 1.0)
            return compare_profiles(a, b, CompareConfig(), names=names)

        phase = _COMPARING if known is not None else f"profiling {self.names[1]}"
        self._set_status(f"{self.title}: {phase}…", 0.0)
        self._work.start(
            run,
            phase,
            finished=self._on_compared,
            errored=lambda error: self._fail(describe_error(error)),
            cancelled=lambda: self._fail(""),
            progressed=lambda phase, fraction: self._set_status(
                f"{self.title}: {phase}…", fraction
            ),
        )

    def _on_compared(self, comparison: Comparison) -> None:
        """Keep the comparison; show its most drifted column."""
        self.comparison = comparison
        self.table = DriftTable(comparison)
        alerts = len(comparison["alerts"])
        drifted = sum(1 for row in comparison["drift"] if row["severity"])
        self._set_status(f"{self.title}: {drifted} columns drifted · {alerts} alerts", 1.0)
        self.compared.emit()
        if comparison["drift"]:
            self.select_column(comparison["drift"][0]["column"])
        else:
            self.show_section("Correlations")

    def _fail(self, text: str) -> None:
        """Stop, and say why ("" when cancelled)."""
        for session in list(self._started_on):
            if self._is_waiting(session) and session.busy:
                session.cancel()
        for session, _, _ in list(self._waiting):
            self._stop_waiting(session)
        self._started_on.clear()
        self._set_status(text or f"{self.title}: cancelled", 0.0)
        self.failed.emit(text)

    def cancel(self) -> None:
        """Stop making the comparison (a tab's own profile it asked for stops too)."""
        if self._work.running:
            self._work.cancel()
        elif self._waiting:
            self._fail("")

    def forget(self, session: DatasetSession) -> None:
        """The tab of ``session`` closes: a comparison waiting for it fails."""
        if self._is_waiting(session):
            self._stop_waiting(session)
            self._fail(f"{session.name} was closed before its profile was made")

    def _set_status(self, text: str, fraction: float) -> None:
        """Change the status line and the progress."""
        self.status, self.fraction = text, fraction
        self.changed.emit()

    # -- what is shown ------------------------------------------------------------------

    def select_column(self, name: str) -> None:
        """Show the column ``name``'s figures and overlay chart."""
        if self.comparison is None or column_of(self.comparison, name) is None:
            return
        self.column = name
        self.selected.emit(name)
        self.show_section("Column")

    def show_section(self, section: str) -> None:
        """Show the selected column, or the correlations of both sides and their difference."""
        comparison = self.comparison
        if comparison is None:
            return
        self.section = section
        theme, names = ("dark" if self.dark else "light"), self.names
        column = column_of(comparison, self.column) if self.column is not None else None
        method = self.method

        def run(progress: Progress, cancelled: Callable[[], bool]) -> tuple[list[Any], str]:
            if section == "Column" and column is not None:
                figure = overlay_figure(column, theme, names=names)
                return figure_specs([figure]), detail_html(column, names)
            if section == "Column":
                return [], ""
            parts = ("difference", "a", "b")
            figures = [
                correlation_change_heatmap(comparison, method, part, theme, names=names)
                for part in parts
            ]
            return figure_specs(figures), ""

        self._charts.start(run, "charts", finished=self._on_charts, errored=self._on_chart_error)

    def set_method(self, method: str) -> None:
        """Show the correlations of ``method`` (pearson, spearman, cramers_v)."""
        self.method = method
        if self.section == "Correlations":
            self.show_section("Correlations")

    def set_dark(self, dark: bool) -> None:
        """Follow the application's theme (charts are built again)."""
        self.dark = dark
        if self.comparison is not None:
            self.show_section(self.section)

    def _on_charts(self, built: tuple[list[dict[str, Any]], str]) -> None:
        self.specs, self.html = built
        self.charts.emit()

    def _on_chart_error(self, error: BaseException) -> None:
        self.message.emit(describe_error(error))

    # -- exporting ----------------------------------------------------------------------

    def export_json(self, path: Path) -> None:
        """Write the comparison as JSON to ``path`` (whole or not at all), in the background."""
        comparison = self.comparison
        if comparison is None:
            return

        def run(progress: Progress, cancelled: Callable[[], bool]) -> str:
            write_text(path, dumps(comparison) + "\n")
            return str(path)

        self._writing.start(
            run,
            f"writing {path.name}",
            finished=self.exported.emit,
            errored=lambda error: self.message.emit(describe_error(error)),
        )
