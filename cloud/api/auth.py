"""Who is calling: access tokens and the identity they carry.

Every route but health and the sign-in settings needs a bearer token. In AWS
it is an access token from the Cognito user pool, carrying the API's scope
(API Gateway checks it first; :class:`CognitoVerifier` checks it again, so the
app never trusts a header alone). Clients get it by signing in in the browser
(authorization code with PKCE); :class:`SignInSettings` is what the API tells
them about that. ``loupe serve``
issues its own short HS256 tokens for a built-in local user
(:class:`LocalTokens`). Either way the token's ``sub`` is the identity that
decides every object key.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from cloud.errors import AuthError
from cloud.shared.identity import Identity, subject

__all__ = ["API_SCOPE", "CognitoVerifier", "LocalTokens", "SignInSettings", "TokenVerifier"]

# The resource server's scope an access token must carry (template: ResourceServer).
API_SCOPE = "loupe/api"


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
    """Checks Cognito access tokens against the user pool's published keys.

    A token passes when it is an access token (``token_use == "access"``) signed
    by the pool, not expired, issued to this app client (``client_id``) and
    carrying the API's scope. ID tokens are refused: API Gateway's authorizer
    lets only access tokens through once it checks scopes, so accepting them
    here would only widen what a token leaked from elsewhere could do.

    Args:
        region: the pool's AWS region.
        pool_id: the user pool id.
        client_id: the app client the tokens must be for.
        scope: the scope a token must carry (the resource server's, ``loupe/api``).
        issuer: the token issuer, if not the pool's own URL (its keys are at
            ``{issuer}/.well-known/jwks.json``).
        clock: the time in seconds since the epoch (tests move it forward).
    """

    def __init__(
        self,
        region: str,
        pool_id: str,
        client_id: str,
        *,
        scope: str = API_SCOPE,
        issuer: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # ``issuer`` overrides the pool's URL (an OIDC provider that mimics Cognito).
        self.issuer = issuer or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.client_id = client_id
        self.scope = scope
        self._clock = clock
        self._keys = jwt.PyJWKClient(f"{self.issuer}/.well-known/jwks.json", cache_keys=True)

    def verify(self, token: str) -> Identity:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            # Expiry is checked below against ``clock``, not PyJWT's own.
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={
                    "require": ["exp", "sub", "iss", "token_use"],
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise AuthError("the token is not valid") from None
        expiry = claims.get("exp")
        if not isinstance(expiry, int | float) or expiry <= self._clock():
            raise AuthError("the token has expired")
        if claims.get("token_use") != "access":
            raise AuthError("an access token is required (sign in with loupe cloud login)")
        if claims.get("client_id") != self.client_id:
            raise AuthError("the token is not for this application")
        scopes = str(claims.get("scope", "")).split()
        if self.scope not in scopes:
            raise AuthError(f"the token does not carry the scope {self.scope}")
        return _identity(claims)


@dataclass(frozen=True)
class SignInSettings:
    """How a client signs in to this deployment, as ``GET /v1/auth/config`` answers.

    Args:
        domain: the user pool's sign-in domain, e.g.
            ``https://loupe-1234.auth.eu-west-1.amazoncognito.com``.
        client_id: the public app client (no secret) the desktop and CLI use.
        scopes: the scopes to ask for; they include the API's.
        ports: the loopback ports registered as ``http://localhost:<port>/callback``.
    """

    domain: str
    client_id: str
    scopes: tuple[str, ...] = ("openid", API_SCOPE)
    ports: tuple[int, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SignInSettings | None:
        """The settings the template gives the API function; None when it gives none.

        Reads ``LOUPE_SIGNIN_DOMAIN``, ``LOUPE_USER_POOL_CLIENT_ID``,
        ``LOUPE_API_SCOPE`` and ``LOUPE_SIGNIN_PORTS`` (comma-separated).
        """
        domain = env.get("LOUPE_SIGNIN_DOMAIN", "").rstrip("/")
        if not domain:
            return None
        scope = env.get("LOUPE_API_SCOPE") or API_SCOPE
        ports = tuple(int(p) for p in env.get("LOUPE_SIGNIN_PORTS", "").split(",") if p.strip())
        return cls(domain, env["LOUPE_USER_POOL_CLIENT_ID"], ("openid", scope), ports)

    def answer(self) -> dict[str, Any]:
        """The JSON document clients read (nothing in it is secret)."""
        return {
            "method": "oauth",
            "authorize_url": f"{self.domain}/oauth2/authorize",
            "token_url": f"{self.domain}/oauth2/token",
            "revoke_url": f"{self.domain}/oauth2/revoke",
            "client_id": self.client_id,
            "scopes": list(self.scopes),
            "redirect_ports": list(self.ports),
        }
