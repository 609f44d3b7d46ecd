"""Every format and encoding Loupe reads, checked on values."""

from __future__ import annotations

import bz2
import codecs
import datetime as dt
import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pytest
import zstandard

from core import open_table
from core.errors import EncryptedFileError, SheetError
from core.read.formats import Compression, Format
from core.read.table import ReadOptions
from tests.core.conftest import MIXED_CSV

Write = Callable[[str, bytes | str], Path]

ACCENTED = "nom,ville,note\nRené,Besançon,“très bien” – 5€\nNúñez,Cádiz,ok\nZoë,Orléans,fin\n"


# -- encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "raw"),
    [
        ("utf-8", ACCENTED.encode("utf-8")),
        ("utf-8-sig", codecs.BOM_UTF8 + ACCENTED.encode("utf-8")),
        ("utf-16-le", codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le")),
        ("utf-16-be", codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be")),
        ("cp1252", ACCENTED.encode("cp1252")),
    ],
)
def test_encodings_decode_exactly(write: Write, encoding: str, raw: bytes) -> None:
    path = write(f"{encoding}.csv", raw)
    with open_table(path) as table:
        frame = table.collect()
        preview = table.preview(5).frame
        assert table.info.encoding == encoding
    expected = pl.read_csv(io.StringIO(ACCENTED), infer_schema=False)
    assert frame.columns == ["nom", "ville", "note"]
    assert frame.equals(expected)
    assert preview.equals(expected)


def test_latin1_with_bytes_cp1252_lacks(write: Write) -> None:
    text = "name,city\nJosé,Málaga\nAñil,Ávila\n"
    path = write("latin1.csv", text.encode("latin-1") + b"x\x81,y\n")
    with open_table(path) as table:
        frame = table.collect()
        assert table.info.encoding == "latin_1"
    assert frame["name"].to_list() == ["José", "Añil", "x\x81"]


def test_cyrillic_cp1251(write: Write) -> None:
    text = "имя,город\nИван,Москва\nПётр,Санкт-Петербург\nАнна,Новосибирск\n"
    path = write("ru.csv", text.encode("cp1251"))
    with open_table(path) as table:
        frame = table.collect()
        assert table.info.encoding == "cp1251"
    assert frame["город"].to_list() == ["Москва", "Санкт-Петербург", "Новосибирск"]


def test_legacy_bytes_deep_in_a_large_file(write: Write) -> None:
    # ASCII for megabytes, then one cp1252 character: the spread samples find it.
    body = "".join(f"{i},plain\n" for i in range(500_000))
    path = write("late_accent.csv", ("id,word\n" + body + "9,café\n").encode("cp1252"))
    with open_table(path) as table:
        frame = table.collect()
        assert table.info.encoding == "cp1252"
    assert frame["word"][-1] == "café"


def test_forced_encoding(write: Write) -> None:
    path = write("forced.csv", "a\nĀ\n".encode("iso8859_4"))
    with open_table(path, ReadOptions(encoding="iso8859_4")) as table:
        assert table.collect()["a"].to_list() == ["Ā"]


# -- compression -----------------------------------------------------------------


def _zip(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "compress", "compression"),
    [
        ("mixed.csv.gz", gzip.compress, Compression.GZIP),
        ("mixed.csv.bz2", bz2.compress, Compression.BZIP2),
        ("mixed.csv.zst", lambda b: zstandard.ZstdCompressor().compress(b), Compression.ZSTD),
        ("mixed.zip", lambda b: _zip("inner/mixed.csv", b), Compression.ZIP),
    ],
)
def test_compressed_csv(
    write: Write,
    mixed_csv: Path,
    name: str,
    compress: Callable[[bytes], bytes],
    compression: Compression,
) -> None:
    path = write(name, compress(MIXED_CSV.encode("utf-8")))
    with open_table(mixed_csv) as plain, open_table(path) as table:
        assert table.info.compression is compression
        assert table.preview(2).frame.equals(plain.preview(2).frame)
        assert table.collect().equals(plain.collect())


def test_compressed_cp1252_is_transcoded(write: Write) -> None:
    path = write("acc.csv.gz", gzip.compress(ACCENTED.encode("cp1252")))
    with open_table(path) as table:
        assert table.collect()["note"][0] == "“très bien” – 5€"


def test_zip_holding_parquet(write: Write, typed_frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    typed_frame.write_parquet(buffer)
    path = write("data.zip", _zip("data.parquet", buffer.getvalue()))
    with open_table(path) as table:
        assert table.format is Format.PARQUET
        assert table.collect().equals(typed_frame)


# -- binary formats ----------------------------------------------------------------


def test_parquet(tmp_path: Path, typed_frame: pl.DataFrame) -> None:
    path = tmp_path / "t.parquet"
    typed_frame.write_parquet(path)
    with open_table(path) as table:
        assert table.format is Format.PARQUET
        assert table.collect().equals(typed_frame)
        assert table.preview(2).frame.equals(typed_frame.head(2))


@pytest.mark.filterwarnings("ignore:Feather V1:DeprecationWarning")
def test_arrow_ipc_file_stream_and_feather_v1(tmp_path: Path, typed_frame: pl.DataFrame) -> None:
    ipc, stream, v1 = tmp_path / "t.arrow", tmp_path / "t.arrows", tmp_path / "t.feather"
    typed_frame.write_ipc(ipc)
    typed_frame.write_ipc_stream(stream)
    feather.write_feather(pa.table({"id": [1, 2], "name": ["a", None]}), str(v1), version=1)
    for path, fmt in ((ipc, Format.ARROW), (stream, Format.ARROW_STREAM)):
        with open_table(path) as table:
            assert table.format is fmt
            assert table.collect().equals(typed_frame)
    with open_table(v1) as table:
        assert table.format is Format.FEATHER_V1
        assert table.collect().rows() == [(1, "a"), (2, None)]


def test_json_array_and_ndjson(write: Write) -> None:
    records = (
        '[{"id": 1, "day": "2024-01-05", "v": 1.5, "tag": "NA"},\n'
        ' {"id": 2, "day": null, "v": null, "tag": "x"}]'
    )
    lines = '{"id": 1, "v": 1}\n{"id": 2, "v": 2.5}\n\n{"id": 3, "v": null, "extra": "late"}\n'
    with open_table(write("a.json", records)) as table:
        frame = table.collect()
        assert table.format is Format.JSON
    assert frame["day"].to_list() == [dt.date(2024, 1, 5), None]
    assert frame["tag"].to_list() == ["NA", "x"]
    with open_table(write("b.jsonl", lines)) as table:
        frame = table.collect()
        assert table.format is Format.NDJSON
    # A float on a later line widens the column; a key first seen late is kept.
    assert frame["v"].to_list() == [1.0, 2.5, None]
    assert frame["extra"].to_list() == [None, None, "late"]


def test_ndjson_named_json_is_detected(write: Write) -> None:
    with open_table(write("c.json", '{"a": 1}\n{"a": 2}\n')) as table:
        assert table.format is Format.NDJSON
        assert table.collect()["a"].to_list() == [1, 2]


# -- workbooks ---------------------------------------------------------------------


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("Orders")
    sheet.write_row(0, 0, ["id", "zip", "amount", "day", "mixed"])
    data = [
        (1, "08123", 2.5, dt.datetime(2024, 1, 2), 3),
        (2, "01234", "NA", dt.datetime(2024, 3, 4), "N/A"),
        (3, "99999", 4.0, None, 7),
    ]
    for r, (i, z, a, d, m) in enumerate(data, start=1):
        sheet.write_number(r, 0, i)
        sheet.write_string(r, 1, z)
        sheet.write(r, 2, a)
        if d is not None:
            sheet.write_datetime(r, 3, d, date_format)
        sheet.write(r, 4, m)
    other = workbook.add_worksheet("Notes")
    other.write_row(0, 0, ["text"])
    other.write_row(1, 0, ["hello"])
    workbook.close()
    return path


def test_xlsx_values_and_types(xlsx: Path) -> None:
    with open_table(xlsx) as table:
        frame = table.collect()
        assert table.info.sheets == ["Orders", "Notes"]
        assert table.info.sheet == "Orders"
    assert frame["id"].dtype == pl.Int64
    assert frame["zip"].to_list() == ["08123", "01234", "99999"]
    assert frame["amount"].to_list() == [2.5, None, 4.0]
    assert frame["day"].to_list() == [dt.date(2024, 1, 2), dt.date(2024, 3, 4), None]
    assert frame["mixed"].to_list() == [3, None, 7]


def test_xlsm_and_sheet_choice(xlsx: Path, tmp_path: Path) -> None:
    xlsm = tmp_path / "book.xlsm"
    xlsm.write_bytes(xlsx.read_bytes())
    for sheet in ("Notes", "notes", "1"):
        with open_table(xlsm, ReadOptions(sheet=sheet)) as table:
            assert table.collect()["text"].to_list() == ["hello"]
    with pytest.raises(SheetError, match=r"no sheet named 'Missing' \(sheets: 'Orders', 'Notes'\)"):
        open_table(xlsx, ReadOptions(sheet="Missing"))


def test_xls(tmp_path: Path) -> None:
    import xlwt

    path = tmp_path / "old.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("Legacy")
    for c, v in enumerate(["name", "qty"]):
        sheet.write(0, c, v)
    for r, (n, q) in enumerate([("Zoë", 3), ("Ñu", 4)], start=1):
        sheet.write(r, 0, n)
        sheet.write(r, 1, q)
    book.save(str(path))
    with open_table(path) as table:
        assert table.info.sheet == "Legacy"
        assert table.collect().rows() == [("Zoë", 3), ("Ñu", 4)]


def test_ods(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Feuille")
    for row in (["ville", "pop"], ["Besançon", 116000], ["Orléans", 114000]):
        tr = TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "villes.ods"
    doc.save(str(path))
    with open_table(path) as t:
        assert t.format is Format.ODS
        assert t.collect().rows() == [("Besançon", 116000), ("Orléans", 114000)]


def test_encrypted_xlsx(xlsx: Path, tmp_path: Path) -> None:
    import msoffcrypto.format.ooxml as ooxml

    locked = tmp_path / "locked.xlsx"
    with xlsx.open("rb") as src, locked.open("wb") as dst:
        ooxml.OOXMLFile(src).encrypt("secret", dst)
    with pytest.raises(
        EncryptedFileError, match=r"locked\.xlsx: the workbook is password-protected"
    ):
        open_table(locked)


def test_json_fields_of_mixed_types_become_text(write: Write) -> None:
    data = '[{"a": 1, "b": 2}, {"a": "x", "b": 3}, {"a": {"n": 1}, "b": null}, {"a": [1, "é"]}]'
    with open_table(write("mixed.json", data)) as table:
        frame = table.collect()
    assert frame["a"].to_list() == ["1", "x", '{"n": 1}', '[1, "é"]']
    assert frame["b"].to_list() == [2, 3, None, None]
    with open_table(write("mixed.ndjson", '{"a": 1}\n{"a": {"k": true}}\n')) as table:
        assert table.collect()["a"].to_list() == ["1", '{"k": true}']


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (ACCENTED.encode("utf-16-le"), "utf-16-le"),
        (ACCENTED.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + ACCENTED.encode("utf-32-le"), "utf-32-le"),
    ],
)
def test_utf16_without_bom_and_utf32(write: Write, raw: bytes, encoding: str) -> None:
    with open_table(write("wide_chars.csv", raw)) as table:
        frame = table.collect()
        assert table.info.encoding == encoding
    assert frame.equals(pl.read_csv(io.StringIO(ACCENTED), infer_schema=False))


def test_columnar_formats_keep_their_string_columns(tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    pl.DataFrame({"n": ["1", "2"], "d": ["2024-01-01", "2024-01-02"]}).write_parquet(path)
    with open_table(path) as table:
        assert table.collect().dtypes == [pl.String, pl.String]
    with open_table(path, ReadOptions(types={"n": "int"})) as table:
        assert table.collect()["n"].to_list() == [1, 2]
