"""The main window: a first screen, then one tab per open dataset."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.samples import SAMPLE_CSV
from desktop.qt_dataset_view import QtDatasetView

__all__ = ["QtMainWindow"]

_FILTER = (
    "Tables (*.csv *.tsv *.txt *.psv *.gz *.bz2 *.zst *.zip *.xlsx *.xlsm *.xlsb *.xls *.ods "
    "*.parquet *.arrow *.feather *.json *.ndjson *.jsonl);;All files (*)"
)
_RECENT = "recent_files"


class QtMainWindow(QMainWindow):
    """Loupe's window. Files open in tabs; a failing file never disturbs the others."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings("Loupe", "Loupe")
        self.setWindowTitle("Loupe")
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._on_close_tab)
        self.tabs.addTab(self._welcome(), "Start")
        self.setCentralWidget(self.tabs)
        self._build_menu()

    def open_path(self, path: str | Path) -> QtDatasetView:
        """Open ``path`` in a new tab (reading happens in the background)."""
        path = Path(path)
        view = QtDatasetView(path)
        view.failed.connect(lambda message: self.statusBar().showMessage(message))
        index = self.tabs.addTab(view, path.name)
        self.tabs.setTabToolTip(index, str(path))
        self.tabs.setCurrentIndex(index)
        self._remember(path)
        view.start_loading()
        return view

    def recent_files(self) -> list[str]:
        """Recently opened files, newest first (never reopened automatically)."""
        value = self.settings.value(_RECENT, [])
        return (
            [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
        )

    # -- Qt overrides ------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(url.toLocalFile())

    # -- building ---------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, shortcut, handler in (
            ("&Open…", QKeySequence.StandardKey.Open, self._on_open),
            ("Open &sample dataset", None, lambda: self.open_path(SAMPLE_CSV)),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(handler)
            menu.addAction(action)

    def _welcome(self) -> QWidget:
        """The first screen: a drop zone, the sample dataset, recent files."""
        page = QWidget()
        layout = QVBoxLayout(page)
        drop = QLabel(
            "Drop a file here, or open one with Ctrl+O\n\nCSV · Excel · Parquet · Arrow · JSON"
        )
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setStyleSheet(
            "border: 2px dashed #999; border-radius: 8px; padding: 48px; font-size: 16px;"
        )
        sample = QPushButton("Open sample dataset")
        sample.clicked.connect(lambda: self.open_path(SAMPLE_CSV))
        self.recent = QListWidget()
        self.recent.addItems(self.recent_files())
        self.recent.itemActivated.connect(lambda item: self.open_path(item.text()))
        layout.addWidget(drop, 1)
        layout.addWidget(sample)
        layout.addWidget(QLabel("Recent files"))
        layout.addWidget(self.recent)
        return page

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue(_RECENT, recent[:10])

    def _on_open(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Open a table", "", _FILTER)
        for name in names:
            self.open_path(name)

    def _on_close_tab(self, index: int) -> None:
        if index > 0:
            self.tabs.removeTab(index)
