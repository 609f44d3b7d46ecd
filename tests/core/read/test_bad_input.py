"""Bad input: a typed, one-line error that names the file; nothing is ever written to it."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from core import open_table
from core.errors import (
    CorruptFileError,
    EmptyFileError,
    FileAccessError,
    FormatMismatchError,
    OutputError,
    ParseError,
    SourceError,
    UnsupportedFormatError,
)
from core.read.convert import convert
from tests.core.conftest import MIXED_CSV, fingerprint

Write = Callable[[str, bytes | str], Path]


def _read_all(path: Path) -> pl.DataFrame:
    with open_table(path) as table:
        table.preview(5)
        return table.collect()


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.csv", b"", EmptyFileError, "the file is empty"),
        ("blank.csv", b"\n\n  \n", EmptyFileError, "only blank lines"),
        (
            "junk.csv",
            os.urandom(4096).replace(b"\n", b"\x00") + b"\x00",
            UnsupportedFormatError,
            "binary",
        ),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, UnsupportedFormatError, "PNG image"),
        (
            "doc.parquet",
            MIXED_CSV.encode(),
            FormatMismatchError,
            "ends in .parquet but the content is text",
        ),
        ("sheet.xlsx", MIXED_CSV.encode(), FormatMismatchError, "ends in .xlsx"),
        ("data.csv.gz", MIXED_CSV.encode(), FormatMismatchError, "not gz-compressed"),
        ("cut.parquet", b"PAR1" + b"\x15\x00" * 40, CorruptFileError, "truncated Parquet"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 30, CorruptFileError, "zip"),
        ("cut.csv.gz", gzip.compress(MIXED_CSV.encode() * 50)[:60], CorruptFileError, "truncated"),
        ("bad.json", b'[{"a": 1},\n {"a": 2,,}\n]', ParseError, "line 2"),
        ("bad.jsonl", b'{"a": 1}\n{"a": 2}\n{"a": oops}\n', ParseError, "line 3"),
        ("scalar.json", b'{"a": 1, "b": [1, 2]', ParseError, "invalid JSON"),
        ("quote.csv", b'a,b\n1,"unterminated\n2,3\n', SourceError, "quote.csv"),
    ],
)
def test_bad_files_raise_typed_one_line_errors(
    write: Write, name: str, content: bytes, error: type[SourceError], message: str
) -> None:
    path = write(name, content)
    before = fingerprint(path)
    with pytest.raises(error) as info:
        _read_all(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(str(path))
    assert message in text
    assert fingerprint(path) == before


def test_truncated_real_parquet(tmp_path: Path, typed_frame: pl.DataFrame) -> None:
    path = tmp_path / "t.parquet"
    typed_frame.write_parquet(path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(CorruptFileError, match="truncated Parquet"):
        _read_all(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="no such file"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(FileAccessError, match="folder"):
        open_table(tmp_path)


def test_unreadable_file(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads any file, so the OS refusal is simulated where the file is opened.
    path = write("locked.csv", MIXED_CSV)

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(FileAccessError, match=r"locked\.csv: permission denied"):
        open_table(path)


def test_zip_with_several_files(write: Write) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.csv", "x\n1\n")
        zf.writestr("b.csv", "y\n2\n")
    with pytest.raises(UnsupportedFormatError, match="holds 2 files"):
        open_table(write("two.zip", buffer.getvalue()))


def test_a_line_with_no_end_is_refused_quickly(write: Write) -> None:
    path = write("oneline.csv", b"a" * (70 * 1024 * 1024))
    with pytest.raises(ParseError, match="no line break in the first 64 MB"):
        open_table(path)


def test_sources_are_never_written(tmp_path: Path, mixed_csv: Path) -> None:
    gz = tmp_path / "m.csv.gz"
    gz.write_bytes(gzip.compress(MIXED_CSV.encode("cp1252")))
    paths = [mixed_csv, gz]
    before = [fingerprint(p) for p in paths]
    for path in paths:
        with open_table(path) as table:
            convert(table, tmp_path / f"{path.name}.parquet")
            convert(table, tmp_path / f"{path.name}.csv")
    assert [fingerprint(p) for p in paths] == before
    with open_table(mixed_csv) as table, pytest.raises(OutputError, match="overwrite the source"):
        convert(table, mixed_csv)
    assert fingerprint(mixed_csv) == before[0]


def test_temporary_copies_are_removed(tmp_path: Path) -> None:
    gz = tmp_path / "m.csv.gz"
    gz.write_bytes(gzip.compress(MIXED_CSV.encode()))
    with open_table(gz) as table:
        table.collect()
        plain = table.source.plain_path()
        assert plain.exists() and plain != gz
    assert not plain.exists()


def test_errors_pickle_with_their_location(write: Write) -> None:
    import pickle

    error = ParseError(write("x.csv", "a"), "bad", line=7, sheet=None)
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == str(error) and clone.line == 7


def test_csv_cut_inside_a_quoted_field_names_the_line(write: Write) -> None:
    rows = "".join(f'{i},"note {i}"\n' for i in range(300_000))
    path = write("cut.csv", "id,note\n" + rows + '300000,"two lines:\nfirst, then')
    with open_table(path) as table, pytest.raises(ParseError) as info:
        table.collect()
    assert info.value.line == 300_002
    assert "never closed" in str(info.value) and "cut.csv, line 300002" in str(info.value)


def test_escaping_library_errors_name_the_file(tmp_path: Path) -> None:
    """A Polars error no reader translated still reaches the user as one line naming the file."""
    import subprocess
    import sys

    # The reader is made to fail with a raw Polars error, standing in for one that slips by.
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    code = (
        "import sys, polars as pl\n"
        "from core.read import table\n"
        "def boom(self, *a, **k):\n"
        "    raise pl.exceptions.ComputeError('something\\ndeep inside')\n"
        "table.Table.preview = boom\n"
        "from core.cli import main\n"
        "sys.exit(main(['preview', sys.argv[1]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == f"error: {path}: something\n"
