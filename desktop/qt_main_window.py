"""The main window: a first screen, then one tab per open dataset."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPaintEvent,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import LoupeError
from core.samples import SAMPLE_CSV
from desktop.identity import APP_NAME
from desktop.models.ai import AIAccess, ApiKeys, os_keyring
from desktop.models.cloud import CloudConnection
from desktop.models.compare_job import CompareSide, TabSide
from desktop.models.profile_cache import ProfileCache
from desktop.qt_chart_view import QtChartView, has_spare, keep_spare, take_spare
from desktop.qt_cloud_pane import QtUploadMemory
from desktop.qt_column_memory import QtColumnMemory
from desktop.qt_compare_chooser import QtCompareChooser
from desktop.qt_compare_view import QtCompareView
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_grid_pane import COPY_KEYS, COPY_WITH_NAMES_KEYS
from desktop.qt_insights_pane import QtPrivacyMemory
from desktop.qt_message_bar import ERROR
from desktop.qt_settings import Preferences, QtSettingsDialog, apply_theme
from desktop.qt_workers import QtRunner

__all__ = ["QtMainWindow"]

# The windows opened with File → New window, kept alive until they close.
_windows: list[QtMainWindow] = []

_FILTER = (
    "Tables (*.csv *.tsv *.txt *.psv *.gz *.bz2 *.zst *.zip *.xlsx *.xlsm *.xlsb *.xls *.ods "
    "*.parquet *.arrow *.feather *.json *.ndjson *.jsonl);;All files (*)"
)
_ROWS_FILTER = (
    "CSV (*.csv);;Parquet (*.parquet);;Excel workbook (*.xlsx);;Arrow IPC (*.arrow);;"
    "NDJSON (*.ndjson)"
)
_CODE_FILTER = "Polars code (*.py);;SQL for DuckDB (*.sql)"
_RECENT = "recent_files"
_GEOMETRY, _STATE = "window/geometry", "window/state"
_OPEN_FOLDER, _EXPORT_FOLDER = "dialogs/open_folder", "dialogs/export_folder"


class QtMainWindow(QMainWindow):
    """Loupe's window. Files open in tabs; a failing file never disturbs the others."""

    def __init__(
        self,
        settings: QSettings | None = None,
        ai: AIAccess | None = None,
        profile_cache: ProfileCache | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or QSettings("Loupe", "Loupe")
        # Reopening an unchanged file shows its last profile from here.
        self.profile_cache = profile_cache or ProfileCache()
        self.preferences = Preferences.load(self.settings)
        self.dark = apply_theme(self.preferences.theme)
        self.setWindowTitle("Loupe")
        self.resize(1280, 820)
        # Where and how big the window was; the files it showed are never reopened unasked.
        geometry = self.settings.value(_GEOMETRY)
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        self.setAcceptDrops(True)
        # The cloud backend: a local one this window may start (and stops when it
        # closes), or a deployment; its state shows in the status bar.
        # The one place a sign-in page is opened: the system browser, from a worker thread.
        self.cloud = CloudConnection(QtRunner(self), open_url=webbrowser.open)
        self.cloud_status = QLabel(self.cloud.status_text)
        self.statusBar().addPermanentWidget(self.cloud_status)
        self.cloud.changed.connect(self._update_cloud_status)
        # Insights: the endpoint and model are preferences, the key is in the OS keyring.
        self.ai = ai or AIAccess(self.preferences.ai_settings(), ApiKeys(find=os_keyring))
        self.ai.configure(self.preferences.ai_settings())
        self.privacy_memory = QtPrivacyMemory(self.settings)
        self.upload_memory = QtUploadMemory(self.settings)
        # Each file's columns, as its tab left them, for when it is opened again.
        self.column_memory = QtColumnMemory(self.settings)
        self._dataset_actions: list[QAction] = []
        self._compare_actions: list[QAction] = []
        # Actions of either kind of tab (insights on a profile or on a comparison).
        self._view_actions: list[QAction] = []
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self._on_close_tab)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.tabs.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.tabBar().customContextMenuRequested.connect(self._on_tab_menu)
        self.tabs.addTab(self._welcome(), "Start")
        self.tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)
        # The first embedded browser starts Chromium's machinery: about 50 ms
        # idle, several times that while a worker keeps the cores busy. Paying it
        # just after the window's first paint keeps it out of both the start and
        # the first chart.
        self._browser_warmup: QWebEngineView | None = None
        # A chart pane takes the spare chart view; another is made once no work runs.
        self._spare_timer = QTimer(self)
        self._spare_timer.setInterval(1000)
        self._spare_timer.timeout.connect(self._make_spare_when_idle)
        self._painted = False
        self._build_menu()
        state = self.settings.value(_STATE)
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        self._on_tab_changed(0)

    def open_path(self, path: str | Path) -> QtDatasetView:
        """Open ``path`` in a new tab (reading happens in the background)."""
        path = Path(path)
        view = QtDatasetView(
            path,
            config=self.preferences.profile_config,
            cloud=self.cloud,
            ai=self.ai,
            privacy_memory=self.privacy_memory,
            upload_memory=self.upload_memory,
            settings=self.settings,
            cache=self.profile_cache,
        )
        view.set_dark(self.dark)
        self.column_memory.restore(path, view.grid_pane)
        # Copying acts where the rows are (a list or a text box elsewhere copies its own).
        view.grid_pane.addActions(self._copy_actions)
        view.session.events.query.connect(self._update_edit_actions)
        view.failed.connect(self._show_message)
        view.message.connect(self._show_message)
        # An earlier failure of this file (before "Read anyway") no longer applies.
        view.loaded.connect(self.statusBar().clearMessage)
        index = self.tabs.addTab(view, path.name)
        self.tabs.setTabToolTip(index, str(path))
        self.tabs.setCurrentIndex(index)
        # Only files that open are recent: one that fails to read leaves the list.
        view.session.events.previewed.connect(lambda: self._remember(path))
        view.failed.connect(lambda _: self._forget(path) if view.session.base is None else None)
        view.start_loading()
        return view

    def current_view(self) -> QtDatasetView | None:
        """The dataset shown, if any."""
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, QtDatasetView) else None

    def current_compare(self) -> QtCompareView | None:
        """The comparison shown, if any."""
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, QtCompareView) else None

    def dataset_views(self) -> list[QtDatasetView]:
        """The open dataset tabs, in their order."""
        found = [self.tabs.widget(i) for i in range(self.tabs.count())]
        return [view for view in found if isinstance(view, QtDatasetView)]

    def compare_with(self, side: CompareSide, view: QtDatasetView | None = None) -> QtCompareView:
        """Compare ``view`` (the current tab by default) with ``side`` in a new tab.

        The other side is profiled and compared in the background; the tab shows
        the progress, and closes on failure or Cancel, the reason shown in
        ``view``'s message bar.
        """
        view = view or self.current_view()
        if view is None:
            raise ValueError("no dataset tab to compare")
        compare = QtCompareView(
            view.session,
            side,
            config=self.preferences.profile_config,
            cache=self.profile_cache,
            ai=self.ai,
            privacy_memory=self.privacy_memory,
        )
        compare.set_dark(self.dark)
        index = self.tabs.addTab(compare, compare.title)
        tip = [str(view.path), str(side.session.path if isinstance(side, TabSide) else side.path)]
        self.tabs.setTabToolTip(index, " ↔ ".join(tip))
        self.tabs.setCurrentIndex(index)
        compare.failed.connect(lambda text: self._on_compare_failed(compare, view, text))
        compare.exported.connect(lambda path: self._show_message(f"wrote {path}"))
        compare.export_button.clicked.connect(lambda: self._on_export_comparison(compare))
        compare.start()
        return compare

    def _on_compare_failed(self, compare: QtCompareView, view: QtDatasetView, text: str) -> None:
        """Close the comparison that could not be made; say why on the tab compared."""
        index = self.tabs.indexOf(compare)
        if index >= 0:
            self.tabs.removeTab(index)
            compare.deleteLater()
        if self.tabs.indexOf(view) >= 0:
            self.tabs.setCurrentWidget(view)
            if text:
                view.message_bar.show_message(f"Cannot compare: {text}", ERROR)
        self._show_message(f"Cannot compare: {text}" if text else "Comparison cancelled")

    def _on_compare_with(self, view: QtDatasetView | None = None) -> None:
        """Ask what to compare the tab with, then compare."""
        view = view or self.current_view()
        if view is None:
            return
        others = [v.session for v in self.dataset_views() if v is not view]
        folder = str(self.settings.value(_OPEN_FOLDER, "") or "") or str(view.path.parent)
        chooser = QtCompareChooser(view.session.name, others, _FILTER, folder, self)
        if chooser.exec() and chooser.choice is not None:
            self.compare_with(chooser.choice, view)

    def _on_export_comparison(self, compare: QtCompareView | None = None) -> None:
        compare = compare or self.current_compare()
        if compare is None or compare.job.comparison is None:
            return
        folder = str(self.settings.value(_EXPORT_FOLDER, "") or "") or str(
            compare.job.a.path.parent
        )
        stem = f"{Path(compare.job.names[0]).stem}-vs-{Path(compare.job.names[1]).stem}"
        name, _ = QFileDialog.getSaveFileName(
            self, "Export comparison", str(Path(folder) / f"{stem}.json"), "JSON (*.json)"
        )
        if name:
            self._exported_to(name)
            compare.export_json(Path(name))

    def _on_tab_menu(self, point: QPoint) -> None:
        """A tab's menu: compare it with…, close it."""
        index = self.tabs.tabBar().tabAt(point)
        if index <= 0:
            return
        widget = self.tabs.widget(index)
        menu = QMenu(self)
        if isinstance(widget, QtDatasetView):
            compare = menu.addAction("Compare &with…")
            compare.triggered.connect(lambda: self._on_compare_with(widget))
        close = menu.addAction("&Close tab")
        close.triggered.connect(lambda: self._on_close_tab(index))
        menu.popup(self.tabs.tabBar().mapToGlobal(point))

    def recent_files(self) -> list[str]:
        """Recently opened files, newest first (never reopened automatically)."""
        value = self.settings.value(_RECENT, [])
        return (
            [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
        )

    def set_preferences(self, preferences: Preferences) -> None:
        """Keep and apply ``preferences`` (the theme now, the rest at the next profile)."""
        self.preferences = preferences
        preferences.save(self.settings)
        self.dark = apply_theme(preferences.theme)
        self.ai.configure(preferences.ai_settings())
        for index in range(self.tabs.count()):
            view = self.tabs.widget(index)
            if isinstance(view, QtDatasetView | QtCompareView):
                view.set_dark(self.dark)

    # -- Qt overrides ------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._warm_browser)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(url.toLocalFile())

    def closeEvent(self, event: QCloseEvent) -> None:
        # Ask running work to stop, so quitting never waits on a long profile.
        for index in range(self.tabs.count()):
            view = self.tabs.widget(index)
            if isinstance(view, QtDatasetView):
                self.column_memory.keep(view.path, view.grid_pane)
                view.stop_cloud(keep_upload=True)
                if view.busy:
                    view.cancel()
            if isinstance(view, QtCompareView) and view.busy:
                view.failed.disconnect()  # closed: nothing to report
                view.cancel()
        self.settings.setValue(_GEOMETRY, self.saveGeometry())
        self.settings.setValue(_STATE, self.saveState())
        # The local backend this window started ends with it.
        self.cloud.changed.disconnect(self._update_cloud_status)
        self.cloud.shutdown()
        # A spare chart view of this window's goes with it, as its child (another
        # window's spare stays kept).
        self._spare_timer.stop()
        spare = take_spare()
        if spare is not None and spare.parent() is not self:
            keep_spare(spare)
        super().closeEvent(event)

    # -- building ---------------------------------------------------------------

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add(file_menu, "&Open…", self._on_open, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._update_recent_menu)
        self._update_recent_menu()
        self._add(file_menu, "Open &sample dataset", lambda: self.open_path(SAMPLE_CSV))
        self._add(file_menu, "&New window", self._on_new_window, "Ctrl+Shift+N")
        file_menu.addSeparator()
        for text, handler in (
            ("Export &report (HTML)…", lambda: self._on_export_profile(report=True)),
            ("Export &profile (JSON)…", lambda: self._on_export_profile(report=False)),
            ("Export shown &rows…", self._on_export_rows),
            ("Export view as &code…", self._on_export_code),
        ):
            self._dataset_actions.append(self._add(file_menu, text, handler))
        self._compare_actions.append(
            self._add(file_menu, "Export &comparison (JSON)…", self._on_export_comparison)
        )
        file_menu.addSeparator()
        settings = self._add(file_menu, "&Settings…", self._on_settings, "Ctrl+,")
        settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addSeparator()
        close = self._add(file_menu, "&Close tab", self._on_close_current_tab)
        close.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Ctrl+F4")])
        self._add(file_menu, "&Quit", self.close, "Ctrl+Q")
        self._build_edit_menu()
        data_menu = self.menuBar().addMenu("&Data")
        self._dataset_actions += [
            self._add(data_menu, "&Profile", lambda: self._with_view("start_profile"), "Ctrl+P"),
            self._add(
                data_menu,
                "Profile in the c&loud…",
                lambda: self._with_view("profile_in_cloud"),
                "Ctrl+Shift+P",
            ),
            self._add(data_menu, "Compare &with…", self._on_compare_with, "Ctrl+Shift+D"),
            self._add(
                data_menu, "&Find in rows", lambda: self._with_view("focus_search"), "Ctrl+F"
            ),
            self._add(data_menu, "&Clear filters", lambda: self._with_view("clear_query")),
            self._add(
                data_menu, "&Jump to column…", lambda: self._with_view("jump_to_column"), "Ctrl+J"
            ),
        ]
        # Insights on a dataset tab's profile, or on a compare tab's comparison.
        self._view_actions.append(
            self._add(data_menu, "&Insights", lambda: self._with_view("show_insights"), "Ctrl+I")
        )
        code_menu = data_menu.addMenu("Copy view as c&ode")
        self._dataset_actions += [
            self._add(code_menu, "&Polars", lambda: self._on_copy_code("polars")),
            self._add(code_menu, "&SQL (DuckDB)", lambda: self._on_copy_code("sql")),
        ]
        view_menu = self.menuBar().addMenu("&View")
        next_tab = self._add(view_menu, "&Next tab", lambda: self._step_tab(1))
        next_tab.setShortcuts([QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")])
        previous = self._add(view_menu, "&Previous tab", lambda: self._step_tab(-1))
        previous.setShortcuts([QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+PgUp")])
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&Keyboard shortcuts", self._on_shortcuts, "Ctrl+/")
        about = self._add(help_menu, f"&About {APP_NAME}", self._on_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_edit_menu(self) -> None:
        """Undo and redo of the rows' sort, filters and search; copying the cells selected."""
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self._add(
            edit_menu, "&Undo", lambda: self._with_session("undo"), QKeySequence.StandardKey.Undo
        )
        self.redo_action = self._add(edit_menu, "&Redo", lambda: self._with_session("redo"))
        # The grid's own keys for redo (the platform's list holds rarer ones too).
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addSeparator()
        copy = self._add(edit_menu, "&Copy", lambda: self._copy(names=False))
        copy.setShortcut(QKeySequence(COPY_KEYS))
        with_names = self._add(edit_menu, "Copy with column &names", lambda: self._copy(names=True))
        with_names.setShortcut(QKeySequence(COPY_WITH_NAMES_KEYS))
        self._copy_actions = [copy, with_names]
        for action in self._copy_actions:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._dataset_actions.append(action)

    def _with_session(self, method: str) -> None:
        view = self.current_view()
        if view is not None:
            getattr(view.session, method)()

    def _copy(self, *, names: bool) -> None:
        view = self.current_view()
        if view is not None:
            view.grid_pane.copy_selection(names=names)

    def _update_edit_actions(self) -> None:
        """Undo and redo are there when the current tab's rows have a change to go through."""
        if not hasattr(self, "undo_action"):
            return  # the Start tab is added before the menus exist
        view = self.current_view()
        self.undo_action.setEnabled(view is not None and view.session.can_undo)
        self.redo_action.setEnabled(view is not None and view.session.can_redo)

    def _add(
        self,
        menu: QMenu,
        text: str,
        handler: Callable[[], object],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(handler)
        menu.addAction(action)
        return action

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
        layout.addWidget(QLabel("Recent files (double-click to open)"))
        layout.addWidget(self.recent)
        return page

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue(_RECENT, recent[:10])
        self.recent.clear()
        self.recent.addItems(recent[:10])

    def _forget(self, path: Path) -> None:
        recent = [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue(_RECENT, recent)
        self.recent.clear()
        self.recent.addItems(recent)

    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def _with_view(self, method: str) -> None:
        view = self.current_view() or self.current_compare()
        if view is not None and hasattr(view, method):
            getattr(view, method)()

    def _on_open(self) -> None:
        folder = str(self.settings.value(_OPEN_FOLDER, "") or "")
        names, _ = QFileDialog.getOpenFileNames(self, "Open a table", folder, _FILTER)
        if names:
            self.settings.setValue(_OPEN_FOLDER, str(Path(names[-1]).parent))
        for name in names:
            self.open_path(name)

    def _export_name(self, view: QtDatasetView, name: str) -> str:
        """Where an export dialog starts: the last export's folder, else beside the file."""
        folder = str(self.settings.value(_EXPORT_FOLDER, "") or "")
        return str(
            Path(folder) / name if folder and Path(folder).is_dir() else view.path.with_name(name)
        )

    def _exported_to(self, name: str) -> None:
        self.settings.setValue(_EXPORT_FOLDER, str(Path(name).parent))

    def _update_recent_menu(self) -> None:
        """List the recent files in File → Open Recent."""
        menu = self.recent_menu
        menu.clear()
        recent = self.recent_files()
        for number, name in enumerate(recent, start=1):
            prefix = f"&{number} " if number < 10 else ""
            action = menu.addAction(f"{prefix}{Path(name).name.replace('&', '&&')}")
            action.setToolTip(name)
            action.setStatusTip(name)
            action.setData(name)
            action.triggered.connect(lambda _=False, path=name: self.open_path(path))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction("&Clear list", lambda: self._forget_all())

    def _forget_all(self) -> None:
        self.settings.setValue(_RECENT, [])
        self.recent.clear()

    def _on_new_window(self) -> QtMainWindow:
        """Open another window (it shares the settings and the AI access)."""
        window = QtMainWindow(self.settings, ai=self.ai, profile_cache=self.profile_cache)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Cascade from this one rather than cover it.
        window.move(self.pos() + QPoint(32, 32))
        _windows.append(window)
        window.destroyed.connect(lambda: _windows.remove(window) if window in _windows else None)
        window.show()
        return window

    def _step_tab(self, step: int) -> None:
        count = self.tabs.count()
        if count > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)

    def _on_close_current_tab(self) -> None:
        if self.current_view() is not None:
            self._on_close_tab(self.tabs.currentIndex())

    def _on_shortcuts(self) -> None:
        from desktop.qt_shortcuts import QtShortcutsDialog

        QtShortcutsDialog(self).exec()

    def _on_export_profile(self, *, report: bool) -> None:
        view = self.current_view()
        if view is None:
            return
        suffix, kind = (".html", "HTML report (*.html)") if report else (".json", "JSON (*.json)")
        name, _ = QFileDialog.getSaveFileName(
            self, "Export", self._export_name(view, view.path.stem + "-profile" + suffix), kind
        )
        if name:
            self._exported_to(name)
            view.export_profile(Path(name), report=report)

    def _on_export_rows(self) -> None:
        view = self.current_view()
        if view is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self,
            "Export rows",
            self._export_name(view, view.path.stem + "-rows.csv"),
            _ROWS_FILTER,
        )
        if name:
            self._exported_to(name)
            path = Path(name)
            if not path.suffix and "(*." in chosen:
                path = path.with_suffix(chosen.split("(*")[1].rstrip(")"))
            view.export_rows(path)

    def _view_code(self, language: str) -> str | None:
        """The current view as code, or None (and the reason shown) when it cannot be."""
        view = self.current_view()
        if view is None:
            return None
        try:
            return view.view_code(language)
        except LoupeError as exc:
            self._show_message(str(exc))
            return None

    def _on_copy_code(self, language: str) -> None:
        code = self._view_code(language)
        if code is not None:
            QApplication.clipboard().setText(code)
            name = "SQL for DuckDB" if language == "sql" else "Polars code"
            self._show_message(f"Copied the rows and columns shown as {name}")

    def _on_export_code(self) -> None:
        view = self.current_view()
        if view is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self,
            "Export view as code",
            str(view.path.with_name(view.path.stem + "-view.py")),
            _CODE_FILTER,
        )
        if not name:
            return
        path = Path(name)
        sql = path.suffix == ".sql" or (not path.suffix and "*.sql" in chosen)
        language = "sql" if sql else "polars"
        if not path.suffix:
            path = path.with_suffix(".sql" if language == "sql" else ".py")
        code = self._view_code(language)
        if code is None:
            return
        try:
            path.write_text(code, encoding="utf-8")
        except OSError as exc:
            self._show_message(f"cannot write {path}: {exc.strerror or exc}")
            return
        self._show_message(f"wrote {path}")

    def _update_cloud_status(self) -> None:
        self.cloud_status.setText(self.cloud.status_text)
        self.cloud_status.setToolTip(self.cloud.error)

    def _on_settings(self) -> None:
        dialog = QtSettingsDialog(
            self.preferences, self, cloud=self.cloud, ai=self.ai, cache=self.profile_cache
        )
        if dialog.exec():
            self.set_preferences(dialog.preferences())

    def _warm_browser(self) -> None:
        """Start Chromium's machinery, once, with an embedded browser never shown."""
        if self._browser_warmup is None:
            # Also the first chart pane's view, made before any work competes with it.
            self._browser_warmup = view = QtChartView(self)
            keep_spare(view)
            self._spare_timer.start()
            # Loading the keyring's backends would stall the window when a tab
            # first asks for an AI key: a worker does it now.
            QThreadPool.globalInstance().start(self.ai.keys.find_now)

    def _make_spare_when_idle(self) -> None:
        """Make the next spare chart view, when no worker keeps the cores busy."""
        if not has_spare() and QThreadPool.globalInstance().activeThreadCount() == 0:
            keep_spare(QtChartView(self))

    def _on_about(self) -> None:
        from desktop.qt_about import QtAboutDialog

        QtAboutDialog(self).exec()

    def _on_tab_changed(self, index: int) -> None:
        view = self.current_view()
        compare = self.current_compare()
        title = view.path.name if view is not None else compare.title if compare else None
        self.setWindowTitle(f"{title} — Loupe" if title else "Loupe")
        for action in self._dataset_actions:
            action.setEnabled(view is not None)
        for action in self._compare_actions:
            action.setEnabled(compare is not None)
        for action in self._view_actions:
            action.setEnabled(view is not None or compare is not None)
        self._update_edit_actions()

    def _on_close_tab(self, index: int) -> None:
        view = self.tabs.widget(index)
        if isinstance(view, QtCompareView):
            if view.busy:
                view.failed.disconnect()  # closed: nothing to report
                view.cancel()
            self.tabs.removeTab(index)
            view.deleteLater()
        if isinstance(view, QtDatasetView):
            # A comparison waiting for this tab's profile can no longer have it.
            for other in [self.tabs.widget(i) for i in range(self.tabs.count())]:
                if isinstance(other, QtCompareView):
                    other.job.forget(view.session)
            self.column_memory.keep(view.path, view.grid_pane)
            view.stop_cloud()
            if view.busy:
                view.cancel()
            self.tabs.removeTab(index)
            view.deleteLater()
