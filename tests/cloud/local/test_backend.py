"""``loupe serve`` forgets everything when it stops: no temporary copy of the data is left."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from cloud.local import LocalBackend, LocalSettings


def test_stopping_removes_every_temporary_folder_even_mid_job() -> None:
    before = tempfile.gettempdir()
    backend = LocalBackend(LocalSettings(port=0)).start()
    made: list[Path] = []
    holding, release = threading.Event(), threading.Event()

    def step() -> None:
        # As planning does: a temporary folder with a copy of the data, held mid-job.
        with tempfile.TemporaryDirectory(prefix="loupe-plan-") as folder:
            (Path(folder) / "copy.parquet").write_bytes(b"PAR1" * 1000)
            made.append(Path(folder))
            holding.set()
            release.wait(timeout=60)

    worker = threading.Thread(target=step)
    worker.start()
    try:
        assert holding.wait(timeout=60)
        assert (made[0] / "copy.parquet").exists()
        backend.stop()
        assert not made[0].exists()
        assert backend.scratch is not None and not backend.scratch.exists()
        assert tempfile.gettempdir() == before
    finally:
        release.set()
        worker.join(timeout=60)
