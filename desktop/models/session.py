"""One open dataset, without Qt: what is read, how, what is shown of it, and what runs.

:class:`DatasetSession` holds the file's path and reading options, its rows,
the sort, filters and search (with their undo and redo history), the profile,
the selected section and column, and the requests running in the background.
Its methods are what a user can do; its :class:`SessionEvents` say what
changed, and the Qt panes redraw from its state. Derived state is computed:
:attr:`DatasetSession.busy` is "a reading, profiling or export request runs",
never a stored flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from core.errors import OptionError, RaggedRowsError, UnclosedQuoteError
from core.profiling.config import ProfileConfig
from core.profiling.document import Insight, Profile, Source
from core.profiling.engine import engine_for_file, profile_frame, profile_table
from core.read.query import (
    Filter,
    Query,
    ValueCounts,
    apply_query,
    count_values,
    describe_filter,
    filter_expression,
    query_order,
)
from core.read.query_code import CodeSource, duckdb_sql, polars_code
from core.read.table import ReadInfo, ReadOptions, open_table
from desktop.models.columns import ColumnView
from desktop.models.events import SessionEvents
from desktop.models.exports import profile_export, rows_export
from desktop.models.profile_cache import CachedProfile, ProfileCache
from desktop.models.rows import ShownRows
from desktop.models.section_charts import SectionCharts
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = ["FILTER_HELP", "MAPPED_FROM_BYTES", "PREVIEW_ROWS", "DatasetSession"]

PREVIEW_ROWS = 1000
#: Files from this size up are kept on disk, memory-mapped, once read (see
#: ``core.read.mapped``); smaller ones stay in memory.
MAPPED_FROM_BYTES = 64 * 1024 * 1024
#: What a column's filter may say (see ``core.read.query``), as the grid explains it.
FILTER_HELP = (
    "Filter syntax: missing · !missing · > 5 · <= 2024-06-30 · = Paris · != 0 · 10..20 "
    "(between) · plain text: contains it, any case"
)
_PROFILING = "profiling"
#: How many earlier queries undo can go back to.
HISTORY = 100
#: How many of a column's values its list offers, most frequent first.
LISTED_VALUES = 1000


class DatasetSession:
    """A file opened in the desktop app; see the module docstring.

    Args:
        path: the file.
        runner: runs the background work (Qt's thread pool in the app).
        options: how to read it.
        config: returns the profiling configuration (read when profiling starts).
        mapped_folder: where a big file's typed rows are kept on disk while it is
            open (None: always in memory).
    """

    def __init__(
        self,
        path: Path,
        runner: Runner,
        options: ReadOptions | None = None,
        config: Callable[[], ProfileConfig] = ProfileConfig,
        mapped_folder: Path | None = None,
        cache: ProfileCache | None = None,
    ) -> None:
        self.path = path
        self.mapped_folder = mapped_folder
        #: where profiles are kept, to show an unchanged file's last profile at once.
        self.cache = cache
        #: when the profile shown was made, if it came from the cache.
        self.cached_at: datetime | None = None
        self.options = options or ReadOptions()
        self.info: ReadInfo | None = None
        #: every row read (None until all are in).
        self.base: pl.DataFrame | None = None
        #: the rows shown: the first rows, then all, then those of the query.
        self.shown = ShownRows(pl.DataFrame())
        self.query = Query()
        #: the query whose rows are shown (what a query that fails goes back to).
        self._shown_query = Query()
        self.query_error: str | None = None
        #: the queries undo and redo go back and forth to, the latest last.
        self._undo: list[Query] = []
        self._redo: list[Query] = []
        #: the columns the grid shows, in order, and how many are frozen.
        self.column_view = ColumnView()
        self.profile: Profile | None = None
        self.profile_seconds: float | None = None
        self.section = "Overview"
        self.column: str | None = None
        self.dark = False
        #: the user's line for the last request that failed (the error itself is
        #: not kept: its traceback would keep the worker's rows alive).
        self.error: str | None = None
        self._ragged = False
        self.status = f"Opening {path.name}…"
        self.status_tip = ""
        #: the status line that sums up the rows (and profile) shown, once read:
        #: what the status returns to after a request ends, failed or not.
        self.summary: str | None = None
        self.events = SessionEvents()
        self._config = config
        self._after_profile: list[Callable[[], None]] = []
        self._work = Newest(runner, self.events.busy.emit)
        self._query_rows = Newest(runner, self.events.query.emit)
        self._counting = Newest(runner)
        self._options_check = Newest(runner)
        self._cached = Newest(runner)
        self.charts = SectionCharts(runner, self.events.charts, self.events.message)

    # -- derived state -------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a reading, profiling or export request runs."""
        return self._work.running

    @property
    def work(self) -> Newest:
        """The reading, profiling and export requests (one at a time, the newest counts)."""
        return self._work

    @property
    def charts_pending(self) -> bool:
        """True while the charts asked for last are still being built."""
        return self.charts.pending

    @property
    def can_profile(self) -> bool:
        """All rows are read and no profile is being computed."""
        return self.base is not None and self._work.phase != _PROFILING

    @property
    def offer_lenient(self) -> bool:
        """Reading failed on ragged rows or a quote never closed, and may be retried leniently."""
        return self._ragged and not self.options.lenient

    @property
    def name(self) -> str:
        """The file name, with the sheet for workbooks."""
        if self.info is not None and self.info.sheet is not None and len(self.info.sheets) > 1:
            return f"{self.path.name} [{self.info.sheet}]"
        return self.path.name

    @property
    def filters_text(self) -> str:
        """The filters and search in force, in a line ("" for none)."""
        parts = [describe_filter(column, chosen) for column, chosen in self.query.filters.items()]
        if self.query.search:
            parts.append(f"“{self.query.search}” anywhere")
        return "Filters: " + " · ".join(parts) if parts else ""

    @property
    def rows_text(self) -> str:
        """How many rows are shown, of how many, or what is being computed."""
        if self.base is None:
            return ""
        if self._query_rows.running:
            return "filtering…" if self.query.filters or self.query.search else "sorting…"
        if self.shown.height == self.base.height:
            return f"{self.base.height:,} rows"
        return f"{self.shown.height:,} of {self.base.height:,} rows"

    @property
    def view_text(self) -> str:
        """The filters, search and sort of the rows shown, in words ("" for the file as read)."""
        query = self._shown_query
        parts = []
        if query.filters:
            parts.append(
                "filter: " + ", ".join(describe_filter(c, f) for c, f in query.filters.items())
            )
        if query.search:
            parts.append(f"search “{query.search}”")
        if query.sort:
            keys = ", ".join(f"{c} {'↓' if down else '↑'}" for c, down in query.sort)
            parts.append(f"sorted by {keys}")
        return " · ".join(parts)

    @property
    def can_profile_view(self) -> bool:
        """A profile can start, and the grid shows other rows than the file's, or another order."""
        return self.can_profile and not self._shown_query.is_empty and not self._query_rows.running

    # -- reading ---------------------------------------------------------------------

    def start_loading(self) -> None:
        """Read the first rows at once, then all rows, in the background."""
        path, options = self.path, self.options
        self.error, self._ragged = None, False
        self.summary = None

        def preview(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            with open_table(path, options) as table:
                return table.preview(PREVIEW_ROWS).frame, table.info

        self._start(preview, "reading the first rows", self._on_preview)

    def _on_preview(self, result: tuple[pl.DataFrame, ReadInfo]) -> None:
        """Show the first rows, then read them all."""
        first, self.info = result
        self.shown = ShownRows(first)
        self.events.previewed.emit()
        self._set_status(f"{self.name}: first {first.height:,} rows · reading the rest…")
        path, options, folder = self.path, self.options, self.mapped_folder

        def full(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            with open_table(path, options) as table:
                big = folder is not None and _file_size(path) >= MAPPED_FROM_BYTES
                frame = table.collect(
                    lambda fraction: progress("reading all rows", fraction),
                    cancelled=cancelled,
                    mapped_in=folder if big else None,
                )
                return frame, table.info

        self._start(full, "reading all rows", self._on_full)

    def _on_full(self, result: tuple[pl.DataFrame, ReadInfo]) -> None:
        """Show every row (and say how they were typed, every value checked)."""
        frame, self.info = result
        self.base = frame
        self.shown = ShownRows(frame)
        status = f"{self.name}: {frame.height:,} rows × {frame.width:,} columns"
        warnings = self.info.warnings if self.info is not None else []
        if warnings:
            status += f" · ⚠ {warnings[0]}"
        self._set_status(status, "\n".join(warnings))
        self.summary = status
        self.events.loaded.emit()
        self._look_up_cached_profile()

    def _look_up_cached_profile(self) -> None:
        """Show the profile kept for the file as it is now, if any (read in the background)."""
        cache, path, options, config = self.cache, self.path, self.options, self._config()
        if cache is None or self.profile is not None:
            return

        def look_up(progress: Progress, cancelled: Callable[[], bool]) -> CachedProfile | None:
            return cache.get(path, options, config)

        self._cached.start(look_up, "cache", finished=self._on_cached, errored=lambda _: None)

    def _on_cached(self, found: CachedProfile | None) -> None:
        """Show the cached profile, unless one is computed meanwhile."""
        if found is None or self.profile is not None or self._work.phase == _PROFILING:
            return
        self.show_profile(found.profile, found.seconds)
        self.cached_at = found.saved
        when = found.saved.astimezone().strftime("%Y-%m-%d %H:%M")
        self._set_status(
            f"{self.name}: profile from the cache, made {when} "
            f"({len(found.profile['alerts'])} alerts) · Profile to compute it again"
        )
        self.summary = self.status

    def read_leniently(self) -> None:
        """Read the file again, padding short rows and cutting long ones."""
        self.reread(replace(self.options, lenient=True))

    def choose_sheet(self, sheet: str) -> None:
        """Show another sheet of the workbook (its rows, then a new profile on demand)."""
        if self.info is None or sheet not in self.info.sheets or sheet == self.info.sheet:
            return
        self.reread(replace(self.options, sheet=sheet))

    def set_missing(
        self, *, keep: bool | None = None, tokens: tuple[str, ...] | None = None
    ) -> bool:
        """Read the file again with other missing values; False when nothing changes.

        Args:
            keep: keep the file's markers as values in text columns (or not).
            tokens: the tokens that are missing in every column, instead of the file's.
        """
        options = self.options
        if keep is not None:
            options = replace(options, keep_na=keep, na=())
        if tokens is not None:
            options = replace(options, na=tokens, keep_na=False)
        if options == self.options:
            return False
        self.reread(options)
        return True

    def try_options(self, options: ReadOptions) -> None:
        """Read the file again with ``options`` once its first rows read with them.

        Options that do not fit the file (an unknown column, an encoding that
        cannot decode it) are refused with a one-line message; the rows shown,
        and any read under way, stay.
        """
        path = self.path

        def check(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            with open_table(path, options) as table:
                return table.preview(PREVIEW_ROWS).frame, table.info

        def refused(error: BaseException) -> None:
            self.events.message.emit(f"These reading options do not fit: {describe_error(error)}")

        self._options_check.start(
            check,
            "checking reading options",
            finished=lambda preview: self.reread(options, preview=preview),
            errored=refused,
        )

    def reread(
        self, options: ReadOptions, *, preview: tuple[pl.DataFrame, ReadInfo] | None = None
    ) -> None:
        """Read the file again with other options: rows first, a new profile on demand.

        ``preview`` is the first rows already read with ``options``.
        """
        self._work.cancel()
        self.options = options
        self.base = None
        self.profile = None
        self._cached.invalidate()
        # The columns and their types may change: the old queries and their history go.
        self.query = self._shown_query = Query()
        self._undo.clear()
        self._redo.clear()
        self.query_error = None
        self._counting.invalidate()
        # The old rows and profile are gone: a query or charts computed from them
        # that answers late must not show them again.
        self._query_rows.invalidate()
        self.charts.clear()
        self.events.cleared.emit()
        self.events.query.emit()
        if preview is None:
            self.start_loading()
        else:
            self.error, self._ragged = None, False
            self._on_preview(preview)

    # -- sorting, filtering, searching ---------------------------------------------

    def set_query(self, query: Query, *, remember: bool = True) -> None:
        """Show the rows of ``query`` (computed in the background; the newest request wins).

        A query that cannot run on these columns is refused at once: the rows
        and the query shown stay, and the history does not change.

        Args:
            query: the sort, filters and search.
            remember: let undo come back to the query in force (undo and redo do not).
        """
        base = self.base
        if base is not None:
            try:
                # On no rows: checks every name and type of the query in an instant.
                apply_query(base.clear(), query)
            except OptionError as exc:
                self._refuse_query(exc)
                return
        if remember and query != self.query:
            self._undo = [*self._undo, self.query][-HISTORY:]
            self._redo.clear()
        self.query = query
        self.query_error = None
        if base is None:
            self.events.query.emit()
            return

        def run(progress: Progress, cancelled: Callable[[], bool]) -> ShownRows:
            return ShownRows(base, query_order(base, query))

        def shown(rows: ShownRows) -> None:
            self._shown_query = query
            self._on_rows(rows)

        self._query_rows.start(run, "querying", finished=shown, errored=self._on_bad_query)

    def _on_rows(self, rows: ShownRows) -> None:
        """Show the rows of the query."""
        self.shown = rows
        self.events.queried.emit()

    def _refuse_query(self, error: BaseException) -> None:
        """Say why the query cannot run; the rows, sort, filters and search shown stay."""
        self.query_error = message = describe_error(error)
        self.events.query.emit()
        self.events.message.emit(message)
        self.events.queried.emit()

    def _on_bad_query(self, error: BaseException) -> None:
        """Go back to the query whose rows are shown; say why this one cannot run."""
        self.query = self._shown_query
        self._refuse_query(error)

    def sort_by(self, column: str, descending: bool | None, *, add: bool = False) -> None:
        """Sort by ``column`` (None removes it from the sort); ``add`` keeps the other keys."""
        keys = [k for k in self.query.sort if k[0] != column] if add else []
        if descending is not None:
            keys.append((column, descending))
        self.set_query(replace(self.query, sort=tuple(keys)))

    def cycle_sort(self, column: str, *, add: bool = False) -> None:
        """Move ``column`` on from unsorted to ascending, descending, and unsorted again."""
        current = dict(self.query.sort).get(column)
        descending = False if current is None else (True if current is False else None)
        self.sort_by(column, descending, add=add)

    @property
    def can_undo(self) -> bool:
        """There is an earlier query to go back to."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """A query was undone and may be shown again."""
        return bool(self._redo)

    def undo(self) -> None:
        """Go back to the sort, filters and search before the last change."""
        if self._undo:
            self._redo.append(self.query)
            self.set_query(self._undo.pop(), remember=False)

    def redo(self) -> None:
        """Show again the query the last undo went back from."""
        if self._redo:
            self._undo.append(self.query)
            self.set_query(self._redo.pop(), remember=False)

    def count_values(
        self, column: str, done: Callable[[ValueCounts], None], failed: Callable[[str], None]
    ) -> None:
        """Count ``column``'s values in the background, for a list to pick from.

        The rows counted are those the other filters and the search keep (the
        column's own filter aside), as a spreadsheet's filter lists them.
        ``done`` receives the counts, or ``failed`` the user's line; only the
        newest request answers.
        """
        base = self.base
        if base is None:
            return
        others = {k: v for k, v in self.query.filters.items() if k != column}
        query = Query(filters=others, search=self.query.search)

        def run(progress: Progress, cancelled: Callable[[], bool]) -> ValueCounts:
            return count_values(apply_query(base, query), column, LISTED_VALUES)

        self._counting.start(
            run, "counting values", finished=done, errored=lambda e: failed(describe_error(e))
        )

    def stop_counting(self) -> None:
        """Drop the answer of the values being counted (their list was closed)."""
        self._counting.invalidate()

    def set_filter(self, column: str, text: Filter) -> None:
        """Filter ``column`` with ``text`` (see :data:`FILTER_HELP`; "" removes the filter).

        ``text`` may also be values picked from the column's list (a ``ValueSet``).
        """
        if self.base is not None and column not in self.base.columns:
            # A struct's field (parent.field) is profiled, but the grid shows the struct.
            self._set_status(f"{column} is a field of a nested column; the grid cannot filter it")
            return
        filters = {k: v for k, v in self.query.filters.items() if k != column}
        if not isinstance(text, str) or text.strip():
            if self.base is not None:
                try:
                    filter_expression(column, self.base.schema.get(column), text)
                except OptionError as exc:
                    self._refuse_query(exc)
                    return
            filters[column] = text.strip() if isinstance(text, str) else text
        self.set_query(replace(self.query, filters=filters))

    def set_search(self, text: str) -> None:
        """Keep the rows where any column contains ``text``, any case ("" for all)."""
        self.set_query(replace(self.query, search=text))

    def clear_query(self) -> None:
        """Remove the filters and the search (the sort stays)."""
        self.set_query(replace(self.query, filters={}, search=""))

    # -- columns ---------------------------------------------------------------------

    @property
    def shown_columns(self) -> list[str]:
        """The columns the grid shows, in order."""
        return self.column_view.shown(self.shown.columns)

    @property
    def shown_rows(self) -> ShownRows:
        """The rows shown, with only the columns shown, in their order."""
        return self.shown.select(self.shown_columns)

    def set_column_view(self, view: ColumnView) -> None:
        """Show other columns, in another order, or freeze others."""
        if view != self.column_view:
            self.column_view = view
            self.events.columns.emit()

    def hide_column(self, column: str) -> None:
        """Stop showing ``column`` (the last column shown stays)."""
        if column in self.shown_columns and len(self.shown_columns) > 1:
            self.set_column_view(self.column_view.hide(column))

    def show_column(self, column: str | None = None) -> None:
        """Show ``column`` again (None: every hidden column)."""
        self.set_column_view(self.column_view.show(column))

    def move_column(self, column: str, to: int) -> None:
        """Move ``column`` to place ``to`` among the columns shown."""
        self.set_column_view(self.column_view.move(self.shown.columns, column, to))

    def freeze_columns(self, count: int) -> None:
        """Keep the first ``count`` columns shown in view when scrolling sideways (0: none)."""
        self.set_column_view(self.column_view.freeze(count))

    def view_code(self, language: str) -> str:
        """The rows and columns shown as ``polars`` code or ``sql`` for DuckDB.

        Raises:
            OptionError: the rows are not all read yet, or the file's format cannot be
                read by such code.
        """
        if self.base is None or self.info is None:
            raise OptionError(f"{self.name}: the rows are still being read")
        source = CodeSource.of(self.info, self.options, self.base.schema)
        write = duckdb_sql if language == "sql" else polars_code
        return write(source, self._shown_query, self.shown_columns)

    # -- profiling ---------------------------------------------------------------------

    def start_profile(self) -> None:
        """Profile the file in the background; the overview and charts follow.

        Once every row is read, the profile summarises the rows in hand (checked
        against their types as they were read) instead of reading the file again.
        """
        path, options, config, cache = self.path, self.options, self._config(), self.cache
        base, info = self.base, self.info
        source = _source(path, info) if info is not None else None
        self._cached.invalidate()

        def run(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            if base is not None and info is not None and source is not None:
                # The engine the file would get from the CLI: a big file's rows in slices.
                engine = engine_for_file(
                    info.size_bytes, compressed=info.compression.value != "none", config=config
                )
                result = profile_frame(
                    base, config, source=source, engine=engine, progress=progress, cancel=cancelled
                )
            else:
                with open_table(path, options) as table:
                    result = profile_table(table, config, progress=progress, cancel=cancelled)
            if cache is not None:
                cache.put(path, options, config, result.profile, result.seconds)
            return result.profile, result.seconds

        self._start(run, _PROFILING, self._on_profile)

    def start_view_profile(self) -> None:
        """Profile the rows the grid shows (its filters, search and sort), in the background.

        The profile says which rows it describes (its source's ``view``).
        """
        if self.base is None or self.info is None:
            return
        shown, config = self.shown, self._config()
        source = _source(self.path, self.info)
        source["view"] = {"of_rows": self.base.height, "description": self.view_text}

        def run(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            rows = shown.frame()
            result = profile_frame(rows, config, source=source, progress=progress, cancel=cancelled)
            return result.profile, result.seconds

        self._start(run, _PROFILING, self._on_profile)

    def _on_profile(self, result: tuple[Profile, float]) -> None:
        """Show the profile computed here."""
        self.show_profile(*result)

    def show_profile(self, profile: Profile, seconds: float, where: str = "") -> None:
        """Keep ``profile`` (made ``where``, "" for here), show its overview, run what waited."""
        self.profile, self.profile_seconds = profile, seconds
        self.cached_at = None
        self.column = None
        self.show_section("Overview")
        place = f" {where}" if where else ""
        view = profile.get("source", {}).get("view")
        rows = f" {profile['dataset']['rows']:,} rows shown of {view['of_rows']:,}" if view else ""
        self._set_status(
            f"{self.name}: profiled{rows}{place} in {seconds:.1f} s "
            f"({len(profile['alerts'])} alerts)"
        )
        if self.base is not None:
            self.summary = self.status
        self.events.profiled.emit()
        pending, self._after_profile = self._after_profile, []
        for action in pending:
            action()

    def select_column(self, column: str) -> None:
        """Select ``column`` and show its charts (once profiled)."""
        if self.profile is None or column not in [c["name"] for c in self.profile["columns"]]:
            return
        self.column = column
        self.events.selected.emit(column)
        self.show_section("Column")

    def show_section(self, section: str) -> None:
        """Show the overview, correlations, missing values, or the selected column's charts.

        The charts are built in the background (see :class:`SectionCharts`).
        """
        if self.profile is None:
            return
        profile, theme = self.profile, "dark" if self.dark else "light"
        columns = profile["columns"]
        chosen = [c for c in columns if c["name"] == self.column] or columns[:1]
        column = chosen[0] if chosen else None
        self.section = section
        self.events.section.emit()
        self.charts.build(profile, section, column, theme, self._select_x, self.set_filter)

    def _select_x(self, point: dict[str, Any]) -> None:
        """Select the column a chart's x value names."""
        if isinstance(point.get("x"), str):
            self.select_column(point["x"])

    def set_dark(self, dark: bool) -> None:
        """Follow the application's theme (charts are built again)."""
        self.dark = dark
        if self.profile is not None:
            self.show_section(self.section)

    # -- exporting ---------------------------------------------------------------------

    def export_rows(self, path: Path) -> None:
        """Write the rows and columns shown (sorted, filtered) to ``path``: .csv, .parquet, …"""
        self._start(
            rows_export(self.shown_rows, path, self.path),
            f"writing {path.name}",
            self._on_exported,
        )

    def export_profile(
        self,
        path: Path,
        *,
        report: bool,
        insights: Callable[[], list[Insight]] | None = None,
    ) -> None:
        """Write the HTML report (``report``) or the JSON profile, profiling first if needed.

        ``insights`` gives the AI insights to keep with the profile (an Insights
        section of the report, the document's ``insights``); none: neither.
        """
        if self.profile is None:
            self._after_profile.append(
                lambda: self.export_profile(path, report=report, insights=insights)
            )
            if not self.busy:
                self.start_profile()
            return
        profile, seconds = self.profile, self.profile_seconds
        kept = insights() if insights is not None else []
        if kept:
            profile = {**profile, "insights": kept}
        theme = "dark" if self.dark else "light"
        task = profile_export(profile, path, report=report, seconds=seconds, theme=theme)
        self._start(task, f"writing {path.name}", self._on_exported)

    def _on_exported(self, path: str) -> None:
        """Say what was written (the status line goes back to the summary)."""
        self._set_status(self.summary or f"{self.name}: wrote {path}")
        self.events.exported.emit(path)

    # -- requests ----------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the running reading, profiling or export request to stop."""
        self._work.cancel()

    def _start(self, task: Any, phase: str, done: Callable[[Any], None]) -> None:
        """Start a reading, profiling or export request; the newest replaces the others."""
        self._set_status(f"{self.name}: {phase}…")
        self.events.progressed.emit(0.0)
        self._work.start(
            task,
            phase,
            finished=done,
            errored=self._on_error,
            cancelled=self._on_cancelled,
            progressed=self._on_progress,
        )

    def _on_progress(self, phase: str, fraction: float) -> None:
        """Say which phase runs, and how far it is."""
        self._set_status(f"{self.name}: {phase}…")
        self.events.progressed.emit(fraction)

    def _on_error(self, error: BaseException) -> None:
        """Say what failed; what waited for a profile will not run."""
        self.error = describe_error(error)
        self._ragged = isinstance(error, RaggedRowsError | UnclosedQuoteError)
        self._after_profile.clear()
        # Once rows are shown, the status line goes back to them; the error is a message.
        self._set_status(self.summary or self.error)
        self.events.failed.emit(self.error)

    def _on_cancelled(self) -> None:
        """Say the request stopped."""
        self._after_profile.clear()
        self._set_status(f"{self.name}: cancelled")

    def _set_status(self, text: str, tip: str | None = None) -> None:
        """Change the status line (and its tooltip, when given)."""
        self.status = text
        if tip is not None:
            self.status_tip = tip
        self.events.status.emit()


def _file_size(path: Path) -> int:
    """``path``'s size in bytes (0 when it cannot be told)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _source(path: Path, info: ReadInfo) -> Source:
    """What a profile of rows read from ``path`` says of its source."""
    return {
        "path": str(path),
        "name": path.name,
        "format": info.format.value,
        "size_bytes": info.size_bytes,
        "read": info.to_dict(),
    }
