"""Job leases (several app servers on one database): one holder at a time, expiry, periodic claims."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sync.db import leases
from sync.db.open import open_store
from sync.db.store import Store

T0 = 1_800_000_000.0


def test_a_lease_has_one_holder_until_it_runs_out_or_is_released(store: Store) -> None:
    assert leases.take(store, "job", T0, 60, holder="a")
    assert not leases.take(store, "job", T0 + 1, 60, holder="b")
    assert leases.take(store, "job", T0 + 30, 60, holder="a")  # renewed: now until T0 + 90
    assert not leases.take(store, "job", T0 + 80, 60, holder="b")
    assert leases.take(store, "job", T0 + 90, 60, holder="b")  # ran out: a dead holder holds nothing up
    assert not leases.take(store, "job", T0 + 91, 60, holder="a")
    leases.release(store, "job", holder="a")  # not a's any more: stays b's
    assert not leases.take(store, "job", T0 + 92, 60, holder="a")
    leases.release(store, "job", holder="b")
    assert leases.take(store, "job", T0 + 93, 60, holder="a")
    assert leases.take(store, "other", T0 + 93, 60, holder="b")  # leases are per name


def test_a_periodic_job_is_claimed_once_per_period_across_servers(store: Store) -> None:
    assert leases.claim_period(store, "purge", T0, 3600, holder="a")
    assert not leases.claim_period(store, "purge", T0 + 10, 3600, holder="b")
    assert not leases.claim_period(store, "purge", T0 + 20, 3600, holder="a")  # not again by its holder either
    assert leases.claim_period(store, "purge", T0 + 3600, 3600, holder="b")


def test_two_stores_on_one_database_see_each_others_leases(store: Store, tmp_path: Path, database_url: str) -> None:
    other = open_store(database_url, tmp_path / "store")  # a second app server on the same database
    try:
        assert leases.take(store, "job", T0, 60, holder="a")
        assert not leases.take(other, "job", T0 + 1, 60, holder="b")
        leases.release(store, "job", holder="a")
        assert leases.take(other, "job", T0 + 2, 60, holder="b")
    finally:
        other.close()


def _holder(pid: int, space: str = leases.PID_SPACE, rand: str = "0123abcd") -> str:
    return f"{socket.gethostname()}:{pid}:{rand}:{space}:7f00"


def _ended_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


needs_proc = pytest.mark.skipif(not leases.PID_SPACE, reason="a pid space is known on Linux only")


@needs_proc
def test_a_lease_held_by_a_process_of_this_machine_that_ended_is_taken_at_once(store: Store) -> None:
    assert leases.take(store, "job", T0, 120, holder=_holder(_ended_pid()))
    assert leases.take(store, "job", T0 + 1, 120, holder="b")  # not waited out: its holder is gone
    assert not leases.take(store, "job", T0 + 2, 120, holder="c")  # b is not a process: waited out
    assert leases.gone(_holder(os.getpid(), rand="ffffffff"))  # this pid, another random part: an earlier process


@needs_proc
def test_a_killed_process_not_yet_reaped_is_gone_too(store: Store) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert leases.take(store, "job", T0, 120, holder=_holder(child.pid))
        assert not leases.take(store, "job", T0 + 1, 120, holder="b")  # running: it keeps its lease
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, still a zombie
        assert leases.take(store, "job", T0 + 2, 120, holder="b")
    finally:
        child.kill()
        child.wait()


@needs_proc
def test_a_holder_that_cannot_be_judged_is_waited_out(store: Store) -> None:
    ended = _ended_pid()
    for holder in (
        _holder(ended, space="0123456789ab.4026531836"),  # another machine or container: its pid means another process
        f"elsewhere:{ended}",  # not a process's name
        _holder(os.getppid()),  # alive
        leases.holder_of(store),  # this process itself
    ):
        assert not leases.gone(holder), holder
    assert leases.take(store, "job", T0, 120, holder=_holder(ended, space="0123456789ab.4026531836"))
    assert not leases.take(store, "job", T0 + 1, 120, holder="b")
