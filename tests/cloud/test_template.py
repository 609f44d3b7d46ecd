"""The SAM template: cfn-lint, the state machine's definition, and the security it promises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode import decode

from cloud.api import handler as api_handler
from cloud.workers import handlers as worker_handlers

HANDLER_MODULES = {"cloud.api.handler": api_handler, "cloud.workers.handlers": worker_handlers}
TEMPLATE = Path(__file__).parents[2] / "cloud" / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    decoded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return dict(decoded)


def lint_all(text: str) -> list[Any]:
    """cfn-lint's findings for a template deployed to us-east-1."""
    return list(lint(text, config=ManualArgs(regions=["us-east-1"])))


def serious(matches: list[Any]) -> list[str]:
    """Errors and warnings (informational rules left out)."""
    return [str(m) for m in matches if m.rule.id[0] in "EW"]


def test_cfn_lint_passes() -> None:
    assert serious(lint_all(TEMPLATE.read_text())) == []


def machine_template(definition: dict[str, Any], substitutions: dict[str, Any]) -> str:
    """The definition in a plain CloudFormation state machine, which cfn-lint validates.

    (Inside the SAM resource it becomes a string after the transform, unchecked.)
    """
    arns = {k: f"arn:aws:lambda:us-east-1:123456789012:function:{k}" for k in substitutions}
    return json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                "Machine": {
                    "Type": "AWS::StepFunctions::StateMachine",
                    "Properties": {
                        "StateMachineType": "STANDARD",
                        "RoleArn": "arn:aws:iam::123456789012:role/jobs",
                        "Definition": definition,
                        "DefinitionSubstitutions": arns,
                    },
                }
            },
        }
    )


def test_state_machine_definition_is_valid(template: dict[str, Any]) -> None:
    machine = template["Resources"]["JobStateMachine"]["Properties"]
    definition = json.loads(json.dumps(machine["Definition"]))
    assert serious(lint_all(machine_template(definition, machine["DefinitionSubstitutions"]))) == []
    # The check bites: a state of an unknown type is an error.
    broken = json.loads(json.dumps(definition))
    broken["States"]["Merge"]["Type"] = "Teleport"
    found = serious(lint_all(machine_template(broken, machine["DefinitionSubstitutions"])))
    assert any("E3601" in f and "Teleport" in f for f in found)


def targets(state: dict[str, Any]) -> list[str]:
    found = [state[k] for k in ("Next", "Default") if k in state]
    found += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    return found


def test_state_machine_flows(template: dict[str, Any]) -> None:
    machine = template["Resources"]["JobStateMachine"]["Properties"]
    assert machine["Type"] == "STANDARD"
    states = machine["Definition"]["States"]
    # Every transition lands on a state, and every state can be reached.
    reached, todo = set(), [machine["Definition"]["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in reached:
            assert name in states, name
            reached.add(name)
            todo += targets(states[name])
    assert reached == set(states)
    # Every working step hands failures to the step that records them.
    for name in ("Plan", "ProfileChunks", "Merge", "Insights"):
        assert [c["Next"] for c in states[name]["Catch"]] == ["RecordFailure"]
        assert states[name]["Catch"][0]["ResultPath"] == "$.error"
    fan_out = states["ProfileChunks"]
    assert fan_out["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert fan_out["ItemReader"]["Resource"] == "arn:aws:states:::s3:getObject"
    assert fan_out["ItemSelector"]["chunk.$"] == "$$.Map.Item.Value"


def test_handlers_named_in_the_template_exist(template: dict[str, Any]) -> None:
    named = []
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            named += props.get("ImageConfig", {}).get("Command", []) or [props.get("Handler")]
    exported = [f"{path}.{n}" for path, module in HANDLER_MODULES.items() for n in module.__all__]
    assert sorted(named) == sorted(exported)
    for name in named:
        path, function = name.rsplit(".", 1)
        assert callable(getattr(HANDLER_MODULES[path], function))


def test_the_api_is_a_zip_and_the_workers_an_image(template: dict[str, Any]) -> None:
    functions = {
        n: r["Properties"]
        for n, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }
    api = functions.pop("ApiFunction")
    assert api["Handler"] == "cloud.api.handler.api" and "ImageConfig" not in api
    for name, props in functions.items():
        assert props["PackageType"] == "Image", name
        assert [c.rsplit(".", 1)[0] for c in props["ImageConfig"]["Command"]] == [
            "cloud.workers.handlers"
        ], name


def test_bucket_is_private_encrypted_and_expiring(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    bucket = resources["DataBucket"]["Properties"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 1
    }
    assert rules["expire-uploads"]["Prefix"] == "uploads/"
    assert rules["expire-uploads"]["ExpirationInDays"] == {"Ref": "UploadExpiryDays"}
    (deny,) = resources["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"]["Bool"]["aws:SecureTransport"] == "false"


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in function["Properties"].get("Policies", []):
        found += policy.get("Statement", [])
    return found


def test_functions_have_least_privilege_and_kept_logs(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    functions = {n: r for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert len(functions) == 6
    for name, function in functions.items():
        props = function["Properties"]
        group = resources[props["LoggingConfig"]["LogGroup"]["Ref"]]
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
        for statement in statements(function):
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            assert statement["Effect"] == "Allow"
            assert all(not a.endswith("*") for a in actions), (name, actions)
            assert statement["Resource"] != "*", name
    # Only the insights step may read the NVIDIA key.
    readers = [
        n
        for n, f in functions.items()
        for s in statements(f)
        if "secretsmanager:GetSecretValue" in str(s["Action"])
    ]
    assert readers == ["InsightsFunction"]
    assert statements(functions["InsightsFunction"])[1]["Resource"] == {"Ref": "NvidiaApiKey"}


def test_api_needs_a_cognito_token_and_an_api_key(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    auth = resources["Api"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer" and auth["ApiKeyRequired"] is True
    assert auth["Authorizers"]["CognitoAuthorizer"]["UserPoolArn"] == {
        "Fn::GetAtt": ["UserPool", "Arn"]
    }
    assert auth["UsagePlan"]["CreateUsagePlan"] == "PER_API"
    assert {"Throttle", "Quota"} <= set(auth["UsagePlan"])
    events = resources["ApiFunction"]["Properties"]["Events"]
    # Health and the sign-in settings alone are open; asking for one's own API key needs
    # the token only (no key yet), and keeps the Cognito authorizer.
    special = {
        e["Properties"]["Path"]: e["Properties"]["Auth"]
        for e in events.values()
        if "Auth" in e["Properties"]
    }
    assert special == {
        "/v1/health": {"Authorizer": "NONE", "ApiKeyRequired": False},
        "/v1/auth/config": {"Authorizer": "NONE", "ApiKeyRequired": False},
        "/v1/keys": {"ApiKeyRequired": False},
    }
    variables = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["LOUPE_USAGE_PLAN_ID"] == {"Ref": "ApiUsagePlan"}
    assert resources["UserPool"]["Properties"]["AdminCreateUserConfig"] == {
        "AllowAdminCreateUserOnly": True
    }


def test_tracing_is_one_switch(template: dict[str, Any]) -> None:
    function_globals = template["Globals"]["Function"]
    on = {"Fn::If": ["TracingOn", "Active", "PassThrough"]}
    assert function_globals["Tracing"] == on
    assert function_globals["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == {
        "Fn::If": ["TracingOn", "false", "true"]
    }
    assert template["Resources"]["Api"]["Properties"]["TracingEnabled"] == {
        "Fn::If": ["TracingOn", True, False]
    }


def test_sign_in_is_code_with_pkce_to_loopback_and_the_api_wants_its_scope(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    server = resources["ApiResourceServer"]["Properties"]
    assert server["Identifier"] == "loupe"
    assert [s["ScopeName"] for s in server["Scopes"]] == ["api"]
    scope = f"{server['Identifier']}/api"
    client = resources["UserPoolClient"]
    props = client["Properties"]
    # A public client: nothing secret ships with the desktop app.
    assert props["GenerateSecret"] is False and client["DependsOn"] == "ApiResourceServer"
    assert props["AllowedOAuthFlowsUserPoolClient"] is True
    assert props["AllowedOAuthFlows"] == ["code"]
    assert scope in props["AllowedOAuthScopes"] and "openid" in props["AllowedOAuthScopes"]
    # Its id is public (GET /v1/auth/config): no password grant beside the hosted page.
    assert props["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    # Plain http for localhost only, on fixed ports (Cognito has no port wildcard).
    ports = []
    for url in props["CallbackURLs"]:
        assert url.startswith("http://localhost:") and url.endswith("/callback"), url
        ports.append(int(url.split(":")[2].split("/")[0]))
    assert len(ports) >= 2 and len(set(ports)) == len(ports)
    assert resources["UserPoolDomain"]["Properties"]["UserPoolId"] == {"Ref": "UserPool"}
    # The default domain names the stack, never the account.
    assert "AccountId" not in json.dumps(resources["UserPoolDomain"]["Properties"]["Domain"])
    # The gateway takes access tokens with the scope; the function checks the same.
    authorizer = resources["Api"]["Properties"]["Auth"]["Authorizers"]["CognitoAuthorizer"]
    assert authorizer["AuthorizationScopes"] == [scope]
    env = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["LOUPE_API_SCOPE"] == scope
    assert [int(p) for p in env["LOUPE_SIGNIN_PORTS"].split(",")] == ports
    assert "UserPoolDomain" in env["LOUPE_SIGNIN_DOMAIN"]["Fn::Sub"]
    assert {"UserPoolClientId", "SignInDomain", "ApiScope", "ApiUrl"} <= set(template["Outputs"])
