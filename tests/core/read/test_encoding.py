"""Encoding detection on real bytes: BOMs, UTF-16 without one, UTF-8, legacy code pages."""

from __future__ import annotations

import codecs

import pytest

from core.read.encoding import UTF8, bom_encoding, bomless_utf16, detect_encoding, strip_bom

CSV = "name;city;note\nJosé;Zürich;“quoted” – 5 €\nRenée;Köln;naïve\n"
# Prose, so that a statistical detector has words to go by.
FRENCH = (
    "Le vif renard brun saute par-dessus le chien paresseux. L'été dernier, nous sommes "
    "allés à la plage près de Besançon; c'était très agréable et ça nous a fait du bien.\n"
) * 10
RUSSIAN = (
    "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация "
    "южных губерний даст мощный толчок подъёму сельского хозяйства.\n"
) * 20
POLISH = (
    "Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig. "
    "Chrząszcz brzmi w trzcinie w Szczebrzeszynie.\n"
) * 20


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + CSV.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + CSV.encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_a_bom_announces_the_encoding(data: bytes, expected: str) -> None:
    assert bom_encoding(data) == expected
    assert detect_encoding([data]) == expected
    # The text after the BOM decodes with the codec strip_bom names.
    assert data[len(_bom(expected)) :].decode(strip_bom(expected)) == CSV


def test_utf32_le_bom_is_not_mistaken_for_utf16() -> None:
    """UTF-32-LE's BOM starts with UTF-16-LE's: the longer one must win."""
    assert detect_encoding([codecs.BOM_UTF32_LE + "a,b\n".encode("utf-32-le")]) == "utf-32-le"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(codec: str) -> None:
    data = "id,name\n1,Zoë\n2,Ann\n".encode(codec)
    assert bom_encoding(data) is None
    assert bomless_utf16(data) == codec
    assert detect_encoding([data]) == codec


def test_plain_ascii_and_utf8_are_utf8() -> None:
    assert detect_encoding([b"a,b\n1,2\n"]) == UTF8
    assert detect_encoding([CSV.encode("utf-8")]) == UTF8
    assert bomless_utf16(CSV.encode("utf-8")) is None


def test_chunks_cut_inside_a_character_are_still_utf8() -> None:
    data = ("é" * 1000).encode("utf-8")
    # A chunk taken from the middle starts on the second byte of "é".
    assert detect_encoding([data[:101], data[101:501]]) == UTF8
    # The head itself must start at a character: a stray continuation byte there is not UTF-8.
    assert detect_encoding([data[1:]]) != UTF8
    assert detect_encoding([data[1:]], first_is_head=False) == UTF8


def test_a_bom_counts_only_at_the_head() -> None:
    data = codecs.BOM_UTF16_LE + "a,b\n".encode("utf-16-le")
    assert detect_encoding([b"a,b\n", data], first_is_head=True) != "utf-16-le"
    assert detect_encoding([data], first_is_head=False) != "utf-16-le"


def test_cp1252_spreadsheet_export() -> None:
    assert detect_encoding([CSV.encode("cp1252")]) == "cp1252"
    assert detect_encoding([FRENCH.encode("cp1252")]) == "cp1252"


def test_one_late_legacy_byte_makes_the_whole_file_legacy() -> None:
    ascii_head = b"id,name\n" + b"1,Alice\n" * 500
    late = b"2,Zo\xeb\n"  # "Zoë" in cp1252: not UTF-8
    assert detect_encoding([ascii_head]) == UTF8
    assert detect_encoding([ascii_head, late]) == "cp1252"


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_bytes_cp1252_leaves_undefined_mean_latin1(byte: bytes) -> None:
    data = FRENCH.encode("latin-1") + b"ref" + byte + b"\n"
    assert detect_encoding([data]) == "latin_1"
    data.decode("latin_1")  # and the answer decodes it


@pytest.mark.parametrize(
    ("text", "codec"), [(RUSSIAN, "cp1251"), (POLISH, "cp1250")], ids=["cyrillic", "central"]
)
def test_non_western_code_pages_win_when_the_language_is_clear(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert detect_encoding([data]) == codec
    assert data.decode(detect_encoding([data])) == text


def test_short_latin1_rows_of_names_are_western() -> None:
    # The statistical detector alone is sure of Slovak (cp1257) here, and of Polish
    # (cp1250) for the German names: "Besanēon".
    rows = (
        "nom;ville;remarque\nJosé;Besançon;déjà payé\nRenée;Zürich;très bien\n"
        "François;Köln;à revoir\n"
    ) * 10
    assert detect_encoding([rows.encode("latin-1")]) in ("cp1252", "latin_1")
    names = "name,city,note\nZoë,Zürich,“fine” – 5€\nJürgen,Köln,naïve\nRenée,Besançon,ok\n" * 10
    assert detect_encoding([names.encode("cp1252")]) == "cp1252"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("imię;miasto\nŁukasz;Łódź\nZażółć;gęślą jaźń\nKraków;Gdańsk\n", "cp1250"),
        ("jméno;město\nJiří;Plzeň\nŽaneta;Brno\nČeněk;Ústí\n", "cp1250"),
        ("név;város\nŐrsi Győző;Győr\nKovács Ödön;Pécs\nSzűcs;Hódmezővásárhely\n", "cp1250"),
        ("имя,город\nИван,Москва\nПётр,Санкт-Петербург\n", "cp1251"),
        ("όνομα;πόλη\nΓιώργος;Αθήνα\nΜαρία;Θεσσαλονίκη\n", "cp1253"),
    ],
)
def test_short_rows_of_other_scripts_keep_their_code_page(text: str, encoding: str) -> None:
    # Short as the Western names above, but plainly not Western when read as cp1252.
    data = (text * 10).encode(encoding)
    assert data.decode(detect_encoding([data])) == text * 10


def _bom(encoding: str) -> bytes:
    """The BOM that announces ``encoding``."""
    return {
        "utf-8-sig": codecs.BOM_UTF8,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[encoding]
