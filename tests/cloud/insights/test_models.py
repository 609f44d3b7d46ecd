"""Which models an endpoint serves, and a retired model named as such, with what to choose."""

from __future__ import annotations

import json

import pytest

from cloud.insights import (
    DEFAULT_MODEL,
    InsightsError,
    ModelUnavailableError,
    NemotronClient,
    NemotronSettings,
)
from cloud.insights.nemotron import chat_body
from tests.cloud.fake_nemotron import KEY, MODELS, FakeNemotron, Reply

RETIRED = "nvidia/llama-3.3-nemotron-super-49b-v1"


def test_the_models_an_endpoint_serves_are_listed_sorted() -> None:
    with FakeNemotron() as fake:
        fake.models = ["z/model", "a/model", "a/model"]
        client = NemotronClient(NemotronSettings(KEY, base_url=fake.url))
        try:
            assert client.list_models() == ["a/model", "z/model"]
        finally:
            client.close()
    (received,) = fake.received
    assert received.path == "/v1/models"
    assert received.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("status", [404, 410])
def test_a_retired_model_is_one_line_naming_the_models_available(status: int) -> None:
    with FakeNemotron() as fake:
        fake.replies = [Reply(status)]
        settings = NemotronSettings(KEY, base_url=fake.url, model=RETIRED)
        client = NemotronClient(settings, sleep=lambda s: pytest.fail("no retry for a gone model"))
        try:
            with pytest.raises(ModelUnavailableError) as caught:
                client.send(chat_body(RETIRED, [{"role": "user", "content": "hi"}], {}))
        finally:
            client.close()
    message = str(caught.value)
    assert "\n" not in message and KEY not in message
    assert f"the model {RETIRED} is not available at this endpoint (HTTP {status}" in message
    # Nemotrons are named first.
    assert message.endswith(
        "available: nvidia/nemotron-3-super-120b-a12b, nvidia/nemotron-3.5-lightning-30b-a3b, "
        "meta/llama-3.1-8b-instruct"
    )
    assert caught.value.available == sorted(MODELS)
    assert [r.path for r in fake.received] == ["/v1/chat/completions", "/v1/models"]


def test_an_endpoint_that_cannot_list_its_models_still_gives_one_line() -> None:
    with FakeNemotron() as fake:
        fake.replies = [Reply(410)]
        fake.models = []
        client = NemotronClient(NemotronSettings(KEY, base_url=fake.url, model=RETIRED))
        try:
            with pytest.raises(ModelUnavailableError, match="did not list the models"):
                client.send(b"{}")
        finally:
            client.close()
        client = NemotronClient(NemotronSettings(KEY, base_url=fake.url + "/nowhere"))
        try:
            with pytest.raises(InsightsError, match=r"refused to list its models \(HTTP 404\)"):
                client.list_models()
        finally:
            client.close()


def test_the_default_model_is_one_nvidia_serves_and_is_asked_not_to_reason() -> None:
    assert DEFAULT_MODEL == "nvidia/nemotron-3.5-lightning-30b-a3b" and DEFAULT_MODEL in MODELS
    body = json.loads(chat_body(DEFAULT_MODEL, [], {}))
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert "chat_template_kwargs" not in json.loads(chat_body("meta/llama-3.1-8b-instruct", [], {}))
