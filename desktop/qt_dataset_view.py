"""One open dataset: its rows in a virtual grid, and its profile once computed.

Reading, sorting, filtering, profiling and exporting run in workers
(``desktop.qthreading``); this widget only shows what they return, a progress
bar with the phase name, and a Cancel button.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import RaggedRowsError
from core.present import charts
from core.present.numbers import format_duration, format_number
from core.present.report import write_report
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import write_profile
from core.read.convert import write_frame
from core.read.query import Query, apply_query
from core.read.table import ReadInfo, ReadOptions, open_table
from desktop.qt_chart_view import QtChartView
from desktop.qt_icons import kind_icon
from desktop.qt_table_model import QtFrameModel
from desktop.qthreading import Worker, start

__all__ = ["FILTER_HELP", "QtDatasetView"]

PREVIEW_ROWS = 1000
FILTER_HELP = (
    "Filter syntax: missing · !missing · > 5 · <= 2024-06-30 · = Paris · != 0 · 10..20 "
    "(between) · plain text: contains it, any case"
)
SECTIONS = ("Overview", "Correlations", "Missing values", "Column")

ClickHandler = Callable[[dict[str, Any]], None]


class QtDatasetView(QWidget):
    """A tab's content for one file.

    Args:
        path: the file.
        options: how to read it.
        config: returns the profiling configuration to use (read when profiling starts).

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
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.options = options or ReadOptions()
        self.info: ReadInfo | None = None
        self.profile: dict[str, Any] | None = None
        self.profile_seconds: float | None = None
        self.query = Query()
        self.dark = False
        self._config = config
        self._base: pl.DataFrame | None = None
        self._worker: Worker | None = None
        self._query_generation = 0
        self._after_profile: list[Callable[[], None]] = []
        self._click_handlers: list[ClickHandler | None] = []
        self._section = "Overview"
        self._chart_generation = self._charted_generation = 0

        self.model = QtFrameModel()
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().setDefaultSectionSize(22)
        header = self.grid.horizontalHeader()
        # Measuring 1,000 rows (Qt's default) per column on the GUI thread stalls it.
        header.setResizeContentsPrecision(100)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)

        self.status = QLabel(f"Opening {path.name}…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.sheet = QComboBox()
        self.sheet.setToolTip("Sheet of the workbook")
        self.sheet.setVisible(False)
        self.sheet.activated.connect(self._on_sheet_chosen)
        self.profile_button = QPushButton("Profile")
        self.profile_button.setEnabled(False)
        self.profile_button.clicked.connect(self.start_profile)
        # Offered when a CSV has rows with too many or too few fields.
        self.read_anyway_button = QPushButton("Read anyway")
        self.read_anyway_button.setToolTip(
            "Read the file leniently: short rows are padded with missing values, long rows cut"
        )
        self.read_anyway_button.setVisible(False)
        self.read_anyway_button.clicked.connect(self.read_leniently)
        self._ragged = False
        # The file's missing-value markers (NA, NULL...), and how to read them.
        self.missing_button = QToolButton()
        self.missing_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.missing_button.setVisible(False)
        missing_menu = QMenu(self.missing_button)
        self.missing_in_text = missing_menu.addAction("Missing in text columns too")
        self.missing_in_text.setToolTip("Except in columns whose values they look like")
        self.missing_kept = missing_menu.addAction("Values in text columns")
        for action in (self.missing_in_text, self.missing_kept):
            action.setCheckable(True)
        missing_menu.addSeparator()
        self.missing_given = missing_menu.addAction("Missing values are…")
        self.missing_in_text.triggered.connect(lambda: self.set_missing(keep=False))
        self.missing_kept.triggered.connect(lambda: self.set_missing(keep=True))
        self.missing_given.triggered.connect(self._on_missing_given)
        self.missing_button.setMenu(missing_menu)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search all columns…")
        self.search.setClearButtonEnabled(True)
        self.search.setEnabled(False)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self._on_search)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.filters_label = QLabel()
        self.filters_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filters_label.setToolTip(FILTER_HELP)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.clear_query)
        self.rows_label = QLabel()

        self.overview = QLabel()
        self.overview.setTextFormat(Qt.TextFormat.RichText)
        self.overview.setWordWrap(True)
        self.overview.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.columns = QListWidget()
        self.columns.currentRowChanged.connect(self._on_column_selected)
        self.sections = QButtonGroup(self)
        section_bar = QHBoxLayout()
        for name in SECTIONS:
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setEnabled(False)
            self.sections.addButton(button)
            section_bar.addWidget(button)
        section_bar.addStretch(1)
        self.sections.buttonClicked.connect(lambda b: self.show_section(b.text()))
        # The embedded browser costs a few hundred milliseconds to start: it is
        # created when the first chart is shown, not when a file opens.
        self._charts: QtChartView | None = None
        self._chart_slot = QWidget()
        self._chart_layout = QVBoxLayout(self._chart_slot)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)
        self._chart_layout.addLayout(section_bar)

        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.sheet)
        bar.addWidget(self.read_anyway_button)
        bar.addWidget(self.missing_button)
        bar.addWidget(self.profile_button)
        query_bar = QHBoxLayout()
        query_bar.addWidget(self.search, 2)
        query_bar.addWidget(self.filters_label, 3)
        query_bar.addWidget(self.clear_button)
        query_bar.addWidget(self.rows_label)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.overview)
        side.addWidget(self.columns)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(side)
        lower.addWidget(self._chart_slot)
        lower.setStretchFactor(1, 3)
        lower.setSizes([380, 1000])
        main = QSplitter(Qt.Orientation.Vertical)
        grid_box = QWidget()
        grid_layout = QVBoxLayout(grid_box)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addLayout(query_bar)
        grid_layout.addWidget(self.grid)
        main.addWidget(grid_box)
        main.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(main, 1)
        self._busy(False)

    @property
    def charts(self) -> QtChartView:
        """The chart view (created on first use)."""
        if self._charts is None:
            self._charts = QtChartView()
            self._charts.pointClicked.connect(self._on_point_clicked)
            self._charts.loadFinished.connect(lambda ok: self.charted.emit())
            self._chart_layout.addWidget(self._charts, 1)
        return self._charts

    @property
    def charts_pending(self) -> bool:
        """True while the charts asked for last are still being built."""
        return self._charted_generation != self._chart_generation

    @property
    def busy(self) -> bool:
        """True while a worker of this view runs."""
        return self.cancel_button.isVisible()

    # -- reading ---------------------------------------------------------------

    def start_loading(self) -> None:
        """Show the first rows at once, then type and show all rows, in workers."""
        path, options = self.path, self.options
        self._ragged = False

        def preview(progress: Any, cancelled: Any) -> tuple[pl.DataFrame, ReadInfo]:
            with self._noting_ragged_rows(), open_table(path, options) as table:
                return table.preview(PREVIEW_ROWS).frame, table.info

        self._run(preview, self._on_preview, "reading the first rows")

    def _on_preview(self, result: tuple[pl.DataFrame, ReadInfo]) -> None:
        frame, self.info = result
        self._update_missing_button()
        if len(self.info.sheets) > 1:
            self.sheet.clear()
            self.sheet.addItems(self.info.sheets)
            self.sheet.setCurrentText(self.info.sheet or self.info.sheets[0])
            self.sheet.setVisible(True)
        self.model.set_frame(frame, {}, {})
        # Fit the columns to the first rows once; the view only measures visible rows.
        self.grid.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.grid.setColumnWidth(column, min(self.grid.columnWidth(column), 260))
        self.status.setText(f"{self._name}: first {frame.height:,} rows · reading the rest…")
        path, options = self.path, self.options

        def full(progress: Any, cancelled: Any) -> pl.DataFrame:
            with self._noting_ragged_rows(), open_table(path, options) as table:
                return table.collect()

        self._run(full, self._on_full, "reading all rows")

    @contextlib.contextmanager
    def _noting_ragged_rows(self) -> Iterator[None]:
        """Remember (for :meth:`_on_error`) that reading failed on ragged rows."""
        try:
            yield
        except RaggedRowsError:
            self._ragged = True  # read on the GUI thread after the error signal
            raise

    def read_leniently(self) -> None:
        """Read the file again, padding short rows and cutting long ones."""
        self.read_anyway_button.setVisible(False)
        self.options = replace(self.options, lenient=True)
        self._base = None
        self.profile = None
        self.start_loading()

    def _on_full(self, frame: pl.DataFrame) -> None:
        self._base = frame
        self.model.set_frame(frame)
        status = f"{self._name}: {frame.height:,} rows × {frame.width:,} columns"
        warnings = self.info.warnings if self.info is not None else []
        if warnings:
            status += f" · ⚠ {warnings[0]}"
        self.status.setToolTip("\n".join(warnings))
        self.status.setText(status)
        self._update_rows_label()
        self.profile_button.setEnabled(True)
        self.search.setEnabled(True)
        self.loaded.emit()

    def choose_sheet(self, sheet: str) -> None:
        """Show another sheet of the workbook (its rows, then a new profile on demand)."""
        if self.info is None or sheet not in self.info.sheets or sheet == self.info.sheet:
            return
        self.reread(replace(self.options, sheet=sheet))

    def set_missing(
        self, *, keep: bool | None = None, tokens: tuple[str, ...] | None = None
    ) -> None:
        """Read the file again with other missing values.

        Args:
            keep: keep the file's markers as values in text columns (or not).
            tokens: the tokens that are missing in every column, instead of the file's.
        """
        options = self.options
        if keep is not None:
            options = replace(options, keep_na=keep, na=())
        if tokens is not None:
            options = replace(options, na=tokens, keep_na=False)
        if options != self.options:
            self.reread(options)
        else:
            self._update_missing_button()

    def _on_missing_given(self) -> None:
        current = ", ".join(self.info.missing_tokens if self.info is not None else [])
        text, ok = QInputDialog.getText(
            self,
            "Missing values",
            "Values that stand for a missing value, separated by commas\n"
            "(leave empty to go back to the file's own):",
            text=current,
        )
        if ok:
            tokens = tuple(t.strip() for t in text.split(",") if t.strip())
            if tokens:
                self.set_missing(tokens=tokens)
            else:
                self.set_missing(keep=False)

    def _update_missing_button(self) -> None:
        """Show the file's missing markers and how they are read."""
        info = self.info
        shown = info is not None and bool(info.missing_tokens or self.options.na)
        self.missing_button.setVisible(shown)
        if info is None or not shown:
            return
        tokens = ", ".join(f'"{t}"' for t in info.missing_tokens)
        self.missing_button.setText(f"Missing: {tokens}")
        self.missing_in_text.setChecked(not self.options.keep_na and not self.options.na)
        self.missing_kept.setChecked(self.options.keep_na)
        columns = [f"{name}: {t.describe()}" for name, t in info.column_types.items() if t.missing]
        how = {
            "file": "The file writes these for a missing value. They are missing in every "
            "column, except text columns whose values they look like.",
            "option": "Missing in every column, as you set.",
            "none": "Missing in number and date columns; kept as values in text columns.",
        }[info.missing_source]
        self.missing_button.setToolTip("\n".join([how, *columns]))

    def reread(self, options: ReadOptions) -> None:
        """Read the file again with other options: rows first, a new profile on demand."""
        if self._worker is not None:
            self._worker.cancel()
        self.options = options
        self._base = None
        self.profile = None
        self.query = Query()
        self._clear_search_box()
        self.search.setEnabled(False)
        self.profile_button.setEnabled(False)
        self.overview.clear()
        self.columns.clear()
        self._update_filters()
        if self._charts is not None:
            self._charts.show_figures([], dark=self.dark)
        self.start_loading()

    def _on_sheet_chosen(self, index: int) -> None:
        self.choose_sheet(self.sheet.itemText(index))

    @property
    def _name(self) -> str:
        """The file name, with the sheet for workbooks."""
        if self.info is not None and self.info.sheet is not None and len(self.info.sheets) > 1:
            return f"{self.path.name} [{self.info.sheet}]"
        return self.path.name

    # -- sorting, filtering, searching -------------------------------------------

    def set_query(self, query: Query) -> None:
        """Show the rows of ``query`` (computed in a worker; the newest request wins)."""
        self.query = query
        self._update_filters()
        base = self._base
        if base is None:
            return
        self._query_generation += 1
        generation = self._query_generation

        def run(progress: Any, cancelled: Any) -> pl.DataFrame:
            return apply_query(base, query)

        def done(frame: pl.DataFrame) -> None:
            if generation == self._query_generation:
                self._show_query_result(frame)

        def failed(message: str) -> None:
            if generation == self._query_generation:
                self.filters_label.setText(f"{self._filters_text()}  ·  {message}")
                self.filters_label.setStyleSheet("color: #D55E00")
                self.message.emit(message)
                self.queried.emit()

        self.rows_label.setText("filtering…" if query.filters or query.search else "sorting…")
        start(run, owner=self, finished=done, errored=failed, cancelled=lambda: None)

    def sort_by(self, column: str, descending: bool | None, *, add: bool = False) -> None:
        """Sort by ``column`` (None removes it from the sort); ``add`` keeps the other keys."""
        keys = [k for k in self.query.sort if k[0] != column] if add else []
        if descending is not None:
            keys.append((column, descending))
        self.set_query(replace(self.query, sort=tuple(keys)))

    def set_filter(self, column: str, text: str) -> None:
        """Filter ``column`` with ``text`` (see :data:`FILTER_HELP`; "" removes the filter)."""
        if self._base is not None and column not in self._base.columns:
            # A struct's field (parent.field) is profiled, but the grid shows the struct.
            self.status.setText(
                f"{column} is a field of a nested column; the grid cannot filter it"
            )
            return
        filters = {k: v for k, v in self.query.filters.items() if k != column}
        if text.strip():
            filters[column] = text.strip()
        self.set_query(replace(self.query, filters=filters))

    def focus_search(self) -> None:
        """Put the cursor in the quick search."""
        self.search.setFocus()
        self.search.selectAll()

    def clear_query(self) -> None:
        """Remove the filters and the search (the sort stays)."""
        self._clear_search_box()
        self.set_query(replace(self.query, filters={}, search=""))

    def _clear_search_box(self) -> None:
        """Empty the search box without starting a search."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def _show_query_result(self, frame: pl.DataFrame) -> None:
        newly_filtered = set(self.query.filters) - set(self.model.filters)
        self.model.set_frame(frame, filters=dict(self.query.filters))
        for name in newly_filtered & set(frame.columns):
            # Room for the funnel in the header.
            column = frame.columns.index(name)
            self.grid.setColumnWidth(column, self.grid.columnWidth(column) + 20)
        header = self.grid.horizontalHeader()
        if self.query.sort and self.query.sort[0][0] in frame.columns:
            column, descending = self.query.sort[0]
            header.setSortIndicatorShown(True)
            header.setSortIndicator(
                frame.columns.index(column),
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
        else:
            header.setSortIndicatorShown(False)
        self._update_filters()
        self._update_rows_label()
        self.queried.emit()

    def _on_search(self) -> None:
        self.set_query(replace(self.query, search=self.search.text()))

    def _on_header_clicked(self, section: int) -> None:
        """A click cycles the column through ascending, descending and unsorted."""
        if self._base is None:
            return
        column = self.model.frame.columns[section]
        current = dict(self.query.sort).get(column)
        descending = False if current is None else (True if current is False else None)
        shift = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.sort_by(column, descending, add=shift)

    def _on_header_menu(self, point: QPoint) -> None:
        section = self.grid.horizontalHeader().logicalIndexAt(point)
        if section < 0 or self._base is None:
            return
        column = self.model.frame.columns[section]
        menu = QMenu(self)
        menu.addAction("Sort ascending", lambda: self.sort_by(column, False))
        menu.addAction("Sort descending", lambda: self.sort_by(column, True))
        menu.addAction("Unsort", lambda: self.sort_by(column, None, add=True))
        menu.addSeparator()
        menu.addAction("Filter…", lambda: self._ask_filter(column))
        clear = menu.addAction("Clear filter", lambda: self.set_filter(column, ""))
        clear.setEnabled(column in self.query.filters)
        if self.profile is not None:
            menu.addSeparator()
            menu.addAction("Show its profile", lambda: self.select_column(column))
        menu.exec(self.grid.horizontalHeader().mapToGlobal(point))

    def _ask_filter(self, column: str) -> None:
        text, ok = QInputDialog.getText(
            self,
            f"Filter {column}",
            FILTER_HELP.replace(" · ", "\n").replace("Filter syntax: ", "Keep the rows where:\n"),
            text=self.query.filters.get(column, ""),
        )
        if ok:
            self.set_filter(column, text)

    def _filters_text(self) -> str:
        parts = [f"{column} {text}" for column, text in self.query.filters.items()]
        if self.query.search:
            parts.append(f"“{self.query.search}” anywhere")
        return "Filters: " + " · ".join(parts) if parts else ""

    def _update_filters(self) -> None:
        self.filters_label.setStyleSheet("")
        self.filters_label.setText(self._filters_text())
        self.clear_button.setVisible(bool(self.query.filters or self.query.search))

    def _update_rows_label(self) -> None:
        if self._base is None:
            self.rows_label.clear()
        elif self.model.rowCount() == self._base.height:
            self.rows_label.setText(f"{self._base.height:,} rows")
        else:
            self.rows_label.setText(f"{self.model.rowCount():,} of {self._base.height:,} rows")

    # -- profiling ---------------------------------------------------------------

    def start_profile(self) -> None:
        """Profile the file in a worker; show the overview and column charts."""
        path, options, config = self.path, self.options, self._config()

        def run(progress: Any, cancelled: Any) -> tuple[dict[str, Any], float]:
            with open_table(path, options) as table:
                result = profile_table(table, config, progress=progress, cancel=cancelled)
                return result.profile, result.seconds

        self.profile_button.setEnabled(False)
        self._run(run, self._on_profile, "profiling")

    def _on_profile(self, result: tuple[dict[str, Any], float]) -> None:
        profile, self.profile_seconds = result
        self.profile = profile
        dataset = profile["dataset"]
        colours = {"critical": "#D55E00", "warning": "#E69F00", "info": "#56B4E9"}
        alerts = "".join(
            f"<li><b style='color:{colours.get(a['severity'], '#999')}'>"
            f"{html.escape(a['severity'])}</b> {html.escape(a['message'])}</li>"
            for a in profile["alerts"][:12]
        )
        more = len(profile["alerts"]) - 12
        duplicates = dataset["duplicate_rows"]
        self.overview.setText(
            f"<b>{dataset['rows']:,} rows × {dataset['columns']:,} columns</b><br>"
            f"missing cells {dataset['missing_cells']:,} "
            f"({dataset['missing_cells_fraction']:.1%})<br>"
            f"duplicate rows {'unknown' if duplicates is None else f'{duplicates:,}'}<br>"
            + html.escape(", ".join(f"{n} {k}" for k, n in dataset["kinds"].items()))
            + f"<ul>{alerts}{f'<li>… {more} more</li>' if more > 0 else ''}</ul>"
        )
        alerts_by_column: dict[str, list[str]] = {}
        for alert in profile["alerts"]:
            for name in alert.get("columns") or []:
                alerts_by_column.setdefault(name, []).append(alert["message"])
        self.columns.blockSignals(True)
        self.columns.clear()
        for column in profile["columns"]:
            item = QListWidgetItem(kind_icon(column["kind"]), _mini_stats(column))
            tip = [f"{column['name']} ({column['kind']}, {column['dtype']})"]
            tip += alerts_by_column.get(column["name"], [])
            item.setToolTip("\n".join(tip))
            self.columns.addItem(item)
        self.columns.blockSignals(False)
        missing = {c["name"]: c["missing_fraction"] for c in profile["columns"]}
        self.model.set_frame(self.model.frame, missing)
        for button in self.sections.buttons():
            button.setEnabled(button.text() != "Column" or bool(profile["columns"]))
        self.show_section("Overview")
        self.profile_button.setEnabled(True)
        self.status.setText(
            f"{self._name}: profiled in {self.profile_seconds:.1f} s "
            f"({len(profile['alerts'])} alerts)"
        )
        self.profiled.emit()
        pending, self._after_profile = self._after_profile, []
        for action in pending:
            action()

    def select_column(self, column: str) -> None:
        """Show ``column``'s charts (once profiled)."""
        if self.profile is None:
            return
        names = [c["name"] for c in self.profile["columns"]]
        if column in names:
            self.columns.setCurrentRow(names.index(column))
            self.show_section("Column")

    def _reveal_column(self, name: str) -> None:
        """Scroll the grid to ``name`` and select it."""
        if name in self.model.frame.columns:
            column = self.model.frame.columns.index(name)
            top = max(self.grid.rowAt(0), 0)
            self.grid.scrollTo(self.model.index(top, column))
            self.grid.selectColumn(column)

    def show_section(self, section: str) -> None:
        """Show the overview, correlations, missing values, or the selected column's charts.

        Plotly builds the figures in a worker (a first figure costs a few hundred
        milliseconds of Python); the newest request wins.
        """
        if self.profile is None:
            return
        profile, dark = self.profile, self.dark
        column = (
            profile["columns"][max(self.columns.currentRow(), 0)] if profile["columns"] else None
        )
        self._section = section
        for button in self.sections.buttons():
            button.setChecked(button.text() == section)
        self._chart_generation += 1
        generation = self._chart_generation
        select, set_filter = self._select_x, self.set_filter

        def build(progress: Any, cancelled: Any) -> tuple[list[Any], list[ClickHandler | None]]:
            figures, handlers = _section_figures(
                profile, section, column, "dark" if dark else "light", select, set_filter
            )
            return QtChartView.specs(figures), handlers

        def done(result: tuple[list[Any], list[ClickHandler | None]]) -> None:
            if generation == self._chart_generation:
                specs, self._click_handlers = result
                self._charted_generation = generation
                self.charts.show_specs(specs, dark=dark)

        start(build, owner=self, finished=done, errored=self.message.emit, cancelled=lambda: None)

    def set_dark(self, dark: bool) -> None:
        """Follow the application's theme (charts are drawn again)."""
        self.dark = dark
        if self.profile is not None and self._charts is not None:
            self.show_section(self._section)

    def _on_column_selected(self, row: int) -> None:
        if self.profile is not None and row >= 0:
            self.show_section("Column")
            self._reveal_column(self.profile["columns"][row]["name"])

    def _select_x(self, point: dict[str, Any]) -> None:
        if isinstance(point.get("x"), str):
            self.select_column(point["x"])

    def _on_point_clicked(self, figure: int, point: dict[str, Any]) -> None:
        if 0 <= figure < len(self._click_handlers):
            handler = self._click_handlers[figure]
            if handler is not None:
                handler(point)

    # -- exporting ---------------------------------------------------------------

    def export_rows(self, path: Path) -> None:
        """Write the rows shown (sorted and filtered) to ``path``: .csv, .parquet, .xlsx, …"""
        frame, source = self.model.frame, self.path

        def run(progress: Any, cancelled: Any) -> str:
            return str(write_frame(frame, path, source=source))

        self._run(run, self._on_exported, f"writing {path.name}")

    def export_profile(self, path: Path, *, report: bool) -> None:
        """Write the HTML report (``report``) or the JSON profile, profiling first if needed."""
        if self.profile is None:
            self._after_profile.append(lambda: self.export_profile(path, report=report))
            if not self.busy:
                self.start_profile()
            return
        profile, seconds = self.profile, self.profile_seconds
        theme = "dark" if self.dark else "light"

        def run(progress: Any, cancelled: Any) -> str:
            if report:
                write_report(profile, path, seconds=seconds, theme=theme)
            else:
                write_profile(profile, path)
            return str(path)

        self._run(run, self._on_exported, f"writing {path.name}")

    def _on_exported(self, path: str) -> None:
        self.status.setText(f"{self._name}: wrote {path}")
        self.exported.emit(path)

    # -- workers -----------------------------------------------------------------

    def _run(self, fn: Any, done: Any, phase: str) -> None:
        """Start ``fn`` in a worker, with progress and Cancel wired to this view."""
        self._busy(True, phase)
        worker: Worker | None = None

        def finished(result: Any) -> None:
            if worker is self._worker:
                self._busy(False)
                done(result)

        def errored(message: str) -> None:
            if worker is self._worker:
                self._on_error(message)

        def cancelled() -> None:
            if worker is self._worker:
                self._on_cancelled()

        worker = start(
            fn,
            owner=self,
            finished=finished,
            errored=errored,
            cancelled=cancelled,
            progressed=self._on_progress,
        )
        self._worker = worker

    def _on_progress(self, phase: str, fraction: float) -> None:
        self.status.setText(f"{self._name}: {phase}…")
        self.progress.setValue(int(fraction * 1000))

    def _on_error(self, message: str) -> None:
        self._busy(False)
        self._after_profile.clear()
        self.status.setText(message)
        self.read_anyway_button.setVisible(self._ragged and not self.options.lenient)
        self.profile_button.setEnabled(self._base is not None)
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self._busy(False)
        self._after_profile.clear()
        self.status.setText(f"{self._name}: cancelled")
        self.profile_button.setEnabled(self._base is not None)

    def _on_cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def _busy(self, busy: bool, phase: str = "") -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.status.setText(f"{self._name}: {phase}…")


def _section_figures(
    profile: dict[str, Any],
    section: str,
    column: dict[str, Any] | None,
    theme: str,
    select: ClickHandler,
    set_filter: Callable[[str, str], None],
) -> tuple[list[go.Figure], list[ClickHandler | None]]:
    """The figures of a section, and what a click on each one does."""
    figures: list[go.Figure] = []
    handlers: list[ClickHandler | None] = []
    if section == "Overview":
        figures = [charts.overview(profile, theme), charts.missing_bar(profile, theme)]
        handlers = [None, select]
    elif section == "Correlations":
        for method in ("pearson", "spearman", "cramers_v"):
            block = profile["correlations"].get(method)
            if block and len(block.get("columns") or []) >= 2:
                figures.append(charts.correlation_heatmap(profile, method, theme))
                handlers.append(select)
    elif section == "Missing values":
        figures = [charts.missing_bar(profile, theme)]
        handlers = [select]
        if len(profile["missing"]["nullity_correlation"].get("columns") or []) >= 2:
            figures.append(charts.nullity_heatmap(profile, theme))
            handlers.append(select)
    elif column is not None:
        figures = charts.column_figures(column, theme)
        handlers = [_figure_click(column, figure, set_filter) for figure in figures]
    return figures, handlers


# Kinds whose chart values a grid filter can take back.
_FILTERABLE = ("numeric", "categorical", "text", "boolean", "datetime")


def _mini_stats(column: dict[str, Any]) -> str:
    """A column's name and a few numbers for the list."""
    parts = [
        f"{column['missing_fraction']:.0%} missing",
        f"{format_number(column['distinct'])} distinct",
    ]
    if column["kind"] == "numeric" and column.get("mean") is not None:
        parts.append(f"mean {format_number(column['mean'])}")
    elif column["kind"] == "duration" and column.get("mean") is not None:
        parts.append(f"mean {format_duration(column['mean'])}")
    elif column["kind"] in ("list", "binary") and column["length"].get("mean") is not None:
        unit = "elements" if column["kind"] == "list" else "bytes"
        parts.append(f"mean {format_number(column['length']['mean'])} {unit}")
    elif column["kind"] == "unsupported":
        parts.append("not summarised")
    elif column.get("top_values"):
        top = str(column["top_values"][0]["value"])
        parts.append(f"top {top[:20] + '…' if len(top) > 20 else top}")
    return f"{column['name']}\n{' · '.join(parts)}"


def _figure_click(
    column: dict[str, Any], figure: go.Figure, set_filter: Callable[[str, str], None]
) -> ClickHandler | None:
    """What a click on one of a column's figures does: filter the grid to the bar's rows."""
    name = column["name"]
    kind = charts.chart_kind(figure)
    if column["kind"] not in _FILTERABLE:
        # Durations are charted in seconds, lists and bytes as text: no grid filter reads those.
        return None
    if kind == "top_values":
        top = list(column.get("top_values") or [])
        shown = len(figure.data[0].y)
        values = int(figure.layout.meta["values"])  # the "(other)" bar comes after these

        def on_top(point: dict[str, Any]) -> None:
            position = shown - 1 - int(point["index"])  # bars run bottom-up
            if 0 <= position < min(values, len(top)):
                value = top[position]["value"]
                set_filter(name, "missing" if value is None else f"= {_literal(value)}")

        return on_top
    if kind == "numeric_histogram":

        def on_bin(point: dict[str, Any]) -> None:
            edges = point.get("customdata")
            if isinstance(edges, list) and len(edges) == 2 and point.get("curve") == 0:
                set_filter(name, f"{edges[0]!r}..{edges[1]!r}")

        return on_bin
    return None


def _literal(value: Any) -> str:
    """A top value as filter text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
