"""Build the Lambda artifacts for python3.12 on x86_64 and check them against Lambda's limits.

    python3 packaging/lambda.py            # build both, check sizes, smoke-test them
    python3 packaging/lambda.py --no-smoke

* ``build/lambda/api/`` and ``build/lambda/api.zip``: the API function (the
  template's CodeUri): ``cloud.api`` and what it shares, without core. Must fit
  a zip: 50 MB zipped for a direct upload, 250 MB unzipped.
* ``build/lambda/worker/``: what the workers' container image adds to the
  base image (``packaging/lambda/Dockerfile``): core and ``cloud.workers``.
  Polars and pyarrow make it far larger than a zip may be, which is why the
  workers are an image (limit 10 GB uncompressed).

Wheels are the manylinux x86_64 CPython 3.12 builds pinned with hashes in
``packaging/lambda/*.lock``. With a Python 3.12 on this machine, each bundle is
then imported by an isolated interpreter that sees only the bundle and the
standard library: the API answers a health request through Mangum, and the
worker profiles a small CSV. Exits 1 when a limit is exceeded or a smoke test fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "packaging" / "lambda"
MB = 1024**2
ZIP_UPLOAD_LIMIT = 50 * MB
UNZIPPED_LIMIT = 250 * MB
IMAGE_LIMIT = 10 * 1024 * MB
# What the Lambda Python 3.12 base image itself weighs, uncompressed (about).
BASE_IMAGE = 600 * MB

# Loupe's own sources in each bundle (the Dockerfile copies the worker's likewise).
API_SOURCES = ["cloud/__init__.py", "cloud/errors.py", "cloud/shared", "cloud/api"]
WORKER_SOURCES = [
    "core",
    "cloud/__init__.py",
    "cloud/errors.py",
    "cloud/shared",
    "cloud/insights",
    "cloud/workers",
]

SMOKE_API = """
import json, os
os.environ.update(
    LOUPE_BUCKET="smoke", LOUPE_USER_POOL_ID="us-east-1_smoke", LOUPE_USER_POOL_CLIENT_ID="smoke",
    LOUPE_STATE_MACHINE_ARN="arn:aws:states:us-east-1:1:stateMachine:smoke",
    AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
)
from cloud.api import handler
class Context:
    function_name = "smoke"; memory_limit_in_mb = 1024; aws_request_id = "1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:1:function:smoke"
event = {"resource": "/v1/health", "path": "/v1/health", "httpMethod": "GET",
    "headers": {"Host": "smoke"}, "multiValueHeaders": {}, "queryStringParameters": None,
    "multiValueQueryStringParameters": None, "requestContext": {"stage": "prod"},
    "body": None, "isBase64Encoded": False}
answer = handler.api(event, Context())
assert answer["statusCode"] == 200 and json.loads(answer["body"]) == {"status": "ok"}, answer
print("api: health 200 through Mangum")
"""

SMOKE_WORKER = """
import pathlib, tempfile
from cloud.workers import handlers  # every step's module loads
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
folder = pathlib.Path(tempfile.mkdtemp())
(folder / "t.csv").write_text("a,b,when\\n1,x,2024-01-02\\n2,y,2024-02-03\\n3,,2024-03-04\\n")
with open_table(folder / "t.csv") as table:
    profile = profile_table(table, ProfileConfig()).profile
assert profile["dataset"]["rows"] == 3 and profile["columns"][1]["missing"] == 1, profile["dataset"]
print("worker: profiled", profile["dataset"]["rows"], "rows,", len(profile["columns"]), "columns")
"""


@dataclass
class Bundle:
    """One built artifact and its measured sizes."""

    name: str
    folder: Path
    unzipped: int = 0
    zipped: int = 0


def install(lock: Path, target: Path, python: str) -> None:
    """Install the locked manylinux x86_64 CPython 3.12 wheels into ``target``."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--target",
            str(target),
            "--require-hashes",
            "-r",
            str(lock),
            "--platform",
            "manylinux_2_28_x86_64",
            "--platform",
            "manylinux2014_x86_64",
            "--implementation",
            "cp",
            "--python-version",
            "3.12",
            "--only-binary=:all:",
        ],
        check=True,
    )


def copy_sources(target: Path, sources: list[str]) -> None:
    """Copy Loupe's own packages and modules (no caches, no tests) into ``target``."""
    for source in sources:
        destination = target / source
        destination.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / source).is_file():
            shutil.copy2(ROOT / source, destination)
            continue
        shutil.copytree(
            ROOT / source,
            destination,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "template.yaml"),
        )


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def make_zip(folder: Path, archive: Path) -> int:
    """Zip ``folder`` (deterministic order) and return the archive's size."""
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder))
    return archive.stat().st_size


def check(bundles: dict[str, Bundle]) -> list[str]:
    """The limits each bundle breaks (empty when all fit)."""
    problems = []
    api, worker = bundles["api"], bundles["worker"]
    if api.zipped > ZIP_UPLOAD_LIMIT:
        problems.append(f"api.zip is {api.zipped / MB:.1f} MB, over the 50 MB upload limit")
    if api.unzipped > UNZIPPED_LIMIT:
        problems.append(f"the API bundle is {api.unzipped / MB:.1f} MB unzipped, over 250 MB")
    if worker.unzipped + BASE_IMAGE > IMAGE_LIMIT:
        problems.append(f"the worker image would be over 10 GB ({worker.unzipped / MB:.0f} MB)")
    return problems


def smoke(folder: Path, script: str, python: str) -> bool:
    """Run ``script`` in a Python 3.12 that sees only ``folder`` and the stdlib (no site)."""
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "PYTHONPATH": str(folder)}
        done = subprocess.run(
            [python, "-S", "-s", "-c", script], env=env, cwd=home, capture_output=True, text=True
        )
    print(("  " + done.stdout.strip()) if done.returncode == 0 else done.stderr[-2000:])
    return done.returncode == 0


def find_python312() -> str | None:
    """A working Python 3.12 interpreter on this machine, if there is one."""
    candidates = [shutil.which("python3.12")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lambda")
    parser.add_argument("--no-smoke", action="store_true", help="skip the import smoke tests")
    parser.add_argument("--json", action="store_true", help="print the sizes as JSON")
    args = parser.parse_args()

    bundles = {
        "api": Bundle("api", args.out / "api"),
        "worker": Bundle("worker", args.out / "worker"),
    }
    # pip run by a 3.12 checks "Requires-Python" against 3.12, as Lambda's runtime would.
    python = find_python312()
    installer = python or sys.executable
    install(LOCKS / "api.lock", bundles["api"].folder, installer)
    copy_sources(bundles["api"].folder, API_SOURCES)
    install(LOCKS / "worker.lock", bundles["worker"].folder, installer)
    copy_sources(bundles["worker"].folder, WORKER_SOURCES)
    for bundle in bundles.values():
        bundle.unzipped = folder_size(bundle.folder)
        bundle.zipped = make_zip(bundle.folder, args.out / f"{bundle.name}.zip")

    rows = [
        ("api (zip)", bundles["api"], "50 MB zipped / 250 MB unzipped"),
        ("worker (image layer)", bundles["worker"], "10 GB image; a zip could not hold it"),
    ]
    for label, bundle, limit in rows:
        print(
            f"{label:22} {bundle.unzipped / MB:8.1f} MB unzipped  "
            f"{bundle.zipped / MB:7.1f} MB zipped   limit: {limit}"
        )
    if args.json:
        print(
            json.dumps(
                {b.name: {"unzipped": b.unzipped, "zipped": b.zipped} for b in bundles.values()}
            )
        )
    problems = check(bundles)
    for problem in problems:
        print("too big:", problem, file=sys.stderr)

    ok = not problems
    if not args.no_smoke:
        if python is None:
            print("no python3.12 here: smoke tests skipped", file=sys.stderr)
        else:
            ok = smoke(bundles["api"].folder, SMOKE_API, python) and ok
            ok = smoke(bundles["worker"].folder, SMOKE_WORKER, python) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
