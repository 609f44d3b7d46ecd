"""The Lambda packaging script: its size checks (the build itself needs the package index), and
what each bundle holds of Loupe's own code."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).parents[2] / "packaging" / "lambda.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lambda_packaging", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_sizes_are_measured_and_limits_enforced(tmp_path: Path) -> None:
    packaging = script()
    folder = tmp_path / "api"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "random.bin").write_bytes(os.urandom(3 * 1024**2))  # does not compress
    (folder / "pkg" / "zeros.bin").write_bytes(bytes(5 * 1024**2))  # compresses to nothing
    api = packaging.Bundle("api", folder)
    api.unzipped = packaging.folder_size(folder)
    api.zipped = packaging.make_zip(folder, tmp_path / "api.zip")
    assert api.unzipped == 8 * 1024**2
    assert 3 * 1024**2 < api.zipped < 3.2 * 1024**2
    worker = packaging.Bundle("worker", tmp_path / "worker", unzipped=520 * 1024**2)
    assert packaging.check({"api": api, "worker": worker}) == []

    api.zipped = 51 * 1024**2
    api.unzipped = 251 * 1024**2
    worker.unzipped = 10 * 1024**3
    problems = packaging.check({"api": api, "worker": worker})
    assert len(problems) == 3
    assert "50 MB" in problems[0] and "250 MB" in problems[1] and "10 GB" in problems[2]


# Run in a child interpreter that sees the bundle first, and cannot import what the
# bundle's function does not ship with.
CHILD = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not in this bundle")
sys.meta_path.insert(0, Absent())
import importlib
importlib.import_module(sys.argv[2])
print(sorted(m for m in sys.modules if m.startswith("cloud.")))
"""


def bundle_imports(tmp_path: Path, sources: list[str], blocked: str, module: str) -> str:
    """Copy ``sources`` as the script does, then import ``module`` from them alone."""
    packaging = script()
    packaging.copy_sources(tmp_path, sources)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, blocked, module],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_api_bundle_loads_without_core_or_polars(tmp_path: Path) -> None:
    packaging = script()
    loaded = bundle_imports(
        tmp_path, packaging.API_SOURCES, "core,polars,pyarrow", "cloud.api.handler"
    )
    assert "cloud.api.app" in loaded and "cloud.workers" not in loaded
    assert not (tmp_path / "cloud" / "workers").exists()
    assert not (tmp_path / "cloud" / "client").exists()


def test_the_worker_bundle_loads_without_a_web_framework(tmp_path: Path) -> None:
    packaging = script()
    loaded = bundle_imports(
        tmp_path,
        packaging.WORKER_SOURCES,
        "fastapi,starlette,mangum,uvicorn",
        "cloud.workers.handlers",
    )
    assert "cloud.workers.steps" in loaded and "cloud.api" not in loaded
    assert not (tmp_path / "cloud" / "api").exists()


def test_the_dockerfile_copies_what_the_worker_bundle_holds() -> None:
    dockerfile = (SCRIPT.parent / "lambda" / "Dockerfile").read_text()
    copied = []
    for line in dockerfile.splitlines():
        if line.startswith("COPY ") and "worker.lock" not in line:
            copied += line.split()[1:-1]
    assert sorted(copied) == sorted(script().WORKER_SOURCES)
