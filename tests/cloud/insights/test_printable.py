"""Model text never drives the terminal or reorders what is read."""

from __future__ import annotations

import json

import pytest

from cloud.client.commands import _print_insights
from cloud.insights import printable
from cloud.insights.contract import parse_answer

HOSTILE = (
    "\x1b[2J\x1b[31mred\x1b[0m"  # clear the screen, colour
    "\x1b]0;owned\x07"  # set the window title
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"  # a hyperlink
    "\x9b31m"  # an 8-bit CSI
    "\rover\x08\x00\x7f\x85"  # carriage return, backspace, NUL, DEL, NEL
    "\u202egnp.exe\u202c\u2066iso\u2069\u200f"  # bidi override, isolate, mark
)


def test_escapes_controls_and_bidi_controls_are_dropped() -> None:
    cleaned = printable(HOSTILE)
    assert cleaned == "redlinkovergnp.exeiso"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned)


@pytest.mark.parametrize(
    "text", ["plain", "two\nlines\tand a tab", "Zürich — 東京 · ١٢٣", "[bold]not markup[/]"]
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert printable(text) == text


def test_the_answers_prose_is_cleaned_and_names_are_kept() -> None:
    name = "col\x1b[31m"  # a column name is the file's: kept, to be checked
    answer = parse_answer(
        json.dumps(
            {
                "insights": [
                    {
                        "title": "\x1b[2JTitle\u202e",
                        "detail": "line one\nline two\x07",
                        "columns": [name],
                        "evidence": [{"metric": "rows\x1b[0m", "column": None, "value": 3}],
                    }
                ],
                "charts": [{"type": "bar", "x": name, "title": "\x1b]0;t\x07Chart"}],
            }
        )
    )
    (insight,) = answer.insights
    assert (insight.title, insight.detail) == ("Title", "line one\nline two")
    assert insight.evidence[0].metric == "rows" and insight.columns == [name]
    assert answer.charts[0].title == "Chart" and answer.charts[0].x == name


def test_the_cli_prints_model_text_without_escapes_and_says_what_was_checked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no wrapping
    result = {
        "insights": [
            {
                "severity": "critical",
                "title": "\x1b]0;owned\x07Amounts [bold]are[/] huge\u202e",
                "detail": "\x1b[2Jgone\rover",
                "status": "verified",
            },
            {"severity": "info", "title": "Dates", "detail": "d", "status": "unverified"},
        ],
        "charts": [{"type": "bar", "x": "a\x1b[31m", "y": None, "title": "t\x07"}],
        "omitted": {"columns": 2_801, "alerts": {"constant": 2_950}, "names_cut": 1},
    }
    _print_insights(result)
    out = capsys.readouterr().out
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out
    lines = out.splitlines()
    first = next(line for line in lines if "Amounts" in line)
    assert "Amounts [bold]are[/] huge" in first  # markup printed as text
    assert "(evidence matches the profile)" in first and "verified" not in first
    dates = next(line for line in lines if "Dates" in line)
    assert "(evidence does not match the profile)" in dates
    assert "goneover" in out and "chart  bar of a: t" in out
    assert "the model concludes from them is not checked" in out
    assert "2,801 columns not sent" in out and "constant: 2,950 more" in out
