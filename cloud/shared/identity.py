"""Who a request or a job step is for: the identity whose ``sub`` decides every object key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cloud.errors import AuthError

__all__ = ["Identity", "subject"]

# A subject becomes part of object keys: letters, digits, '-' and '_' only.
_SUBJECT = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class Identity:
    """The authenticated caller."""

    sub: str


def subject(sub: object) -> Identity:
    """The identity named ``sub``, if it is fit for object keys. Raises AuthError."""
    if not isinstance(sub, str) or not _SUBJECT.fullmatch(sub):
        raise AuthError("the token has no usable subject")
    return Identity(sub)
