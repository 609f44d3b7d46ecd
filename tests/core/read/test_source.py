"""Sources: compression and encoding unwrapped to plain UTF-8, the original never touched."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import zstandard

from core.errors import CorruptFileError, FileAccessError
from core.read.formats import Compression, Format
from core.read.source import Source
from tests.core.conftest import fingerprint

Write = Callable[[str, bytes | str], Path]

TEXT = "id,name,city\n" + "".join(f"{i},Zoë {i},Zürich\n" for i in range(2000))
# Legacy code pages are told apart by language: Western text needs words to go by.
WESTERN = "id,note\n" + "".join(
    f"{i},L'été dernier nous sommes allés à la plage près de Besançon\n" for i in range(2000)
)


def _zip(text: bytes) -> bytes:
    """A zip archive holding one member, ``data.csv``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("suffix", "compress", "compression"),
    [
        (".csv.gz", gzip.compress, Compression.GZIP),
        (".csv.bz2", bz2.compress, Compression.BZIP2),
        (".csv.zst", lambda data: zstandard.ZstdCompressor().compress(data), Compression.ZSTD),
        (".zip", _zip, Compression.ZIP),
    ],
)
def test_compressed_sources_read_back(
    write: Write, suffix: str, compress: Callable[[bytes], bytes], compression: Compression
) -> None:
    path = write(f"data{suffix}", compress(TEXT.encode("utf-8")))
    before = fingerprint(path)
    with Source(path) as source:
        assert source.compression is compression
        assert source.format is Format.DELIMITED
        assert source.encoding == "utf-8"
        assert source.needs_copy()
        assert source.head(13) == b"id,name,city\n"
        plain = source.plain_path()
        assert plain != path
        assert plain.read_bytes() == TEXT.encode("utf-8")
        assert source.plain_size() == len(TEXT.encode("utf-8"))
        assert source.plain_path() == plain  # made once
    assert not plain.exists()  # closing deleted the copy
    assert fingerprint(path) == before


def test_plain_utf8_is_read_in_place(write: Write) -> None:
    path = write("data.csv", TEXT)
    with Source(path) as source:
        assert source.compression is Compression.NONE
        assert not source.needs_copy()
        assert source.plain_path() == path
        assert source.head(3) == b"id,"
        assert source.size == path.stat().st_size


def test_head_leaves_out_a_character_cut_by_the_limit(write: Write) -> None:
    path = write("data.csv", "a,b\nü,ß\n".encode("utf-16-le"))
    with Source(path) as source:
        assert source.encoding == "utf-16-le"
        # Nine bytes: four and a half UTF-16 characters; the half is left out.
        assert source.head(9) == b"a,b\n"


@pytest.mark.parametrize(
    ("text", "codec", "bom", "encoding"),
    [
        (TEXT, "utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        (TEXT, "utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        (TEXT, "utf-16-le", b"", "utf-16-le"),
        (TEXT, "utf-16-be", b"", "utf-16-be"),
        (WESTERN, "cp1252", b"", "cp1252"),
        (WESTERN, "latin-1", b"", "cp1252"),  # cp1252 reads Latin-1 text alike
    ],
    ids=["utf16-le-bom", "utf16-be-bom", "utf16-le", "utf16-be", "cp1252", "latin1"],
)
def test_other_encodings_become_a_plain_utf8_copy(
    write: Write, text: str, codec: str, bom: bytes, encoding: str
) -> None:
    path = write("data.csv", bom + text.encode(codec))
    with Source(path) as source:
        assert source.encoding == encoding
        assert source.needs_copy()
        # The head is UTF-8 without the BOM; its size counts bytes of the file.
        first_line = text.split("\n", 1)[0] + "\n"
        assert source.head(len(bom) + 2 * len(first_line)).startswith(first_line.encode())
        assert source.plain_path().read_bytes() == text.encode("utf-8")


def test_gzipped_cp1252_is_unwrapped_and_transcoded(write: Write) -> None:
    path = write("data.csv.gz", gzip.compress(WESTERN.encode("cp1252")))
    with Source(path) as source:
        assert (source.compression, source.encoding) == (Compression.GZIP, "cp1252")
        assert source.plain_path().read_bytes() == WESTERN.encode("utf-8")


def test_utf8_bom_is_dropped_from_the_head_and_read_in_place(write: Write) -> None:
    path = write("data.csv", codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    with Source(path) as source:
        assert source.encoding == "utf-8-sig"
        assert not source.needs_copy()  # Polars reads the BOM itself
        assert source.head(6) == b"id,"  # three bytes of BOM, left out


def test_a_forced_encoding_wins_over_detection(write: Write) -> None:
    path = write("data.csv", TEXT.encode("utf-8"))
    with Source(path, encoding="latin-1") as source:
        assert source.encoding == "latin-1"
        assert source.needs_copy()
        # UTF-8 "ë" read as Latin-1 is two characters: the user's choice is obeyed.
        assert "Zoë".encode().decode("latin-1").encode() in source.plain_path().read_bytes()


def test_a_legacy_byte_deep_in_a_large_file_is_found(write: Write) -> None:
    """Samples are spread through the file, not only its head."""
    rows = b"id,name\n" + b"1,Alice\n" * 400_000  # 3.2 MB of ASCII
    path = write("data.csv", rows + b"2,Zo\xeb\n" + b"3,Bob\n" * 1000)
    with Source(path) as source:
        assert source.encoding == "cp1252"
        assert source.plain_path().read_bytes().endswith("2,Zoë\n".encode() + b"3,Bob\n" * 1000)


def test_binary_formats_have_no_encoding(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"a": [1, 2]}).write_parquet(path)
    with Source(path) as source:
        assert source.format is Format.PARQUET
        assert source.encoding is None
        assert not source.needs_copy()
        assert source.head(4) == b"PAR1"


def test_truncated_gzip_is_a_corrupt_file(write: Write) -> None:
    data = gzip.compress(TEXT.encode("utf-8") * 20)
    path = write("data.csv.gz", data[: len(data) // 2])
    # Found while sampling for the encoding, or at the latest while copying.
    with pytest.raises(CorruptFileError, match="truncated"), Source(path) as source:
        source.plain_path()


def test_a_folder_is_not_a_source(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="folder"):
        Source(tmp_path)
