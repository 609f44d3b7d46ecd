"""How the desktop app and ``loupe cloud`` find a ``loupe serve`` running on this machine."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cloud.client.connection import (
    find_connections,
    remove_connection,
    runtime_dir,
    write_connection,
)
from cloud.client.credential_store import CredentialStore
from cloud.client.credentials import default_endpoint, token_provider
from tests.cloud.client.file_keyring import FileKeyring


def access_token(endpoint: str) -> str:
    """The token ``loupe cloud`` would send to ``endpoint`` (none kept in a keyring)."""
    return token_provider(endpoint, CredentialStore(FileKeyring()))()


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run" / "loupe"
    monkeypatch.setenv("LOUPE_RUNTIME_DIR", str(folder))
    for name in ("LOUPE_ENDPOINT", "LOUPE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_a_connection_is_written_for_the_user_alone_and_found(runtime: Path) -> None:
    path = write_connection("http://127.0.0.1:5555", "tok.en.x")
    assert runtime_dir() == runtime and path.parent == runtime
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in runtime.iterdir()] == [path.name]  # nothing half-written left
    (found,) = find_connections()
    assert (found.url, found.token, found.pid) == ("http://127.0.0.1:5555", "tok.en.x", os.getpid())
    assert default_endpoint("http://127.0.0.1:8765") == "http://127.0.0.1:5555"
    assert access_token("http://127.0.0.1:5555/") == "tok.en.x"
    remove_connection(path)
    remove_connection(path)  # twice: nothing to do
    assert find_connections() == []
    assert default_endpoint("http://127.0.0.1:8765") == "http://127.0.0.1:8765"


def test_ended_damaged_and_foreign_files_are_passed_over(runtime: Path) -> None:
    mine = write_connection("http://127.0.0.1:1", "mine")
    ended = {"url": "http://127.0.0.1:2", "token": "old", "pid": _dead_pid(), "started": 9e9}
    (runtime / "serve-1.json").write_text(json.dumps(ended))
    (runtime / "serve-2.json").write_text("{not json")
    (runtime / "serve-3.json").write_text(json.dumps({"url": "http://x"}))
    assert [c.path for c in find_connections()] == [mine]
    # Newest first.
    newer = {"url": "http://127.0.0.1:3", "token": "new", "pid": os.getpid(), "started": 9e9}
    (runtime / "serve-4.json").write_text(json.dumps(newer))
    # Readable by others: not trusted.
    assert [c.path for c in find_connections()] == [mine]
    (runtime / "serve-4.json").chmod(0o600)
    assert [c.token for c in find_connections()] == ["new", "mine"]
    # A link is not followed, even to a private file of the user's.
    (runtime / "serve-4.json").rename(runtime.parent / "elsewhere.json")
    (runtime / "serve-4.json").symlink_to(runtime.parent / "elsewhere.json")
    assert [c.token for c in find_connections()] == ["mine"]
    assert "mine" not in repr(find_connections()[0])  # the token is never shown
    # A folder others may write to could hold a planted token: none is trusted or written.
    runtime.chmod(0o777)
    assert find_connections() == []
    with pytest.raises(PermissionError, match="others may write here"):
        write_connection("http://127.0.0.1:1", "mine")


def test_the_environment_wins_over_a_connection(
    runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_connection("http://127.0.0.1:5555", "from-file")
    monkeypatch.setenv("LOUPE_ENDPOINT", "https://api.example.org")
    monkeypatch.setenv("LOUPE_API_TOKEN", "from-env")
    assert default_endpoint("http://127.0.0.1:8765") == "https://api.example.org"
    assert access_token("http://127.0.0.1:5555") == "from-env"
