"""Build Loupe's desktop installers with PyInstaller (``python3 tasks.py package``).

    python packaging/build.py               # dist/Loupe, then the tarball and .deb on Linux
    python packaging/build.py --bundle-only # dist/Loupe alone

* ``dist/Loupe/``: the one-folder app (``packaging/loupe.spec``); its executable is
  ``loupe`` (``loupe.exe`` on Windows), with ``THIRD_PARTY_NOTICES.txt`` beside it:
  the licence of every distribution the bundle holds, and Python's own. On macOS
  PyInstaller also writes ``dist/Loupe.app``.
* Linux: ``dist/loupe-<version>-linux-x86_64.tar.gz`` (the folder, symlinks kept,
  with ``loupe.desktop`` and the icon), and ``dist/loupe_<version>_amd64.deb``,
  which installs to /opt/loupe with ``/usr/bin/loupe``, a menu entry and icons.

Runs in the environment that holds Loupe and the ``package`` extra (PyInstaller,
pip-licenses, Pillow). The version is Loupe's own, from its installed metadata,
which pyproject.toml sets. Prints the sizes of what it built and the largest parts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
from importlib.metadata import packages_distributions, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "Loupe"
LINUX = ROOT / "packaging" / "linux"
ASSETS = ROOT / "desktop" / "assets"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
MB = 1024**2

# What Qt, QtWebEngine (Chromium) and Python's extension modules load from the system
# on Debian 12 / Ubuntu 22.04 and later; the rest ships in the bundle.
DEB_DEPENDS = [
    "libc6 (>= 2.31)",
    "libstdc++6",
    "libegl1",
    "libgl1",
    "libopengl0 | libgl1",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0 | libglib2.0-0t64",
    "libdbus-1-3",
    "libnss3",
    "libnspr4",
    "libasound2 | libasound2t64",
    "libdrm2",
    "libgbm1",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxkbfile1",
    "libxcomposite1",
    "libxdamage1",
    "libxext6",
    "libxfixes3",
    "libxrandr2",
    "libxrender1",
    "libxtst6",
    "libxshmfence1",
    "libgssapi-krb5-2",
]
DEB_RECOMMENDS = ["gnome-keyring | kwalletmanager", "fonts-dejavu-core"]


def _run(*args: str | Path, **env: str) -> None:
    """Run a command, stopping with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], env={**os.environ, **env}, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def _size(path: Path) -> int:
    """Bytes of the files under ``path``, symlinks counted as links."""
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def bundle() -> Path:
    """Run PyInstaller on packaging/loupe.spec; the one-folder app."""
    lock = (ROOT / "requirements" / "dev.lock").read_bytes()
    # PyInstaller's cache (analysed binaries) lasts as long as the locked versions do.
    # Kept outside the clone, so that CI's fresh clones share it.
    caches = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = caches / "loupe-pyinstaller" / hashlib.sha256(lock).hexdigest()[:12]
    icon = _icons()
    _run(
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        DIST,
        "--workpath",
        WORK,
        ROOT / "packaging" / "loupe.spec",
        PYINSTALLER_CONFIG_DIR=str(cache),
        LOUPE_VERSION=version("loupe"),
        LOUPE_ICON=str(icon) if icon else "",
    )
    _notices(BUNDLE / "THIRD_PARTY_NOTICES.txt")
    return BUNDLE


def _icons() -> Path | None:
    """The icon PyInstaller puts on the executable: .ico on Windows, .icns on macOS."""
    suffix = {"win32": ".ico", "darwin": ".icns"}.get(sys.platform)
    if suffix is None:
        return None
    from PIL import Image

    # In dist/ beside the app: the Windows installer script takes its icon from there.
    icon = DIST / f"loupe{suffix}"
    icon.parent.mkdir(parents=True, exist_ok=True)
    largest = _png(max(ICON_SIZES))
    sizes = [(n, n) for n in ICON_SIZES if n <= 256] if suffix == ".ico" else None
    with Image.open(largest) as image:
        image.save(icon, sizes=sizes) if sizes else image.save(icon)
    return icon


def _png(size: int) -> Path:
    """The app's icon at ``size`` pixels: desktop/assets/loupe-<size>.png, or one drawn here."""
    png = ASSETS / f"loupe-{size}.png"
    if png.exists():
        return png
    from PIL import Image, ImageDraw

    drawn = ROOT / "build" / "icons" / f"loupe-{size}.png"
    if not drawn.exists():
        drawn.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        edge = max(1, size // 12)
        draw.ellipse(
            (size * 0.1, size * 0.1, size * 0.7, size * 0.7),
            outline=(37, 99, 235, 255),
            width=edge,
        )
        draw.line(
            (size * 0.62, size * 0.62, size * 0.9, size * 0.9), fill=(37, 99, 235, 255), width=edge
        )
        image.save(drawn)
    return drawn


def _bundled_distributions() -> list[str]:
    """The installed distributions whose modules PyInstaller put in the bundle, Loupe's aside."""
    modules = (WORK / "loupe" / "bundled-modules.txt").read_text().split()
    owners = packages_distributions()
    names = {dist for module in modules for dist in owners.get(module, [])}
    return sorted(names - {"loupe"}, key=str.lower)


def _notices(out: Path) -> None:
    """Write the licences of what the bundle holds (pip-licenses), and Python's, to ``out``."""
    packages = _bundled_distributions()
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "piplicenses",
            "--from=mixed",
            "--with-urls",
            "--with-license-file",
            "--with-notice-file",
            "--no-license-path",
            "--format=plain-vertical",
            "--packages",
            *packages,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    python_licence = Path(
        sys.base_prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}"
    )
    licence_text = next(
        (
            p.read_text()
            for p in (python_licence / "LICENSE.txt", Path(sys.base_prefix, "LICENSE.txt"))
            if p.exists()
        ),
        "Python Software Foundation License Version 2: https://docs.python.org/3/license.html\n",
    )
    out.write_text(
        f"Loupe {version('loupe')} (Apache-2.0) ships with the components below, each under\n"
        "its own licence, whose text follows its name.\n\n"
        "Qt and PySide6 are used under the GNU Lesser General Public License v3. Their\n"
        "libraries are separate files in this folder (_internal/PySide6/Qt/lib, or\n"
        "Contents/Frameworks in the macOS app), which you may replace with your own build\n"
        "of the same Qt version. Qt's source: https://download.qt.io/official_releases/qt/\n\n"
        f"{listing}\n\nPython {sys.version.split()[0]}\n{licence_text}",
        encoding="utf-8",
    )
    print(f"{out.relative_to(ROOT)}: {len(packages)} components", flush=True)


def tarball(app: Path, name: str) -> Path:
    """The app folder as ``dist/<name>.tar.gz``, with its .desktop file and icon; symlinks kept."""
    out = DIST / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=f"{name}/Loupe")
        tar.add(LINUX / "loupe.desktop", arcname=f"{name}/loupe.desktop")
        tar.add(_png(256), arcname=f"{name}/loupe.png")
    return out


def deb(app: Path, loupe_version: str) -> Path:
    """``dist/loupe_<version>_amd64.deb``: /opt/loupe, /usr/bin/loupe, a menu entry and icons."""
    root = ROOT / "build" / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(app, root / "opt" / "loupe", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "loupe").symlink_to("/opt/loupe/loupe")
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy(LINUX / "loupe.desktop", applications / "loupe.desktop")
    for size in ICON_SIZES:
        icons = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icons.mkdir(parents=True)
        shutil.copy(_png(size), icons / "loupe.png")
    if (ASSETS / "loupe.svg").exists():
        scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
        scalable.mkdir(parents=True)
        shutil.copy(ASSETS / "loupe.svg", scalable / "loupe.svg")
    docs = root / "usr" / "share" / "doc" / "loupe"
    docs.mkdir(parents=True)
    shutil.copy(app / "THIRD_PARTY_NOTICES.txt", docs / "copyright")
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: loupe\n"
        f"Version: {loupe_version}\n"
        "Section: science\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        f"Installed-Size: {_size(root) // 1024}\n"
        f"Depends: {', '.join(DEB_DEPENDS)}\n"
        f"Recommends: {', '.join(DEB_RECOMMENDS)}\n"
        "Maintainer: Loupe maintainers <loupe@users.noreply.github.com>\n"
        "Homepage: https://github.com/loupe-data/loupe\n"
        "Description: local-first data profiler\n"
        " Open any tabular file (CSV, Parquet, Excel, JSON…), see its rows at once\n"
        " and profile it with Polars: types, missing values, distributions, charts.\n"
    )
    # The menu and the icon theme learn of the new files when the tools are there.
    for script in ("postinst", "postrm"):
        path = control / script
        path.write_text(
            "#!/bin/sh\nset -e\n"
            "if command -v update-desktop-database >/dev/null 2>&1; then\n"
            "  update-desktop-database -q /usr/share/applications || true\nfi\n"
            "if command -v gtk-update-icon-cache >/dev/null 2>&1; then\n"
            "  gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true\nfi\n"
        )
        path.chmod(0o755)
    out = DIST / f"loupe_{loupe_version}_amd64.deb"
    # zstd: as small as xz at its fast levels, many times faster to build and install;
    # dpkg reads it since 1.21.18 (Debian 12, Ubuntu 22.04).
    _run("dpkg-deb", "--root-owner-group", "-Zzstd", "-z9", "--threads-max=2", "--build", root, out)
    return out


def _report(app: Path, artefacts: list[Path]) -> None:
    """Print the bundle's size, its largest parts, and each artefact's size."""
    internal = app / "_internal"
    parts = sorted(
        ((_size(p), p) for p in [*internal.iterdir(), *(internal / "PySide6" / "Qt").glob("*")]),
        reverse=True,
    )
    print(f"{app.relative_to(ROOT)}: {_size(app) / MB:.0f} MB unpacked; largest parts:")
    for size, path in parts[:15]:
        print(f"  {size / MB:7.1f} MB  {path.relative_to(app)}")
    for artefact in artefacts:
        print(f"{artefact.relative_to(ROOT)}: {artefact.stat().st_size / MB:.0f} MB")


def main() -> None:
    """Build the app folder, then the Linux tarball and .deb."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle-only", action="store_true", help="build dist/Loupe alone")
    args = parser.parse_args()
    started = time.monotonic()
    app = bundle()
    print(f"bundle built in {time.monotonic() - started:.0f} s", flush=True)
    artefacts: list[Path] = []
    if sys.platform.startswith("linux") and not args.bundle_only:
        loupe_version = version("loupe")
        artefacts.append(tarball(app, f"loupe-{loupe_version}-linux-x86_64"))
        artefacts.append(deb(app, loupe_version))
    _report(app, artefacts)
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
