"""The API's Lambda handler called directly, as Lambda would: the app through Mangum with RS256
tokens checked against a JWKS on 127.0.0.1, jobs started on moto's Step Functions."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cloud.api import handler
from cloud.shared.storage import S3Store
from tests.cloud.helpers import Context


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
            "scope": "openid loupe/api",
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
        "LOUPE_SIGNIN_DOMAIN": "https://loupe-1.auth.us-east-1.amazoncognito.com",
        "LOUPE_SIGNIN_PORTS": "53180,53181",
    }.items():
        monkeypatch.setenv(name, value)

    health = handler.api(rest_event("GET", "/v1/health", None), Context())
    assert health["statusCode"] == 200 and json.loads(health["body"]) == {"status": "ok"}
    # The template's sign-in settings reach the clients through the open config route.
    answer = handler.api(rest_event("GET", "/v1/auth/config", None), Context())
    assert answer["statusCode"] == 200, answer
    settings = json.loads(answer["body"])
    assert settings["client_id"] == "app-client"
    assert settings["token_url"] == "https://loupe-1.auth.us-east-1.amazoncognito.com/oauth2/token"
    assert settings["redirect_ports"] == [53180, 53181] and "loupe/api" in settings["scopes"]

    token = issuer.token("alice")
    created = handler.api(
        rest_event("POST", "/v1/uploads", token, {"name": "orders.csv", "size": 8}), Context()
    )
    assert created["statusCode"] == 201, created
    upload_id = json.loads(created["body"])["upload_id"]
    key = store.keys(f"uploads/alice/{upload_id}/")[0]
    store.put(key.replace("upload.json", "data/orders.csv"), b"a,b\n1,2\n")
    started = handler.api(
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
        refused = handler.api(rest_event("GET", f"/v1/jobs/{job_id}", bad), Context())
        assert refused["statusCode"] == 401, refused
    issuer.server.shutdown()
