"""One open dataset: its rows in a virtual grid, and its profile once computed.

Reading and profiling run in workers (``desktop.qthreading``); this widget only
shows what they return, a progress bar with the phase name, and a Cancel button.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import charts
from core.config import ProfileConfig
from core.engine import profile_table
from core.table import ReadOptions, open_table
from desktop.qt_chart_view import QtChartView
from desktop.qt_table_model import QtFrameModel
from desktop.qthreading import Worker, start

__all__ = ["QtDatasetView"]

PREVIEW_ROWS = 1000


class QtDatasetView(QWidget):
    """A tab's content for one file.

    Signals:
        failed(str): the file could not be read (the message names it).
        profiled(): the profile is shown.
    """

    failed = Signal(str)
    profiled = Signal()
    loaded = Signal()

    def __init__(
        self, path: Path, options: ReadOptions | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.options = options or ReadOptions()
        self.profile: dict[str, Any] | None = None
        self._worker: Worker | None = None

        self.model = QtFrameModel()
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().setDefaultSectionSize(22)
        # Measuring 1,000 rows (Qt's default) per column on the GUI thread stalls it.
        self.grid.horizontalHeader().setResizeContentsPrecision(100)

        self.status = QLabel(f"Opening {path.name}…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.profile_button = QPushButton("Profile")
        self.profile_button.setEnabled(False)
        self.profile_button.clicked.connect(self.start_profile)

        self.overview = QLabel()
        self.overview.setTextFormat(Qt.TextFormat.RichText)
        self.overview.setWordWrap(True)
        self.overview.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.columns = QListWidget()
        self.columns.currentRowChanged.connect(self._on_column_selected)
        # The embedded browser costs a few hundred milliseconds to start: it is
        # created when the first chart is shown, not when a file opens.
        self._charts: QtChartView | None = None
        self._chart_slot = QWidget()
        self._chart_layout = QVBoxLayout(self._chart_slot)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)

        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.profile_button)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.overview)
        side.addWidget(self.columns)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(side)
        lower.addWidget(self._chart_slot)
        lower.setStretchFactor(1, 3)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(self.grid)
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
            self._chart_layout.addWidget(self._charts)
        return self._charts

    # -- reading ---------------------------------------------------------------

    def start_loading(self) -> None:
        """Show the first rows at once, then type and show all rows, in workers."""
        path, options = self.path, self.options

        def preview(progress: Any, cancelled: Any) -> pl.DataFrame:
            with open_table(path, options) as table:
                return table.preview(PREVIEW_ROWS).frame

        self._run(preview, self._on_preview, "reading the first rows")

    def _on_preview(self, frame: pl.DataFrame) -> None:
        self.model.set_frame(frame)
        # Fit the columns to the first rows once; the view only measures visible rows.
        self.grid.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.grid.setColumnWidth(column, min(self.grid.columnWidth(column), 260))
        self.status.setText(f"{self.path.name}: first {frame.height:,} rows · reading the rest…")
        path, options = self.path, self.options

        def full(progress: Any, cancelled: Any) -> pl.DataFrame:
            with open_table(path, options) as table:
                return table.collect()

        self._run(full, self._on_full, "reading all rows")

    def _on_full(self, frame: pl.DataFrame) -> None:
        self.model.set_frame(frame)
        self.status.setText(f"{self.path.name}: {frame.height:,} rows × {frame.width:,} columns")
        self.profile_button.setEnabled(True)
        self.loaded.emit()

    # -- profiling ---------------------------------------------------------------

    def start_profile(self) -> None:
        """Profile the file in a worker; show the overview and column charts."""
        path, options = self.path, self.options

        def run(progress: Any, cancelled: Any) -> dict[str, Any]:
            with open_table(path, options) as table:
                return profile_table(
                    table, ProfileConfig(), progress=progress, cancel=cancelled
                ).profile

        self.profile_button.setEnabled(False)
        self._run(run, self._on_profile, "profiling")

    def _on_profile(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        dataset = profile["dataset"]
        alerts = "".join(
            f"<li><b>{html.escape(a['severity'])}</b> {html.escape(a['message'])}</li>"
            for a in profile["alerts"][:12]
        )
        duplicates = dataset["duplicate_rows"]
        self.overview.setText(
            f"<b>{dataset['rows']:,} rows × {dataset['columns']:,} columns</b><br>"
            f"missing cells {dataset['missing_cells']:,} "
            f"({dataset['missing_cells_fraction']:.1%})<br>"
            f"duplicate rows {'unknown' if duplicates is None else f'{duplicates:,}'}<br>"
            + ", ".join(f"{n} {k}" for k, n in dataset["kinds"].items())
            + f"<ul>{alerts}</ul>"
        )
        self.columns.clear()
        for column in profile["columns"]:
            share = f"{column['missing_fraction']:.0%} missing"
            item = QListWidgetItem(f"{column['name']}  ·  {column['kind']}  ·  {share}")
            self.columns.addItem(item)
        missing = {c["name"]: c["missing_fraction"] for c in profile["columns"]}
        self.model.set_frame(self.model.frame, missing)
        self.charts.show_figures([charts.overview(profile), charts.missing_bar(profile)])
        self.profile_button.setEnabled(True)
        self.status.setText(f"{self.path.name}: profiled ({len(profile['alerts'])} alerts)")
        self.profiled.emit()

    def _on_column_selected(self, row: int) -> None:
        if self.profile is None or row < 0:
            return
        self.charts.show_figures(charts.column_figures(self.profile["columns"][row]))

    # -- workers -----------------------------------------------------------------

    def _run(self, fn: Any, done: Any, phase: str) -> None:
        """Start ``fn`` in a worker, with progress and Cancel wired to this view."""
        self._busy(True, phase)
        self._worker = start(
            fn,
            finished=lambda result: (self._busy(False), done(result)),
            errored=self._on_error,
            cancelled=self._on_cancelled,
            progressed=self._on_progress,
        )

    def _on_progress(self, phase: str, fraction: float) -> None:
        self.status.setText(f"{self.path.name}: {phase}…")
        self.progress.setValue(int(fraction * 1000))

    def _on_error(self, message: str) -> None:
        self._busy(False)
        self.status.setText(message)
        self.profile_button.setEnabled(self.model.rowCount() > 0)
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self._busy(False)
        self.status.setText(f"{self.path.name}: cancelled")
        self.profile_button.setEnabled(self.model.rowCount() > 0)

    def _on_cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def _busy(self, busy: bool, phase: str = "") -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.status.setText(f"{self.path.name}: {phase}…")
