"""None, True and False made immortal on Python 3.11, as Python 3.12 makes them.

PySide6 6.12.0 drops a reference to ``None`` each time Qt calls a Python slot,
and one to ``True`` each time Python emits a signal. From Python 3.12 on these
objects are immortal and the lost references do not matter; on 3.11 their
counts fall with every signal, and after some thousands of them the
interpreter aborts ("deallocating None", "deallocating True or False"), in a
long session of the app as in a long test run. They are never freed while the
interpreter runs anyway, so giving their counts a margin no session can use up
changes nothing else.

:func:`guard_singletons` runs when the ``desktop`` package is imported, before
any signal can be emitted.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["guard_singletons"]

# Far more references than signals a process can emit: 2**40 at a million a second
# lasts twelve days.
_MARGIN = 1 << 40
_guarded = False


def guard_singletons() -> None:
    """Add the margin to None's, True's and False's reference counts (Python < 3.12; once)."""
    global _guarded
    if _guarded or sys.version_info >= (3, 12):
        return
    _guarded = True
    for singleton in (None, True, False):
        # ob_refcnt is the object's first field, a Py_ssize_t.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        count.value += _MARGIN
