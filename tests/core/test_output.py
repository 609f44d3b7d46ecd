"""Whole-file writes: renamed into place for files, written through links, pipes and devices."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core import open_table
from core.errors import OutputError
from core.output import open_output, output_path, write_bytes, write_text
from core.read.convert import convert
from tests.core.test_cli import loupe

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")

SMALL_CSV = "id,name,score\n1,ann,1.5\n2,bob,2.5\n3,cy,\n"


class FifoReader(threading.Thread):
    """Reads a named pipe to its end in the background, as a shell's ``cat`` would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.data = b""

    def run(self) -> None:
        with open(self.path, "rb") as pipe:
            self.data = pipe.read()

    def received(self) -> bytes:
        """What came through, once the writer is done; fails if nothing ever opened the pipe."""
        self.join(timeout=15)
        assert not self.is_alive(), f"nothing wrote into {self.path}"
        return self.data


def fifo(path: Path) -> FifoReader:
    """Make a named pipe at ``path`` and start reading it."""
    os.mkfifo(path)
    reader = FifoReader(path)
    reader.start()
    return reader


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files left behind in ``folders``."""
    return [p for folder in folders for p in folder.iterdir() if p.name.endswith(".part")]


# -- special files: written through, never replaced -------------------------------------------


def test_write_text_into_a_fifo(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    reader = fifo(out)
    text = '{"ok": true}\n' * 10_000
    assert write_text(out, text) == out
    assert reader.received() == text.encode()
    assert stat.S_ISFIFO(os.lstat(out).st_mode)
    assert not leftovers(tmp_path)


def test_symlink_to_a_fifo_is_written_through(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    reader = fifo(pipe)
    link = tmp_path / "link.json"
    link.symlink_to(pipe)
    write_bytes(link, b"through\n")
    assert reader.received() == b"through\n"
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_convert_into_a_fifo(tmp_path: Path) -> None:
    src = tmp_path / "small.csv"
    src.write_text(SMALL_CSV)
    expected = tmp_path / "expected.csv"
    out = tmp_path / "out.csv"
    with open_table(src) as table:
        convert(table, expected)
    reader = fifo(out)
    with open_table(src) as table:
        assert convert(table, out) == out
    assert reader.received() == expected.read_bytes()
    assert stat.S_ISFIFO(os.lstat(out).st_mode)
    assert not leftovers(tmp_path)


def test_cli_profile_json_into_a_fifo(tmp_path: Path) -> None:
    src = tmp_path / "small.csv"
    src.write_text(SMALL_CSV)
    out = tmp_path / "profile.json"
    reader = fifo(out)
    result = loupe("profile", src, "--json", out)
    assert result.returncode == 0, result.stderr
    profile = json.loads(reader.received())
    assert [c["name"] for c in profile["columns"]] == ["id", "name", "score"]
    assert stat.S_ISFIFO(os.lstat(out).st_mode)
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_cli_profile_to_dev_stdout(tmp_path: Path, option: str) -> None:
    src = tmp_path / "f.csv"
    src.write_text(SMALL_CSV)
    result = loupe("profile", src, option, "/dev/stdout")
    assert result.returncode == 0, result.stderr
    if option == "--json":
        assert [c["name"] for c in json.loads(result.stdout)["columns"]] == ["id", "name", "score"]
    else:
        assert result.stdout.lstrip().lower().startswith("<!doctype html")
        assert result.stdout.rstrip().endswith("</html>")
    assert "wrote /dev/stdout" in result.stderr


# -- symbolic links: followed, and left links --------------------------------------------------


def _write_text(path: Path, tmp_path: Path) -> bytes:
    write_text(path, '{"new": 1}\n')
    return b'{"new": 1}\n'


def _convert(path: Path, tmp_path: Path) -> bytes:
    src = tmp_path / "small.csv"
    src.write_text(SMALL_CSV)
    with open_table(src) as table:
        convert(table, path)
        convert(table, tmp_path / "expected.csv")
    return (tmp_path / "expected.csv").read_bytes()


Writer = Callable[[Path, Path], bytes]


@pytest.mark.parametrize("writer", [_write_text, _convert], ids=["write_text", "convert"])
@pytest.mark.parametrize("dangling", [False, True], ids=["existing", "dangling"])
def test_symlink_stays_a_link_to_the_new_content(
    tmp_path: Path, writer: Writer, dangling: bool
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.csv"
    if not dangling:
        target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(Path("real") / "target.csv")
    expected = writer(link, tmp_path)
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("real", "target.csv")
    assert target.is_file() and not target.is_symlink()
    assert target.read_bytes() == expected
    assert not leftovers(tmp_path, tmp_path / "real")


def test_chain_of_links_ends_at_the_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "t.json"
    target.write_text("old")
    (tmp_path / "b").symlink_to("a")  # a linked folder on the way
    first = tmp_path / "first.json"
    second = tmp_path / "a" / "second.json"
    second.symlink_to("t.json")
    first.symlink_to(Path("b") / "second.json")
    write_text(first, "new")
    assert first.is_symlink() and second.is_symlink()
    assert target.read_text() == "new"


def test_link_loop_is_one_line_error(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OutputError, match=r"a\.json: too many levels of symbolic links"):
        write_text(a, "x")
    assert a.is_symlink() and b.is_symlink()


# -- regular files: all or nothing -------------------------------------------------------------


def test_failed_encoding_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_text(out, "half \ud800 written")
    assert out.read_text() == "old"
    assert not leftovers(tmp_path)


def test_failure_mid_stream_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_output(out) as stream:
        stream.write(b"first half")
        raise RuntimeError("the writer failed")
    assert out.read_bytes() == b"old"
    assert not leftovers(tmp_path)


def test_failed_rename_is_one_line_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")

    def full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError) as caught:
        write_text(out, "new")
    assert str(caught.value) == f"{out}: No space left on device"
    assert out.read_text() == "old"
    assert not leftovers(tmp_path)


def test_output_path_failure_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    with pytest.raises(RuntimeError), output_path(out) as tmp:
        assert tmp.parent == tmp_path
        tmp.write_bytes(b"partial")
        raise RuntimeError("the sink failed")
    assert not out.exists()
    assert not leftovers(tmp_path)


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "private.json"
    out.write_text("old")
    out.chmod(0o600)
    write_text(out, "new")
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_folder_destinations_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"is a folder"):
        write_text(tmp_path, "x")
    with pytest.raises(OutputError, match=r"the folder .*missing does not exist"):
        write_text(tmp_path / "missing" / "out.json", "x")
    link = tmp_path / "dangling.json"
    link.symlink_to(tmp_path / "gone" / "t.json")
    with pytest.raises(OutputError, match=r"dangling\.json: the folder .*gone does not exist"):
        write_text(link, "x")
    assert link.is_symlink()


# -- the source is never the destination -------------------------------------------------------


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_convert_refuses_a_destination_that_is_the_source(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "src.csv"
    src.write_text(SMALL_CSV)
    before = src.read_bytes()
    (tmp_path / "out").mkdir()
    dst = tmp_path / "out" / "dst.csv"
    if kind == "symlink":
        dst.symlink_to(Path("..") / "src.csv")
    else:
        os.link(src, dst)
    result = loupe("convert", src, dst)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "refusing to overwrite the source file" in lines[0]
    assert src.read_bytes() == before
    assert dst.is_symlink() == (kind == "symlink")
    assert not leftovers(tmp_path, tmp_path / "out")
