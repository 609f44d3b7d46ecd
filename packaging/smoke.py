"""Smoke-test a built or installed Loupe: ``loupe --smoke`` in a clean environment.

    python packaging/smoke.py dist/Loupe/loupe
    python packaging/smoke.py /usr/bin/loupe --timeout 180

Runs the executable with ``--smoke`` (it opens the bundled sample, profiles it, draws
a Plotly chart in the web view and loads the keyring backend) from an empty temporary
folder outside the source tree, with a fresh empty home, and with only the variables
a desktop session must have: on Linux and macOS ``DISPLAY`` (and ``XAUTHORITY``, the
key to the display, when set, as xvfb-run does), ``HOME`` and ``PATH=/usr/bin:/bin``,
like ``env -i``, so no Python, virtual environment or source
folder of this machine can stand in for what the bundle lacks. On Windows the few
variables Windows itself needs (``SYSTEMROOT``, ``TEMP``…) stay too.

Fails (exit 1) when the app exits non-zero, does not print ``smoke: ok``, takes
longer than ``--timeout`` seconds, or writes a line to stderr that no pattern of
packaging/stderr-allowlist.txt matches (each there says why it is harmless).
Standard library only, so it runs with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALLOWLIST = Path(__file__).resolve().with_name("stderr-allowlist.txt")
# What Windows needs to start a process and find its own folders.
WINDOWS_KEEP = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT")


def allowed_patterns(path: Path = ALLOWLIST) -> list[re.Pattern[str]]:
    """The allow-list's patterns: one regex a line; ``#`` lines and blank lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


def unexpected(stderr: str, patterns: list[re.Pattern[str]]) -> list[str]:
    """The stderr lines no pattern matches (searched anywhere in the line)."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(p.search(line) for p in patterns)
    ]


def clean_environment(home: Path) -> dict[str, str]:
    """The environment the app runs in: a desktop session's bare minimum, with ``home``."""
    if sys.platform == "win32":
        env = {k: os.environ[k] for k in WINDOWS_KEEP if k in os.environ}
        system = Path(env.get("SYSTEMROOT", r"C:\Windows"))
        env.update(
            PATH=f"{system / 'System32'};{system}",
            USERPROFILE=str(home),
            APPDATA=str(home / "AppData" / "Roaming"),
            LOCALAPPDATA=str(home / "AppData" / "Local"),
            TEMP=str(home / "Temp"),
            TMP=str(home / "Temp"),
        )
        for folder in ("APPDATA", "LOCALAPPDATA", "TEMP"):
            Path(env[folder]).mkdir(parents=True, exist_ok=True)
        return env
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    # The X display, and the key to it when it has one (xvfb-run's).
    env.update({k: os.environ[k] for k in ("DISPLAY", "XAUTHORITY") if k in os.environ})
    return env


def smoke(executable: Path, timeout: float) -> int:
    """Run ``executable --smoke`` cleanly; 0 when it passed, 1 (saying why) when not."""
    patterns = allowed_patterns()
    with tempfile.TemporaryDirectory(prefix="loupe-smoke-") as temp:
        folder, home = Path(temp, "cwd"), Path(temp, "home")
        folder.mkdir()
        home.mkdir()
        env = clean_environment(home)
        print(f"smoke-test: {executable} --smoke (in {folder}, env {sorted(env)})", flush=True)
        started = time.monotonic()
        try:
            result = subprocess.run(
                [str(executable), "--smoke"],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            print(f"smoke-test FAILED: no answer in {timeout:.0f} s", file=sys.stderr)
            for stream in (exc.stdout, exc.stderr):
                if stream:
                    text = stream if isinstance(stream, str) else stream.decode(errors="replace")
                    print(text, file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"smoke-test FAILED: {executable} could not start: {exc}", file=sys.stderr)
            return 1
    elapsed = time.monotonic() - started
    print(result.stdout, end="", flush=True)
    failures = []
    if result.returncode != 0:
        failures.append(f"exit code {result.returncode}")
    if not re.search(r"^smoke: ok\b", result.stdout, re.MULTILINE):
        failures.append("no 'smoke: ok' line on stdout")
    stray = unexpected(result.stderr, patterns)
    if stray:
        failures.append(f"{len(stray)} stderr line(s) not on {ALLOWLIST.name}")
    if result.stderr.strip():
        print("stderr:\n" + result.stderr, file=sys.stderr, end="")
    if failures:
        for line in stray:
            print(f"  unexpected: {line}", file=sys.stderr)
        print(f"smoke-test FAILED after {elapsed:.1f} s: {'; '.join(failures)}", file=sys.stderr)
        return 1
    print(f"smoke-test passed in {elapsed:.1f} s", flush=True)
    return 0


def main() -> None:
    """Parse the arguments and run the smoke test."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("executable", type=Path, help="the app's executable, e.g. dist/Loupe/loupe")
    parser.add_argument("--timeout", type=float, default=240, help="seconds (default 240)")
    args = parser.parse_args()
    executable = args.executable
    if not executable.is_absolute():
        # A bare name is looked for on PATH (/usr/bin/loupe after installing the .deb).
        found = shutil.which(executable) if executable.parent == Path() else None
        executable = Path(found) if found else executable.resolve()
    if not executable.exists():
        sys.exit(f"smoke-test: {executable} does not exist")
    sys.exit(smoke(executable, args.timeout))


if __name__ == "__main__":
    main()
