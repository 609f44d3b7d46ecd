"""The insights privacy preview: the exact request, and what of the file goes in it.

A thin view of a :class:`~desktop.models.privacy_choice.PrivacyChoice`, about
a profile or a comparison of two datasets: each column can be sent, sent as
counts only or left out (those that look personal are marked with what they
seem to hold, and start as counts only), for a profile a sample of raw rows
can be turned on (off by default; a comparison never sends a row, and the
dialog says so), and the body shown — pretty-printed,
read-only — is rebuilt at every change. Send posts exactly that body: the request
as cut to fit its token budget, the summary line saying what was left out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cloud.insights.privacy import MAX_SAMPLE_ROWS
from desktop.models.privacy_choice import COLUMN_STATES, PrivacyChoice

__all__ = ["QtInsightsPreview"]


class QtInsightsPreview(QDialog):
    """What would be sent for insights, with Send and Cancel; nothing is sent before Send.

    Args:
        choice: the request's choices (changed in place as the user chooses).
        endpoint: where Send posts it (shown).
        remembered: whether the choice for this file was remembered before.
    """

    def __init__(
        self,
        choice: PrivacyChoice,
        endpoint: str,
        remembered: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        # Long: the dialog's parts, top to bottom in the order the user reads them.
        super().__init__(parent)
        self.choice = choice
        comparison = not choice.sends_rows
        about = " on the comparison" if comparison else ""
        self.setWindowTitle(f"Get insights{about} — what is sent")
        self.resize(980, 720)
        intro = QLabel()
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        asked = f"the question “{choice.question}”" if choice.question else "general insights"
        holds = (
            "It holds the comparison's statistics of A (the reference) and B: no row of either "
            "file is ever sent."
            if comparison
            else "It holds the profile's statistics, not the file."
        )
        intro.setText(
            f"Nothing has left this computer yet. Send posts exactly the request below to "
            f"{endpoint.rstrip('/')}/chat/completions, asking {choice.model} for {asked}. " + holds
        )
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Column", "Looks like", "What is sent"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.states: dict[str, QComboBox] = {}
        self._fill_table()

        self.sample = QCheckBox("Send a sample of raw rows from the file's head:")
        self.sample_rows = QSpinBox()
        self.sample_rows.setRange(1, MAX_SAMPLE_ROWS)
        self.sample_rows.setValue(choice.privacy.sample_rows or 5)
        self.sample_rows.setSuffix(" rows")
        self.sample.setChecked(choice.privacy.sample_rows > 0)
        self.sample.toggled.connect(self._on_sample_changed)
        self.sample_rows.valueChanged.connect(self._on_sample_changed)
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.sample)
        sample_row.addWidget(self.sample_rows)
        sample_note = QLabel("(cells of withheld or left-out columns are never in it)")
        sample_row.addWidget(sample_note)
        sample_row.addStretch(1)
        for widget in (self.sample, self.sample_rows, sample_note):
            widget.setVisible(not comparison)  # a comparison has no rows to send

        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        # Wrapped: the profile travels as one long string inside the user's message.
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.body)
        split.setSizes([380, 600])

        self.remember = QCheckBox(
            "Remember these choices for these two datasets"
            if comparison
            else "Remember these choices for this file"
        )
        self.remember.setChecked(remembered)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remember)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addLayout(sample_row)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self._update()

    def set_state(self, column: str, state: str) -> None:
        """Choose what of ``column`` is sent (as its box does)."""
        self.states[column].setCurrentText(state)

    def _fill_table(self) -> None:
        """A row per column: its name, what it seems to hold, and what goes."""
        columns = self.choice.columns
        self.table.setRowCount(len(columns))
        for row, column in enumerate(columns):
            name = QTableWidgetItem(column.name)
            looks = QTableWidgetItem(f"⚠ {column.personal}" if column.personal else "")
            if column.personal:
                looks.setToolTip("Looks like personal data: its values are withheld by default")
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, looks)
            box = QComboBox()
            box.addItems(list(COLUMN_STATES))
            box.setCurrentText(column.state)
            box.currentTextChanged.connect(
                lambda state, name=column.name: self._on_state_changed(name, state)
            )
            self.states[column.name] = box
            self.table.setCellWidget(row, 2, box)

    def _on_state_changed(self, column: str, state: str) -> None:
        """Send, withhold or leave out ``column``."""
        if state in COLUMN_STATES:
            self.choice.set_state(column, state)
            self._update()

    def _on_sample_changed(self, *_: object) -> None:
        """Turn the row sample on or off, or change its size."""
        self.sample_rows.setEnabled(self.sample.isChecked())
        self.choice.set_sample_rows(self.sample_rows.value() if self.sample.isChecked() else 0)
        self._update()

    def _update(self) -> None:
        """Show the request as it is now."""
        self.sample_rows.setEnabled(self.sample.isChecked())
        request = self.choice.request()
        self.summary.setText(self.choice.summary())
        self.body.setPlainText(request.pretty())
