"""Schemathesis fuzzes every operation of the OpenAPI schema: no 500s, answers as documented.

Driven through Hypothesis directly: schemathesis' own pytest plugin does not
yet load under this pytest.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from cloud.api import MIN_PART_SIZE, LocalTokens, create_app
from cloud.shared.jobs import JobRef
from cloud.shared.storage import S3Store


def test_api_survives_fuzzing(store: S3Store) -> None:
    tokens = LocalTokens()
    started: list[str] = []

    def runner(job: JobRef) -> None:
        started.append(job.job_id)  # the API is under test here, not the jobs

    app = create_app(store, tokens, runner, part_size=MIN_PART_SIZE)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {tokens.issue('fuzzer')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=headers)

        fuzz()
    # Nothing the fuzzer sent wrote outside its own prefix.
    assert all(k.startswith(("uploads/fuzzer/", "jobs/fuzzer/")) for k in store.keys(""))
