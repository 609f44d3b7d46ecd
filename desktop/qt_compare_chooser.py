"""The small dialog of "Compare with…": another open tab, a data file, or a saved profile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.compare_job import CompareSide, FileSide, SavedSide, TabSide
from desktop.models.session import DatasetSession

__all__ = ["PROFILE_FILTER", "QtCompareChooser"]

PROFILE_FILTER = "Saved profiles (*.json);;All files (*)"


class QtCompareChooser(QDialog):
    """Asks what to compare ``name`` with; :attr:`choice` holds the answer once accepted.

    Args:
        name: the tab compared (the reference, side A).
        tabs: the other open tabs, in their order.
        table_filter: the file dialog's filter for data files.
        folder: where the file dialogs start.
    """

    def __init__(
        self,
        name: str,
        tabs: list[DatasetSession],
        table_filter: str,
        folder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare with…")
        self.choice: CompareSide | None = None
        self._tabs = tabs
        self._filter, self._folder = table_filter, folder
        intro = QLabel(f"Compare <b>{name}</b> (A, the reference) with B:")
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.tab_list = QListWidget()
        for session in tabs:
            item = QListWidgetItem(session.name)
            item.setToolTip(str(session.path))
            self.tab_list.addItem(item)
        if not tabs:
            self.tab_list.addItem("No other tab is open")
            self.tab_list.setEnabled(False)
        self.tab_list.itemActivated.connect(lambda _: self.choose_tab(self.tab_list.currentRow()))
        self.file_button = QPushButton("File…")
        self.file_button.setToolTip("A table: it is profiled first")
        self.file_button.clicked.connect(self._on_file)
        self.profile_button = QPushButton("Saved profile…")
        self.profile_button.setToolTip("A profile written by `loupe profile FILE --json`")
        self.profile_button.clicked.connect(self._on_profile)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.compare_button = buttons.addButton("Compare", QDialogButtonBox.ButtonRole.AcceptRole)
        self.compare_button.setEnabled(False)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.profile_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(lambda: self.choose_tab(self.tab_list.currentRow()))
        buttons.rejected.connect(self.reject)
        self.tab_list.currentRowChanged.connect(
            lambda row: self.compare_button.setEnabled(bool(tabs) and row >= 0)
        )
        if tabs:
            # The usual case, one other tab, is then just Enter.
            self.tab_list.setCurrentRow(0)
            self.tab_list.setFocus()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("An open tab:"))
        layout.addWidget(self.tab_list)
        layout.addWidget(buttons)
        self.resize(440, 300)

    def choose_tab(self, row: int) -> None:
        """Compare with the ``row``-th tab listed."""
        if 0 <= row < len(self._tabs):
            self.choose(TabSide(self._tabs[row]))

    def choose(self, side: CompareSide) -> None:
        """Compare with ``side``, and close."""
        self.choice = side
        self.accept()

    def _on_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Compare with a file", self._folder, self._filter
        )
        if name:
            self.choose(FileSide(Path(name)))

    def _on_profile(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Compare with a saved profile", self._folder, PROFILE_FILTER
        )
        if name:
            self.choose(SavedSide(Path(name)))
