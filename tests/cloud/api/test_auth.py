"""The API's check of Cognito access tokens: signed by the pool, for this client, with its scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cloud.api import CognitoVerifier, SignInSettings
from cloud.errors import AuthError
from tests.cloud.client.deployment import Clock
from tests.cloud.client.fake_cognito import CLIENT_ID, SCOPE, FakeCognito


@pytest.fixture
def pool() -> Iterator[FakeCognito]:
    cognito = FakeCognito(ports=(53180,), clock=Clock())
    yield cognito
    cognito.close()


def verifier(pool: FakeCognito) -> CognitoVerifier:
    return CognitoVerifier("us-east-1", "pool", CLIENT_ID, issuer=pool.url, clock=pool.clock)


def test_an_access_token_with_the_scope_is_accepted(pool: FakeCognito) -> None:
    assert verifier(pool).verify(pool.token()).sub == "alice"
    # The scope may sit anywhere among others.
    assert verifier(pool).verify(pool.token(scope=f"email {SCOPE} openid")).sub == "alice"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"scope": "openid email"}, "does not carry the scope loupe/api"),
        ({"scope": "openid loupe/api-admin"}, "does not carry the scope loupe/api"),
        ({"client_id": "another-app"}, "not for this application"),
        ({"lifetime": -1}, "has expired"),
        ({"token_use": "id"}, "an access token is required"),
        ({"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}, "not valid"),
    ],
)
def test_other_tokens_are_refused(pool: FakeCognito, claims: dict[str, Any], message: str) -> None:
    with pytest.raises(AuthError, match=message):
        verifier(pool).verify(pool.token(**claims))


def test_expiry_follows_the_clock(pool: FakeCognito) -> None:
    token = pool.token(lifetime=600)
    check = verifier(pool)
    assert check.verify(token).sub == "alice"
    assert isinstance(pool.clock, Clock)
    pool.clock.advance(601)
    with pytest.raises(AuthError, match="has expired"):
        check.verify(token)


def test_sign_in_settings_come_from_the_template_environment() -> None:
    assert SignInSettings.from_env({}) is None
    settings = SignInSettings.from_env(
        {
            "LOUPE_SIGNIN_DOMAIN": "https://loupe-1.auth.eu-west-1.amazoncognito.com/",
            "LOUPE_USER_POOL_CLIENT_ID": "abc",
            "LOUPE_SIGNIN_PORTS": "53180, 53181",
        }
    )
    assert settings is not None
    answer = settings.answer()
    assert (
        answer["authorize_url"]
        == "https://loupe-1.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    )
    assert answer["redirect_ports"] == [53180, 53181]
    assert answer["scopes"] == ["openid", "loupe/api"] and answer["client_id"] == "abc"
