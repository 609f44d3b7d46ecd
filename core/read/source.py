"""A source file, opened read-only, with compression and encoding unwrapped.

:class:`Source` hands the readers two things: the first bytes of the plain
content (for sniffing and previews, without reading the whole file) and a path
to plain UTF-8 content that Polars can scan lazily. When the file is already
plain UTF-8 that path is the file itself; otherwise Loupe writes a temporary
plain copy, streaming, the first time it is asked for, and deletes it on
:meth:`Source.close`.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

import zstandard

from core.errors import CorruptFileError, EncodingError, FileAccessError
from core.read.encoding import UTF8, detect_encoding, strip_bom
from core.read.formats import Compression, Detected, Format, detect, read_head

__all__ = ["Source"]

_TEXT_FORMATS = {Format.DELIMITED, Format.JSON, Format.NDJSON}
_SAMPLE_CHUNK = 256 * 1024
_SAMPLE_SPREAD = 8
_COPY_BLOCK = 4 * 1024 * 1024


class Source:
    """A file to read as a table.

    Args:
        path: the file. It is only ever opened for reading.
        encoding: force a text encoding instead of detecting one.

    Raises:
        SourceError: see :func:`core.read.formats.detect`.
    """

    def __init__(self, path: str | os.PathLike[str], *, encoding: str | None = None) -> None:
        self._tmpdir: Path | None = None
        self._plain: Path | None = None
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise FileAccessError(self.path, "this is a folder, not a file")
        self.detected: Detected = detect(self.path)
        self.size = self.path.stat().st_size
        self.encoding: str | None = None
        if self.detected.format in _TEXT_FORMATS:
            self.encoding = encoding or detect_encoding(self._encoding_samples())
            codecs.lookup(self.encoding)

    @property
    def format(self) -> Format:
        """The table format of the plain content."""
        return self.detected.format

    @property
    def compression(self) -> Compression:
        """The compression around the content."""
        return self.detected.compression

    def needs_copy(self) -> bool:
        """Whether reading needs a plain UTF-8 temporary copy."""
        compressed = self.compression is not Compression.NONE
        transcoded = self.encoding is not None and self.encoding not in (UTF8, "utf-8-sig")
        return compressed or transcoded

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes of the plain content (UTF-8 for text formats).

        Reads only what it needs from compressed files; a character cut by the
        limit is left out.
        """
        with self._open_raw() as raw:
            data = _read_exactly(raw, size, self.path)
        if self.encoding is None:
            return data
        for bom in _boms_for(self.encoding):
            if data.startswith(bom):
                data = data[len(bom) :]
                break
        encoding = strip_bom(self.encoding)
        if encoding == UTF8:
            return data
        try:
            text = codecs.getincrementaldecoder(encoding)("replace").decode(data, final=False)
        except UnicodeError as exc:
            raise self._undecodable(exc) from None
        return text.encode(UTF8)

    def _undecodable(self, exc: UnicodeError) -> EncodingError:
        """The error for a file that its encoding cannot decode at all."""
        return EncodingError(
            self.path, f"the file cannot be read as {self.encoding} ({exc}); try another encoding"
        )

    def plain_path(self) -> Path:
        """A path to the plain content: the file itself, or a temporary UTF-8 copy.

        Raises:
            CorruptFileError: the compressed stream is damaged or truncated.
        """
        if not self.needs_copy():
            return self.path
        if self._plain is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="loupe-"))
            suffix = {Format.JSON: ".json", Format.NDJSON: ".ndjson"}.get(self.format, ".dat")
            target = self._tmpdir / f"plain{suffix}"
            with self._open_raw() as raw, target.open("wb") as out:
                self._copy_plain(raw, out)
            self._plain = target
        return self._plain

    def plain_size(self) -> int:
        """Size in bytes of the plain content (making the plain copy if needed)."""
        return self.plain_path().stat().st_size

    def close(self) -> None:
        """Delete any temporary copy."""
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
            self._plain = None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    @contextmanager
    def _open_raw(self) -> Iterator[_Readable]:
        """The decompressed byte stream, read-only."""
        # The streams are closed by this context manager's finally clause.
        try:
            stream: _Readable
            match self.compression:
                case Compression.NONE:
                    stream = self.path.open("rb")
                case Compression.GZIP:
                    stream = gzip.open(self.path, "rb")  # noqa: SIM115
                case Compression.BZIP2:
                    stream = bz2.open(self.path, "rb")  # noqa: SIM115
                case Compression.ZSTD:
                    fh = self.path.open("rb")
                    stream = zstandard.ZstdDecompressor().stream_reader(fh, closefd=True)
                case Compression.ZIP:
                    archive = zipfile.ZipFile(self.path)
                    assert self.detected.member is not None
                    stream = _ZipMember(archive, self.detected.member)
        except OSError as exc:
            raise FileAccessError(self.path, exc.strerror or str(exc)) from None
        try:
            yield stream
        finally:
            stream.close()

    def _encoding_samples(self) -> list[bytes]:
        """The head plus chunks spread through an uncompressed file."""
        if self.compression is not Compression.NONE:
            with self._open_raw() as raw:
                return [_read_exactly(raw, 4 * _SAMPLE_CHUNK, self.path)]
        samples = [read_head(self.path, 4 * _SAMPLE_CHUNK)]
        if self.size > 8 * _SAMPLE_CHUNK:
            with self.path.open("rb") as fh:
                for i in range(1, _SAMPLE_SPREAD + 1):
                    fh.seek(self.size * i // (_SAMPLE_SPREAD + 1))
                    samples.append(fh.read(_SAMPLE_CHUNK))
                fh.seek(max(0, self.size - _SAMPLE_CHUNK))
                samples.append(fh.read())
        return samples

    def _copy_plain(self, raw: _Readable, out: IO[bytes]) -> None:
        """Stream ``raw`` into ``out`` as UTF-8, dropping any BOM."""
        encoding = strip_bom(self.encoding) if self.encoding else None
        decoder = (
            codecs.getincrementaldecoder(encoding)("replace")
            if encoding not in (None, UTF8)
            else None
        )
        first = True
        while True:
            block = _read_block(raw, _COPY_BLOCK, self.path)
            if first and encoding is not None:
                for bom in _boms_for(self.encoding or ""):
                    if block.startswith(bom):
                        block = block[len(bom) :]
                        break
                first = False
            if not block:
                if decoder is not None:
                    out.write(decoder.decode(b"", final=True).encode(UTF8))
                return
            try:
                out.write(decoder.decode(block).encode(UTF8) if decoder else block)
            except UnicodeError as exc:
                raise self._undecodable(exc) from None


class _Readable(Protocol):
    """What the readers need of a byte stream."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _ZipMember(io.RawIOBase):
    """A zip member stream that also closes its archive."""

    def __init__(self, archive: zipfile.ZipFile, member: str) -> None:
        super().__init__()
        self._archive = archive
        self._stream = archive.open(member)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        self._archive.close()
        super().close()


def _boms_for(encoding: str) -> list[bytes]:
    """BOMs a stream in ``encoding`` may start with."""
    return {
        "utf-8-sig": [codecs.BOM_UTF8],
        "utf-16-le": [codecs.BOM_UTF16_LE],
        "utf-16-be": [codecs.BOM_UTF16_BE],
        "utf-32-le": [codecs.BOM_UTF32_LE],
        "utf-32-be": [codecs.BOM_UTF32_BE],
    }.get(encoding, [])


def _read_block(raw: _Readable, size: int, path: Path) -> bytes:
    """One read, with decompression errors turned into CorruptFileError."""
    try:
        return raw.read(size)
    except (EOFError, OSError, zlib.error, zstandard.ZstdError, zipfile.BadZipFile) as exc:
        raise CorruptFileError(path, f"damaged or truncated compressed data ({exc})") from None


def _read_exactly(raw: _Readable, size: int, path: Path) -> bytes:
    """Read up to ``size`` bytes, looping over short reads of decompressors."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        block = _read_block(raw, remaining, path)
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)
