"""Each function's code run under exactly the IAM policy the template gives it.

:class:`Deployment` reads ``cloud/template.yaml``, resolves every role's
policies (the functions' inline statements and SAM policy templates) for a
deployment on moto, starts moto's server in a process of its own, creates the
bucket, the secret and one role per function there, and then turns moto's IAM
enforcement on: from then on only the roles' session credentials (and an
administrator user kept for setting up and for playing S3 behind presigned
URLs) are accepted.

A function runs "as" its role with :meth:`Deployment.acting_as`: the
environment holds that role's credentials, as Lambda's does, so every boto3
client the code makes signs with them. Two checks then apply to every call:

- moto's own: the credentials are a role's, and for S3 which action a request
  is, on which object; moto cannot evaluate conditions or non-S3 statements, so
  the roles it holds have conditions dropped and non-S3 statements widened;
- this module's, on every call of every service, with the template's exact
  statements, conditions included: a botocore ``before-call`` handler raises
  ``AccessDenied`` when no statement allows the call, as AWS would.

It also plays what AWS does and moto does not: S3 answers a HEAD or GET of a
missing object with 403, not 404, unless the caller may ``s3:ListBucket``;
and a presigned URL acts with the rights of whoever signed it
(:meth:`Deployment.send`). Every allowed call is recorded against the
statement that allowed it, so :meth:`Deployment.unused_grants` can list what a
policy grants that nothing used.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import botocore.handlers
import httpx
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from cfnlint.decode import decode

TEMPLATE = Path(__file__).parents[2] / "cloud" / "template.yaml"
ACCOUNT = "123456789012"
REGION = "us-east-1"
PARTITION = "aws"
STACK = "loupe-iam"

# The IAM action each S3 API operation needs (AWS's "Actions, resources and
# condition keys for Amazon S3"). An operation missing here fails the harness,
# so a new kind of call is looked at before it is trusted.
S3_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "DeleteObject": "s3:DeleteObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "HeadBucket": "s3:ListBucket",
}
# Operations on a bucket rather than on an object.
S3_BUCKET_OPERATIONS = {"ListObjectsV2", "ListObjects", "ListObjectVersions", "HeadBucket"}


@dataclass(frozen=True)
class Grant:
    """One action on one resource pattern that a role's statement allows."""

    role: str
    action: str
    resource: str


@dataclass
class Role:
    """A function's (or the state machine's) role: its statements and session credentials."""

    name: str
    statements: list[dict[str, Any]]
    credentials: dict[str, str] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(pattern: str, value: str, *, fold: bool = False) -> bool:
    """IAM's wildcard match (``*`` and ``?``), case-insensitive for actions."""
    if fold:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _condition_holds(condition: dict[str, Any], context: dict[str, str]) -> bool:
    """Whether a statement's ``Condition`` holds for a request's condition keys."""
    for operator, tests in condition.items():
        if operator not in ("StringLike", "StringEquals"):
            raise AssertionError(f"the IAM harness cannot evaluate {operator}: teach it first")
        for key, wanted in tests.items():
            if key not in context:
                return False  # a key the request lacks fails the condition, as in AWS
            if operator == "StringLike":
                ok = any(_matches(w, context[key]) for w in _as_list(wanted))
            else:
                ok = context[key] in _as_list(wanted)
            if not ok:
                return False
    return True


def allowing(
    role: Role, action: str, resource: str, context: dict[str, str]
) -> list[tuple[str, str]] | None:
    """The (action, resource) patterns that allow the call, or None when it is not allowed.

    An explicit Deny wins; without an Allow the call is refused (IAM's default deny).
    """
    found: list[tuple[str, str]] = []
    for statement in role.statements:
        actions = [a for a in _as_list(statement["Action"]) if _matches(a, action, fold=True)]
        resources = [r for r in _as_list(statement["Resource"]) if _matches(r, resource)]
        if not actions or not resources:
            continue
        if "Condition" in statement and not _condition_holds(statement["Condition"], context):
            continue
        if statement["Effect"] == "Deny":
            return None
        found += [(a, r) for a in actions for r in resources]
    return found or None


class _Resolver:
    """Resolves the template's intrinsic functions for one deployment on moto."""

    def __init__(self, template: dict[str, Any], names: dict[str, str]) -> None:
        self.template = template
        self.names = names  # Ref / GetAtt results: "DataBucket", "DataBucket.Arn", ...
        params = template.get("Parameters", {})
        self.parameters = {k: str(v.get("Default", "")) for k, v in params.items()}
        self.parameters |= {
            "AWS::Partition": PARTITION,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::StackName": STACK,
            "AWS::URLSuffix": "amazonaws.com",
        }

    def condition(self, name: str) -> bool:
        return bool(self.value(self.template["Conditions"][name]))

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(n) for n in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), *_ = node.items()
            if key == "Ref":
                if arg == "AWS::NoValue":
                    return _NO_VALUE
                return self.parameters.get(arg) or self.names[arg]
            if key == "Fn::GetAtt":
                path = arg if isinstance(arg, str) else ".".join(arg)
                return self.names[path]
            if key == "Fn::Sub":
                text, extra = (arg, {}) if isinstance(arg, str) else arg
                values = {k: self.value(v) for k, v in extra.items()}
                out = text
                for name in _placeholders(text):
                    found = values.get(name) or self.parameters.get(name) or self.names[name]
                    out = out.replace("${" + name + "}", str(found))
                return out
            if key == "Fn::If":
                name, yes, no = arg
                return self.value(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                a, b = (self.value(x) for x in arg)
                return str(a) == str(b)
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::And":
                return all(self.value(x) for x in arg)
            if key == "Fn::Or":
                return any(self.value(x) for x in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Select":
                index, items = arg
                return self.value(items)[int(self.value(index))]
            if key == "Fn::Split":
                sep, text = arg
                return str(self.value(text)).split(sep)
            if key == "Fn::Join":
                sep, items = arg
                return sep.join(str(x) for x in self.value(items))
        return {
            k: v for k, v in ((k, self.value(v)) for k, v in node.items()) if v is not _NO_VALUE
        }


_NO_VALUE = object()


def _placeholders(text: str) -> list[str]:
    names, start = [], 0
    while (begin := text.find("${", start)) != -1:
        end = text.index("}", begin)
        if not text.startswith("${!", begin):
            names.append(text[begin + 2 : end])
        start = end + 1
    return names


def _function_arn(name: str) -> str:
    return f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{STACK}-{name}"


def _policy_template(name: str, args: dict[str, Any], resolve: _Resolver) -> list[dict[str, Any]]:
    """The statements of a SAM policy template (the few the template uses)."""
    if name == "LambdaInvokePolicy":
        function = resolve.value(args["FunctionName"])
        # As SAM expands it: the function and its versions and aliases.
        arn = _function_arn(function) + "*"
        return [{"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": [arn]}]
    raise AssertionError(f"the IAM harness does not know the SAM policy template {name}")


def role_statements(resource: dict[str, Any], resolve: _Resolver) -> list[dict[str, Any]]:
    """Every statement a SAM function's or state machine's role gets from its ``Policies``."""
    statements: list[dict[str, Any]] = []
    for policy in _as_list(resource["Properties"].get("Policies", [])):
        if isinstance(policy, str):
            raise AssertionError(f"managed policy {policy}: the harness cannot read it")
        policy = resolve.value(policy)
        if "Statement" in policy:
            statements += [dict(s) for s in policy["Statement"]]
        else:
            ((name, args),) = policy.items()
            statements += _policy_template(name, args, resolve)
    return statements


def _for_moto(statements: list[dict[str, Any]]) -> dict[str, Any]:
    """A policy moto can enforce: conditions dropped, non-S3 statements widened.

    moto treats any condition as failed, checks non-S3 services against "*",
    names some of their actions its own way (``apigateway:GetApiKeys`` for
    ``apigateway:GET``) and checks a batch delete on the bucket; the harness's own
    check keeps all of them exact.
    """
    kept = []
    for statement in copy.deepcopy(statements):
        statement.pop("Condition", None)
        actions = [str(a) for a in _as_list(statement["Action"])]
        if not all(a.startswith("s3:") for a in actions):
            statement["Action"] = sorted({a.split(":")[0] + ":*" for a in actions})
            statement["Resource"] = "*"
        elif {"s3:DeleteObject", "s3:DeleteObjectVersion"} & set(actions):
            # moto checks a batch delete as s3:DeleteObject on the bucket, where AWS
            # checks each object (as the harness does).
            buckets = {str(r).split("/")[0] for r in _as_list(statement["Resource"])}
            kept.append(
                {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": sorted(buckets)}
            )
        kept.append(statement)
    return {"Version": "2012-10-17", "Statement": kept}


@dataclass
class _Answered:
    """The HTTP side of an answer the harness gives in a service's stead."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Deployment:
    """The template's roles on a moto server of their own, with IAM enforced."""

    def __init__(self, url: str, template: dict[str, Any]) -> None:
        self.url = url
        self.template = template
        self.bucket = f"loupe-iam-{uuid.uuid4().hex[:8]}"
        self.machine_arn = f"arn:{PARTITION}:states:{REGION}:{ACCOUNT}:stateMachine:{STACK}-jobs"
        self.secret_arn = ""
        self.usage_plan = ""
        self.roles: dict[str, Role] = {}
        self.used: set[Grant] = set()
        self.refused: list[str] = []
        self._admin: dict[str, str] = {}
        self._current: Role | None = None

    # -- setting up -------------------------------------------------------
    def admin_client(self, service: str) -> Any:
        config = Config(signature_version="s3v4") if service == "s3" else None
        return boto3.session.Session().client(
            service, endpoint_url=self.url, region_name=REGION, config=config, **self._admin
        )

    def set_up(self, nvidia_key: str) -> None:
        """The bucket, the secret and the roles; then moto's IAM enforcement goes on."""
        self._admin = {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        s3 = self.admin_client("s3")
        s3.create_bucket(Bucket=self.bucket)
        s3.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
        secret = self.admin_client("secretsmanager").create_secret(
            Name=f"{STACK}-nvidia", SecretString=json.dumps({"api_key": nvidia_key})
        )
        self.secret_arn = secret["ARN"]
        self.machine_arn = self.admin_client("stepfunctions").create_state_machine(
            name=f"{STACK}-jobs",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn=f"arn:{PARTITION}:iam::{ACCOUNT}:role/JobStateMachine",
        )["stateMachineArn"]
        plan = self.admin_client("apigateway").create_usage_plan(
            name=f"{STACK}-plan", quota={"limit": 2000, "period": "DAY"}
        )
        self.usage_plan = plan["id"]
        names = {
            "ApiUsagePlan": self.usage_plan,
            "DataBucket": self.bucket,
            "DataBucket.Arn": f"arn:{PARTITION}:s3:::{self.bucket}",
            "JobStateMachine": self.machine_arn,
            "NvidiaApiKey": self.secret_arn,
        }
        resources = self.template["Resources"]
        names |= {n: n for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
        resolve = _Resolver(self.template, names)
        iam = self.admin_client("iam")
        sts = self.admin_client("sts")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        for name, resource in resources.items():
            if resource["Type"] not in (
                "AWS::Serverless::Function",
                "AWS::Serverless::StateMachine",
            ):
                continue
            role = Role(name, role_statements(resource, resolve))
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
            iam.put_role_policy(
                RoleName=name,
                PolicyName="template",
                PolicyDocument=json.dumps(_for_moto(role.statements)),
            )
            assumed = sts.assume_role(
                RoleArn=f"arn:{PARTITION}:iam::{ACCOUNT}:role/{name}", RoleSessionName=name
            )["Credentials"]
            role.credentials = {
                "AWS_ACCESS_KEY_ID": assumed["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": assumed["SecretAccessKey"],
                "AWS_SESSION_TOKEN": assumed["SessionToken"],
            }
            self.roles[name] = role
        # An administrator, to do what a presigned URL asks once its signer's rights are checked.
        iam.create_user(UserName="operator")
        everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
        iam.put_user_policy(
            UserName="operator",
            PolicyName="all",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [everything]}),
        )
        key = iam.create_access_key(UserName="operator")["AccessKey"]
        self._admin = {
            "aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"],
        }
        httpx.post(f"{self.url}/moto-api/reset-auth", content=b"0").raise_for_status()

    @contextmanager
    def unenforced(self) -> Iterator[None]:
        """moto's IAM enforcement off for a moment (the tests run one call at a time)."""
        httpx.post(f"{self.url}/moto-api/reset-auth", content=b"inf").raise_for_status()
        try:
            yield
        finally:
            httpx.post(f"{self.url}/moto-api/reset-auth", content=b"0").raise_for_status()

    # -- acting as a role ---------------------------------------------------
    def role_for_key(self, access_key: str) -> Role | None:
        for role in self.roles.values():
            if role.credentials.get("AWS_ACCESS_KEY_ID") == access_key:
                return role
        return None

    @contextmanager
    def acting_as(self, name: str) -> Iterator[Role]:
        """Run code as function ``name`` runs in AWS: its role's credentials in the environment."""
        role = self.roles[name]
        saved = {k: os.environ.get(k) for k in role.credentials}
        os.environ.update(role.credentials)
        boto3.DEFAULT_SESSION = None
        previous, self._current = self._current, role
        try:
            yield role
        finally:
            self._current = previous
            boto3.DEFAULT_SESSION = None
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def check(self, role: Role, action: str, resource: str, context: dict[str, str]) -> bool:
        """Whether ``role`` may do ``action`` on ``resource``; records the grant used."""
        patterns = allowing(role, action, resource, context)
        if patterns is None:
            self.refused.append(f"{role.name}: {action} on {resource}")
            return False
        self.used |= {Grant(role.name, a, r) for a, r in patterns}
        return True

    # -- botocore handlers ---------------------------------------------------
    def _request(
        self, service: str, operation: str, params: dict[str, Any]
    ) -> list[tuple[str, str, dict[str, str]]]:
        """The (action, resource, condition keys) a call needs."""
        if service == "s3":
            bucket = f"arn:{PARTITION}:s3:::{params['Bucket']}"
            if operation not in S3_ACTIONS and operation != "DeleteObjects":
                raise AssertionError(f"the IAM harness does not know S3 {operation}: add it")
            if operation == "DeleteObjects":  # each object needs its own right
                return [
                    (
                        "s3:DeleteObjectVersion" if item.get("VersionId") else "s3:DeleteObject",
                        f"{bucket}/{item['Key']}",
                        {},
                    )
                    for item in params["Delete"]["Objects"]
                ]
            if operation == "DeleteObject" and params.get("VersionId"):
                return [("s3:DeleteObjectVersion", f"{bucket}/{params['Key']}", {})]
            if operation in S3_BUCKET_OPERATIONS:
                return [(S3_ACTIONS[operation], bucket, {"s3:prefix": params.get("Prefix", "")})]
            return [(S3_ACTIONS[operation], f"{bucket}/{params['Key']}", {})]
        if service == "secretsmanager" and operation == "GetSecretValue":
            return [("secretsmanager:GetSecretValue", params["SecretId"], {})]
        if service == "apigateway":
            gateway = f"arn:{PARTITION}:apigateway:{REGION}::"
            if operation == "GetApiKeys":
                return [("apigateway:GET", f"{gateway}/apikeys", {})]
            if operation == "CreateApiKey":
                return [("apigateway:POST", f"{gateway}/apikeys", {})]
            if operation == "CreateUsagePlanKey":
                plan = params["usagePlanId"]
                return [("apigateway:POST", f"{gateway}/usageplans/{plan}/keys", {})]
        if service == "stepfunctions" and operation == "StartExecution":
            return [("states:StartExecution", params["stateMachineArn"], {})]
        raise AssertionError(f"the IAM harness does not know {service} {operation}: add it")

    def before_build(self, params: Any, context: Any, **_: Any) -> None:
        """Keep the call's parameters (``before-call`` sees the serialised request only)."""
        context["iam_params"] = dict(params)

    def before_call(
        self, model: Any, request_signer: Any, context: Any, **_: Any
    ) -> tuple[Any, dict[str, Any]] | None:
        params = context.get("iam_params", {})
        credentials = request_signer._credentials
        if credentials is None:
            return None
        role = self.role_for_key(credentials.get_frozen_credentials().access_key)
        if role is None:
            return None  # the operator
        context["iam_role"] = role.name
        service = model.service_model.service_name
        for action, resource, keys in self._request(service, model.name, params):
            if not self.check(role, action, resource, keys):
                raise ClientError(
                    {"Error": {"Code": "AccessDenied", "Message": f"{role.name} may not {action}"}},
                    model.name,
                )
        if service == "apigateway" and model.http["method"] == "GET":
            # While it enforces IAM, moto refuses the signature of every API Gateway GET,
            # whoever signs it (its own bug); once allowed here, it is asked unenforced.
            client = self.admin_client("apigateway")
            with self.unenforced():
                answer = getattr(client, xform_name(model.name))(**params)
            return _Answered(answer["ResponseMetadata"]["HTTPStatusCode"]), answer
        return None

    def after_call(
        self, http_response: Any, parsed: Any, model: Any, context: Any, **_: Any
    ) -> None:
        """A missing object is 403, not 404, for a caller without s3:ListBucket (as in AWS)."""
        role = self.roles.get(context.get("iam_role", ""))
        if role is None or http_response.status_code != 404:
            return
        if model.name not in ("HeadObject", "GetObject"):
            return
        bucket = f"arn:{PARTITION}:s3:::{self.bucket}"
        listing = allowing(role, "s3:ListBucket", bucket, {})
        if listing is not None:
            self.used |= {Grant(role.name, a, r) for a, r in listing}
            return
        http_response.status_code = 403
        code = "403" if model.name == "HeadObject" else "AccessDenied"
        parsed["Error"] = {"Code": code, "Message": "Forbidden"}
        parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = 403

    @contextmanager
    def hooked(self) -> Iterator[None]:
        """Every botocore session made meanwhile carries the harness's checks."""
        handlers = [
            ("before-parameter-build", self.before_build),
            ("before-call", self.before_call),
            ("after-call.s3", self.after_call),
        ]
        botocore.handlers.BUILTIN_HANDLERS.extend(handlers)
        boto3.DEFAULT_SESSION = None
        try:
            yield
        finally:
            for handler in handlers:
                botocore.handlers.BUILTIN_HANDLERS.remove(handler)
            boto3.DEFAULT_SESSION = None

    # -- presigned URLs ------------------------------------------------------
    def send(
        self, method: str, url: str, *, content: bytes = b"", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """Use a presigned URL: allowed if its signer's role may, then done by the operator.

        (moto cannot check presigned requests while it enforces IAM, so the harness does
        what S3 does: the URL acts with the rights of the credentials that signed it.)
        """
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        signer = self.role_for_key(query["X-Amz-Credential"].split("/")[0])
        if signer is None:
            return httpx.Response(403, text="unknown signer")
        bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
        resource = f"arn:{PARTITION}:s3:::{bucket}/{key}"
        action = "s3:PutObject" if method == "PUT" else "s3:GetObject"
        if not self.check(signer, action, resource, {}):
            return httpx.Response(403, text="AccessDenied")
        s3 = self.admin_client("s3")
        try:
            if method == "PUT" and "uploadId" in query:
                answer = s3.upload_part(
                    Bucket=bucket,
                    Key=key,
                    UploadId=query["uploadId"],
                    PartNumber=int(query["partNumber"]),
                    Body=content,
                    ChecksumSHA256=(headers or {})["x-amz-checksum-sha256"],
                )
                return httpx.Response(200, headers={"ETag": answer["ETag"]})
            if method == "PUT":
                answer = s3.put_object(Bucket=bucket, Key=key, Body=content)
                return httpx.Response(200, headers={"ETag": answer["ETag"]})
            return httpx.Response(200, content=s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as exc:
            return httpx.Response(int(exc.response["ResponseMetadata"]["HTTPStatusCode"]))

    # -- what nothing used -----------------------------------------------------
    def grants(self) -> set[Grant]:
        """Every (role, action, resource) pair the template's Allow statements give."""
        found = set()
        for role in self.roles.values():
            for statement in role.statements:
                if statement["Effect"] == "Allow":
                    found |= {
                        Grant(role.name, a, r)
                        for a in _as_list(statement["Action"])
                        for r in _as_list(statement["Resource"])
                    }
        return found

    def unused_grants(self) -> set[Grant]:
        return self.grants() - self.used


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server in a process of its own (its IAM enforcement is process-wide)."""
    port = _free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "inf"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/moto-api/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("moto's server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def load_template() -> dict[str, Any]:
    decoded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return dict(decoded)
