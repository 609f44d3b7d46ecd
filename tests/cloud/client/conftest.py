"""The client's tests sign in against the deployment of ``tests.cloud.client.deployment``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cloud.client.signin import SignIn
from tests.cloud.client.deployment import clock, deployment

__all__ = ["clock", "deployment"]


@pytest.fixture(autouse=True)
def sign_ins_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every sign-in a test makes is closed when it ends, its connections with it.

    (One left to the garbage collector closes its socket in whichever test runs then,
    which the warnings-as-errors setting turns into that test's failure.)
    """
    made: list[SignIn] = []
    original = SignIn.__init__

    def tracked(self: SignIn, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(SignIn, "__init__", tracked)
    yield
    for sign_in in made:
        sign_in.close()
