"""A comparison of two datasets in its own tab: summary, columns by drift, a column's detail.

A thin view of a Qt-free :class:`~desktop.models.compare_job.CompareJob`: a
bar with the status, progress, Cancel and Export JSON; the summary above the
drift table on the left (as a dataset tab's overview sits above its column
list); on the right the detail pane, whose section buttons show the selected
column (its figures on both sides beside its overlay chart) or the
correlations of both sides and their difference. Other pages (insights of the
comparison, say) are added beside the sections with :meth:`QtCompareDetail.add_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.profiling.config import ProfileConfig
from core.profiling.correlations import CorrelationMethod
from desktop.models.ai import AIAccess
from desktop.models.compare import DRIFT_FIELDS, SEVERITY_COLOURS, DriftTable, summary_html
from desktop.models.compare_job import COMPARE_SECTIONS, CompareJob, CompareSide, TabSide
from desktop.models.comparison_insights import ComparisonInsights
from desktop.models.privacy_choice import PrivacyMemory
from desktop.models.profile_cache import ProfileCache
from desktop.models.session import DatasetSession
from desktop.qt_chart_pane import QtSectionedCharts
from desktop.qt_insights_pane import QtInsightsPane
from desktop.qt_message_bar import ERROR, INFO, QtElidedLabel, QtMessageBar
from desktop.qt_workers import QtRunner

__all__ = ["QtCompareDetail", "QtCompareView", "QtDriftModel"]

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class QtDriftModel(QAbstractTableModel):
    """A :class:`DriftTable` for Qt's views (in the comparison's order, never re-sorted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = DriftTable()

    def set_table(self, table: DriftTable) -> None:
        """Show ``table``."""
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def narrow(self, text: str) -> None:
        """Show only the columns whose name holds ``text``."""
        self.beginResetModel()
        self.table.narrow(text)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DRIFT_FIELDS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.table.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            line = self.table.shown[index.row()]
            return line.tooltip if index.column() == 0 else line.cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and DRIFT_FIELDS[index.column()].numeric:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            severity = self.table.shown[index.row()].severity
            return QColor(SEVERITY_COLOURS[severity]) if severity else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return DRIFT_FIELDS[section].title
        return str(section + 1)


class QtCompareDetail(QtSectionedCharts):
    """The section buttons and the charts of a comparison (the selected column, correlations)."""

    def __init__(self, job: CompareJob, parent: QWidget | None = None) -> None:
        super().__init__(COMPARE_SECTIONS, parent)
        self.job = job
        #: the correlation method shown (offered once correlations are shown).
        self.method = QComboBox()
        self.method.setToolTip("Correlation method")
        self.method.currentIndexChanged.connect(self._on_method)
        self.method.hide()
        self._section_bar.insertWidget(len(self.sections.buttons()), self.method)
        job.compared.connect(self._on_compared)
        job.charts.connect(self._on_charts)

    def _show_section(self, name: str) -> None:
        self.job.show_section(name)

    def _on_compared(self) -> None:
        """Offer the sections, and the correlation methods both sides have."""
        self.method.blockSignals(True)
        self.method.clear()
        for method in self.job.methods:
            self.method.addItem(CorrelationMethod(method).label, method)
        self.method.blockSignals(False)
        self._update_buttons()

    def _on_method(self, index: int) -> None:
        if index >= 0:
            self.job.set_method(str(self.method.itemData(index)))

    def _on_charts(self) -> None:
        """Draw the charts the job built; back to them from any page."""
        self.show_charts()
        self.charts.show_specs(self.job.specs, dark=self.job.dark, header=self.job.html)
        self._update_buttons()

    def _update_buttons(self, *_: Any) -> None:
        """Enable the sections once compared (Correlations when both sides have them)."""
        shown = self._page or self.job.section
        for button in self.sections.buttons():
            name = button.text()
            available = self.job.comparison is not None and (
                name != "Correlations" or bool(self.job.methods)
            )
            button.setEnabled(available)
            button.setChecked(name == shown)
        self.method.setVisible(shown == "Correlations" and self.method.count() > 0)


class QtCompareView(QWidget):
    """A compare tab: see the module docstring.

    Args:
        a: the tab compared (the reference).
        b: what it is compared with.
        config: the profiling configuration for a data file.
        cache: where a file's profile may already be, and is kept.
        ai: the app's endpoint, model and key for insights (None: no Insights page).
        privacy_memory: where each pair's insights privacy choice is remembered.

    Signals:
        compared(): the comparison is shown.
        failed(str): making it failed (the user's line), or was cancelled ("").
        charted(): a page of charts has loaded.
        exported(str): the comparison was written (its path).
    """

    compared = Signal()
    failed = Signal(str)
    charted = Signal()
    exported = Signal(str)

    def __init__(
        self,
        a: DatasetSession,
        b: CompareSide,
        config: Callable[[], ProfileConfig] = ProfileConfig,
        cache: ProfileCache | None = None,
        ai: AIAccess | None = None,
        privacy_memory: PrivacyMemory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # The job's work answers only while this tab exists.
        self.job = job = CompareJob(a, b, QtRunner(self), config=config, cache=cache)
        # The bar: what is happening, how far, and what can be done.
        self.status = QtElidedLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(job.cancel)
        self.export_button = QPushButton("Export JSON…")
        self.export_button.setToolTip("Write the comparison as JSON (as `loupe compare --json`)")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)
        self.message_bar = QtMessageBar()
        # The summary above the columns by drift.
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_area = QScrollArea()
        self.summary_area.setWidgetResizable(True)
        self.summary_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary_area.setWidget(self.summary)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a column…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.drift = QtDriftModel(self)
        self.table = QTableView()
        self.table.setModel(self.drift)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        drift_box = QWidget()
        drift_layout = QVBoxLayout(drift_box)
        drift_layout.setContentsMargins(0, 0, 0, 0)
        drift_layout.setSpacing(2)
        drift_layout.addWidget(QLabel("<b>Columns by drift</b>"))
        drift_layout.addWidget(self.search)
        drift_layout.addWidget(self.table, 1)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(self.summary_area)
        self.left.addWidget(drift_box)
        self.left.setSizes([300, 420])
        self.detail = QtCompareDetail(job)
        # With the app's AI access, insights on the comparison sit beside its sections.
        self.insights: ComparisonInsights | None = None
        self.insights_pane: QtInsightsPane | None = None
        if ai is not None:
            other = b.session.path if isinstance(b, TabSide) else b.path
            self.insights = ComparisonInsights(a.path, other, ai, QtRunner(self), privacy_memory)
            self.insights_pane = QtInsightsPane(self.insights)
            self.detail.add_page("Insights", self.insights_pane)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([550, 730])
        self.splitter.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.splitter, 1)
        job.changed.connect(self._update_bar)
        job.compared.connect(self._on_compared)
        job.selected.connect(self._on_selected)
        job.exported.connect(self._on_exported)
        job.message.connect(lambda text: self.message_bar.show_message(text, ERROR))
        # Connected after the panes': when a signal arrives, the widgets already show it.
        job.compared.connect(self.compared.emit)
        job.failed.connect(self.failed.emit)
        job.exported.connect(self.exported.emit)
        self.detail.charted.connect(self.charted.emit)
        self._update_bar()

    @property
    def busy(self) -> bool:
        """True while the comparison is being made."""
        return self.job.busy

    @property
    def title(self) -> str:
        """``A ↔ B``."""
        return self.job.title

    def start(self) -> None:
        """Make the comparison (in the background)."""
        self.job.start()

    def cancel(self) -> None:
        """Stop making the comparison."""
        self.job.cancel()

    def select_column(self, name: str) -> None:
        """Show the column ``name``'s figures and overlay chart."""
        self.job.select_column(name)

    def show_section(self, section: str) -> None:
        """Show the selected column, or the correlations."""
        self.detail.show_charts()
        self.job.show_section(section)

    def show_insights(self) -> None:
        """Show the Insights page (once compared)."""
        if self.insights_pane is not None and self.job.comparison is not None:
            self.detail.show_page("Insights")

    def export_json(self, path: Path) -> None:
        """Write the comparison as JSON to ``path``."""
        self.job.export_json(path)

    def set_dark(self, dark: bool) -> None:
        """Follow the application's theme."""
        self.job.set_dark(dark)

    def _update_bar(self) -> None:
        """Status, progress and the buttons follow the job."""
        busy = self.job.busy
        self.status.setText(self.job.status)
        self.status.setToolTip(self.job.status)
        self.progress.setVisible(busy)
        self.progress.setValue(int(self.job.fraction * 1000))
        self.cancel_button.setVisible(busy)
        self.export_button.setEnabled(self.job.comparison is not None)

    def _on_compared(self) -> None:
        """Show the summary and the columns by drift."""
        comparison = self.job.comparison
        if comparison is None:
            return
        if self.insights is not None:
            self.insights.set_comparison(comparison)
        self.summary.setText(summary_html(comparison, self.job.names))
        self.drift.set_table(self.job.table)
        self.drift.narrow(self.search.text())
        self.table.resizeColumnsToContents()
        self.splitter.show()
        self._update_bar()

    def _on_search(self, text: str) -> None:
        self.drift.narrow(text)
        self._on_selected(self.job.column or "")

    def _on_row(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.job.select_column(self.drift.table.name(current.row()))

    def _on_selected(self, name: str) -> None:
        """Highlight the column selected (without selecting it again)."""
        row = self.drift.table.row_of(name)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
        else:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.drift.index(row, 0))
        selection.blockSignals(False)

    def _on_exported(self, written: str) -> None:
        from desktop.qt_dataset_view import open_local

        path = Path(written)
        self.message_bar.show_message(
            f"Wrote {path}",
            INFO,
            [
                ("Open", lambda: open_local(path)),
                ("Show in folder", lambda: open_local(path.parent)),
            ],
        )
