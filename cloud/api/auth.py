"""Who is calling: access tokens and the identity they carry.

Every route but health needs a bearer token. In AWS it is a JWT from the
Cognito user pool (API Gateway checks it first; :class:`CognitoVerifier`
checks it again, so the app never trusts a header alone). ``loupe serve``
issues its own short HS256 tokens for a built-in local user
(:class:`LocalTokens`). Either way the token's ``sub`` is the identity that
decides every object key.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Protocol

import jwt

from cloud.errors import AuthError
from cloud.shared.identity import Identity, subject

__all__ = ["CognitoVerifier", "LocalTokens", "TokenVerifier"]


class TokenVerifier(Protocol):
    """Turns a bearer token into an :class:`Identity`, or raises AuthError."""

    def verify(self, token: str) -> Identity:
        """The identity in ``token``. Raises AuthError."""
        ...


def _identity(claims: dict[str, Any]) -> Identity:
    """The identity a token's claims name. Raises AuthError."""
    return subject(claims.get("sub"))


class LocalTokens:
    """Issues and checks the tokens of ``loupe serve`` (HS256, with an expiry).

    Args:
        secret: the signing key (random per server unless given).
        lifetime: seconds a token stays valid.
    """

    ISSUER = "loupe-local"

    def __init__(self, secret: str | None = None, *, lifetime: int = 12 * 3600) -> None:
        self._secret = secret or secrets.token_urlsafe(32)
        self.lifetime = lifetime

    def issue(self, sub: str, *, lifetime: int | None = None) -> str:
        """A token for ``sub``."""
        now = int(time.time())
        claims = {
            "sub": sub,
            "iss": self.ISSUER,
            "iat": now,
            "exp": now + (lifetime or self.lifetime),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self.ISSUER,
                options={"require": ["exp", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("the token has expired") from None
        except jwt.PyJWTError:
            raise AuthError("the token is not valid") from None
        return _identity(claims)


class CognitoVerifier:
    """Checks Cognito ID or access tokens against the user pool's published keys.

    Args:
        region: the pool's AWS region.
        pool_id: the user pool id.
        client_id: the app client the tokens must be for.
        issuer: the token issuer, if not the pool's own URL (its keys are at
            ``{issuer}/.well-known/jwks.json``).
    """

    def __init__(
        self, region: str, pool_id: str, client_id: str, *, issuer: str | None = None
    ) -> None:
        # ``issuer`` overrides the pool's URL (an OIDC provider that mimics Cognito).
        self.issuer = issuer or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.client_id = client_id
        self._keys = jwt.PyJWKClient(f"{self.issuer}/.well-known/jwks.json", cache_keys=True)

    def verify(self, token: str) -> Identity:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "sub", "iss", "token_use"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("the token has expired") from None
        except jwt.PyJWTError:
            raise AuthError("the token is not valid") from None
        # ID tokens name the client in "aud", access tokens in "client_id".
        if claims.get("token_use") not in ("id", "access") or self.client_id not in (
            claims.get("aud"),
            claims.get("client_id"),
        ):
            raise AuthError("the token is not for this application")
        return _identity(claims)
