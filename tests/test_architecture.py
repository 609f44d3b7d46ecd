"""The package boundaries, held by import-linter: read by a newcomer, enforced by CI.

Each contract in ``pyproject.toml`` is shown to hold on the tree, and to fail on a
copy of the tree with one deliberate violation of it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("core", "desktop", "cloud", "loupe")

# (module file, the import that breaks a boundary, a phrase of the contract that catches it)
VIOLATIONS = [
    ("core/read/formats.py", "import core.present.report", "core is a stack"),
    ("core/read/table.py", "import core.profiling.engine", "core is a stack"),
    ("core/profiling/profile.py", "import core.present.charts", "core is a stack"),
    ("core/present/report.py", "import core.cli", "core is a stack"),
    ("core/profiling/profile.py", "import core.compare", "core is a stack"),
    ("core/compare/compare.py", "import core.present.summary", "core is a stack"),
    ("core/errors.py", "import core.read.table", "core is a stack"),
    ("core/present/notebook.py", "import core.api.profile", "core is a stack"),
    ("core/cli/profile.py", "import core.api", "core is a stack"),
    ("core/profiling/engine.py", "import loupe", "core knows nothing"),
    ("loupe/__init__.py", "import desktop.launcher", "the loupe package only names"),
    ("loupe/__init__.py", "import boto3", "the loupe package only names"),
    ("core/read/infer/kinds.py", "import core.read.table", "reading is a stack"),
    ("core/read/readers/base.py", "import core.read.table", "reading is a stack"),
    ("core/read/planner.py", "import core.read.readers", "reading is a stack"),
    ("core/read/plan.py", "import core.read.planner", "reading is a stack"),
    ("core/read/readers/delimited.py", "import core.read.batches", "reading is a stack"),
    ("core/profiling/profile.py", "import PySide6", "core knows nothing"),
    ("core/read/table.py", "import cloud", "core knows nothing"),
    ("core/present/charts.py", "import boto3", "core knows nothing"),
    ("cloud/client/cloud_client.py", "import desktop", "cloud never imports Qt"),
    ("cloud/api/app.py", "import PySide6", "cloud never imports Qt"),
    ("cloud/shared/keys.py", "import cloud.api", "cloud is layered"),
    ("cloud/api/app.py", "import cloud.workers.steps", "cloud is layered"),
    ("cloud/errors.py", "import cloud.shared.keys", "cloud is layered"),
    ("cloud/api/jobs.py", "import core.read.table", "the API's zip holds no core"),
    ("cloud/shared/storage.py", "import polars", "the API's zip holds no core"),
    (
        "cloud/client/cloud_client.py",
        "import cloud.shared.keys",
        "the client runs without the backend",
    ),
    ("cloud/client/commands.py", "import boto3", "the client runs without the backend"),
    ("cloud/workers/planning.py", "import fastapi", "the workers' image holds no web framework"),
    ("cloud/insights/nemotron.py", "import boto3", "insights run on the desktop too"),
    ("cloud/insights/prompt.py", "import cloud.workers", "cloud is layered"),
    ("cloud/api/app.py", "import cloud.insights", "the API's zip holds no core"),
    ("desktop/models/session.py", "import PySide6", "the desktop's models never import Qt"),
    ("desktop/models/tasks.py", "import shiboken6", "the desktop's models never import Qt"),
    ("desktop/models/cloud.py", "import cloud.local", "the desktop reaches the cloud"),
    ("desktop/qt_main_window.py", "import cloud.api", "the desktop reaches the cloud"),
    ("desktop/models/cloud_job.py", "import cloud.shared.storage", "the desktop reaches the cloud"),
    ("desktop/qt_cloud_pane.py", "import cloud.workers", "the desktop reaches the cloud"),
]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter in ``cwd`` (it reads the contracts from pyproject.toml there)."""
    return subprocess.run([str(LINT)], cwd=cwd, capture_output=True, text=True, check=False)


def test_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    count = len(contracts["contracts"])
    assert f"Contracts: {count} kept, 0 broken" in result.stdout
    # Every contract is shown failing below.
    names = {" ".join(c["name"].split()) for c in contracts["contracts"]}
    assert {n for n in names if not any(n.startswith(v[2]) for v in VIOLATIONS)} == set()


@pytest.mark.parametrize(("module", "line", "contract"), VIOLATIONS)
def test_a_deliberate_violation_fails(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert (tmp_path / module).is_file(), f"{module} does not exist"
    with (tmp_path / module).open("a") as f:
        f.write(f"\n{line}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in " ".join(broken.split()), result.stdout
    assert module.removesuffix(".py").removesuffix("/__init__").replace("/", ".") in broken


def test_core_runs_without_qt_or_aws() -> None:
    code = (
        "import sys, core, core.cli, core.read.convert\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'boto3', 'botocore', 'desktop', 'cloud')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_reading_and_profiling_do_not_load_pyarrow_until_a_table_is_mapped() -> None:
    """pyarrow takes a tenth of a second to import: the command lines do not pay it."""
    code = (
        "import sys, core.read.table, core.profiling.engine, core.cli\n"
        "assert 'pyarrow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
