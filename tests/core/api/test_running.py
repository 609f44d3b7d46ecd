"""Ctrl-C stops profiling cleanly; importing loupe loads neither pandas, Qt nor AWS."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.api.running import run_interruptible
from core.errors import Cancelled

ROOT = Path(__file__).resolve().parents[3]


def test_import_loupe_loads_no_pandas_qt_or_aws() -> None:
    code = (
        "import sys, loupe\n"
        "heavy = ('pandas', 'PySide6', 'shiboken6', 'boto3', 'botocore', 'pyarrow', 'duckdb',"
        " 'desktop', 'cloud')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
        "print(loupe.__version__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded, version = result.stdout.splitlines()
    assert loaded == "[]"
    assert version and version != "unknown"


def test_the_cancel_callable_stops_the_work_and_the_interrupt_is_raised_again() -> None:
    polled = threading.Event()
    stopped = threading.Event()

    def work(report: object, cancel: object) -> None:
        assert callable(cancel)
        while not cancel():
            polled.set()
            time.sleep(0.01)
        stopped.set()
        raise Cancelled("profiling cancelled")

    def interrupt() -> None:
        polled.wait(30)
        import _thread

        _thread.interrupt_main()

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        run_interruptible(work, progress=False, description="test")
    assert stopped.is_set()
    assert not [t for t in threading.enumerate() if t.name == "loupe-work"]


def test_errors_of_the_work_reach_the_caller() -> None:
    def work(report: object, cancel: object) -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        run_interruptible(work, progress=True, description="test")


CHILD = """
import sys, threading
import numpy as np, polars as pl
import loupe
rng = np.random.default_rng(1)
rows = 4_000_000
frame = pl.DataFrame({f"x{i}": rng.normal(size=rows) for i in range(6)}).with_columns(
    pl.col("x0").cast(pl.String).alias("text")
)
print("ready", flush=True)
try:
    loupe.profile(frame, engine="streaming", config={"chunk_rows": 50_000}, progress=False)
except KeyboardInterrupt:
    alive = [t.name for t in threading.enumerate() if t.name == "loupe-work"]
    print("interrupted", alive, flush=True)
    sys.exit(0)
print("finished", flush=True)
"""


def test_ctrl_c_in_a_process_profiling_a_big_frame_stops_it() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1.0)  # into the profiling
    child.send_signal(signal.SIGINT)
    try:
        out, _ = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the profiling did not stop on Ctrl-C")
    assert out.strip() == "interrupted []"
    assert child.returncode == 0


def test_a_progress_bar_follows_the_engine_when_asked(
    january_csv: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import loupe

    loupe.profile(january_csv, progress=True)
    bar = capfd.readouterr().err
    assert "%|" in bar and "reading" in bar
    # Neither a notebook nor a terminal here: no bar unless asked.
    loupe.profile(january_csv)
    assert capfd.readouterr().err == ""


def test_what_the_reader_warns_about_is_a_warning_naming_the_file(tmp_path: Path) -> None:
    import loupe

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n4,5\n")
    with pytest.warns(UserWarning, match=r"ragged\.csv: ragged rows read leniently"):
        profile = loupe.profile(ragged, reading={"lenient": True}, name="Ragged", progress=False)
    assert profile.name == "Ragged" and profile.columns["b"].missing == 1


SLOW_STEP = """
import signal, sys, threading
from core.api.running import run_interruptible
seen = []
release = threading.Event()
def on_interrupt(number, frame):
    seen.append(number)
    print(f"interrupt {len(seen)}", flush=True)
    if len(seen) == 2:
        # The slow step ends a little after the second Ctrl-C.
        threading.Timer(0.5, release.set).start()
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, on_interrupt)
def work(report, cancel):
    print("working", flush=True)
    release.wait()  # a step that does not poll cancel (a library call)
    return "done"
try:
    run_interruptible(work, progress=False, description="test")
except KeyboardInterrupt:
    alive = [t.name for t in threading.enumerate() if t.name == "loupe-work"]
    print("interrupted", alive, flush=True)
    sys.exit(0)
print("finished", flush=True)
"""


def test_a_second_ctrl_c_waits_for_the_work_it_cancelled() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_STEP],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "working"
    child.send_signal(signal.SIGINT)
    assert child.stdout.readline().strip() == "interrupt 1"
    child.send_signal(signal.SIGINT)
    assert child.stdout.readline().strip() == "interrupt 2"
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the interrupted work was never waited out")
    # Nothing keeps running once KeyboardInterrupt reaches the caller.
    assert out.strip() == "interrupted []", err
    assert child.returncode == 0, err
