"""Fault points: named places where a test makes the server fail, to prove each step is safe to crash at.

``fault("upload.finish.after_files")`` does nothing unless that name is armed (a set
lookup when nothing is armed). A test arms a name with :func:`armed`, and the point raises
:class:`FaultInjected` there, as a crash would stop the step; ``python -m server`` arms the
names of ``XUNJIAN_FAULT`` with :func:`arm_kill`, and the process then kills itself with
SIGKILL at that point (no clean-up runs, as at a power cut).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

_raise: set[str] = set()
_kill: set[str] = set()


class FaultInjected(Exception):
    """An armed fault point was reached (tests only)."""


def fault(name: str) -> None:
    """Fail here if ``name`` is armed: raise :class:`FaultInjected`, or die by SIGKILL if armed to kill."""
    if name in _raise:
        raise FaultInjected(name)
    if name in _kill:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def armed(name: str) -> Iterator[None]:
    """Within the block, the fault point ``name`` raises :class:`FaultInjected`."""
    _raise.add(name)
    try:
        yield
    finally:
        _raise.discard(name)


def arm_kill(names: str) -> None:
    """Arm comma-separated fault points to kill the process (``XUNJIAN_FAULT``; empty arms none)."""
    _kill.update(filter(None, (name.strip() for name in names.split(","))))
