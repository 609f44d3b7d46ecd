"""The reading options dialog: how a tab's file is read, and each column's type.

A thin view of :class:`~desktop.models.reading.ReadingChoices`: it shows the
choices of the options in force beside what was detected, and on OK hands the
new options to the session, which reads the file again in the background (and
keeps the rows shown when the options do not fit the file).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import OptionError
from core.read.options import ReadOptions
from desktop.models.reading import DETECTED, HEADER_CHOICES, TYPE_CHOICES, ReadingChoices
from desktop.models.session import DatasetSession

__all__ = ["QtReadingOptions"]

_DELIMITERS = (DETECTED, "comma", "semicolon", "tab", "pipe")
_ENCODINGS = (DETECTED, "utf-8", "cp1252", "latin-1", "utf-16", "mac-roman")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FORMAT_HINT = "e.g. %b %d %Y for Jan 1 2000"
_READ_AS_CHARS = 26  # "Read as" text beyond this width ends in "…" (its tooltip has it all)


class QtReadingOptions(QDialog):
    """How the session's file is read; OK reads it again with the options chosen."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"Reading options · {session.path.name}")
        chosen = ReadingChoices.of(session.options)
        info = session.info
        dialect = info.dialect if info is not None else None
        text = dialect is not None or (info is not None and info.encoding is not None)

        form = QFormLayout()
        self.delimiter = _editable(_DELIMITERS, chosen.delimiter)
        self.delimiter.setToolTip("One character, or comma, semicolon, tab, pipe")
        self.encoding = _editable(_ENCODINGS, chosen.encoding)
        self.encoding.setToolTip("A text encoding, e.g. cp1252 for files saved by Excel on Windows")
        self.header = QComboBox()
        self.header.addItems(list(HEADER_CHOICES))
        self.header.setCurrentText(chosen.header)
        self.skip_rows = QSpinBox()
        self.skip_rows.setRange(0, 1_000_000)
        self.skip_rows.setValue(chosen.skip_rows)
        self.skip_rows.setToolTip("Lines above the header to skip, such as a title")
        self.lenient = QCheckBox("Pad or cut rows of the wrong width; keep unclosed quotes as text")
        self.lenient.setChecked(chosen.lenient)
        self.infer = QCheckBox("Detect the types of text columns")
        self.infer.setChecked(chosen.infer)
        if dialect is not None:
            detected = _NAMES.get(dialect.delimiter, repr(dialect.delimiter))
            form.addRow("Delimiter:", _with_note(self.delimiter, f"read: {detected}"))
        if text:
            used = info.encoding if info is not None else None
            form.addRow("Encoding:", _with_note(self.encoding, f"read: {used or 'utf-8'}"))
        header_note = ""
        if dialect is not None:
            header_note = "read: names the columns" if dialect.has_header else "read: is data"
        form.addRow("First row:", _with_note(self.header, header_note))
        form.addRow("Rows to skip:", _with_note(self.skip_rows, "above the header (a title)"))
        if dialect is not None:
            form.addRow("", self.lenient)
        form.addRow("", self.infer)

        self.types = self._types_table(chosen)
        self.error = QLabel()
        self.error.setObjectName("readingOptionsError")
        self.error.setStyleSheet("color: #c0392b")
        self.error.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Read again")
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Column types:"))
        layout.addWidget(self.types, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._update_size()

    def _update_size(self) -> None:
        """Open wide enough for every column of the types table, and tall enough for its rows.

        As much as the window the dialog opens over allows (nine tenths of it).
        """
        table = self.types
        frame = 2 * table.frameWidth()
        bar = table.verticalScrollBar().sizeHint().width()
        header = table.horizontalHeader()
        wanted = QSize(
            sum(header.sectionSize(c) for c in range(table.columnCount())) + frame + bar,
            header.sizeHint().height() + table.verticalHeader().length() + frame,
        )
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        around = QSize(  # the margins beside the table; the form, labels and buttons above
            margins.left() + margins.right(), self.sizeHint().height() - table.sizeHint().height()
        )
        size = (wanted + around).expandedTo(self.sizeHint())
        owner = self.parentWidget()
        if owner is not None:
            size = size.boundedTo(owner.window().size() * 0.9)
        self.resize(size)

    def _types_table(self, chosen: ReadingChoices) -> QTableWidget:
        """One row per column: its name, how it was read, the type and format to read it as."""
        info = self.session.info
        columns = list(self.session.shown.columns)
        table = QTableWidget(len(columns), 4)
        table.setHorizontalHeaderLabels(["Column", "Read as", "Type", "Format"])
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = table.fontMetrics()
        # Rows as compact as the type chooser allows, so a dozen or more are in sight.
        table.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height())
        read_types = info.column_types if info is not None else {}
        for row, name in enumerate(columns):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, 0, item)
            column_type = read_types.get(name)
            shown = (
                column_type.candidate.describe()
                if column_type is not None
                else str(self.session.shown.schema[name])
            )
            how = QTableWidgetItem(shown)
            how.setToolTip(shown)
            how.setFlags(how.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, 1, how)
            choice, fmt = chosen.types.get(name, ("as detected", ""))
            kind = QComboBox()
            kind.addItems(list(TYPE_CHOICES))
            kind.setCurrentText(choice)
            table.setCellWidget(row, 2, kind)
            fmt_edit = QLineEdit(fmt)
            fmt_edit.setPlaceholderText(_FORMAT_HINT)
            fmt_edit.setToolTip("A strptime format for dates and times; empty: detected")
            table.setCellWidget(row, 3, fmt_edit)
        table.resizeColumnsToContents()
        read_as = metrics.horizontalAdvance("x" * _READ_AS_CHARS)
        table.setColumnWidth(1, min(table.columnWidth(1), read_as))
        # The format column shows its whole example.
        table.setColumnWidth(3, metrics.horizontalAdvance(_FORMAT_HINT) + 24)
        return table

    def set_type(self, column: str, choice: str, fmt: str = "") -> None:
        """Choose how ``column`` is read (a key of TYPE_CHOICES and a strptime format)."""
        for row in range(self.types.rowCount()):
            item = self.types.item(row, 0)
            if item is not None and item.text() == column:
                self._kind(row).setCurrentText(choice)
                self._format(row).setText(fmt)
                return
        raise KeyError(column)

    def choices(self) -> ReadingChoices:
        """What the dialog holds."""
        types: dict[str, tuple[str, str]] = {}
        for row in range(self.types.rowCount()):
            item = self.types.item(row, 0)
            if item is not None:
                types[item.text()] = (self._kind(row).currentText(), self._format(row).text())
        return ReadingChoices(
            delimiter=self.delimiter.currentText(),
            encoding=self.encoding.currentText(),
            header=self.header.currentText(),
            skip_rows=self.skip_rows.value(),
            lenient=self.lenient.isChecked(),
            infer=self.infer.isChecked(),
            types=types,
        )

    def options(self) -> ReadOptions:
        """The options chosen.

        Raises:
            OptionError: a choice that cannot be (a two-character delimiter...).
        """
        return self.choices().options(self.session.options)

    def _on_accepted(self) -> None:
        """Read the file again with the options chosen, or say in a line what is wrong."""
        try:
            options = self.options()
        except OptionError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        if options != self.session.options:
            self.session.try_options(options)
        self.accept()

    def _kind(self, row: int) -> QComboBox:
        """The type chooser of a row."""
        widget = self.types.cellWidget(row, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def _format(self, row: int) -> QLineEdit:
        """The format field of a row."""
        widget = self.types.cellWidget(row, 3)
        assert isinstance(widget, QLineEdit)
        return widget


def _editable(items: tuple[str, ...], current: str) -> QComboBox:
    """An editable combo box of ``items`` showing ``current``."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(items))
    box.setCurrentText(current)
    return box


def _with_note(widget: QWidget, note: str) -> QWidget:
    """``widget`` with a grey note after it (what was detected)."""
    row = QWidget()
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(widget)
    label = QLabel(note)
    label.setEnabled(False)
    box.addWidget(label, 1)
    return row
