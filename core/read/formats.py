"""What a file is: its table format and its compression, told from its bytes.

The extension is a hint; the content decides. A file whose content contradicts a
binary format's extension (a CSV named ``.parquet``) is refused with a
:class:`~core.errors.FormatMismatchError` rather than guessed at.
"""

from __future__ import annotations

import enum
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    FileAccessError,
    FormatMismatchError,
    UnsupportedFormatError,
)
from core.read.encoding import bomless_utf16

__all__ = ["Compression", "Detected", "Format", "detect"]


class Format(enum.StrEnum):
    """Table formats Loupe reads."""

    DELIMITED = "delimited"
    EXCEL = "excel"
    ODS = "ods"
    PARQUET = "parquet"
    ARROW = "arrow"
    ARROW_STREAM = "arrow-stream"
    FEATHER_V1 = "feather-v1"
    JSON = "json"
    NDJSON = "ndjson"


class Compression(enum.StrEnum):
    """Whole-file compressions unwrapped before reading."""

    NONE = "none"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    ZSTD = "zstd"
    ZIP = "zip"


@dataclass(frozen=True)
class Detected:
    """The outcome of :func:`detect`.

    Attributes:
        format: the table format of the (decompressed) content.
        compression: the compression wrapped around it.
        member: for a zip archive, the name of the one table inside.
    """

    format: Format
    compression: Compression = Compression.NONE
    member: str | None = None


_TEXT_EXTENSIONS = {".csv", ".tsv", ".tab", ".psv", ".txt", ".dat", ".prn"}
_JSON_EXTENSIONS = {".json"}
_NDJSON_EXTENSIONS = {".ndjson", ".jsonl", ".ldjson"}
_EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xlsb", ".xls"}
_COMPRESSION_EXTENSIONS = {
    ".gz": Compression.GZIP,
    ".gzip": Compression.GZIP,
    ".bz2": Compression.BZIP2,
    ".zst": Compression.ZSTD,
    ".zstd": Compression.ZSTD,
    ".zip": Compression.ZIP,
}
_BINARY_FORMATS = {
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
    ".arrow": Format.ARROW,
    ".feather": Format.ARROW,
    ".ipc": Format.ARROW,
    ".arrows": Format.ARROW_STREAM,
    ".ods": Format.ODS,
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people mistake for tables, named in the error so the user sees why.
_FOREIGN_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\x7fELF": "an executable (ELF)",
    b"MZ": "a Windows executable",
    b"SQLite format 3\x00": "an SQLite database",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


def detect(path: Path) -> Detected:
    """Tell the format and compression of ``path`` from its first bytes.

    Args:
        path: the file to look at. It is opened read-only.

    Returns:
        The detected format, compression and zip member.

    Raises:
        FileAccessError: the file is missing or unreadable.
        EmptyFileError: the file has no bytes.
        EncryptedFileError: a password-protected workbook.
        FormatMismatchError: content that contradicts a binary extension.
        UnsupportedFormatError: binary content that is no table format.
        CorruptFileError: a damaged zip container.
    """
    head = read_head(path, 4096)
    if not head:
        raise EmptyFileError(path, "the file is empty (0 bytes)")
    suffixes = [s.lower() for s in path.suffixes]
    ext = suffixes[-1] if suffixes else ""
    inner_ext = suffixes[-2] if len(suffixes) > 1 else ""

    compression = _compression_from_magic(head)
    if compression is Compression.ZIP:
        return _detect_zip(path, ext)
    if compression is not Compression.NONE:
        name_ext = inner_ext if ext in _COMPRESSION_EXTENSIONS else ext
        return Detected(_format_from_text_extension(name_ext), compression)
    if ext in _COMPRESSION_EXTENSIONS:
        raise FormatMismatchError(
            path, f"the name ends in {ext} but the content is not {ext[1:]}-compressed"
        )

    fmt = _binary_format_from_magic(head)
    if fmt is not None:
        expected = _BINARY_FORMATS.get(ext)
        if ext in _EXCEL_EXTENSIONS and fmt is not Format.EXCEL:
            raise FormatMismatchError(path, f"the name ends in {ext} but it is {fmt.value} data")
        if expected is not None and expected is not fmt and not _same_family(expected, fmt):
            raise FormatMismatchError(
                path, f"the name ends in {ext} but the content is {fmt.value} data"
            )
        if fmt is Format.EXCEL and head.startswith(_OLE_MAGIC):
            _check_ole_workbook(path, ext)
        return Detected(fmt)

    for magic, what in _FOREIGN_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedFormatError(path, f"this is {what}, not a table")

    if ext in _BINARY_FORMATS or ext in _EXCEL_EXTENSIONS:
        kind = "text" if _looks_like_text(head) else "unrecognised binary data"
        raise FormatMismatchError(
            path, f"the name ends in {ext} but the content is {kind}, not {ext[1:]}"
        )
    if not _looks_like_text(head):
        raise UnsupportedFormatError(path, "binary content that is not a table format Loupe reads")
    return Detected(_text_format(head, ext))


def read_head(path: Path, size: int) -> bytes:
    """Read up to ``size`` bytes from the start of ``path``, mapping OS errors."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError:
        raise FileAccessError(path, "no such file") from None
    except IsADirectoryError:
        raise FileAccessError(path, "this is a folder, not a file") from None
    except PermissionError:
        raise FileAccessError(path, "permission denied") from None
    except OSError as exc:
        raise FileAccessError(path, exc.strerror or str(exc)) from None


def _compression_from_magic(head: bytes) -> Compression:
    """Compression from magic bytes."""
    if head.startswith(b"\x1f\x8b"):
        return Compression.GZIP
    if head.startswith(b"BZh") and len(head) > 3 and head[3:4].isdigit():
        return Compression.BZIP2
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return Compression.ZSTD
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Compression.ZIP
    return Compression.NONE


def _binary_format_from_magic(head: bytes) -> Format | None:
    """Binary table formats from magic bytes."""
    if head.startswith(b"PAR1"):
        return Format.PARQUET
    if head.startswith(b"ARROW1"):
        return Format.ARROW
    if head.startswith(b"FEA1"):
        return Format.FEATHER_V1
    if head.startswith(b"\xff\xff\xff\xff") and len(head) >= 8:
        return Format.ARROW_STREAM
    if head.startswith(_OLE_MAGIC):
        return Format.EXCEL
    return None


def _same_family(expected: Format, found: Format) -> bool:
    """Arrow file and stream formats share extensions in the wild."""
    arrow = {Format.ARROW, Format.ARROW_STREAM, Format.FEATHER_V1}
    return expected in arrow and found in arrow


def _check_ole_workbook(path: Path, ext: str) -> None:
    """An OLE2 container is a legacy .xls, or an encrypted OOXML workbook."""
    # Office stores a password-protected .xlsx inside an OLE2 container with an
    # EncryptionInfo stream; directory entries are UTF-16 names.
    probe = read_head(path, 1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in probe or ext in {".xlsx", ".xlsm", ".xlsb"}:
        raise EncryptedFileError(
            path, "the workbook is password-protected; save an unprotected copy and open that"
        )


def _detect_zip(path: Path, ext: str) -> Detected:
    """A zip is an OOXML workbook, an OpenDocument spreadsheet, or an archive of one table."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names:
                if any(n.startswith("xl/") for n in names):
                    return Detected(Format.EXCEL)
                raise UnsupportedFormatError(
                    path, "an Office document that is not a spreadsheet (Word or PowerPoint?)"
                )
            if "mimetype" in names:
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return Detected(Format.ODS)
                raise UnsupportedFormatError(
                    path, f"an OpenDocument file of type {mimetype!r}, not a spreadsheet"
                )
            members = [
                info
                for info in zf.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not Path(info.filename).name.startswith(".")
            ]
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(path, f"damaged or truncated zip file ({exc})") from None
    if ext in _EXCEL_EXTENSIONS or ext == ".ods":
        raise FormatMismatchError(path, f"the name ends in {ext} but it is a plain zip archive")
    if not members:
        raise EmptyFileError(path, "the zip archive holds no files")
    if len(members) > 1:
        shown = ", ".join(m.filename for m in members[:5])
        raise UnsupportedFormatError(
            path, f"the zip archive holds {len(members)} files ({shown}); Loupe reads one table"
        )
    member = members[0].filename
    member_ext = Path(member).suffix.lower()
    inner = _BINARY_FORMATS.get(member_ext) or _format_from_text_extension(member_ext)
    return Detected(inner, Compression.ZIP, member)


def _format_from_text_extension(ext: str) -> Format:
    """Format of compressed content, from the name inside the compression."""
    if ext in _NDJSON_EXTENSIONS:
        return Format.NDJSON
    if ext in _JSON_EXTENSIONS:
        return Format.JSON
    if ext in _BINARY_FORMATS:
        return _BINARY_FORMATS[ext]
    return Format.DELIMITED


def _looks_like_text(head: bytes) -> bool:
    """Text has no NUL bytes (UTF-16 aside) and few control characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(head):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def _text_format(head: bytes, ext: str) -> Format:
    """JSON, NDJSON or delimited text, from the extension and the first characters."""
    if ext in _NDJSON_EXTENSIONS:
        return Format.NDJSON
    text = _ascii_view(head).lstrip()
    if ext in _JSON_EXTENSIONS or (ext not in _TEXT_EXTENSIONS and text[:1] in ("[", "{")):
        if text.startswith("{"):
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if len(lines) > 1 and lines[0].endswith("}") and lines[1].startswith("{"):
                return Format.NDJSON
        return Format.JSON
    return Format.DELIMITED


def _ascii_view(head: bytes) -> str:
    """Best-effort text of the head for sniffing characters, BOMs and NULs dropped."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore")
    return head.replace(b"\x00", b"").decode("latin-1")
