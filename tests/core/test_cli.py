"""The loupe command as a user runs it: a real process, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from core.samples import SAMPLE_CSV


def loupe(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess, as the console script does."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_preview_json(mixed_csv: Path) -> None:
    result = loupe("preview", mixed_csv, "--rows", "2", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [c["name"] for c in document["schema"]][:3] == ["id", "zip", "price"]
    # "NA" is the file's missing marker (its price column uses it), so in the note column too.
    assert document["rows"] == [
        [1, "08123", 1.5, "2021-01-02", True, None, 10],
        [2, "01234", None, "2021-02-03", False, "hello", 20],
    ]
    assert document["truncated"] is True
    assert document["source"]["dialect"]["delimiter"] == ","


def test_preview_table_of_the_sample() -> None:
    result = loupe("preview", SAMPLE_CSV, "--rows", "3")
    assert result.returncode == 0, result.stderr
    assert "customer_zip" in result.stdout and "String" in result.stdout
    assert "first 3 rows" in result.stdout


def test_preview_sheet_and_type_override(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("First").write_row(0, 0, ["a"])
    second = book.add_worksheet("Second")
    second.write_row(0, 0, ["code", "n"])
    second.write_row(1, 0, ["0012", 5])
    book.close()
    result = loupe("preview", path, "--sheet", "Second", "--type", "code=int", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["rows"] == [[12, 5]]
    assert document["source"]["sheets"] == ["First", "Second"]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"a,b\n1,2,3\n", "ragged.csv", "line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "img.csv", "PNG image"),
    ],
)
def test_errors_exit_2_with_one_line(
    tmp_path: Path, content: bytes, name: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = loupe("preview", path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_options_exit_2(mixed_csv: Path) -> None:
    for args in (
        ["--type", "zip=money"],
        ["--encoding", "klingon"],
        ["--sheet", "x"],
        ["--delimiter", "ab"],
    ):
        result = loupe("preview", mixed_csv, *args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("error:"), result.stderr
        assert "Traceback" not in result.stderr


def test_convert_and_missing_source(mixed_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    result = loupe("convert", mixed_csv, out)
    assert result.returncode == 0, result.stderr
    assert pl.read_parquet(out)["zip"].to_list() == ["08123", "01234", "99999", "00501"]
    missing = loupe("convert", tmp_path / "nope.csv", out)
    assert missing.returncode == 2
    assert "nope.csv: no such file" in missing.stderr


def test_lenient_flag_warns_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    result = loupe("preview", path, "--lenient", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["rows"] == [[1, 2], [3, 4]]
    assert result.stderr.startswith("warning: ragged rows read leniently")


def test_no_command_mentions_the_desktop_app(mixed_csv: Path) -> None:
    result = loupe(mixed_csv)
    assert result.returncode == 2
    assert "desktop app" in result.stderr


def test_names_that_look_like_markup_are_shown_verbatim(tmp_path: Path) -> None:
    folder = tmp_path / "[red]reports"
    folder.mkdir()
    path = folder / "m.csv"
    path.write_text("[bold]x,when\n1,2024-01-01\n")
    result = loupe("preview", path)
    assert result.returncode == 0, result.stderr
    assert str(path) in result.stdout
    assert result.stdout.count("[bold]x") == 2  # schema table and rows table
    assert "Datetime" not in result.stdout and "Date " in result.stdout


def test_profile_summary_json_and_merge(tmp_path: Path) -> None:
    summary = loupe("profile", SAMPLE_CSV)
    assert summary.returncode == 0, summary.stderr
    assert "2,000 rows × 12 columns" in summary.stdout
    assert "'comment' is missing in 78.5% of rows" in summary.stdout
    data = pl.read_csv(SAMPLE_CSV, infer_schema=False)
    paths = []
    for i, part in enumerate((data.head(1200), data.slice(1200))):
        csv = tmp_path / f"part{i}.csv"
        part.write_csv(csv)
        out = tmp_path / f"part{i}.json"
        result = loupe("profile", csv, "--json", out, "--type", "customer_zip=str")
        assert result.returncode == 0, result.stderr
        paths.append(out)
    merged = loupe("profile", "--merge", *paths, "--json", "-")
    assert merged.returncode == 0, merged.stderr
    document = json.loads(merged.stdout)
    whole = json.loads(loupe("profile", SAMPLE_CSV, "--json", "-").stdout)
    assert document["dataset"]["rows"] == whole["dataset"]["rows"] == 2000
    by_name = {c["name"]: c for c in whole["columns"]}
    for column in document["columns"]:
        assert column["count"] == by_name[column["name"]]["count"]
        assert column["distinct"] == by_name[column["name"]]["distinct"]


def test_profile_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    result = loupe("profile", bad)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {bad}")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[thresholds]\nzeroes = 0.1\n")
    result = loupe("profile", SAMPLE_CSV, "--config", cfg)
    assert result.returncode == 2 and "unknown setting 'zeroes'" in result.stderr
    result = loupe("profile", "--merge", bad)
    assert result.returncode == 2 and "not a JSON file" in result.stderr
