"""An endpoint's URL: one spelling for keys and requests, and whether credentials may go there.

``https://x/`` and ``https://x`` are one endpoint: :func:`normalise_endpoint` is
the spelling every keyring entry, sign-in and client uses. Tokens, refresh
tokens and API keys travel only over ``https``, or over ``http`` to this
machine (``loupe serve``): :func:`insecure_reason` says why any other URL is refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["LOOPBACK_HOSTS", "insecure_reason", "normalise_endpoint"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def normalise_endpoint(url: str) -> str:
    """``url`` as Loupe keys and calls it: no surrounding spaces, no trailing ``/``."""
    return url.strip().rstrip("/")


def insecure_reason(url: str) -> str | None:
    """Why credentials must not be sent to ``url`` (None: ``https``, or ``http`` to loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return None
    where = parts.hostname or url
    return f"refusing to send credentials over {parts.scheme or 'no'} scheme to {where}; use https"
