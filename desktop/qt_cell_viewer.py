"""A cell's whole value, read-only, in a window of its own (a long text, a nested value)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["QtCellViewer", "cell_text"]


def cell_text(value: Any) -> str:
    """The whole value as text: nothing cut, line breaks kept, missing said as such."""
    return "(missing)" if value is None else str(value)


class QtCellViewer(QDialog):
    """Shows ``value`` of ``column`` at ``row`` in full, with Copy."""

    def __init__(self, column: str, row: int, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{column}, row {row + 1:,}")
        self.text = QPlainTextEdit(cell_text(value))
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        copy = QPushButton("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(cell_text(value)):,} characters"))
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.copy_button = copy
        self.resize(640, 420)
