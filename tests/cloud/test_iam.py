"""Every API route and every step of a profile job and an insights job, each run under
exactly the IAM policy the template gives its function (moto enforcing IAM; see
:mod:`tests.cloud.iam`): a policy too narrow for the code fails here, and so does a
grant that nothing uses."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import polars as pl
import pytest
from botocore.config import Config
from fastapi.routing import APIRoute

from cloud.api import LocalTokens, create_app
from cloud.api import handler as api_handler
from cloud.shared import runtime
from cloud.shared.memory import MemoryStore
from cloud.workers import handlers, secrets
from core.samples import SAMPLE_CSV
from tests.cloud.api.test_handler import Issuer, rest_event
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, good_answer
from tests.cloud.helpers import Context
from tests.cloud.iam import Deployment, Grant, _function_arn, load_template, moto_server

# What an AWS service uses on a role's behalf rather than the code: Step Functions
# delivering the state machine's logs to CloudWatch Logs. These actions take no
# resource-level permissions (AWS's "Logging using CloudWatch Logs" for Step Functions).
SERVICE_GRANTS = {
    Grant("JobStateMachine", f"logs:{action}", "*")
    for action in (
        "CreateLogDelivery",
        "GetLogDelivery",
        "UpdateLogDelivery",
        "DeleteLogDelivery",
        "ListLogDeliveries",
        "PutResourcePolicy",
        "DescribeResourcePolicies",
        "DescribeLogGroups",
    )
}

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    with moto_server() as url:
        deployment = Deployment(url, load_template())
        deployment.set_up(KEY)
        with deployment.hooked():
            yield deployment


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    issuer = Issuer()
    yield issuer
    issuer.server.shutdown()


def _fresh_containers() -> None:
    """Cold starts: the clients each function makes once per container are made again."""
    runtime.bucket.cache_clear()
    api_handler._api.cache_clear()
    secrets._providers.clear()


@pytest.fixture
def aws(
    deployment: Deployment, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    """The environment the template gives the functions (credentials come with each role)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "AWS_ENDPOINT_URL": deployment.url,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "LOUPE_BUCKET": deployment.bucket,
        "LOUPE_CHUNK_ROWS": "700",
        "LOUPE_STATE_MACHINE_ARN": deployment.machine_arn,
        "LOUPE_USER_POOL_ID": "us-east-1_test",
        "LOUPE_USER_POOL_CLIENT_ID": "app-client",
        "LOUPE_TOKEN_ISSUER": issuer.url,
        "NVIDIA_SECRET_ID": deployment.secret_arn,
        "LOUPE_USAGE_PLAN_ID": deployment.usage_plan,
    }.items():
        monkeypatch.setenv(name, value)
    _fresh_containers()
    deployment.refused.clear()
    yield deployment
    _fresh_containers()


class Api:
    """The API function called as API Gateway calls it, recording the routes it reached."""

    def __init__(self, deployment: Deployment, issuer: Issuer) -> None:
        self.deployment = deployment
        self.issuer = issuer
        self.token = issuer.token("alice")
        self.reached: set[tuple[str, str]] = set()

    def __call__(
        self, method: str, route: str, body: Any = None, *, auth: bool = True, **ids: str
    ) -> tuple[int, Any]:
        event = rest_event(method, route.format(**ids), self.token if auth else None, body)
        with self.deployment.acting_as("ApiFunction"):
            answer = api_handler.api(event, Context())
        status = int(answer["statusCode"])
        if status < 400:
            self.reached.add((method, route))
        return status, json.loads(answer["body"]) if answer.get("body") else None


@pytest.fixture
def api(aws: Deployment, issuer: Issuer) -> Api:
    return Api(aws, issuer)


def invoke(deployment: Deployment, function: str, handler: Handler, event: dict[str, Any]) -> Any:
    """The state machine invoking ``function``: its role may, and the function runs as itself."""
    machine = deployment.roles["JobStateMachine"]
    assert deployment.check(machine, "lambda:InvokeFunction", _function_arn(function), {})
    with deployment.acting_as(function):
        runtime.bucket.cache_clear()
        secrets._providers.clear()
        return handler(event, Context())


def run_machine(deployment: Deployment, start: dict[str, Any]) -> str:
    """What the job state machine does with an execution's input; returns how it ended."""
    try:
        planned = invoke(deployment, "PlanFunction", handlers.plan, start)
        with deployment.acting_as("JobStateMachine"):  # the Distributed Map's ItemReader
            plan = boto3.client("s3").get_object(
                Bucket=planned["plan"]["Bucket"], Key=planned["plan"]["Key"]
            )
            items = json.loads(plan["Body"].read())
        machine = deployment.roles["JobStateMachine"]
        name = deployment.machine_arn.rsplit(":", 1)[1]
        executions = deployment.machine_arn.replace(":stateMachine:", ":execution:")
        for item in items:
            # Each item is a child execution of this state machine, which the Map starts,
            # follows and (when one fails) stops.
            child = f"{executions}/{start['job_id']}:{item['index']}"
            assert deployment.check(machine, "states:StartExecution", deployment.machine_arn, {})
            for action in ("states:DescribeExecution", "states:StopExecution"):
                assert deployment.check(machine, action, child, {}), (action, name)
            invoke(deployment, "ChunkFunction", handlers.chunk, {**start, "chunk": item})
        merged = invoke(
            deployment, "MergeFunction", handlers.merge, {**start, "chunks": planned["chunks"]}
        )
        if merged["kind"] == "insights":
            invoke(deployment, "InsightsFunction", handlers.insights, merged)
        return "succeeded"
    except Exception as exc:
        error = {"Error": type(exc).__name__, "Cause": json.dumps({"errorMessage": str(exc)})}
        invoke(deployment, "FailedFunction", handlers.failed, {**start, "error": error})
        return "failed"


def started_executions(deployment: Deployment) -> list[dict[str, Any]]:
    """The inputs of the executions the API started, oldest first."""
    steps = deployment.admin_client("stepfunctions")
    listed = steps.list_executions(stateMachineArn=deployment.machine_arn)["executions"]
    described = [steps.describe_execution(executionArn=e["executionArn"]) for e in listed]
    return [json.loads(d["input"]) for d in sorted(described, key=lambda d: d["startDate"])]


def upload_file(api: Api, path: Path) -> str:
    """One presigned PUT, as the client sends small files."""
    status, body = api("POST", "/v1/uploads", {"name": path.name, "size": path.stat().st_size})
    assert status == 201, body
    put = api.deployment.send("PUT", body["url"], content=path.read_bytes())
    assert put.status_code == 200, put.text
    return str(body["upload_id"])


def run_job(api: Api, upload_id: str, kind: str, **options: Any) -> dict[str, Any]:
    status, body = api(
        "POST", "/v1/jobs", {"upload_id": upload_id, "kind": kind, "options": options}
    )
    assert status == 202, body
    job_id = body["job_id"]
    (start,) = [s for s in started_executions(api.deployment) if s["job_id"] == job_id]
    run_machine(api.deployment, start)
    status, job = api("GET", "/v1/jobs/{job_id}", job_id=job_id)
    assert status == 200, job
    return dict(job)


@pytest.fixture(scope="module")
def sample_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample orders as Parquet in row groups of 700 rows, as `loupe cloud` sends them."""
    path = tmp_path_factory.mktemp("iam") / "orders.parquet"
    pl.read_csv(SAMPLE_CSV, null_values=["NA", ""]).write_parquet(path, row_group_size=700)
    return path


def test_a_parquet_profile_job_runs_under_the_templates_policies(
    api: Api, sample_parquet: Path
) -> None:
    upload_id = upload_file(api, sample_parquet)
    job = run_job(api, upload_id, "profile")
    assert api.deployment.refused == []
    assert job["status"] == "succeeded", job["error"]
    assert job["chunks"] == 3  # read from the upload's row groups by the chunk step
    result = api.deployment.send("GET", job["result_url"])
    assert result.status_code == 200 and json.loads(result.content)["dataset"]["rows"] == 2000
    # Deleting the job, then the upload, leaves nothing of either, no version either.
    assert api("DELETE", "/v1/jobs/{job_id}", job_id=job["job_id"])[0] == 204
    assert api("GET", "/v1/jobs/{job_id}", job_id=job["job_id"])[0] == 404
    assert api("DELETE", "/v1/uploads/{id}", id=upload_id)[0] == 204
    s3 = api.deployment.admin_client("s3")
    for prefix in (f"jobs/alice/{job['job_id']}/", f"uploads/alice/{upload_id}/"):
        listed = s3.list_object_versions(Bucket=api.deployment.bucket, Prefix=prefix)
        assert "Versions" not in listed and "DeleteMarkers" not in listed, prefix


def test_a_csv_insights_job_runs_under_the_templates_policies(api: Api) -> None:
    with FakeNemotron() as fake:
        profile_job = run_job(api, upload_file(api, SAMPLE_CSV), "profile")
        profile = json.loads(api.deployment.send("GET", profile_job["result_url"]).content)
        fake.replies = [Reply(content=good_answer(profile))]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NVIDIA_API_BASE_URL", fake.url)
            job = run_job(api, upload_file(api, SAMPLE_CSV), "insights", question="Anything odd?")
    assert api.deployment.refused == []
    assert job["status"] == "succeeded", job["error"]
    result = json.loads(api.deployment.send("GET", job["result_url"]).content)
    assert result["question"] == "Anything odd?" and len(result["insights"]) == 2
    # The key reached the model from Secrets Manager, read under the insights role.
    assert fake.received[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_failing_job_is_recorded_under_the_templates_policies(api: Api, tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    job = run_job(api, upload_file(api, broken), "profile")
    assert api.deployment.refused == []
    assert job["status"] == "failed" and "broken.parquet" in (job["error"] or "")


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_multipart_uploads_and_every_route_work_under_the_api_policy(
    api: Api, big_csv: Path
) -> None:
    assert api("GET", "/v1/health", auth=False)[0] == 200
    assert api("GET", "/v1/auth/config", auth=False)[0] == 200
    data = big_csv.read_bytes()
    status, created = api(
        "POST", "/v1/uploads", {"name": big_csv.name, "size": len(data), "multipart": True}
    )
    assert status == 201, created
    upload_id, size = created["upload_id"], created["part_size"]
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    wanted = [{"number": n, "sha256": _sha256(p)} for n, p in enumerate(parts, 1)]
    status, urls = api("POST", "/v1/uploads/{id}/parts", {"parts": wanted}, id=upload_id)
    assert status == 200, urls
    for part, url in zip(parts, urls["parts"], strict=True):
        sent = api.deployment.send("PUT", url["url"], content=part, headers=url["headers"])
        assert sent.status_code == 200, sent.text
    status, received = api("GET", "/v1/uploads/{id}/parts", id=upload_id)
    assert status == 200 and len(received["parts"]) == len(parts), received
    # Completing HEADs the file first: under a policy without s3:ListBucket S3 answers a
    # missing object with 403, not 404, and this failed with 502.
    status, completed = api("POST", "/v1/uploads/{id}/complete", id=upload_id)
    assert (status, completed) == (200, {"upload_id": upload_id, "size": len(data)})
    # Unknown ids are 404 for the same reason (not 502).
    unknown = "0" * 32
    assert api("GET", "/v1/jobs/{job_id}", job_id=unknown)[0] == 404
    assert api("GET", "/v1/uploads/{id}/parts", id=unknown)[0] == 404
    # Each user gets a key of their own in the usage plan, the same one each time.
    status, mine = api("POST", "/v1/keys")
    assert status == 200 and mine["api_key"], mine
    assert api("POST", "/v1/keys") == (200, mine)
    alice, api.token = api.token, api.issuer.token("bob")
    status, bobs = api("POST", "/v1/keys")
    api.token = alice
    assert status == 200 and bobs["api_key"] not in (None, mine["api_key"])
    gateway = api.deployment.admin_client("apigateway")
    with api.deployment.unenforced():
        in_plan = gateway.get_usage_plan_keys(usagePlanId=api.deployment.usage_plan)["items"]
    assert sorted(k["value"] for k in in_plan) == sorted([mine["api_key"], bobs["api_key"]])
    # Deleting drops the file and the record.
    assert api("DELETE", "/v1/uploads/{id}", id=upload_id) == (204, None)
    assert api("GET", "/v1/uploads/{id}/parts", id=upload_id)[0] == 404
    assert api.deployment.refused == []


def test_every_route_and_every_grant_is_exercised(
    api: Api, sample_parquet: Path, big_csv: Path, tmp_path: Path
) -> None:
    """The other tests' paths again, then: every route reached, every grant used.

    A grant nothing uses is one the policy can drop (or a path the tests miss).
    """
    test_multipart_uploads_and_every_route_work_under_the_api_policy(api, big_csv)
    test_a_parquet_profile_job_runs_under_the_templates_policies(api, sample_parquet)
    test_a_csv_insights_job_runs_under_the_templates_policies(api)
    test_a_failing_job_is_recorded_under_the_templates_policies(api, tmp_path)
    app = create_app(MemoryStore(), LocalTokens(), lambda job: None)
    routes = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/v1/")
        for method in route.methods
    }
    assert routes - api.reached == set()
    unused = api.deployment.unused_grants()
    assert unused == SERVICE_GRANTS, sorted(
        unused - SERVICE_GRANTS, key=lambda g: (g.role, g.action, g.resource)
    )


def test_the_harness_refuses_what_the_template_does_not_grant(
    aws: Deployment, sample_parquet: Path
) -> None:
    """The checks bite: the chunk role reading another prefix, listing without its
    prefix condition, or starting a job, is refused; so is a missing grant for a URL."""
    with aws.acting_as("ChunkFunction"):
        s3 = boto3.client("s3")
        for call in (
            lambda: s3.get_object(Bucket=aws.bucket, Key="elsewhere/x"),
            lambda: s3.list_objects_v2(Bucket=aws.bucket, Prefix="uploads/"),
            lambda: boto3.client("stepfunctions").start_execution(
                stateMachineArn=aws.machine_arn, input="{}"
            ),
        ):
            with pytest.raises(Exception, match="AccessDenied"):
                call()
    with aws.acting_as("ApiFunction"):
        url = boto3.client("s3", config=Config(signature_version="s3v4")).generate_presigned_url(
            "put_object", Params={"Bucket": aws.bucket, "Key": "elsewhere/x"}
        )
    assert aws.send("PUT", url, content=b"x").status_code == 403
    assert len(aws.refused) == 4
    # moto itself enforces the roles too: a made-up key is not accepted at all.
    stranger = boto3.session.Session().client(
        "s3",
        endpoint_url=aws.url,
        region_name="us-east-1",
        aws_access_key_id="AKIAMADEUP",
        aws_secret_access_key="made-up",
    )
    with pytest.raises(Exception, match="InvalidAccessKeyId"):
        stranger.get_object(Bucket=aws.bucket, Key="uploads/anything")
