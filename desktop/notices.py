"""The third-party components Loupe ships with, and their licences.

The installed app carries ``THIRD_PARTY_NOTICES.txt`` beside its executable,
written when the bundle is built; from source the same list is read from the
metadata of the distributions Loupe depends on in this environment. Qt-free.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

from desktop.identity import APP_ID, app_folder

__all__ = [
    "NOTICES_FILE",
    "QT_NOTICE",
    "Component",
    "installed_components",
    "licence_of",
    "notices_path",
    "notices_text",
]

NOTICES_FILE = "THIRD_PARTY_NOTICES.txt"

QT_NOTICE = (
    "Qt and PySide6 (Qt for Python) are used under the GNU Lesser General Public License "
    "v3 (LGPLv3). They are separate libraries in the app's folder, not built into Loupe: "
    "you may replace them with your own compatible build. Their sources: "
    "https://code.qt.io/cgit/qt/ and https://code.qt.io/cgit/pyside/pyside-setup.git/ ; "
    "the licence: https://www.gnu.org/licenses/lgpl-3.0.html"
)

# The distribution name at the start of a requirement ("pyjwt[crypto]>=2.15; ...").
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# A License field longer than this is the licence's full text, not its name.
_SHORT = 80


@dataclass(frozen=True)
class Component:
    """An installed distribution: its name, version and licence."""

    name: str
    version: str
    licence: str


def _field(metadata: importlib.metadata.PackageMetadata, name: str) -> str:
    """A metadata field's value ("" when absent)."""
    values = metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def licence_of(metadata: importlib.metadata.PackageMetadata) -> str:
    """The licence a distribution declares: its SPDX expression, its License field or classifier."""
    expression = _field(metadata, "License-Expression")
    if expression:
        return expression
    field = _field(metadata, "License")
    if field and "\n" not in field and len(field) <= _SHORT and field.upper() != "UNKNOWN":
        return field
    classifiers = [
        c.split("::")[-1].strip()
        for c in metadata.get_all("Classifier") or []
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    if classifiers:
        return " / ".join(classifiers)
    return "see the package's own licence file"


def _runtime_requirements(name: str) -> list[str]:
    """The names of what ``name`` needs to run (its extras left out)."""
    try:
        requirements = importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in requirements:
        if "extra ==" in requirement.replace("extra==", "extra =="):
            continue
        match = _NAME.match(requirement)
        if match:
            names.append(match.group(1))
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_components(root: str = APP_ID) -> list[Component]:
    """Every installed distribution ``root`` depends on at run time, however indirectly.

    Requirements that are not installed here (another platform's, say) are left out.
    """
    seen: dict[str, Component] = {}
    pending = _runtime_requirements(root)
    while pending:
        name = pending.pop()
        if _key(name) in seen or _key(name) == _key(root):
            continue
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        metadata = distribution.metadata
        seen[_key(name)] = Component(
            str(metadata["Name"]), distribution.version, licence_of(metadata)
        )
        pending += _runtime_requirements(name)
    return sorted(seen.values(), key=lambda c: c.name.lower())


def notices_path() -> Path | None:
    """Where the installed app keeps its notices; None when running from source."""
    folder = app_folder()
    return folder / NOTICES_FILE if folder is not None else None


def notices_text() -> str:
    """The third-party notices to show: the bundle's file, or a list made from this environment."""
    path = notices_path()
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return (
                f"The notices file {path} cannot be read ({reason}); reinstall Loupe to restore it."
            )
    components = installed_components()
    width = max((len(c.name) + len(c.version) for c in components), default=0) + 2
    lines = [
        "Running from source: the components installed in this environment that Loupe uses.",
        "(The installed app lists them in " + NOTICES_FILE + " beside its executable.)",
        "",
    ]
    lines += [f"{(c.name + ' ' + c.version).ljust(width)} {c.licence}" for c in components]
    return "\n".join(lines)
