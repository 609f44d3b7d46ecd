"""The Lambda handlers called directly, as Lambda would, against moto's S3, Secrets Manager and
Step Functions; the API through Mangum with RS256 tokens checked against a JWKS on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cloud import handlers
from cloud.auth import Identity
from cloud.jobs import JobRecord, load_job, new_id, save_job, save_upload
from cloud.storage import S3Store
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from tests.cloud.fake_nemotron import FakeNemotron, Reply
from tests.cloud.test_api import same
from tests.cloud.test_insights import KEY, good_answer

ALICE = Identity("alice")


@dataclass
class Context:
    """What Powertools reads from the Lambda context."""

    function_name: str = "loupe-test"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:loupe-test"
    aws_request_id: str = "req-1"


@pytest.fixture
def lambda_env(store: S3Store, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("LOUPE_BUCKET", store.bucket)
    monkeypatch.setenv("LOUPE_CHUNK_ROWS", "700")
    handlers._store.cache_clear()
    handlers._api.cache_clear()
    yield
    handlers._store.cache_clear()
    handlers._api.cache_clear()


def new_job(store: S3Store, kind: str = "profile", options: dict[str, Any] | None = None) -> str:
    upload = save_upload(store, ALICE, SAMPLE_CSV.name, SAMPLE_CSV.stat().st_size)
    store.put(upload.key, SAMPLE_CSV.read_bytes())
    job = JobRecord(id=new_id(), kind=kind, upload_id=upload.id, options=options or {})
    save_job(store, ALICE, job)
    return job.id


def run_machine(store: S3Store, job_id: str) -> dict[str, Any]:
    """Plan → each item of the plan (as the Distributed Map would) → merge."""
    planned = handlers.plan({"sub": "alice", "job_id": job_id}, Context())
    items = json.loads(store.get(planned["plan"]["Key"]).data)
    assert planned["chunks"] == len(items) == 3
    for item in items:
        handlers.chunk({"sub": "alice", "job_id": job_id, "chunk": item}, Context())
    assert load_job(store, ALICE, job_id)[0].progress == pytest.approx(0.85)
    return handlers.merge({"sub": "alice", "job_id": job_id, "chunks": len(items)}, Context())


def test_profile_steps_make_the_local_profile(
    store: S3Store, lambda_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = new_job(store)
    run_machine(store, job_id)
    job, _ = load_job(store, ALICE, job_id)
    assert (job.status, job.phase, job.progress, job.chunks) == ("succeeded", "done", 1.0, 3)
    cloud = json.loads(store.get(f"jobs/alice/{job_id}/result.json").data)
    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    for part in ("columns", "correlations", "missing", "alerts"):
        assert same(cloud[part], local[part]), part
    # Metrics leave as CloudWatch embedded-metric JSON on stdout.
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    names = {m["Name"] for e in emitted for m in e["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert {"ChunksProfiled", "RowsProfiled", "JobsSucceeded"} <= names


def test_insights_step_reads_the_key_from_its_secret(
    store: S3Store, lambda_env: None, secrets: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"loupe/nvidia-{uuid.uuid4().hex[:8]}"
    secrets.create_secret(Name=name, SecretString=KEY)
    job_id = new_job(store, "insights", {"question": "Anything odd?"})
    assert run_machine(store, job_id)["kind"] == "insights"
    assert load_job(store, ALICE, job_id)[0].status == "running"  # merged, insights to come
    profile = json.loads(store.get(f"jobs/alice/{job_id}/profile.json").data)
    with FakeNemotron() as fake:
        fake.replies = [Reply(content=good_answer(profile))]
        monkeypatch.setenv("NVIDIA_SECRET_ID", name)
        monkeypatch.setenv("NVIDIA_API_BASE_URL", fake.url)
        monkeypatch.setenv("NEMOTRON_MODEL", "nvidia/test-nemotron")
        handlers.insights({"sub": "alice", "job_id": job_id}, Context())
    assert fake.received[0].headers["Authorization"] == f"Bearer {KEY}"
    assert fake.received[0].body["model"] == "nvidia/test-nemotron"
    result = json.loads(store.get(f"jobs/alice/{job_id}/result.json").data)
    assert [i["status"] for i in result["insights"]] == ["verified", "unverified"]
    assert load_job(store, ALICE, job_id)[0].status == "succeeded"


def test_a_caught_failure_is_recorded(store: S3Store, lambda_env: None) -> None:
    job_id = new_job(store)
    cause = {"errorMessage": "orders.csv, line 3: this row has 3 fields", "errorType": "ParseError"}
    handlers.failed(
        {
            "sub": "alice",
            "job_id": job_id,
            "error": {"Error": "ParseError", "Cause": json.dumps(cause)},
        },
        Context(),
    )
    job, _ = load_job(store, ALICE, job_id)
    assert (job.status, job.error) == ("failed", cause["errorMessage"])


def test_step_events_cannot_name_unsafe_users(store: S3Store, lambda_env: None) -> None:
    from cloud.errors import AuthError

    for sub in ("../bob", "", None, "alice/../../x"):
        with pytest.raises(AuthError):
            handlers.plan({"sub": sub, "job_id": "0" * 32}, Context())


# ------------------------------------------------------------------ the API through Mangum


class Issuer:
    """An OIDC issuer on 127.0.0.1 publishing one RSA key, signing tokens like Cognito."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwks = json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(jwks.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pool"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, sub: str, client: str = "app-client", key: Any = None) -> str:
        now = int(time.time())
        claims = {
            "sub": sub,
            "iss": self.url,
            "token_use": "access",
            "client_id": client,
            "iat": now,
            "exp": now + 600,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "k1"})


def rest_event(method: str, path: str, token: str | None, body: Any = None) -> dict[str, Any]:
    """An API Gateway REST (v1) proxy event."""
    headers = {
        "Host": "abc.execute-api.us-east-1.amazonaws.com",
        "Content-Type": "application/json",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {"stage": "v1", "requestId": "r1", "identity": {"sourceIp": "127.0.0.1"}},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def test_api_handler_runs_the_app_and_starts_the_state_machine(
    store: S3Store, lambda_env: None, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = Issuer()
    steps = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    machine = steps.create_state_machine(
        name=f"loupe-{uuid.uuid4().hex[:8]}",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn="arn:aws:iam::123456789012:role/loupe-jobs",
    )["stateMachineArn"]
    for name, value in {
        "LOUPE_USER_POOL_ID": "us-east-1_test",
        "LOUPE_USER_POOL_CLIENT_ID": "app-client",
        "LOUPE_TOKEN_ISSUER": issuer.url,
        "LOUPE_STATE_MACHINE_ARN": machine,
    }.items():
        monkeypatch.setenv(name, value)

    health = handlers.api(rest_event("GET", "/v1/health", None), Context())
    assert health["statusCode"] == 200 and json.loads(health["body"]) == {"status": "ok"}

    token = issuer.token("alice")
    created = handlers.api(
        rest_event("POST", "/v1/uploads", token, {"name": "orders.csv", "size": 10}), Context()
    )
    assert created["statusCode"] == 201, created
    upload_id = json.loads(created["body"])["upload_id"]
    key = store.keys(f"uploads/alice/{upload_id}/")[0]
    store.put(key.replace("upload.json", "data/orders.csv"), b"a,b\n1,2\n")
    started = handlers.api(
        rest_event("POST", "/v1/jobs", token, {"upload_id": upload_id}), Context()
    )
    assert started["statusCode"] == 202, started
    job_id = json.loads(started["body"])["job_id"]
    executions = steps.list_executions(stateMachineArn=machine)["executions"]
    assert [e["name"] for e in executions] == [job_id]
    described = steps.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {"sub": "alice", "job_id": job_id}

    # Tokens for another app client, or signed by another key, are refused.
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (issuer.token("alice", client="other-app"), issuer.token("alice", key=other_key)):
        refused = handlers.api(rest_event("GET", f"/v1/jobs/{job_id}", bad), Context())
        assert refused["statusCode"] == 401, refused
    issuer.server.shutdown()
