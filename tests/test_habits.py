"""Development habits: every lock file has a recipe; pre-commit runs the checks CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402


def test_every_lock_file_has_a_recipe() -> None:
    locks = {
        str(p.relative_to(ROOT))
        for p in [*ROOT.glob("requirements/*.lock"), *ROOT.glob("packaging/**/*.lock")]
    }
    # The corpus lock pins data files, not dependencies: written by hand.
    assert {out for out, _, _ in tasks.LOCKS} == locks - {"requirements/corpus.lock"}
    for out, source, _ in tasks.LOCKS:
        assert (ROOT / source).is_file(), source
        assert (ROOT / out).read_text().strip(), out


def test_the_test_command_and_pre_commit_run_the_same_checks() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    source = Path(tasks.__file__).read_text()
    test_body = source[
        source.index("def test(") : source.index("def ", source.index("def test(") + 1)
    ]
    checks = {
        "ruff check": '"ruff", "check"',
        "ruff format --check": '"ruff", "format", "--check"',
        "mypy": '"mypy"',
        "lint-imports": '"lint-imports"',
        "pytest": '"pytest"',
    }
    for tool, call in checks.items():
        assert call in test_body, f"the test command no longer runs {tool}"
        assert any(re.search(rf"\b{re.escape(tool)}\b", e) for e in entries), tool


def _pre_commit(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    """Run one pre-commit hook on files of a scratch repository."""
    return subprocess.run(
        [str(VENV / "bin" / "pre-commit"), "run", hook, "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A git repository with Loupe's pre-commit config, its ruff settings and the venv."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / ".venv").symlink_to(VENV)
    return tmp_path


def test_pre_commit_refuses_what_ci_refuses(scratch_repo: Path) -> None:
    (scratch_repo / "clean.py").write_text('"""Clean."""\n\nfrom __future__ import annotations\n')
    (scratch_repo / "unused.py").write_text("import os\n")
    (scratch_repo / "ragged.py").write_text("x = [1,2,\n  3]\n")
    assert _pre_commit(scratch_repo, "ruff-check", "clean.py").returncode == 0
    assert _pre_commit(scratch_repo, "ruff-format", "clean.py").returncode == 0
    unused = _pre_commit(scratch_repo, "ruff-check", "unused.py")
    assert unused.returncode == 1 and "F401" in unused.stdout
    ragged = _pre_commit(scratch_repo, "ruff-format", "ragged.py")
    assert ragged.returncode == 1 and "ragged.py" in ragged.stdout
    # A check never rewrites the file it judges.
    assert (scratch_repo / "ragged.py").read_text() == "x = [1,2,\n  3]\n"


def _pins(lock: str) -> set[tuple[str, str]]:
    """Each package a lock file pins, with its version (some pin two, one per Python)."""
    lines = (ROOT / lock).read_text().splitlines()
    return {
        m.groups() for m in (re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", x) for x in lines) if m
    }


def test_users_get_the_versions_the_tests_ran() -> None:
    dev = _pins("requirements/dev.lock")
    for lock in ("requirements/app.lock", "requirements/bench.lock"):
        pins = _pins(lock)
        assert len(pins) > 20, lock
        assert pins - dev == set(), lock
