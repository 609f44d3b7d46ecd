"""Following a job: polls that back off, answers that mean "later" retried, a bounded give-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from cloud.client import Backoff, CloudClient, WaitInterrupted
from cloud.errors import CloudError, NotFoundError

JOB = "0123456789abcdef0123456789abcdef"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class Time:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def state(phase: str, progress: float = 0.0) -> httpx.Response:
    status = {"queued": "queued", "done": "succeeded", "failed": "failed"}.get(phase, "running")
    body = {
        "job_id": JOB,
        "kind": "profile",
        "status": status,
        "phase": phase,
        "progress": progress,
        "error": "the file is empty" if phase == "failed" else None,
        "result_url": "https://bucket.example.org/result" if phase == "done" else None,
    }
    return httpx.Response(200, json=body)


Answer = httpx.Response | Exception


def api(answers: list[Answer]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """An API answering the polls in turn (an exception is raised as the network's)."""
    queue: Iterator[Answer] = iter(answers)
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        assert request.url.path == f"/v1/jobs/{JOB}"
        given = next(queue)
        if isinstance(given, Exception):
            raise given
        return given

    return httpx.MockTransport(answer), asked


def client(transport: httpx.MockTransport, time: Time, **options: float) -> CloudClient:
    return CloudClient(
        "https://api.example.org",
        "secret-token",
        transport=transport,
        clock=time.clock,
        sleep=time.sleep,
        **options,
    )


def test_polls_back_off_and_start_again_in_each_new_phase() -> None:
    answers: list[Answer] = [state("queued")] * 3
    answers += [state("profiling", p / 20) for p in range(12)]
    answers += [state("merging", 0.9), state("merging", 0.95), state("done", 1.0)]
    transport, asked = api(answers)
    time = Time()
    shown: list[int] = []
    with client(transport, time) as cloud:
        final = cloud.wait(JOB, progress=lambda stage, done, total: shown.append(done))
    assert final["status"] == "succeeded" and len(asked) == len(answers)
    # Queued: 1, 1.5, 2.25 s; profiling from 1 s again, ×1.5 each poll up to 15 s;
    # merging from 1 s again; no pause after the last answer.
    assert [round(s, 2) for s in time.slept] == [
        *(1.0, 1.5, 2.25),
        *(1.0, 1.5, 2.25, 3.38, 5.06, 7.59, 11.39, 15.0, 15.0, 15.0, 15.0, 15.0),
        *(1.0, 1.5),
    ]
    assert shown[-1] == 1000


def test_a_failed_job_names_itself_and_its_reason() -> None:
    transport, _ = api([state("profiling", 0.5), state("failed")])
    with client(transport, Time()) as cloud, pytest.raises(CloudError) as failed:
        cloud.wait(JOB)
    assert str(failed.value) == f"job {JOB} failed: the file is empty"


def later(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, json={"message": "Too Many Requests"})


def test_refused_and_failed_polls_are_retried_honouring_retry_after() -> None:
    in_ten = format_datetime(NOW + timedelta(seconds=10), usegmt=True)
    transport, asked = api(
        [
            state("profiling", 0.1),
            later(429, **{"Retry-After": "7"}),  # throttled: seconds
            later(503, **{"Retry-After": in_ten, "Date": format_datetime(NOW, usegmt=True)}),
            later(502),  # no Retry-After: the pauses go on growing, 4 s, 8 s, 16 s
            httpx.ConnectError("connection refused"),
            later(504),
            state("done", 1.0),
        ]
    )
    time = Time()
    with client(transport, time) as cloud:
        assert cloud.wait(JOB)["status"] == "succeeded"
    assert len(asked) == 7
    # The poll's own pause (1 s), then 7 s and 10 s as asked (longer than 1 s and
    # 2 s), then 4, 8 and 16 s.
    assert time.slept == [1.0, 7.0, 10.0, 4.0, 8.0, 16.0]


def test_polls_failing_for_too_long_give_up_in_one_line_naming_the_job() -> None:
    transport, asked = api([state("queued")] + [later(503)] * 100)
    time = Time()
    with (
        client(transport, time, patience=120.0) as cloud,
        pytest.raises(WaitInterrupted) as stopped,
    ):
        cloud.wait(JOB)
    said = str(stopped.value)
    assert stopped.value.job_id == JOB and JOB in said and "\n" not in said
    assert said == f"lost touch with job {JOB}: HTTP 503"
    # 1 s before the second poll, then 1 + 2 + 4 + 8 + 16 + 30 + 30 s of retries: the
    # next 30 s would go past two minutes, so it stops there rather than wait in vain.
    assert time.slept == [1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert len(asked) == 9
    assert "secret-token" not in said


def test_a_retry_after_of_zero_still_backs_off() -> None:
    transport, asked = api([later(503, **{"Retry-After": "0"})] * 3 + [state("done", 1.0)])
    time = Time()
    with client(transport, time) as cloud:
        assert cloud.wait(JOB)["status"] == "succeeded"
    assert time.slept == [1.0, 2.0, 4.0] and len(asked) == 4


def test_a_retry_after_longer_than_the_patience_is_not_waited_for() -> None:
    transport, asked = api([later(429, **{"Retry-After": "3600"})])
    time = Time()
    with client(transport, time) as cloud, pytest.raises(WaitInterrupted, match=JOB):
        cloud.wait(JOB)
    assert time.slept == [] and len(asked) == 1


def test_the_daily_quota_used_up_is_not_retried() -> None:
    spent = httpx.Response(429, json={"message": "Limit Exceeded"})
    transport, asked = api([spent])
    time = Time()
    with client(transport, time) as cloud, pytest.raises(WaitInterrupted) as stopped:
        cloud.wait(JOB)
    assert "quota for today is used up" in str(stopped.value) and JOB in str(stopped.value)
    assert time.slept == [] and len(asked) == 1


def test_an_unknown_job_is_not_retried() -> None:
    transport, asked = api([httpx.Response(404, json={"detail": "no such job"})])
    with client(transport, Time()) as cloud, pytest.raises(NotFoundError, match=JOB):
        cloud.wait(JOB)
    assert len(asked) == 1


def test_a_job_running_past_the_timeout_is_left_to_run() -> None:
    transport, _ = api([state("profiling", p / 100) for p in range(100)])
    time = Time()
    with client(transport, time) as cloud, pytest.raises(WaitInterrupted) as stopped:
        cloud.wait(JOB, timeout=60.0)
    assert str(stopped.value) == f"job {JOB} did not finish within 60 s"
    assert sum(time.slept) <= 60.0


def test_starting_a_job_is_not_retried() -> None:
    # Not safe to repeat: a 503 may come after the job was recorded.
    calls: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return later(503)

    time = Time()
    with (
        client(httpx.MockTransport(gateway), time) as cloud,
        pytest.raises(CloudError, match="HTTP 503"),
    ):
        cloud.start_job("abc")
    assert len(calls) == 1 and time.slept == []


def test_backoff_grows_to_its_cap_and_resets() -> None:
    pauses = Backoff(1.0, 2.0, 5.0)
    assert [pauses.next() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    pauses.reset()
    assert pauses.next() == 1.0
