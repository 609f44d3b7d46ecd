"""``loupe compare`` as a user runs it: a real process, exit codes, stdout and stderr."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tests.core.test_cli import loupe

_A = "id,city,amount,day,year\n" + "".join(
    f"{i},{'xyz'[i % 3]},{i * 1.5},2024-01-{1 + i % 28:02d},{2013 + i % 2}\n" for i in range(60)
)
_B = "id,city,amount,day,year\n" + "".join(
    f"{i},{'yzw'[i % 3]},{i * 3.0 + 7},2024-03-{1 + i % 28:02d},2014\n" for i in range(50)
)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(_A)
    b.write_text(_B)
    return a, b


def test_compare_prints_a_summary_and_writes_valid_json(tmp_path: Path) -> None:
    a, b = _files(tmp_path)
    shown = loupe("compare", a, b)
    assert shown.returncode == 0, shown.stderr
    assert "columns by drift" in shown.stdout
    assert "60 → 50" in shown.stdout
    assert "'amount' drifted" in shown.stdout
    # Years read as years, amounts with separators.
    assert "2013.5 → 2014" in shown.stdout and "2,01" not in shown.stdout
    out = tmp_path / "c.json"
    written = loupe("compare", a, b, "--json", out)
    assert written.returncode == 0, written.stderr
    assert f"wrote {out}" in written.stderr
    comparison = json.loads(out.read_text())
    assert comparison["dataset"]["rows"] == {"a": 60, "b": 50, "difference": -10}
    cities = next(c for c in comparison["columns"] if c["name"] == "city")["categories"]
    assert [v["value"] for v in cities["appeared"]] == ["w"]
    assert [v["value"] for v in cities["vanished"]] == ["x"]
    stdout = loupe("compare", a, b, "--json", "-")
    assert json.loads(stdout.stdout) == comparison


def test_saved_profiles_and_tables_mix(tmp_path: Path) -> None:
    a, b = _files(tmp_path)
    saved = tmp_path / "a.profile.json"
    assert loupe("profile", a, "--json", saved).returncode == 0
    mixed = loupe("compare", saved, b, "--json", "-")
    direct = loupe("compare", a, b, "--json", "-")
    assert mixed.returncode == direct.returncode == 0, mixed.stderr
    first, second = json.loads(mixed.stdout), json.loads(direct.stdout)
    assert first == second


def test_a_json_table_is_read_as_data(tmp_path: Path) -> None:
    a, b = _files(tmp_path)
    rows = tmp_path / "rows.json"
    pl.read_csv(b).write_json(rows)
    result = loupe("compare", a, rows, "--json", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["b"]["rows"] == 50


def test_errors_exit_2_with_one_line_naming_the_file(tmp_path: Path) -> None:
    a, _ = _files(tmp_path)
    missing = tmp_path / "nope.csv"
    result = loupe("compare", a, missing)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {missing}"), result.stderr
    broken = tmp_path / "p.json"
    broken.write_text('{"schema_version": "1.1", "state": "not base64 zstd"}')
    result = loupe("compare", broken, a)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {broken}: "), result.stderr
    config = tmp_path / "c.toml"
    config.write_text("[thresholds]\nnope = 1\n")
    result = loupe("compare", a, a, "--config", config)
    assert result.returncode == 2 and "unknown setting 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_writes_an_html_report(tmp_path: Path) -> None:
    a, b = _files(tmp_path)
    out = tmp_path / "report.html"
    written = loupe("compare", a, b, "--html", out, "--theme", "dark")
    assert written.returncode == 0, written.stderr
    assert written.stderr.strip() == f"wrote {out}"
    assert written.stdout == ""  # the report replaces the printed summary
    page = out.read_text(encoding="utf-8")
    assert 'data-theme="dark"' in page and "<h1>a.csv → b.csv</h1>" in page
    assert page.count('<section class="column"') == 5
    both = loupe("compare", a, b, "--html", out, "--json", "-")
    assert both.returncode == 0 and json.loads(both.stdout)["a"]["rows"] == 60
    for bad in (tmp_path / "missing" / "r.html", tmp_path):
        failed = loupe("compare", a, b, "--html", bad)
        assert failed.returncode == 2
        assert failed.stderr.count("\n") == 1 and str(bad) in failed.stderr
        assert "Traceback" not in failed.stderr
