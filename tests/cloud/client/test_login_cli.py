"""``loupe cloud login|logout`` as a user runs them: a browser sign-in, then a job with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from core.samples import SAMPLE_CSV
from tests.cloud.client.deployment import Deployment
from tests.cloud.client.test_cli import ROOT, environment, loupe


def test_login_in_the_browser_then_profile_then_logout(
    deployment: Deployment, tmp_path: Path
) -> None:
    ring = tmp_path / "keyring.json"
    env = environment(
        PYTHON_KEYRING_BACKEND="tests.cloud.client.file_keyring.FileKeyring",
        LOUPE_TEST_KEYRING=str(ring),
        LOUPE_RUNTIME_DIR=str(tmp_path / "no-servers-here"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.launcher", "cloud", "login", "--no-browser",
         "--endpoint", deployment.url],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )  # fmt: skip
    assert process.stderr is not None and process.stdout is not None
    said = [process.stderr.readline() for _ in range(2)]
    assert said[0] == "open this address in a browser on this machine:\n", said
    url = said[1].strip()
    assert url.startswith(f"{deployment.cognito.url}/oauth2/authorize?")
    # The user signs in: the page sends the browser back to the command's loopback port.
    page = httpx.get(url, follow_redirects=True, trust_env=False, timeout=30)
    assert page.status_code == 200 and "You may close this window" in page.text
    assert process.wait(timeout=60) == 0
    rest = process.stderr.read() + process.stdout.read()
    process.stderr.close()
    process.stdout.close()
    assert f"signed in to {deployment.url}" in rest
    (refresh,) = deployment.cognito.refresh_tokens
    kept = ring.read_text()
    for secret in (refresh, *deployment.cognito.issued):
        assert secret not in rest  # nothing secret printed
    assert all(access not in kept for access in deployment.cognito.issued)

    # The deployment gave this user a key of their own, kept with the sign-in: every
    # request of the job carries it (API Gateway counts the user's quota by it).
    (own,) = deployment.keys.issued.values()
    assert own in kept and own not in rest
    done = loupe("cloud", "profile", str(SAMPLE_CSV), "--endpoint", deployment.url, env=env)
    assert done.returncode == 0, done.stderr
    assert "2,000 rows × 12 columns" in done.stdout
    assert deployment.keys.carried and set(deployment.keys.carried) == {own}
    assert deployment.cognito.grants == ["authorization_code", "refresh_token"]

    out = loupe("cloud", "logout", "--endpoint", deployment.url, env=env)
    assert out.returncode == 0 and f"forgot the sign-in for {deployment.url}" in out.stderr
    assert json.loads(ring.read_text()) == {} and deployment.cognito.revoked == [refresh]
    again = loupe("cloud", "profile", str(SAMPLE_CSV), "--endpoint", deployment.url, env=env)
    assert again.returncode == 2 and "loupe cloud login" in again.stderr


def test_login_to_a_local_server_needs_none(served: Any, tmp_path: Path) -> None:
    env = environment(
        PYTHON_KEYRING_BACKEND="tests.cloud.client.file_keyring.FileKeyring",
        LOUPE_TEST_KEYRING=str(tmp_path / "keyring.json"),
    )
    done = loupe("cloud", "login", "--endpoint", served.url, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"{served.url} is a local server: it needs no login (loupe cloud takes its token "
        "from the server's connection file)\n"
    )
    assert not (tmp_path / "keyring.json").exists()


def test_login_without_a_keyring_is_one_line(deployment: Deployment) -> None:
    env = environment(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = loupe("cloud", "login", "--no-browser", "--endpoint", deployment.url, env=env)
    assert done.returncode == 2
    assert done.stderr == (
        "error: no OS keyring is available on this machine: a sign-in could not outlive "
        "this command\n"
    )


def test_login_from_a_script_fails_at_once_instead_of_waiting(deployment: Deployment) -> None:
    env = environment(
        PYTHON_KEYRING_BACKEND="tests.cloud.client.file_keyring.FileKeyring",
        LOUPE_TEST_KEYRING="/nonexistent/keyring.json",
    )
    done = loupe("cloud", "login", "--endpoint", deployment.url, env=env)  # stdin: not a TTY
    assert done.returncode == 2
    assert done.stderr == (
        "error: not at a terminal: sign in once with `loupe cloud login --no-browser` and open "
        "the address it prints, or pass a token with --token-from-stdin\n"
    )
