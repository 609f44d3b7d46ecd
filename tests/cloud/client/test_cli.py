"""``loupe serve`` and ``loupe cloud …`` as a user runs them: real processes, real sockets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, good_answer

ROOT = Path(__file__).parents[3]
# Connection files of the servers these tests start, away from the user's own.
RUNTIME = Path(tempfile.mkdtemp(prefix="loupe-runtime-"))


def environment(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOUPE_", "NVIDIA_", "NEMOTRON_", "AWS_"))
    }
    env.update({"PYTHONPATH": str(ROOT), "LOUPE_RUNTIME_DIR": str(RUNTIME), **extra})
    return env


def loupe(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop.launcher", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )


class Serving:
    """A ``loupe serve`` process, its URL and token, and what it printed."""

    def __init__(
        self, process: subprocess.Popen[str], url: str, token: str, banner: str, temp: Path
    ) -> None:
        self.process = process
        self.url = url
        self.token = token
        self.banner = banner
        self.temp = temp  # its TMPDIR


@pytest.fixture
def fake() -> Iterator[FakeNemotron]:
    with FakeNemotron() as server:
        yield server


@pytest.fixture
def serving(fake: FakeNemotron, tmp_path: Path) -> Iterator[Serving]:
    temp = tmp_path / "serve-tmp"
    temp.mkdir()
    env = environment(
        NVIDIA_API_KEY=KEY,
        NVIDIA_API_BASE_URL=fake.url,
        NEMOTRON_MODEL="nvidia/test-nemotron",
        TMPDIR=str(temp),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.launcher", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(6)]
    banner = "".join(lines)
    assert "is running at http://127.0.0.1:" in lines[0], banner + (
        process.stderr.read() if process.stderr else ""
    )
    yield Serving(process, lines[0].split(" at ")[1].strip(), lines[2].strip(), banner, temp)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    # Left open, the pipes are closed by the garbage collector in whatever test runs
    # then, as a ResourceWarning that fails it.
    process.stdout.close()
    if process.stderr is not None:
        process.stderr.close()


def test_serve_prints_url_and_token_never_the_key(serving: Serving) -> None:
    assert serving.token.count(".") == 2  # a JWT
    assert "Insights: on (nvidia/test-nemotron)" in serving.banner
    assert KEY not in serving.banner
    # Ctrl+C stops it cleanly.
    serving.process.send_signal(signal.SIGINT)
    assert serving.process.wait(timeout=30) == 0
    assert serving.process.stderr is not None
    errors = serving.process.stderr.read()
    assert KEY not in errors and "Traceback" not in errors


def test_cloud_profile_round_trip(serving: Serving, tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    done = loupe(
        "cloud", "profile", str(SAMPLE_CSV), "--endpoint", serving.url, "--json", str(out),
        env=environment(LOUPE_API_TOKEN=serving.token),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "converted to Parquet" in done.stderr and "uploading: 100%" in done.stderr
    assert "job: 100%" in done.stderr
    cloud = json.loads(out.read_text())
    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    assert cloud["source"]["name"] == "retail_orders.csv"
    assert cloud["dataset"]["rows"] == local["dataset"]["rows"]
    assert [c["name"] for c in cloud["columns"]] == [c["name"] for c in local["columns"]]
    assert [c["missing"] for c in cloud["columns"]] == [c["missing"] for c in local["columns"]]
    assert cloud["alerts"] == local["alerts"]


def test_cloud_insights_prints_marked_findings(
    serving: Serving, fake: FakeNemotron, tmp_path: Path
) -> None:
    with open_table(SAMPLE_CSV) as table:
        profile = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    fake.replies = [Reply(content=good_answer(profile))]
    done = loupe(
        "cloud", "insights", str(SAMPLE_CSV), "--endpoint", serving.url,
        "--question", "Which columns need cleaning?",
        env=environment(LOUPE_API_TOKEN=serving.token),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    critical = next(line for line in lines if "Amounts are huge" in line)
    assert "critical" in critical and "(evidence does not match the profile)" in critical
    warning = next(line for line in lines if "Comments are mostly missing" in line)
    assert "(evidence matches the profile)" in warning
    assert any("chart" in line and "histogram of amount" in line for line in lines)
    assert "no_such_column" not in done.stdout
    assert "Which columns need cleaning?" in fake.received[0].body["messages"][1]["content"]
    assert fake.received[0].headers["Authorization"] == f"Bearer {KEY}"
    assert KEY not in done.stdout + done.stderr


def test_token_from_the_keyring(serving: Serving, tmp_path: Path) -> None:
    ring = environment(
        PYTHON_KEYRING_BACKEND="tests.cloud.client.file_keyring.FileKeyring",
        LOUPE_TEST_KEYRING=str(tmp_path / "keyring.json"),
        # As if the server ran elsewhere: no connection file to take the token from.
        LOUPE_RUNTIME_DIR=str(tmp_path / "no-servers-here"),
    )
    login = loupe(
        "cloud", "login", "--token-from-stdin", "--endpoint", serving.url,
        env=ring, stdin=serving.token + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert serving.token not in login.stdout + login.stderr
    done = loupe("cloud", "profile", str(SAMPLE_CSV), "--endpoint", serving.url, env=ring)
    assert done.returncode == 0, done.stderr
    assert "2,000 rows × 12 columns" in done.stdout and "retail_orders.csv" in done.stdout
    assert loupe("cloud", "logout", "--endpoint", serving.url, env=ring).returncode == 0
    again = loupe("cloud", "profile", str(SAMPLE_CSV), "--endpoint", serving.url, env=ring)
    assert again.returncode == 2 and "loupe cloud login" in again.stderr


def test_no_keyring_is_a_clear_error(tmp_path: Path) -> None:
    env = environment(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = loupe("cloud", "profile", str(SAMPLE_CSV), "--endpoint", "http://127.0.0.1:9", env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: no OS keyring is available on this machine; set LOUPE_API_TOKEN instead"
    )


def test_bad_input_and_unreachable_endpoints(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3,4,5\n")
    env = environment(LOUPE_API_TOKEN="x.y.z")
    done = loupe("cloud", "profile", str(ragged), "--endpoint", "http://127.0.0.1:9", env=env)
    # The file is read (and refused) here, before anything is sent.
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {ragged}, line 3") and done.stderr.count("\n") == 1
    unreachable = loupe(
        "cloud", "profile", str(SAMPLE_CSV), "--endpoint", "http://127.0.0.1:9", env=env
    )
    assert unreachable.returncode == 1
    assert "cannot reach http://127.0.0.1:9" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def test_wrong_token_is_refused(serving: Serving) -> None:
    started = time.monotonic()
    done = loupe(
        "cloud", "profile", str(SAMPLE_CSV), "--endpoint", serving.url,
        env=environment(LOUPE_API_TOKEN=serving.token[:-3] + "abc"),
    )  # fmt: skip
    assert done.returncode == 1 and "the token is not valid" in done.stderr
    assert time.monotonic() - started < 60


def test_ctrl_c_aborts_the_upload(tmp_path: Path) -> None:
    from cloud.local import LocalBackend, LocalSettings

    big = tmp_path / "big.csv"
    with big.open("wb") as out:  # never parsed: sent as it is, in 16 MiB parts
        out.write(b"a,b\n")
        for _ in range(25):
            out.write(b"1,2\n" * (4 * 1024**2))
    backend = LocalBackend(LocalSettings(port=0)).start()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop.launcher", "cloud", "profile", str(big),
             "--no-convert", "--endpoint", backend.url],
            env=environment(LOUPE_API_TOKEN=backend.token),
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )  # fmt: skip
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("uploading:"), first
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
        rest = process.stderr.read()
        process.stderr.close()
        assert "upload aborted" in rest and "Traceback" not in rest
        assert backend.store is not None
        # Nothing is left on the server: no record, no file, no parts.
        assert backend.store.keys("uploads/") == []
        listed = backend.store.client.list_multipart_uploads(Bucket=backend.store.bucket)
        assert listed.get("Uploads", []) == []
    finally:
        backend.stop()


@pytest.mark.parametrize("missing", ["boto3", "fastapi", "moto"])
def test_serve_without_the_cloud_extra_names_what_is_missing(missing: str) -> None:
    # A desktop install has the client but not the backend's packages.
    code = (
        f"import sys; sys.modules[{missing!r}] = None\n"
        "from desktop.launcher import main\n"
        "sys.exit(main(['serve', '--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"error: loupe serve needs the cloud extra ({missing} is missing): "
        "pip install 'loupe[cloud]'"
    )


def test_loupe_cloud_finds_the_local_server_without_url_or_token(
    serving: Serving, tmp_path: Path
) -> None:
    # The banner's last line is written once the file is there: read it before looking.
    said = serving.process.stdout.readline()  # type: ignore[union-attr]
    (connection,) = RUNTIME.glob("serve-*.json")
    assert str(connection) in said
    assert json.loads(connection.read_text())["url"] == serving.url
    out = tmp_path / "profile.json"
    done = loupe("cloud", "profile", str(SAMPLE_CSV), "--json", str(out), env=environment())
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["dataset"]["rows"] == 2000
    serving.process.send_signal(signal.SIGINT)
    assert serving.process.wait(timeout=30) == 0
    assert not connection.exists()


def test_serve_stopped_by_sigterm_stops_cleanly_and_removes_its_files(serving: Serving) -> None:
    # `kill`, a service manager, a closing session: as clean as Ctrl+C.
    assert serving.process.stdout is not None
    announced = serving.process.stdout.readline()
    (connection,) = RUNTIME.glob("serve-*.json")
    assert str(connection) in announced
    # Every step's temporary files go to one folder of the server's own.
    (scratch,) = serving.temp.iterdir()
    assert scratch.name.startswith("loupe-serve-")
    serving.process.send_signal(signal.SIGTERM)
    assert serving.process.wait(timeout=30) == 0
    assert not connection.exists()
    assert list(serving.temp.iterdir()) == []
    assert serving.process.stderr is not None and "Traceback" not in serving.process.stderr.read()


def test_a_damaged_file_is_refused_before_anything_is_sent(
    serving: Serving, tmp_path: Path
) -> None:
    damaged = tmp_path / "orders.parquet"
    damaged.write_bytes(b"PAR1 and then nothing")  # a copy cut short: no footer
    done = loupe(
        "cloud", "profile", str(damaged), "--endpoint", serving.url,
        env=environment(LOUPE_API_TOKEN=serving.token),
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {damaged}: truncated Parquet file (the footer is missing); re-copy or re-export it"
    ]


def test_serve_in_the_installed_app_says_the_backend_is_not_part_of_it() -> None:
    # The frozen app (PyInstaller sets sys.frozen) leaves the backend out on purpose.
    code = (
        "import sys; sys.frozen = True; sys.modules['cloud.local'] = None\n"
        "from desktop.launcher import main\n"
        "sys.exit(main(['serve', '--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        "error: loupe serve: the cloud backend is not part of the installed app; "
        "run it from a Python install with pip install 'loupe[cloud]'"
    )
