"""The SAM template: cfn-lint, checkov, the state machine's definition, the security it
promises and the operator's switches (stack parameters), each off by default."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode import decode, decode_str
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from cloud.api import handler as api_handler
from cloud.workers import handlers as worker_handlers

HANDLER_MODULES = {"cloud.api.handler": api_handler, "cloud.workers.handlers": worker_handlers}
TEMPLATE = Path(__file__).parents[2] / "cloud" / "template.yaml"
FUNCTIONS = [
    "ApiFunction",
    "PlanFunction",
    "ChunkFunction",
    "MergeFunction",
    "InsightsFunction",
    "FailedFunction",
]
# A value for every switch that turns something on (the rest keep their defaults).
ALL_ON = {
    "RequireMfa": "true",
    "Tracing": "true",
    "AlarmTopicArn": "arn:aws:sns:us-east-1:123456789012:loupe-alarms",
    "EnableWaf": "true",
    "EnableAccessLogs": "true",
    "SubnetIds": "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
    "SecurityGroupIds": "sg-0123456789abcdef0",
    "VpcId": "vpc-0123456789abcdef0",
    "RouteTableIds": "rtb-0123456789abcdef0",
    "Stage": "dev",
    "DeploymentType": "Canary10Percent5Minutes",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    decoded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return dict(decoded)


def with_defaults(text: str, values: dict[str, str]) -> str:
    """The template's text with these parameters' defaults changed (what a deployment sets)."""
    for name, value in values.items():
        pattern = rf"(\n  {name}:\n    Type: [^\n]+\n    Default: )[^\n]+"
        text, count = re.subn(pattern, lambda m, v=value: m.group(1) + json.dumps(v), text)
        assert count == 1, name
    return text


def parsed(text: str) -> dict[str, Any]:
    decoded, problems = decode_str(text)
    assert not problems, problems
    return json.loads(json.dumps(decoded))


def lint_all(text: str) -> list[Any]:
    """cfn-lint's findings for a template deployed to us-east-1."""
    return list(lint(text, config=ManualArgs(regions=["us-east-1"])))


def serious(matches: list[Any]) -> list[str]:
    """Errors and warnings (informational rules left out)."""
    return [str(m) for m in matches if m.rule.id[0] in "EW"]


@pytest.mark.parametrize("values", [{}, ALL_ON], ids=["defaults", "all-switches-on"])
def test_cfn_lint_passes(values: dict[str, str]) -> None:
    assert serious(lint_all(with_defaults(TEMPLATE.read_text(), values))) == []


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


# ---------------------------------------------------------------- the switches


def parameter_values(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Every parameter's value, as CloudFormation gives it to Ref: lists for list types."""
    found: dict[str, Any] = {}
    for name, spec in template["Parameters"].items():
        value = str(values.get(name, spec.get("Default", "")))
        found[name] = value.split(",") if spec["Type"] == "CommaDelimitedList" else value
    return found


def evaluate(node: Any, params: dict[str, Any], conditions: dict[str, Any]) -> Any:
    """A condition's operand or value: Ref, Fn::Join and the condition functions."""
    if not isinstance(node, dict):
        return node
    ((function, args),) = node.items()
    if function == "Ref":
        return params[args]
    if function == "Fn::Join":
        return args[0].join(evaluate(args[1], params, conditions))
    if function == "Condition":
        return condition(args, params, conditions)
    values = [evaluate(a, params, conditions) for a in args]
    if function == "Fn::Equals":
        return values[0] == values[1]
    if function == "Fn::Not":
        return not values[0]
    if function == "Fn::And":
        return all(values)
    if function == "Fn::Or":
        return any(values)
    raise AssertionError(f"no evaluator for {function}")


def condition(name: str, params: dict[str, Any], conditions: dict[str, Any]) -> bool:
    return bool(evaluate(conditions[name], params, conditions))


def conditions_for(template: dict[str, Any], values: dict[str, str]) -> dict[str, bool]:
    params = parameter_values(template, values)
    return {n: condition(n, params, template["Conditions"]) for n in template["Conditions"]}


def resolved(node: Any, conditions: dict[str, bool]) -> Any:
    """The node with every Fn::If decided and AWS::NoValue dropped."""
    if isinstance(node, list):
        items = [resolved(n, conditions) for n in node]
        return [i for i in items if i is not NO_VALUE]
    if not isinstance(node, dict):
        return node
    if node == {"Ref": "AWS::NoValue"}:
        return NO_VALUE
    if set(node) == {"Fn::If"}:
        name, yes, no = node["Fn::If"]
        return resolved(yes if conditions[name] else no, conditions)
    items = {k: resolved(v, conditions) for k, v in node.items()}
    return {k: v for k, v in items.items() if v is not NO_VALUE}


NO_VALUE = object()


def references(node: Any) -> Iterator[str]:
    """The logical ids a node names: Ref, Fn::GetAtt and ${...} in Fn::Sub."""
    if isinstance(node, list):
        for item in node:
            yield from references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                yield value.split(".")[0]
            elif key == "Fn::GetAtt":
                yield (value[0] if isinstance(value, list) else value).split(".")[0]
            elif key == "Fn::Sub":
                text, names = (value, {}) if isinstance(value, str) else value
                for found in re.findall(r"\$\{([^}!]+)\}", text):
                    if found not in names:
                        yield found.split(".")[0]
                yield from references(names)
            else:
                yield from references(value)


def deployed(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The resources and outputs a deployment with these parameter values creates."""
    conditions = conditions_for(template, values)
    return {
        section: {
            name: resolved(item, conditions)
            for name, item in template[section].items()
            if "Condition" not in item or conditions[item["Condition"]]
        }
        for section in ("Resources", "Outputs")
    }


def assert_no_dangling_references(template: dict[str, Any], values: dict[str, str]) -> None:
    """Nothing deployed names a resource that its condition left out."""
    stack = deployed(template, values)
    present = set(stack["Resources"]) | set(template["Parameters"])
    # What SAM makes of its resources: the functions' roles, the API's key and stage.
    present |= {f"{n}Role" for n in FUNCTIONS} | {"ApiApiKey", "ApiUsagePlan"}
    for section in ("Resources", "Outputs"):
        for name, item in stack[section].items():
            depends = item.get("DependsOn", [])
            named = set(references(item)) | set([depends] if isinstance(depends, str) else depends)
            missing = {n for n in named if not n.startswith("AWS::")} - present
            assert not missing, (values, name, missing)


SWITCHED = {
    "MfaRequired": [],
    "AlarmsOn": [f"{f}{m}Alarm" for f in FUNCTIONS for m in ("Errors", "Throttles")]
    + ["JobsFailedAlarm", "Api5xxAlarm"],
    "WafOn": ["WebAcl", "WebAclAssociation"],
    "AccessLogsOn": ["AccessLogBucket", "AccessLogBucketPolicy"],
    "InVpc": [],
    "VpcEndpointsOn": [
        "S3Endpoint",
        "EndpointSecurityGroup",
        "SecretsManagerEndpoint",
        "StepFunctionsEndpoint",
    ],
    "TracingOn": [],
}


def test_every_switch_is_off_by_default_and_leaves_nothing_behind(
    template: dict[str, Any],
) -> None:
    conditions = conditions_for(template, {})
    assert {n: conditions[n] for n in SWITCHED} == dict.fromkeys(SWITCHED, False)
    stack = deployed(template, {})["Resources"]
    for name in (n for names in SWITCHED.values() for n in names):
        assert template["Resources"][name]["Condition"] in SWITCHED, name
        assert name not in stack, name
    # Out of a VPC the functions may not create network interfaces; the dashboard is always there.
    assert len(stack["NoNetworkInterfaces"]["Properties"]["Roles"]) == len(FUNCTIONS)
    assert "Dashboard" in stack
    assert "VpcConfig" not in deployed(template, {})["Resources"]["ApiFunction"]["Properties"]
    assert_no_dangling_references(template, {})


def test_every_switch_turns_on_what_it_promises(template: dict[str, Any]) -> None:
    conditions = conditions_for(template, ALL_ON)
    assert {n: conditions[n] for n in SWITCHED} == dict.fromkeys(SWITCHED, True)
    stack = deployed(template, ALL_ON)["Resources"]
    assert {n for names in SWITCHED.values() for n in names} <= set(stack)
    assert "Roles" not in stack["NoNetworkInterfaces"]["Properties"]
    # Globals give every function the VPC placement; none sets its own.
    assert template["Globals"]["Function"]["VpcConfig"]["Fn::If"][0] == "InVpc"
    for name in FUNCTIONS:
        assert "VpcConfig" not in template["Resources"][name]["Properties"], name
    vpc = resolved(template["Globals"]["Function"]["VpcConfig"], conditions)
    assert vpc == {
        "SubnetIds": {"Ref": "SubnetIds"},
        "SecurityGroupIds": {"Ref": "SecurityGroupIds"},
    }
    assert_no_dangling_references(template, ALL_ON)
    # Subnets without VpcId: the functions in the VPC, no endpoints (the operator's own).
    subnets_only = {k: ALL_ON[k] for k in ("SubnetIds", "SecurityGroupIds")}
    only = conditions_for(template, subnets_only)
    assert only["InVpc"] and not only["VpcEndpointsOn"]
    assert_no_dangling_references(template, subnets_only)


def test_the_checker_sees_a_leak(template: dict[str, Any]) -> None:
    """The dangling-reference check bites: an output naming a switched-off resource."""
    leaky = json.loads(json.dumps(template))
    leaky["Outputs"]["WebAclArn"] = {"Value": {"Fn::GetAtt": ["WebAcl", "Arn"]}}
    with pytest.raises(AssertionError, match="WebAcl"):
        assert_no_dangling_references(leaky, {})
    assert_no_dangling_references(leaky, ALL_ON)


def test_users_and_the_key_outlive_the_stack(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    for name in ("UserPool", "NvidiaApiKey", "DataBucket", "AccessLogBucket"):
        assert resources[name]["DeletionPolicy"] == "Retain", name
        assert resources[name]["UpdateReplacePolicy"] == "Retain", name
    pool = {"Parameters": template["Parameters"], "Conditions": template["Conditions"]}
    mfa = resources["UserPool"]["Properties"]["MfaConfiguration"]
    assert resolved(mfa, conditions_for(pool, {})) == "OPTIONAL"
    assert resolved(mfa, conditions_for(pool, {"RequireMfa": "true"})) == "ON"
    assert resources["UserPool"]["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_expired_delete_markers_are_removed(template: dict[str, Any]) -> None:
    rules = template["Resources"]["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    markers = [r for r in rules if r.get("ExpiredObjectDeleteMarker")]
    assert markers and all(r["Status"] == "Enabled" for r in markers)
    # S3 refuses a rule that both expires objects and removes delete markers.
    for rule in rules:
        expires = {"ExpirationInDays", "ExpirationDate"} & set(rule)
        assert not (expires and "ExpiredObjectDeleteMarker" in rule), rule["Id"]
    # Every prefix that expires is covered by a marker rule.
    covered = {r.get("Prefix", "") for r in markers}
    for rule in rules:
        if "ExpirationInDays" in rule:
            assert "" in covered or rule["Prefix"] in covered, rule["Id"]


def test_the_state_machine_starts_only_its_own_executions(template: dict[str, Any]) -> None:
    machine = template["Resources"]["JobStateMachine"]["Properties"]
    name = machine["Name"]["Fn::Sub"]
    assert name == "${AWS::StackName}-jobs"
    statements = [
        s for policy in machine["Policies"] if "Statement" in policy for s in policy["Statement"]
    ]
    arn = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
    for statement in statements:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        subs = [r["Fn::Sub"] for r in resources if isinstance(r, dict) and "Fn::Sub" in r]
        if any(a.startswith("states:") for a in actions):
            assert subs and len(subs) == len(resources), statement
            if actions == ["states:StartExecution"]:
                assert subs == [f"{arn}stateMachine:{name}"]
            else:
                assert sorted(actions) == ["states:DescribeExecution", "states:StopExecution"]
                # The Distributed Map's child executions of this machine, no one else's.
                assert subs == [f"{arn}execution:{name}/*"]
    assert any("states:StartExecution" in str(s["Action"]) for s in statements)
    # The ARN is built from the name, never from the machine: no circular reference.
    assert "JobStateMachine" not in set(references(machine["Policies"]))


def test_chunk_concurrency_bounds_the_map_and_the_function(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    spec = template["Parameters"]["ChunkConcurrency"]
    assert spec["Default"] == 20 and spec["MinValue"] == 0
    chunk = resources["ChunkFunction"]["Properties"]
    assert chunk["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ChunkConcurrencyReserved", {"Ref": "ChunkConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    # 0 reserves nothing: Lambda's own 0 would stop the function.
    assert conditions_for(template, {})["ChunkConcurrencyReserved"]
    assert not conditions_for(template, {"ChunkConcurrency": "0"})["ChunkConcurrencyReserved"]
    machine = resources["JobStateMachine"]["Properties"]
    assert machine["DefinitionSubstitutions"]["ChunkConcurrency"] == {"Ref": "ChunkConcurrency"}
    states = machine["Definition"]["States"]
    assert states["Plan"]["Next"] == "ChunkLimit"
    limit = states["ChunkLimit"]
    assert limit["Type"] == "Pass" and limit["Next"] == "ProfileChunks"
    fan_out = states["ProfileChunks"]
    assert "MaxConcurrency" not in fan_out
    # The definition as Step Functions gets it, with the parameter's default put in.
    text = json.dumps(limit["Parameters"]).replace("${ChunkConcurrency}", str(spec["Default"]))
    ((key, expression),) = json.loads(text).items()
    literal = re.fullmatch(r"States\.StringToJson\('(\d+)'\)", expression)
    assert key == "chunks.$" and literal and json.loads(literal.group(1)) == 20
    assert fan_out["MaxConcurrencyPath"] == f"{limit['ResultPath']}.chunks"
    # A throttled call (the map and another job's map at the reservation) waits for room.
    for state in [*states.values(), *fan_out["ItemProcessor"]["States"].values()]:
        if state["Type"] == "Task":
            first = state["Retry"][0]
            assert first["ErrorEquals"] == ["Lambda.TooManyRequestsException"]
            assert first["MaxAttempts"] >= 10 and first["MaxDelaySeconds"] <= 300


def sam_translate(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """What CloudFormation's SAM transform makes of the template with these parameter values."""
    sam = json.loads(json.dumps(template))
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            if props.get("PackageType") == "Image":
                props["ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/loupe:1"
            else:
                props["CodeUri"] = "s3://bucket/api.zip"
    session = boto3.session.Session(region_name="us-east-1")
    translator = Translator(managed_policy_map={}, sam_parser=Parser(), boto_session=session)
    return dict(translator.translate(sam_template=sam, parameter_values=dict(values)))


def test_vpc_placement_and_network_interface_rights_go_together(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    denied = resources["NoNetworkInterfaces"]
    # Attached out of a VPC only, and never deleted: a switch detaches it first (the
    # functions depend on it), where a deletion would come after the functions' update.
    assert "Condition" not in denied
    name, roles, off = denied["Properties"]["Roles"]["Fn::If"]
    assert name == "NotInVpc" and off == {"Ref": "AWS::NoValue"}
    assert sorted(r["Ref"] for r in roles) == sorted(f"{f}Role" for f in FUNCTIONS)
    for function in FUNCTIONS:
        assert resources[function]["DependsOn"] == "NoNetworkInterfaces", function
    (deny,) = denied["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and "ec2:CreateNetworkInterface" in deny["Action"]
    # Leaving a VPC deletes the functions' interfaces: that stays allowed.
    assert "ec2:DeleteNetworkInterface" not in deny["Action"]
    # Why the deny: SAM attaches the VPC access policy whatever VpcConfig's !If decides,
    # and the roles it names are the ones SAM makes.
    translated = sam_translate(template, {})["Resources"]
    vpc_access = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    for function in FUNCTIONS:
        role = translated[f"{function}Role"]
        assert vpc_access in role["Properties"]["ManagedPolicyArns"], function
    endpoints = {
        resources[n]["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[1]: resources[n]
        for n in ("S3Endpoint", "SecretsManagerEndpoint", "StepFunctionsEndpoint")
    }
    assert endpoints["s3"]["Properties"]["VpcEndpointType"] == "Gateway"
    for service in ("secretsmanager", "states"):
        props = endpoints[service]["Properties"]
        assert props["VpcEndpointType"] == "Interface" and props["PrivateDnsEnabled"] is True
        assert props["SubnetIds"] == {"Ref": "SubnetIds"}
    ingress = resources["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [(r["FromPort"], r["ToPort"]) for r in ingress] == [(443, 443)]


def test_waf_guards_the_api_stage(template: dict[str, Any]) -> None:
    acl = template["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    rules = {r["Name"]: r for r in acl["Rules"]}
    rate = rules["rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert rate == {"AggregateKeyType": "IP", "Limit": {"Ref": "WafRateLimit"}}
    assert rules["rate-per-ip"]["Action"] == {"Block": {}}
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert len({r["Priority"] for r in acl["Rules"]}) == len(acl["Rules"])
    association = template["Resources"]["WebAclAssociation"]["Properties"]["ResourceArn"]
    assert association["Fn::Sub"].endswith("::/restapis/${Api}/stages/${Api.Stage}")
    # SAM turns Api.Stage into the stage it makes, whatever Stage is: the association waits for it.
    for stage in ("prod", "dev"):
        translated = sam_translate(template, {"EnableWaf": "true", "Stage": stage})["Resources"]
        arn = translated["WebAclAssociation"]["Properties"]["ResourceArn"]["Fn::Sub"]
        (stage_id,) = re.findall(r"/stages/\$\{(\w+)\}", arn)
        assert translated[stage_id]["Type"] == "AWS::ApiGateway::Stage"
        assert translated[stage_id]["Properties"]["StageName"] == {"Ref": "Stage"}


def test_alarms_cover_every_function_the_jobs_and_the_api(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    alarms = {n: r["Properties"] for n, r in resources.items() if r["Type"].endswith("::Alarm")}
    assert set(alarms) == set(SWITCHED["AlarmsOn"])
    watched = set()
    for name, alarm in alarms.items():
        assert resources[name]["Condition"] == "AlarmsOn", name
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopicArn"}], name
        dims = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        watched.add((alarm["Namespace"], alarm["MetricName"], json.dumps(dims, sort_keys=True)))
    for function in FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            dims = json.dumps({"FunctionName": {"Ref": function}})
            assert ("AWS/Lambda", metric, dims) in watched, (function, metric)
    machine = json.dumps({"StateMachineArn": {"Ref": "JobStateMachine"}})
    assert ("AWS/States", "ExecutionsFailed", machine) in watched
    api = json.dumps({"ApiName": {"Ref": "AWS::StackName"}, "Stage": {"Ref": "Stage"}})
    assert ("AWS/ApiGateway", "5XXError", api) in watched


def test_the_api_function_deploys_gradually_and_rolls_back_on_its_alarms(
    template: dict[str, Any],
) -> None:
    props = template["Resources"]["ApiFunction"]["Properties"]
    assert props["AutoPublishAlias"] == "live"
    preference = props["DeploymentPreference"]
    assert preference["Type"] == {"Ref": "DeploymentType"}
    assert template["Parameters"]["DeploymentType"]["Default"] == "AllAtOnce"
    rollback = [{"Ref": "ApiFunctionErrorsAlarm"}, {"Ref": "Api5xxAlarm"}]
    assert preference["Alarms"] == {"Fn::If": ["AlarmsOn", rollback, [{"Ref": "AWS::NoValue"}]]}
    for values, config in [
        ({}, "AllAtOnce"),
        ({"DeploymentType": "Canary10Percent5Minutes"}, "Canary10Percent5Minutes"),
    ]:
        translated = sam_translate(template, values)["Resources"]
        group = translated["ApiFunctionDeploymentGroup"]["Properties"]
        assert group["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": config}
        on, off = group["AlarmConfiguration"]["Fn::If"][1:]
        assert [a["Name"] for a in on["Alarms"]] == rollback and off == {}
        # API Gateway calls the alias, which CodeDeploy moves.
        assert "ApiFunctionAliaslive" in translated


def test_the_dashboard_shows_every_function(template: dict[str, Any]) -> None:
    dashboard = template["Resources"]["Dashboard"]
    assert "Condition" not in dashboard
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    named = set(re.findall(r"\$\{([^}]+)\}", body))
    assert set(FUNCTIONS) | {"JobStateMachine", "Stage"} <= named
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    assert len(widgets) >= 4


def test_the_stage_names_the_api_url(template: dict[str, Any]) -> None:
    spec = template["Parameters"]["Stage"]
    assert spec["Default"] == "prod" and spec["AllowedValues"] == ["dev", "staging", "prod"]
    assert template["Resources"]["Api"]["Properties"]["StageName"] == {"Ref": "Stage"}
    assert template["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"].endswith("/${Stage}")


def test_access_logs_go_to_a_private_expiring_bucket(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    logging = resources["DataBucket"]["Properties"]["LoggingConfiguration"]
    name, on, off = logging["Fn::If"]
    assert name == "AccessLogsOn" and off == {"Ref": "AWS::NoValue"}
    assert on["DestinationBucketName"] == {"Ref": "AccessLogBucket"}
    bucket = resources["AccessLogBucket"]["Properties"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    (expiry,) = bucket["LifecycleConfiguration"]["Rules"]
    assert expiry["ExpirationInDays"] == {"Ref": "LogRetentionDays"}
    statements = resources["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Resource"]["Fn::Sub"] == "${AccessLogBucket.Arn}/" + on["LogFilePrefix"] + "*"
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == {"Fn::GetAtt": ["DataBucket", "Arn"]}
    assert any(s["Effect"] == "Deny" for s in statements)


# ---------------------------------------------------------------- checkov


def checkov_command() -> list[str] | None:
    """How to run checkov here: in this Python, or as a `checkov` program on the PATH."""
    given = os.environ.get("LOUPE_CHECKOV")
    if given:
        return [given]
    if importlib.util.find_spec("checkov") is not None:
        return [sys.executable, "-m", "checkov.main"]
    program = shutil.which("checkov")
    return [program] if program else None


def checkov_findings(text: str, folder: Path) -> list[tuple[str, str]]:
    """checkov's failed checks (id, resource) for a template, scanned offline."""
    command = checkov_command()
    if command is None:
        # `python3 tasks.py test` installs it; CI must never pass without the scan.
        assert not os.environ.get("CI"), "checkov is missing: run the tests with tasks.py test"
        pytest.skip(
            "checkov is not installed: it pins boto3 below ours, so it runs from its own "
            "environment (e.g. `uv tool install checkov`) with `checkov` on the PATH"
        )
    path = folder / "template.yaml"
    path.write_text(text)
    # No platform, no mappings download, no package scan: nothing leaves the machine.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "PRISMA_"))}
    env |= {"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(
        [
            *command,
            *("--file", str(path), "--framework", "cloudformation"),
            *("--quiet", "--compact", "--skip-download", "--output", "json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        check=False,
        timeout=240,
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    # Nothing failed: the quiet report is the summary alone.
    failed = report.get("results", {}).get("failed_checks", [])
    assert report["summary"]["parsing_errors"] == 0
    return [(f["check_id"], f["resource"]) for f in failed]


@pytest.mark.parametrize("values", [{}, ALL_ON], ids=["defaults", "all-switches-on"])
def test_checkov_finds_nothing_unsuppressed(values: dict[str, str], tmp_path: Path) -> None:
    # checkov leaves out what a condition turns off under the defaults: both sets are scanned.
    assert checkov_findings(with_defaults(TEMPLATE.read_text(), values), tmp_path) == []


def test_checkov_bites(tmp_path: Path) -> None:
    """A public bucket, or a suppression taken away, is a finding.

    (A bucket without BucketEncryption is none: S3 encrypts every new object by default,
    and checkov knows it.)
    """
    text = TEMPLATE.read_text()
    block = re.search(
        r"\n      PublicAccessBlockConfiguration:\n(        .*\n)+?(?=      \w)", text
    )
    assert block
    public = text.replace(block.group(0), "\n", 1)
    props = parsed(public)["Resources"]
    assert "PublicAccessBlockConfiguration" not in props["DataBucket"]["Properties"]
    found = checkov_findings(public, tmp_path)
    assert ("CKV_AWS_53", "AWS::S3::Bucket.DataBucket") in found
    unsuppressed = text.replace("- id: CKV_AWS_149", "- id: CKV_AWS_999", 1)
    found = checkov_findings(unsuppressed, tmp_path)
    assert found == [("CKV_AWS_149", "AWS::SecretsManager::Secret.NvidiaApiKey")]


def test_every_checkov_suppression_gives_its_reason(template: dict[str, Any]) -> None:
    skips = [
        (name, skip)
        for name, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for name, skip in skips:
        assert set(skip) == {"id", "comment"}, (name, skip)
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (name, skip)
        assert len(skip["comment"].split()) >= 5, (name, skip)
