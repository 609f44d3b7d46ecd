"""Text encodings: detection from samples, and incremental transcoding to UTF-8.

Polars reads UTF-8 only. Loupe decides a file's encoding from a BOM, from a
strict UTF-8 check over samples spread through the file, and otherwise from
``charset_normalizer`` restricted to the legacy single-byte code pages people
really save spreadsheets in. Anything not UTF-8 is transcoded to a temporary
UTF-8 copy; the source is never touched.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Sequence

__all__ = ["UTF8", "bom_encoding", "bomless_utf16", "detect_encoding", "strip_bom"]

UTF8 = "utf-8"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}
# Languages whose usual legacy code page is not cp1252: when charset_normalizer
# is sure of one of these, its encoding wins over the Western default.
_NON_WESTERN_LANGUAGES = {
    "Polish", "Czech", "Slovak", "Hungarian", "Romanian", "Croatian", "Slovene",
    "Russian", "Ukrainian", "Bulgarian", "Serbian", "Belarusian", "Greek", "Turkish",
    "Hebrew", "Arabic", "Lithuanian", "Latvian", "Estonian",
}  # fmt: skip
# Bytes that cp1252 leaves undefined; a file using them is Latin-1.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# Accented letters of Western European languages that no Central European, Baltic,
# Cyrillic, Greek or Turkish code page produces in their place when read as cp1252
# (ã, õ, ì, ò, û, ý, š, ž and the like are left out: they stand for ă, ő, ě, ň, ű, ı…).
_PLAINLY_WESTERN = frozenset("àáâäæçèéêëíîïñóôöœùúüÿßåø")
# In Western text, accented letters are a minority even in lists of names.
_MAX_ACCENTED_SHARE = 0.4


def bom_encoding(head: bytes) -> str | None:
    """The encoding announced by a byte-order mark, or None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def strip_bom(encoding: str) -> str:
    """The codec that decodes the text after the BOM has been skipped."""
    return "utf-8" if encoding == "utf-8-sig" else encoding


def detect_encoding(samples: Sequence[bytes], *, first_is_head: bool = True) -> str:
    """Decide the encoding of a text file from byte samples.

    Args:
        samples: chunks of the file; the first is its head when ``first_is_head``.
            Chunks may start or end inside a multi-byte character.
        first_is_head: whether ``samples[0]`` starts at byte 0 (so a BOM counts).

    Returns:
        A Python codec name: ``utf-8-sig``, ``utf-16-le``/``-be`` (after a BOM or
        for BOM-less UTF-16), ``utf-8``, or a legacy code page such as ``cp1252``.
    """
    if first_is_head and samples:
        announced = bom_encoding(samples[0])
        if announced:
            return announced
        bomless = bomless_utf16(samples[0])
        if bomless:
            return bomless
    if all(
        _is_utf8(chunk, starts_at_boundary=(i == 0 and first_is_head))
        for i, chunk in enumerate(samples)
    ):
        return UTF8
    return _legacy_encoding(b"".join(samples))


def bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of ASCII text."""
    sample = head[: min(len(head), 4096) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.8 * half and even == 0:
        return "utf-16-le"
    if even > 0.8 * half and odd == 0:
        return "utf-16-be"
    return None


def _is_utf8(chunk: bytes, *, starts_at_boundary: bool) -> bool:
    """Strict UTF-8 check that forgives characters cut at the chunk's edges."""
    start = 0
    if not starts_at_boundary:
        # Skip continuation bytes of a character cut by the chunk's start.
        while start < min(3, len(chunk)) and 0x80 <= chunk[start] < 0xC0:
            start += 1
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(chunk[start:], final=False)
    except UnicodeDecodeError:
        return False
    return True


def _legacy_encoding(sample: bytes) -> str:
    """A single-byte code page for non-UTF-8 text; cp1252 unless clearly another."""
    default = "latin_1" if any(b in _CP1252_UNDEFINED for b in sample) else "cp1252"
    from charset_normalizer import from_bytes  # legacy files only: keep start-up light

    head = sample[: 1 << 20]
    best = from_bytes(head).best()
    if (
        best is not None
        and best.language in _NON_WESTERN_LANGUAGES
        and best.encoding not in _WESTERN
        and _is_single_byte(best.encoding)
        # Short texts of names give the detector few words to go on: it can be
        # sure of Slovak or Polish for "José;Besançon". Text that reads as plain
        # Western European in cp1252 stays cp1252.
        and not _reads_as_western(head.decode(default, "replace"))
    ):
        return str(best.encoding)
    return default


def _reads_as_western(text: str) -> bool:
    """Whether text decoded as cp1252 looks like a Western European language.

    Every accented letter is one only Western languages use, accented letters are
    a minority, and no symbol (``³``, ``¹``, ``¿``: Polish ł, ą, ż read as cp1252)
    stands between two letters.
    """
    letters = accented = 0
    for i, char in enumerate(text):
        if char.isalpha():
            letters += 1
            if not char.isascii():
                accented += 1
                if char.lower() not in _PLAINLY_WESTERN:
                    return False
        elif (
            not char.isascii()
            and unicodedata.category(char)[0] not in "PZ"
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            return False
    return letters > 0 and accented <= _MAX_ACCENTED_SHARE * letters


def _is_single_byte(name: str) -> bool:
    """Whether a codec maps every byte to one character (multi-byte legacy CJK is not handled)."""
    try:
        return len(bytes(range(256)).decode(name, "replace")) == 256
    except LookupError:
        return False
