"""A deployment's usage plan refusing requests reaches the user as one line saying which."""

from __future__ import annotations

import httpx
import pytest

from cloud.client import CloudClient
from cloud.errors import QuotaError


@pytest.mark.parametrize(
    ("said", "line"),
    [
        (
            "Limit Exceeded",
            "the deployment's request quota for today is used up; try again tomorrow",
        ),
        (
            "Too Many Requests",
            "the deployment is receiving too many requests; try again in a minute",
        ),
        (None, "the deployment is receiving too many requests; try again in a minute"),
    ],
)
def test_a_refused_quota_or_throttle_is_one_line(said: str | None, line: str) -> None:
    # API Gateway answers 429 with {"message": …} when a usage plan refuses a request.
    def gateway(request: httpx.Request) -> httpx.Response:
        if said is None:
            return httpx.Response(429, text="<html>busy</html>")
        return httpx.Response(429, json={"message": said})

    transport = httpx.MockTransport(gateway)
    with (
        CloudClient("https://api.example.org", "token", transport=transport) as client,
        pytest.raises(QuotaError) as refused,
    ):
        client.start_job("abc", "profile")
    assert str(refused.value) == line and "\n" not in line
