"""tasks.py: the app opens files named from where the user stands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import tasks


def test_app_runs_loupe_from_the_users_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[tuple[Any, ...], Path]] = []
    monkeypatch.setattr(tasks, "_install", lambda lock: None)
    monkeypatch.setattr(
        tasks, "_run", lambda *args, cwd=tasks.ROOT, **env: calls.append((args, cwd))
    )
    (tmp_path / "data.csv").write_text("a\n1\n")
    monkeypatch.chdir(tmp_path)
    tasks.app(["data.csv"])
    ((args, cwd),) = calls
    assert args[-1] == "data.csv" and (cwd / args[-1]).is_file()
