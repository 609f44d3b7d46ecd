"""Telling a saved profile from a data file, and loading it as a side of a comparison."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import ProfileError
from core.profiling.document import Profile
from core.profiling.profile import load_profile

__all__ = ["is_saved_profile", "load_saved_profile"]

_PEEK = 4096


def is_saved_profile(path: str | Path) -> bool:
    """Whether ``path`` is a profile written by ``loupe profile --json`` (not a data file).

    A ``.json`` file holding one JSON object with ``schema_version`` and either
    ``state`` or ``dataset`` and ``columns`` is a profile (one without its state is
    refused when loaded, rather than read as data); arrays, JSON lines and other
    objects are data. A file that
    cannot be opened is not a profile (reading it as data then names the problem).
    """
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            start = file.read(_PEEK).lstrip()
    except OSError:
        return False
    if not start.startswith(b"{"):
        return False
    first, newline, _ = start.partition(b"\n")
    if newline:
        try:
            # A whole object on the first line: JSON lines, unless it is a profile itself.
            return _is_profile(json.loads(first))
        except ValueError:
            pass  # an object over several lines, as `loupe profile --json` writes them
    try:
        return _is_profile(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return False


def _is_profile(document: object) -> bool:
    """Whether a JSON document is a profile (with its mergeable state or not)."""
    if not isinstance(document, dict) or "schema_version" not in document:
        return False
    return "state" in document or {"dataset", "columns"} <= set(document)


def load_saved_profile(path: str | Path) -> Profile:
    """Load a saved profile to compare.

    Raises:
        ProfileError: unreadable, of an unsupported schema version, or without state.
    """
    profile = load_profile(path)
    if not profile.get("state"):
        raise ProfileError(f"{path}: the profile has no mergeable state (profile the file again)")
    return profile
