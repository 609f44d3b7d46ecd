"""Set up and run Loupe from a fresh clone, with nothing but Python 3.11+.

    python3 tasks.py app    install Loupe in .venv and open the desktop app on the bundled sample
    python3 tasks.py test   install the development tools in .venv and run every check

Installs the exact versions of requirements/*.lock (hash-checked) into a
virtual environment in .venv, once per lock file change. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str | Path, **env: str) -> None:
    """Run a command, stopping with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run(
        [str(a) for a in args], cwd=ROOT, env={**os.environ, **env}, check=False
    )
    if result.returncode != 0:
        sys.exit(result.returncode)


def _install(lock: str) -> None:
    """Create .venv and install ``requirements/<lock>.lock`` and Loupe into it, if not done yet."""
    if not (3, 11) <= sys.version_info[:2] <= (3, 12):
        sys.exit(f"Loupe runs on Python 3.11 or 3.12; this is {sys.version.split()[0]}")
    lock_file = ROOT / "requirements" / f"{lock}.lock"
    stamp = VENV / f".installed-{lock}"
    digest = hashlib.sha256(
        lock_file.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = (PYTHON, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "install", "--quiet", "--require-hashes", "-r", lock_file)
    _run(*pip, "install", "--quiet", "--no-deps", "-e", ".")
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.write_text(digest)


def app(args: list[str]) -> None:
    """Install Loupe and open the desktop app on the bundled sample dataset (or the files given)."""
    _install("app")
    files = args or [str(ROOT / "core" / "samples" / "retail_orders.csv")]
    _run(BIN / "loupe", *files)


def test(args: list[str]) -> None:
    """Install the development tools and run lint, types, import boundaries and the tests."""
    _install("dev")
    sources = ["core", "desktop", "cloud", "tests", "benchmarks", "packaging", "tasks.py"]
    _run(BIN / "ruff", "check", *sources)
    _run(BIN / "mypy")
    _run(BIN / "lint-imports")
    _run(PYTHON, "-m", "pytest", *args)


def main() -> None:
    """Dispatch ``app`` or ``test``."""
    commands = {"app": app, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
