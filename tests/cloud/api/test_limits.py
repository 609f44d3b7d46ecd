"""What the API refuses before a route runs: large bodies (413), and invalid ones (422, no echo)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from cloud.api.limits import MAX_BODY
from tests.cloud.conftest import Served


def test_large_bodies_are_refused_before_parsing(served: Served) -> None:
    headers = {**served.headers("alice"), "content-type": "application/json"}
    big = b'{"name": "' + b"a" * (5 * 1024 * 1024) + b'", "size": 1}'
    answer = httpx.post(f"{served.url}/v1/uploads", content=big, headers=headers)
    assert answer.status_code == 413 and "64 KiB" in answer.json()["detail"]
    assert len(answer.content) < 200

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'", "size": 1}'

    answer = httpx.post(f"{served.url}/v1/uploads", content=chunked(), headers=headers)
    assert answer.status_code == 413

    fits = b'{"name": "a.csv", "size": 1, "multipart": false}'.ljust(MAX_BODY)
    answer = httpx.post(f"{served.url}/v1/uploads", content=fits, headers=headers)
    assert answer.status_code == 201, answer.text


def test_invalid_bodies_get_422_without_their_input(served: Served) -> None:
    headers = {**served.headers("alice"), "content-type": "application/json"}
    for body, where in [
        (rb'{"name": "\ud800.csv", "size": 1}', ["body", "name"]),  # a lone surrogate
        (rb'{"upload_id": "\udfff"}', ["body", "upload_id"]),
        (b'{"name": "a.csv", "size": 1, "secret": "' + b"x" * 40_000 + b'"}', ["body", "secret"]),
    ]:
        path = "/v1/jobs" if b"upload_id" in body else "/v1/uploads"
        answer = httpx.post(f"{served.url}{path}", content=body, headers=headers)
        assert answer.status_code == 422, answer.text
        problems = answer.json()["detail"]
        assert where in [p["loc"] for p in problems]
        assert all(set(p) == {"loc", "msg", "type"} for p in problems)
        assert "xxxx" not in answer.text and len(answer.content) < 1000
