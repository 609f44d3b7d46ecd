"""One open dataset: its rows in a virtual grid, and its profile once computed.

The state lives in a Qt-free :class:`~desktop.models.session.DatasetSession`
(reading options, rows, sort, filters, search, profile, selection, busy);
this widget lays out the panes that show it (:class:`QtFileBar` above, with
the cloud's line under it when the app has a cloud connection,
:class:`QtGridPane`, then :class:`QtProfilePane` beside :class:`QtChartPane`)
and turns the session's events into Qt signals for the main window. With the
app's AI access, an Insights page sits beside the chart sections
(:class:`QtInsightsPane` over a :class:`DatasetInsights`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from core.profiling.config import ProfileConfig
from core.profiling.document import Profile
from core.read.query import Query
from core.read.table import ReadInfo, ReadOptions
from desktop.identity import cache_folder
from desktop.models.ai import AIAccess
from desktop.models.cloud import CloudConnection
from desktop.models.cloud_job import CloudProfileJob
from desktop.models.insights import DatasetInsights
from desktop.models.kept_upload import UploadMemory
from desktop.models.privacy_choice import PrivacyMemory
from desktop.models.profile_cache import ProfileCache
from desktop.models.session import FILTER_HELP, DatasetSession
from desktop.models.tasks import Handle
from desktop.qt_cell_viewer import QtCellViewer
from desktop.qt_chart_pane import QtChartPane
from desktop.qt_chart_view import QtChartView
from desktop.qt_cloud_pane import QtCloudBar
from desktop.qt_file_bar import QtFileBar
from desktop.qt_grid_pane import QtGridPane
from desktop.qt_insights_pane import QtInsightsPane
from desktop.qt_layout_memory import QtLayoutMemory
from desktop.qt_message_bar import ERROR, INFO, QtMessageBar
from desktop.qt_profile_pane import QtProfilePane
from desktop.qt_workers import QtRunner

__all__ = ["FILTER_HELP", "QtDatasetView"]


def open_local(path: Path) -> None:
    """Open ``path`` (a file or a folder) with the system's application for it."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class QtDatasetView(QWidget):
    """A tab's content for one file.

    Args:
        path: the file.
        options: how to read it.
        config: returns the profiling configuration to use (read when profiling starts).
        cloud: the app's cloud connection, which offers "Profile in the cloud…".
        ai: the app's endpoint, model and key for insights (None: no Insights page).
        privacy_memory: where each file's insights privacy choice is remembered.
        upload_memory: where interrupted cloud uploads are kept to resume.
        settings: where the panes' sizes are remembered (None: nowhere).
        cache: where profiles are kept, to show an unchanged file's last one at once.

    Signals:
        loaded(): all rows are shown.
        failed(str): the file could not be read (the message names it).
        queried(): the grid shows the rows of the current sort, filters and search.
        profiled(): the profile is shown.
        charted(): a page of charts has loaded.
        exported(str): a file was written (its path).
        message(str): something to tell the user in passing.
    """

    loaded = Signal()
    failed = Signal(str)
    queried = Signal()
    profiled = Signal()
    charted = Signal()
    exported = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        path: Path,
        options: ReadOptions | None = None,
        config: Callable[[], ProfileConfig] = ProfileConfig,
        parent: QWidget | None = None,
        cloud: CloudConnection | None = None,
        ai: AIAccess | None = None,
        privacy_memory: PrivacyMemory | None = None,
        upload_memory: UploadMemory | None = None,
        settings: QSettings | None = None,
        cache: ProfileCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = DatasetSession(
            path,
            QtRunner(self),
            options,
            config,
            mapped_folder=cache_folder() / "rows",
            cache=cache,
        )
        self.file_bar = QtFileBar(self.session)
        self.cloud_job: CloudProfileJob | None = None
        self.cloud_bar: QtCloudBar | None = None
        if cloud is not None:
            self.cloud_job = CloudProfileJob(
                self.session,
                cloud,
                QtRunner(self),
                engine=lambda: config().engine,
                memory=upload_memory,
            )
            self.cloud_bar = QtCloudBar(self.cloud_job)
            self.file_bar.add_button(self.cloud_bar.button)
        self.grid_pane = QtGridPane(self.session)
        self.profile_pane = QtProfilePane(self.session)
        self.chart_pane = QtChartPane(self.session)
        self.insights: DatasetInsights | None = None
        self.insights_pane: QtInsightsPane | None = None
        if ai is not None:
            self.insights = DatasetInsights(self.session, ai, QtRunner(self), privacy_memory)
            self.insights_pane = QtInsightsPane(self.insights)
            self.chart_pane.add_page("Insights", self.insights_pane)
        self._expose_widgets()
        # A cell's long text is read whole in a viewer of its own.
        self.grid.doubleClicked.connect(lambda index: self.view_cell(index.row(), index.column()))

        # The grid has the whole height until there is a profile to show under it.
        self.layout_memory = QtLayoutMemory(settings)
        self.lower_splitter = lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.profile_pane)
        lower.addWidget(self.chart_pane)
        lower.setStretchFactor(1, 3)
        lower.setChildrenCollapsible(False)
        self.layout_memory.restore(lower, "profile_and_charts", [380, 1000])
        self.layout_memory.restore(self.profile_pane, "overview_and_columns", [200, 300])
        self.main_splitter = main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(self.grid_pane)
        main.addWidget(lower)
        main.setChildrenCollapsible(False)
        lower.hide()
        for splitter, key in (
            (main, "rows_and_profile"),
            (lower, "profile_and_charts"),
            (self.profile_pane, "overview_and_columns"),
        ):
            self.layout_memory.keep(splitter, key)
        self.session.events.profiled.connect(self._show_profile_panes)
        self.session.events.cleared.connect(lower.hide)
        # Errors that need attention, and what was written, until dismissed.
        self.message_bar = QtMessageBar()
        self.session.events.failed.connect(lambda text: self.message_bar.show_message(text, ERROR))
        self.session.events.exported.connect(self._on_exported)
        # Rows read (after "Read anyway", say): an earlier failure to read no longer applies.
        self.session.events.loaded.connect(self._on_loaded)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_bar)
        layout.addWidget(self.message_bar)
        if self.cloud_bar is not None:
            layout.addWidget(self.cloud_bar)
        layout.addWidget(main, 1)

        # Connected after the panes': when a signal arrives, the widgets already show it.
        events = self.session.events
        events.loaded.connect(self.loaded.emit)
        events.failed.connect(self.failed.emit)
        events.queried.connect(self.queried.emit)
        events.profiled.connect(self.profiled.emit)
        events.exported.connect(self.exported.emit)
        events.message.connect(self.message.emit)
        self.chart_pane.charted.connect(self.charted.emit)

    def _show_profile_panes(self) -> None:
        """Open the profile's panes under the grid, at the sizes last chosen."""
        if not self.lower_splitter.isHidden():
            return
        self.lower_splitter.show()
        height = max(self.main_splitter.height(), 400)
        self.layout_memory.restore(
            self.main_splitter, "rows_and_profile", [height * 2 // 5, height * 3 // 5]
        )

    def view_cell(self, row: int, column: int) -> QtCellViewer:
        """Show the value at ``row``, ``column`` of the rows shown, whole and read-only."""
        return self.grid_pane.view_cell(row, column)

    def _on_loaded(self) -> None:
        """Dismiss an error left by an earlier reading."""
        if self.message_bar.level == ERROR:
            self.message_bar.dismiss()

    def _on_exported(self, written: str) -> None:
        """Say what was written, with Open and Show in folder."""
        path = Path(written)
        self.message_bar.show_message(
            f"Wrote {path}",
            INFO,
            [
                ("Open", lambda: open_local(path)),
                ("Show in folder", lambda: open_local(path.parent)),
            ],
        )

    def _expose_widgets(self) -> None:
        """Name the panes' widgets on the view, where the window and tests look for them."""
        bar, grid = self.file_bar, self.grid_pane
        self.status, self.progress, self.cancel_button = bar.status, bar.progress, bar.cancel_button
        self.sheet, self.profile_button = bar.sheet, bar.profile_button
        self.read_anyway_button, self.missing_button = bar.read_anyway_button, bar.missing_button
        self.missing_in_text, self.missing_kept = bar.missing_in_text, bar.missing_kept
        self.missing_given = bar.missing_given
        self.model, self.grid, self.search = grid.model, grid.grid, grid.search
        self.filters_label, self.clear_button = grid.filters_label, grid.clear_button
        self.rows_label = grid.rows_label
        self.overview, self.columns = self.profile_pane.overview, self.profile_pane.columns
        self.sections = self.chart_pane.sections

    # -- the session's state ----------------------------------------------------------

    @property
    def path(self) -> Path:
        """The file."""
        return self.session.path

    @property
    def options(self) -> ReadOptions:
        """How the file is read."""
        return self.session.options

    @property
    def info(self) -> ReadInfo | None:
        """How the file was read, once its first rows are in."""
        return self.session.info

    @property
    def query(self) -> Query:
        """The sort, filters and search of the rows shown."""
        return self.session.query

    @property
    def profile(self) -> Profile | None:
        """The profile, once computed."""
        return self.session.profile

    @property
    def profile_seconds(self) -> float | None:
        """How long profiling took."""
        return self.session.profile_seconds

    @property
    def dark(self) -> bool:
        """Whether the charts are drawn dark."""
        return self.session.dark

    @property
    def busy(self) -> bool:
        """True while a reading, profiling or export request of this view runs."""
        return self.session.busy

    @property
    def worker(self) -> Handle | None:
        """The reading, profiling or export request running, if any."""
        return self.session.work.handle

    @property
    def charts(self) -> QtChartView:
        """The chart view (created on first use)."""
        return self.chart_pane.charts

    @property
    def charts_pending(self) -> bool:
        """True while the charts asked for last are still being built."""
        return self.session.charts_pending

    # -- what the window and the menus ask for -----------------------------------------

    def start_loading(self) -> None:
        """Show the first rows at once, then type and show all rows, in workers."""
        self.session.start_loading()

    def read_leniently(self) -> None:
        """Read the file again, padding short rows and cutting long ones."""
        self.session.read_leniently()

    def choose_sheet(self, sheet: str) -> None:
        """Show another sheet of the workbook (its rows, then a new profile on demand)."""
        self.session.choose_sheet(sheet)

    def set_missing(
        self, *, keep: bool | None = None, tokens: tuple[str, ...] | None = None
    ) -> None:
        """Read the file again with other missing values (see the session's ``set_missing``)."""
        self.file_bar.set_missing(keep=keep, tokens=tokens)

    def set_query(self, query: Query) -> None:
        """Show the rows of ``query`` (computed in a worker; the newest request wins)."""
        self.session.set_query(query)

    def sort_by(self, column: str, descending: bool | None, *, add: bool = False) -> None:
        """Sort by ``column`` (None removes it from the sort); ``add`` keeps the other keys."""
        self.session.sort_by(column, descending, add=add)

    def set_filter(self, column: str, text: str) -> None:
        """Filter ``column`` with ``text`` (see :data:`FILTER_HELP`; "" removes the filter)."""
        self.session.set_filter(column, text)

    def focus_search(self) -> None:
        """Put the cursor in the quick search."""
        self.grid_pane.focus_search()

    def clear_query(self) -> None:
        """Remove the filters and the search (the sort stays)."""
        self.grid_pane.clear_query()

    def start_profile(self) -> None:
        """Profile the file in a worker; show the overview and column charts."""
        self.session.start_profile()

    def select_column(self, column: str) -> None:
        """Show ``column``'s charts (once profiled)."""
        self.session.select_column(column)

    def show_section(self, section: str) -> None:
        """Show the overview, correlations, missing values, or the selected column's charts."""
        self.session.show_section(section)

    def set_dark(self, dark: bool) -> None:
        """Follow the application's theme (charts are drawn again)."""
        self.session.set_dark(dark)

    def jump_to_column(self) -> None:
        """Open the box that scrolls the grid to a column named in it."""
        self.grid_pane.ask_jump()

    def view_code(self, language: str) -> str:
        """The rows and columns shown as ``polars`` code or ``sql`` for DuckDB.

        Raises:
            OptionError: the rows are still being read, or the format cannot be read so.
        """
        return self.session.view_code(language)

    def export_rows(self, path: Path) -> None:
        """Write the rows shown (sorted and filtered) to ``path``: .csv, .parquet, .xlsx, …"""
        self.session.export_rows(path)

    def export_profile(self, path: Path, *, report: bool) -> None:
        """Write the HTML report (``report``) or the JSON profile, profiling first if needed.

        The insights answered in this tab go with it, marked verified or not.
        """
        insights = self.insights.document if self.insights is not None else None
        self.session.export_profile(path, report=report, insights=insights)

    def profile_in_cloud(self) -> None:
        """Show what would be sent to the cloud; Send in that preview profiles there."""
        if self.cloud_bar is not None:
            self.cloud_bar.start()

    def show_insights(self) -> None:
        """Show the Insights page (once profiled)."""
        if self.insights_pane is not None and self.session.profile is not None:
            self.chart_pane.show_page("Insights")

    def cancel(self) -> None:
        """Ask the running reading, profiling or export to stop."""
        self.session.cancel()

    def stop_cloud(self, *, keep_upload: bool = False) -> None:
        """Stop a cloud profile under way.

        An upload is aborted on the server, or with ``keep_upload`` (the app
        closes) kept to resume.
        """
        if self.cloud_job is not None:
            if keep_upload:
                self.cloud_job.suspend()
            else:
                self.cloud_job.cancel()
