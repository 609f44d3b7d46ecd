"""The bar above a dataset: status and progress, Cancel, the sheet, reading options,
missing values, Profile.

A thin view of a :class:`~desktop.models.session.DatasetSession`: it redraws
from the session's state when its events say so, and turns clicks into the
session's methods.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

from desktop.models.session import DatasetSession
from desktop.qt_message_bar import QtElidedLabel
from desktop.qt_reading_options import QtReadingOptions

__all__ = ["QtFileBar"]

# How the file's missing markers are read, by where they come from.
_MISSING_HOW = {
    "file": "The file writes these for a missing value. They are missing in every "
    "column, except text columns whose values they look like.",
    "option": "Missing in every column, as you set.",
    "none": "Missing in number and date columns; kept as values in text columns.",
}


class QtFileBar(QWidget):
    """The status line and the file's buttons, for one session."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # Cut to fit: a long message (a ragged row's) must never widen the window.
        self.status = QtElidedLabel(session.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(session.cancel)
        self.sheet = QComboBox()
        self.sheet.setToolTip("Sheet of the workbook")
        self.sheet.setVisible(False)
        self.sheet.activated.connect(self._on_sheet_chosen)
        # Offered when a CSV has rows with too many or too few fields.
        self.read_anyway_button = QPushButton("Read anyway")
        self.read_anyway_button.setToolTip(
            "Read the file leniently: short rows are padded with missing values, long rows cut"
        )
        self.read_anyway_button.clicked.connect(session.read_leniently)
        self.reading_button = QPushButton("Reading options…")
        self.reading_button.setToolTip(
            "Delimiter, encoding, header, rows to skip and column types; reads the file again"
        )
        self.reading_button.clicked.connect(self.show_reading_options)
        self._build_profile_button()
        self._build_missing_button()

        layout = self._layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        for widget in (
            self.progress,
            self.cancel_button,
            self.sheet,
            self.read_anyway_button,
            self.reading_button,
            self.missing_button,
            self.profile_button,
        ):
            layout.addWidget(widget)

        events = session.events
        events.status.connect(self._update_status)
        events.progressed.connect(self._update_progress)
        events.busy.connect(self._update_buttons)
        events.previewed.connect(self._on_previewed)
        for event in (
            events.loaded,
            events.failed,
            events.profiled,
            events.cleared,
            events.query,
            events.queried,
        ):
            event.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def add_button(self, button: QWidget) -> None:
        """Place another button at the end of the bar (the tab's cloud button)."""
        self._layout.addWidget(button)

    def show_reading_options(self) -> QtReadingOptions:
        """Open the reading options dialog (non-modal; OK reads the file again)."""
        dialog = QtReadingOptions(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _build_profile_button(self) -> None:
        """Profile: all rows on a click; its menu offers the rows the grid shows too."""
        self.profile_button = QToolButton()
        self.profile_button.setText("Profile")
        self.profile_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.profile_button.clicked.connect(self.session.start_profile)
        menu = QMenu(self.profile_button)
        self.profile_all = menu.addAction("Profile all rows")
        self.profile_all.triggered.connect(self.session.start_profile)
        self.profile_shown = menu.addAction("Profile the rows shown")
        self.profile_shown.triggered.connect(self.session.start_view_profile)
        self.profile_button.setMenu(menu)

    def _build_missing_button(self) -> None:
        """The file's missing-value markers (NA, NULL...), and how to read them."""
        self.missing_button = QToolButton()
        self.missing_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.missing_button.setVisible(False)
        menu = QMenu(self.missing_button)
        self.missing_in_text = menu.addAction("Missing in text columns too")
        self.missing_in_text.setToolTip("Except in columns whose values they look like")
        self.missing_kept = menu.addAction("Values in text columns")
        for action in (self.missing_in_text, self.missing_kept):
            action.setCheckable(True)
        menu.addSeparator()
        self.missing_given = menu.addAction("Missing values are…")
        self.missing_in_text.triggered.connect(lambda: self.set_missing(keep=False))
        self.missing_kept.triggered.connect(lambda: self.set_missing(keep=True))
        self.missing_given.triggered.connect(self._on_missing_given)
        self.missing_button.setMenu(menu)

    def set_missing(
        self, *, keep: bool | None = None, tokens: tuple[str, ...] | None = None
    ) -> None:
        """Read the file again with other missing values (see the session's ``set_missing``)."""
        if not self.session.set_missing(keep=keep, tokens=tokens):
            # A checkable action unchecks itself on a click that changes nothing.
            self._update_missing_button()

    def _on_missing_given(self) -> None:
        """Ask for the tokens that stand for a missing value."""
        info = self.session.info
        current = ", ".join(info.missing_tokens if info is not None else [])
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

    def _on_sheet_chosen(self, index: int) -> None:
        """Show the sheet picked."""
        self.session.choose_sheet(self.sheet.itemText(index))

    def _on_previewed(self) -> None:
        """Offer the workbook's sheets and the file's missing markers."""
        info = self.session.info
        if info is not None and len(info.sheets) > 1:
            self.sheet.clear()
            self.sheet.addItems(info.sheets)
            self.sheet.setCurrentText(info.sheet or info.sheets[0])
            self.sheet.setVisible(True)
        self._update_missing_button()

    def _update_status(self) -> None:
        """Show the session's status line."""
        self.status.setText(self.session.status)
        self.status.setToolTip(self.session.status_tip)

    def _update_progress(self, fraction: float) -> None:
        """Move the progress bar."""
        self.progress.setValue(int(fraction * 1000))

    def _update_buttons(self) -> None:
        """Show what can be done now."""
        session = self.session
        self.progress.setVisible(session.busy)
        self.cancel_button.setVisible(session.busy)
        self.read_anyway_button.setVisible(session.offer_lenient)
        self.reading_button.setEnabled(session.info is not None or session.error is not None)
        self.profile_button.setEnabled(session.can_profile)
        self.profile_all.setEnabled(session.can_profile)
        self._update_profile_shown()

    def _update_profile_shown(self) -> None:
        """Offer the rows shown when the grid filters or orders them: how many, of how many."""
        session, base = self.session, self.session.base
        self.profile_shown.setEnabled(session.can_profile_view)
        if base is not None and session.can_profile_view:
            shown = session.shown.height
            self.profile_shown.setText(f"Profile the rows shown ({shown:,} of {base.height:,})")
            self.profile_shown.setToolTip(session.view_text)
        else:
            self.profile_shown.setText("Profile the rows shown (sort, filter or search first)")

    def _update_missing_button(self) -> None:
        """Show the file's missing markers and how they are read."""
        info, options = self.session.info, self.session.options
        shown = info is not None and bool(info.missing_tokens or options.na)
        self.missing_button.setVisible(shown)
        if info is None or not shown:
            return
        tokens = ", ".join(f'"{t}"' for t in info.missing_tokens)
        self.missing_button.setText(f"Missing: {tokens}")
        self.missing_in_text.setChecked(not options.keep_na and not options.na)
        self.missing_kept.setChecked(options.keep_na)
        columns = [f"{name}: {t.describe()}" for name, t in info.column_types.items() if t.missing]
        self.missing_button.setToolTip("\n".join([_MISSING_HOW[info.missing_source], *columns]))
