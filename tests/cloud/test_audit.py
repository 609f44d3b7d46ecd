"""The attack of tests/cloud/audit.py against a real `loupe serve`: nothing answers 5xx,
nothing leaks, and no attack gets through."""

from __future__ import annotations

from tests.cloud.audit import run


def test_loupe_serve_withstands_the_audit() -> None:
    report = run(polls=100)
    assert report.tried > 250
    assert report.clean, report.summary()
    # The attacks were refused for the right reasons, not skipped.
    assert report.refused_as_expected > 100
