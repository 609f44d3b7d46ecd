"""The profile in a notebook: a compact, escaped, offline summary whose charts draw.

A real notebook is executed headless (nbclient, the venv's ipykernel); its output
HTML is checked for external URLs and escaping, then opened in headless Chromium
with the network closed, where the charts must be drawn.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import polars as pl
import pytest
from nbclient import NotebookClient
from PySide6.QtGui import QImage

import loupe

profile_module = importlib.import_module("core.api.profile")

ROOT = Path(__file__).resolve().parents[3]
EVIL = "<script>alert(1)</script>"
URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            EVIL: ["</script><b>x</b>", "a", None, "a"],
            "price": [1.5, 2.5, None, 10.0],
            "qty": [1, 2, 3, 4],
        }
    )


def test_summary_is_escaped_and_offline() -> None:
    profile_module._plotly_shown.clear()
    profile = loupe.profile(_frame(), progress=False)
    first = profile._repr_html_()
    second = profile._repr_html_()
    for html in (first, second):
        assert EVIL not in html and "</script><b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not URL.search(html), URL.search(html)
        assert "<link" not in html and "@import" not in html and "@font-face" not in html
        data = html.split('class="loupe-figures">', 1)[1].split("</script>", 1)[0]
        assert "<" not in data  # the figures' JSON escapes markup
    # plotly.js (compressed) goes with the first summary of a kernel only.
    assert first.count('class="loupe-plotly"') == 1 and 'class="loupe-plotly"' not in second
    assert len(second) < 200_000 < len(first)
    assert "price" in first and first.count('<div class="plot"') == 4  # overview, missing, 2 hist


def test_full_report_in_a_frame_is_escaped() -> None:
    profile = loupe.profile(_frame(), progress=False)
    html = profile.to_notebook()._repr_html_()
    # Scripts run in an origin of their own: the frame cannot reach the notebook's page.
    assert html.startswith('<iframe class="loupe-report" sandbox="allow-scripts" srcdoc="')
    srcdoc = html.split('srcdoc="', 1)[1].rsplit('" style=', 1)[0]
    assert '"' not in srcdoc and "<" not in srcdoc  # every quote and bracket escaped
    assert "&amp;lt;script&amp;gt;alert(1)" in srcdoc  # the name, escaped in the report, again


def test_the_full_report_draws_in_its_frame(tmp_path: Path) -> None:
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (Debian: apt install chromium); cannot draw")
    frame = loupe.profile(_frame(), progress=False).to_notebook(height=1400)._repr_html_()
    page = _page(tmp_path, "frame.html", [frame])
    shot = tmp_path / "frame.png"
    _browser(["--window-size=1200,1500", f"--screenshot={shot}"], page, tmp_path)
    # The page cannot look into the frame: what it drew is read off the screen. The
    # overview's bars are drawn in the palette's orange and green, which nothing else
    # in the report uses.
    image = QImage(str(shot)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.width() * image.height())
    drawn = {c: int(np.count_nonzero((pixels & 0xFFFFFF) == c)) for c in (0xE69F00, 0x009E73)}
    assert all(n > 200 for n in drawn.values()), drawn


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _browser(args: list[str], page: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    browser = _chromium()
    assert browser is not None
    return subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=20000", *args, page.as_uri(),
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


NOTEBOOK = [
    "import polars as pl, loupe\n"
    "df = pl.read_parquet(PATH)\n"
    "df = df.rename({'carrier': '<script>alert(1)</script>'})",
    "p = loupe.profile(df)\np",
    "p",
]


def test_a_notebook_shows_the_summary_and_chromium_draws_it(
    january_parquet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    cells = [nbformat.v4.new_code_cell(NOTEBOOK[0].replace("PATH", repr(str(january_parquet))))]
    cells += [nbformat.v4.new_code_cell(source) for source in NOTEBOOK[1:]]
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    outputs = [
        o["data"]["text/html"]
        for cell in notebook.cells[1:]
        for o in cell["outputs"]
        if "data" in o and "text/html" in o["data"]
    ]
    assert len(outputs) == 2
    first, second = outputs
    assert 'class="loupe-plotly"' in first and 'class="loupe-plotly"' not in second
    for html in outputs:
        assert not URL.search(html)
        assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "27,004 rows × 19 columns" in html
        # Years (and times written as 1545) read without separators, as in the report.
        assert "mean 2013<" in html and "mean 1347.2095<" in html and "2,013" not in html
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (Debian: apt install chromium); cannot draw")
    page = tmp_path / "notebook.html"
    page.write_text(
        "<!doctype html><html><head><meta charset=utf-8>"
        # A column name that ran as a script would say so here.
        "<script>window.alert=function(){document.body.dataset.alerted='yes'}</script>"
        "</head><body>"
        + "".join(f'<div class="output">{html}</div>' for html in outputs)
        + "</body></html>",
        encoding="utf-8",
    )
    dom = _browser(["--dump-dom"], page, tmp_path).stdout
    assert dom.count('data-plotly="ready"') == 2  # the second found plotly.js of the first
    figures = first.count('<div class="plot"')
    assert figures == 8  # overview, missing values, six histograms
    assert dom.count('class="main-svg"') >= 2 * 2 * figures  # two layers per chart
    assert "data-alerted" not in dom
    shot = tmp_path / "notebook.png"
    _browser(["--window-size=1200,1600", f"--screenshot={shot}"], page, tmp_path)
    assert shot.stat().st_size > 50_000
    keep = os.environ.get("LOUPE_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / "notebook.png")


def _page(tmp_path: Path, name: str, outputs: list[str]) -> Path:
    page = tmp_path / name
    page.write_text(
        "<!doctype html><html><head><meta charset=utf-8></head><body>"
        + "".join(f'<div class="output">{html}</div>' for html in outputs)
        + "</body></html>",
        encoding="utf-8",
    )
    return page


def test_a_summary_alone_draws_and_one_without_plotly_says_why(tmp_path: Path) -> None:
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (Debian: apt install chromium); cannot draw")
    profile_module._plotly_shown.clear()
    profile = loupe.profile(_frame(), progress=False)
    first, later = profile._repr_html_(), profile._repr_html_()
    alone = _browser(["--dump-dom"], _page(tmp_path, "alone.html", [first]), tmp_path).stdout
    assert alone.count('data-plotly="ready"') == 1 and alone.count('class="main-svg"') >= 8
    # The output that carried plotly.js was cleared: the later one says so within seconds.
    orphan = _browser(
        ["--dump-dom", "--virtual-time-budget=8000"],
        _page(tmp_path, "orphan.html", [later]),
        tmp_path,
    ).stdout
    assert 'data-plotly="ready"' not in orphan and 'class="main-svg"' not in orphan
    assert "No charts: they need plotly.js" in orphan and ".to_notebook()" in orphan
    # The room kept for the charts is folded away, so the reason shows under the table.
    assert 'class="loupe-plots" style="display: none;"' in orphan
    # Shown before the one that carries plotly.js (a page put together in another order),
    # a later summary still draws once plotly.js comes.
    both = _browser(["--dump-dom"], _page(tmp_path, "both.html", [later, first]), tmp_path)
    assert both.stdout.count('data-plotly="ready"') == 2, both.stdout[-2000:]
    # A browser that cannot inflate plotly.js: every summary says so, without waiting.
    old_browser = "<script>delete window.DecompressionStream</script>"
    for html in (first, later):
        page = _page(tmp_path, "old.html", [old_browser + html])
        dom = _browser(["--dump-dom", "--virtual-time-budget=1000"], page, tmp_path).stdout
        assert "lacks DecompressionStream" in dom


def test_a_summary_that_fails_to_render_leaves_plotly_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile_module._plotly_shown.clear()
    profile = loupe.profile(_frame(), progress=False)
    notebook = importlib.import_module("core.present.notebook")
    with monkeypatch.context() as patched:

        def broken(*args: object, **kwargs: object) -> str:
            raise RuntimeError("cannot render")

        patched.setattr(notebook, "profile_summary", broken)
        with pytest.raises(RuntimeError):
            profile._repr_html_()
    assert profile._repr_html_().count('class="loupe-plotly"') == 1
    assert 'class="loupe-plotly"' not in profile._repr_html_()


def test_a_comparison_after_a_profile_draws_its_overlays_with_the_same_plotly(
    tmp_path: Path,
) -> None:
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (Debian: apt install chromium); cannot draw")
    profile_module._plotly_shown.clear()
    frame = pl.DataFrame({"x": [float(i % 50) for i in range(2000)], "k": ["a", "b"] * 1000})
    moved = frame.with_columns(pl.col("x") * 3 + 40, k=pl.lit("c"))
    first = loupe.profile(frame, progress=False)._repr_html_()
    comparison = loupe.compare(frame, moved)._repr_html_()
    assert 'class="loupe-plotly"' in first and 'class="loupe-plotly"' not in comparison
    assert comparison.count('<div class="plot"') == 2  # x and k drifted
    dom = _browser(["--dump-dom"], _page(tmp_path, "cmp.html", [first, comparison]), tmp_path)
    assert dom.stdout.count('data-plotly="ready"') == 2
    drawn = dom.stdout.split("Loupe comparison", 1)[1].count('class="main-svg"')
    assert drawn >= 4  # two layers a chart
