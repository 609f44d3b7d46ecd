"""Profiles kept on disk: an unchanged file's last profile comes back at once, else a miss."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.profiling.config import ProfileConfig, Thresholds
from core.profiling.profile import dumps
from core.read.options import ReadOptions
from desktop.models import session as session_module
from desktop.models.profile_cache import ProfileCache, default_folder
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner


@pytest.fixture
def cache(tmp_path: Path) -> ProfileCache:
    return ProfileCache(tmp_path / "cache")


def profiled(path: Path, cache: ProfileCache, options: ReadOptions | None = None) -> DatasetSession:
    """A session that read ``path`` and profiled it (keeping the profile in ``cache``)."""
    session = DatasetSession(path, InlineRunner(), options, cache=cache)
    session.start_loading()
    if session.profile is None:
        session.start_profile()
    return session


def test_the_cache_round_trips_the_profile_document(orders_csv: Path, cache: ProfileCache) -> None:
    first = profiled(orders_csv, cache)
    assert first.profile is not None and first.cached_at is None
    found = cache.get(orders_csv, ReadOptions(), ProfileConfig())
    assert found is not None and found.profile == first.profile
    assert dumps(found.profile) == dumps(first.profile) and found.seconds == first.profile_seconds
    assert {type(a["severity"]) for a in found.profile["alerts"]} <= {
        type(a["severity"]) for a in first.profile["alerts"]
    }
    # The profile's document only: no row of the file is in the cache.
    kept = "".join(p.read_text() for p in cache.folder.iterdir())
    assert "Lille,20,web" not in kept


def test_reopening_an_unchanged_file_shows_its_profile_without_profiling(
    orders_csv: Path, cache: ProfileCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = profiled(orders_csv, cache)

    def no_profiling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("profiled again")

    monkeypatch.setattr(session_module, "profile_table", no_profiling)
    again = DatasetSession(orders_csv, InlineRunner(), cache=cache)
    again.start_loading()
    assert again.profile == first.profile and again.cached_at is not None
    when = again.cached_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert again.status.startswith(f"orders.csv: profile from the cache, made {when} (")
    assert again.error is None


def test_a_touched_file_or_other_options_miss(orders_csv: Path, cache: ProfileCache) -> None:
    profiled(orders_csv, cache)
    options, config = ReadOptions(), ProfileConfig()
    assert cache.get(orders_csv, options, config) is not None
    assert cache.get(orders_csv, replace(options, na=("Lyon",)), config) is None
    assert cache.get(orders_csv, replace(options, types={"amount": "str"}), config) is None
    stricter = ProfileConfig(thresholds=Thresholds(missing=0.5))
    assert cache.get(orders_csv, options, stricter) is None
    stat = orders_csv.stat()
    os.utime(orders_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cache.get(orders_csv, options, config) is None
    again = DatasetSession(orders_csv, InlineRunner(), cache=cache)
    again.start_loading()
    assert again.profile is None and again.cached_at is None


def test_clearing_and_the_size_cap(orders_csv: Path, tmp_path: Path) -> None:
    cache = ProfileCache(tmp_path / "cache")
    assert cache.size() == 0
    profiled(orders_csv, cache)
    one = cache.size()
    assert one > 0
    other = tmp_path / "other.csv"
    other.write_bytes(orders_csv.read_bytes())
    (entry,) = cache.folder.iterdir()
    os.utime(entry, (1_000_000, 1_000_000))  # used long ago
    small = ProfileCache(cache.folder, limit=one + one // 2)
    profiled(other, small)
    # Over the cap: the entry used least recently went.
    assert cache.get(orders_csv, ReadOptions(), ProfileConfig()) is None
    assert cache.get(other, ReadOptions(), ProfileConfig()) is not None
    cache.clear()
    assert cache.size() == 0 and cache.get(other, ReadOptions(), ProfileConfig()) is None


def test_an_unwritable_cache_folder_changes_nothing(orders_csv: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    session = profiled(orders_csv, ProfileCache(blocked / "profiles"))
    assert session.profile is not None and session.error is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_the_cache_lives_in_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOUPE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder().is_relative_to(tmp_path / "xdg")
    monkeypatch.setenv("LOUPE_CACHE_DIR", str(tmp_path / "given"))
    assert default_folder() == tmp_path / "given" / "profiles"
