"""Who the app is: its name, version, description, licence and icon, in one place.

The version is the installed distribution's (``pyproject.toml``'s ``version``,
read back through ``importlib.metadata``), so a frozen bundle must carry
loupe's ``dist-info``. Qt-free: the ``loupe`` command and the installers'
scripts read it without starting Qt.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

import platformdirs

__all__ = [
    "APP_ID",
    "APP_NAME",
    "ASSETS",
    "DESCRIPTION",
    "ICON",
    "ICON_SIZES",
    "ICON_SVG",
    "LICENSE",
    "ORGANIZATION",
    "VERSION",
    "app_folder",
    "icon_png",
    "version",
]

APP_NAME = "Loupe"
#: The name of the .desktop file, the executable and the Debian package.
APP_ID = "loupe"
#: Where Qt keeps the settings and the log (``QSettings("Loupe", "Loupe")``).
ORGANIZATION = "Loupe"
DESCRIPTION = (
    "A local-first data profiler: open any tabular file, see its rows at once, profile it."
)
LICENSE = "Apache-2.0"
ASSETS = Path(__file__).resolve().parent / "assets"
ICON_SVG = ASSETS / "loupe.svg"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def icon_png(size: int) -> Path:
    """The PNG icon of ``size`` pixels (one of :data:`ICON_SIZES`)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size}-pixel icon; there are {ICON_SIZES}")
    return ASSETS / f"loupe-{size}.png"


#: The largest PNG icon (Qt scales it down where needed).
ICON = icon_png(512)


def version() -> str:
    """Loupe's version, or ``0+unknown`` when it runs from a folder it was not installed from."""
    try:
        return importlib.metadata.version(APP_ID)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


VERSION = version()


def app_folder() -> Path | None:
    """The folder of the installed app's executable, or None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def cache_folder() -> Path:
    """Where the app keeps what it can rebuild: ``$LOUPE_CACHE_DIR``, else the user's cache."""
    given = os.environ.get("LOUPE_CACHE_DIR")
    if given:
        return Path(given)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
