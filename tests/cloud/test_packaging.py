"""The Lambda packaging script's size checks (the build itself needs the package index)."""

from __future__ import annotations

import importlib.util
import os
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
