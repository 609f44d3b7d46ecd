"""The user's preferences, kept with ``QSettings``, the dialog that edits them, and the theme.

:class:`Preferences` is plain data read from and written to ``QSettings``;
:class:`QtSettingsDialog` edits a copy and hands it back; :func:`apply_theme`
paints the application light or dark (or as the system is) and says which one
the charts should follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cloud.insights import DEFAULT_BASE_URL, DEFAULT_MODEL
from core.profiling.config import ENGINES, ProfileConfig, Thresholds
from desktop.models.ai import AIAccess, AISettings, ApiKeys
from desktop.models.cloud import AWS, LOCAL, CloudConnection, endpoint_problem
from desktop.models.profile_cache import ProfileCache
from desktop.qt_ai_settings import QtAIPage
from desktop.qt_cloud_settings import QtCloudPage
from desktop.qt_workers import QtRunner

__all__ = ["THEMES", "Preferences", "QtSettingsDialog", "apply_theme"]

THEMES = ("system", "light", "dark")

# What each threshold means, shown beside its box.
_THRESHOLD_LABELS = {
    "missing": "Missing values (noted): share of a column from",
    "high_missing": "Missing values (warning): share of a column from",
    "critical_missing": "Missing values (critical): share of a column from",
    "high_correlation": "Correlation: |r| or V above",
    "high_cardinality": "High cardinality: distinct categories above",
    "skewness": "Skewness: |skew| above",
    "zeros": "Zeros: share of a column above",
    "imbalance": "Imbalance (0 balanced, 1 a single value): above",
    "duplicate_rows": "Duplicate rows: share above",
    "text_as_type": "Numbers or dates as text: share parsing above",
    "mixed_types": "Mixed types: minority share above",
}


@dataclass(frozen=True)
class Preferences:
    """What the user chose in Settings.

    Attributes:
        theme: ``system``, ``light`` or ``dark``.
        engine: the profiling engine (``auto``, ``memory``, ``streaming``).
        thresholds: alert thresholds.
        cloud_mode: the cloud backend chosen: ``local`` or ``aws``.
        cloud_endpoint: the URL of an AWS deployment ("" for none); never a token.
        ai_base_url: the OpenAI-compatible endpoint insights go to; never its key.
        ai_model: the model insights ask.
    """

    theme: str = "system"
    engine: str = "auto"
    thresholds: Thresholds = field(default_factory=Thresholds)
    cloud_mode: str = LOCAL
    cloud_endpoint: str = ""
    ai_base_url: str = DEFAULT_BASE_URL
    ai_model: str = DEFAULT_MODEL

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        """Read the preferences, falling back to defaults for anything missing or invalid."""
        default = cls()
        theme = str(settings.value("appearance/theme", default.theme))
        engine = str(settings.value("profiling/engine", default.engine))
        mode = str(settings.value("cloud/mode", default.cloud_mode))
        values: dict[str, Any] = {}
        for item in fields(Thresholds):
            fallback = getattr(default.thresholds, item.name)
            raw = settings.value(f"thresholds/{item.name}", fallback)
            try:
                values[item.name] = type(fallback)(raw)
            except (TypeError, ValueError):
                values[item.name] = fallback
        return cls(
            theme=theme if theme in THEMES else default.theme,
            engine=engine if engine in ENGINES else default.engine,
            thresholds=Thresholds(**values),
            cloud_mode=mode if mode in (LOCAL, AWS) else default.cloud_mode,
            cloud_endpoint=str(settings.value("cloud/endpoint", "")),
            ai_base_url=str(settings.value("ai/base_url", "") or default.ai_base_url),
            ai_model=str(settings.value("ai/model", "") or default.ai_model),
        )

    def save(self, settings: QSettings) -> None:
        """Write the preferences."""
        settings.setValue("appearance/theme", self.theme)
        settings.setValue("profiling/engine", self.engine)
        for item in fields(Thresholds):
            settings.setValue(f"thresholds/{item.name}", getattr(self.thresholds, item.name))
        settings.setValue("cloud/mode", self.cloud_mode)
        settings.setValue("cloud/endpoint", self.cloud_endpoint)
        settings.setValue("ai/base_url", self.ai_base_url)
        settings.setValue("ai/model", self.ai_model)
        settings.sync()

    def profile_config(self) -> ProfileConfig:
        """The profiling configuration these preferences describe."""
        return ProfileConfig(engine=self.engine, thresholds=self.thresholds)

    def ai_settings(self) -> AISettings:
        """The endpoint and model insights use."""
        return AISettings(base_url=self.ai_base_url, model=self.ai_model)


class QtSettingsDialog(QDialog):
    """Settings in four pages: Appearance, Profiling, Cloud, AI.

    The Cloud page acts on ``cloud``, the app's connection (without one, the
    dialog uses its own, stopped when the dialog closes); the AI page's keys go
    to ``ai``'s keyring at once (without one, to keys of the dialog's own).
    """

    def __init__(
        self,
        preferences: Preferences,
        parent: QWidget | None = None,
        cloud: CloudConnection | None = None,
        ai: AIAccess | None = None,
        cache: ProfileCache | None = None,
    ) -> None:
        # Long: the dialog's form, built top to bottom in the order the user reads it.
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.theme = QComboBox()
        self.theme.addItems([t.capitalize() for t in THEMES])
        self.theme.setCurrentIndex(THEMES.index(preferences.theme))
        self.engine = QComboBox()
        self.engine.addItems(list(ENGINES))
        self.engine.setCurrentText(preferences.engine)
        self.thresholds: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self._own_cloud = cloud is None
        self.cloud_page = QtCloudPage(
            cloud or CloudConnection(QtRunner(self)),
            preferences.cloud_mode,
            preferences.cloud_endpoint,
        )
        self.endpoint = self.cloud_page.endpoint
        self.ai_page = QtAIPage(
            ai or AIAccess(preferences.ai_settings(), ApiKeys(None)), preferences.ai_settings()
        )

        appearance = QWidget()
        form = QFormLayout(appearance)
        form.addRow("Theme", self.theme)
        form.addRow(QLabel("Charts follow the theme. “System” follows the desktop's colours."))

        profiling = QWidget()
        form = QFormLayout(profiling)
        form.addRow("Engine", self.engine)
        form.addRow(QLabel("auto: in memory when the file is small and fits, streaming otherwise."))
        self.cache = cache
        self.clear_cache_button = QPushButton()
        self.clear_cache_button.setToolTip(
            "Profiles of files opened before, shown at once when a file has not changed"
        )
        self.clear_cache_button.clicked.connect(self._on_clear_cache)
        self.clear_cache_button.setVisible(cache is not None)
        self._update_cache_button()
        form.addRow("Cache", self.clear_cache_button)
        for item in fields(Thresholds):
            value = getattr(preferences.thresholds, item.name)
            box: QSpinBox | QDoubleSpinBox
            if isinstance(value, int):
                box = QSpinBox()
                box.setRange(1, 1_000_000)
            else:
                box = QDoubleSpinBox()
                box.setDecimals(3)
                box.setSingleStep(0.05)
                box.setRange(0.0, 1_000.0 if item.name == "skewness" else 1.0)
            box.setValue(value)
            box.setObjectName(item.name)
            self.thresholds[item.name] = box
            form.addRow(_THRESHOLD_LABELS.get(item.name, item.name), box)

        pages = QTabWidget()
        pages.addTab(appearance, "Appearance")
        pages.addTab(profiling, "Profiling")
        pages.addTab(self.cloud_page, "Cloud")
        pages.addTab(self.ai_page, "AI")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self._on_restore_defaults
        )
        # Why OK was refused, in a line (an endpoint that is not a URL, say).
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d62728;")
        self.problem.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(pages)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.pages = pages

    def preferences(self) -> Preferences:
        """The preferences as the dialog shows them."""
        values: dict[str, Any] = {
            name: (int(box.value()) if isinstance(box, QSpinBox) else float(box.value()))
            for name, box in self.thresholds.items()
        }
        return Preferences(
            theme=THEMES[self.theme.currentIndex()],
            engine=self.engine.currentText(),
            thresholds=Thresholds(**values),
            cloud_mode=self.cloud_page.mode(),
            cloud_endpoint=self.endpoint.text().strip(),
            ai_base_url=self.ai_page.settings().base_url,
            ai_model=self.ai_page.settings().model,
        )

    def _update_cache_button(self) -> None:
        size = self.cache.size() if self.cache is not None else 0
        self.clear_cache_button.setText(f"Clear cached profiles ({size / 1e6:.1f} MB)")
        self.clear_cache_button.setEnabled(size > 0)

    def _on_clear_cache(self) -> None:
        if self.cache is not None:
            self.cache.clear()
        self._update_cache_button()

    def accept(self) -> None:
        """Keep the choices, unless one cannot be used: then say why and stay open."""
        endpoint = self.endpoint.text().strip()
        problem = endpoint_problem(endpoint) if endpoint else None
        if problem:
            self.problem.setText(f"Cloud: {problem}")
            self.problem.setVisible(True)
            self.pages.setCurrentWidget(self.cloud_page)
            self.endpoint.setFocus()
            return
        super().accept()

    def done(self, result: int) -> None:
        """Close; a connection of the dialog's own stops with it."""
        if self._own_cloud:
            self.cloud_page.connection.shutdown()
        super().done(result)

    def _on_restore_defaults(self) -> None:
        default = Preferences()
        self.theme.setCurrentIndex(THEMES.index(default.theme))
        self.engine.setCurrentText(default.engine)
        self.cloud_page.local_choice.setChecked(default.cloud_mode == LOCAL)
        self.endpoint.setText(default.cloud_endpoint)
        self.ai_page.endpoint.setText(default.ai_base_url)
        self.ai_page.model.setCurrentText(default.ai_model)
        for name, box in self.thresholds.items():
            box.setValue(getattr(default.thresholds, name))


def apply_theme(theme: str) -> bool:
    """Paint the application in ``theme``; return True when the result is dark."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    if theme == "system":
        dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    else:
        dark = theme == "dark"
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    return dark


def _dark_palette() -> QPalette:
    """A dark palette for the Fusion style."""
    palette = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#262626"),
        (role.ToolTipBase, "#2b2b2b"),
        (role.ToolTipText, "#e6e6e6"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"),
        (role.BrightText, "#ff6b6b"),
        (role.Highlight, "#0072B2"),
        (role.HighlightedText, "#ffffff"),
        (role.Link, "#56B4E9"),
        (role.PlaceholderText, "#8c8c8c"),
    ):
        palette.setColor(r, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(disabled, r, QColor("#777777"))
    return palette
