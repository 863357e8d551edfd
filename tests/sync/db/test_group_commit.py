"""Group commit: transactions queued for the writer are made durable by one COMMIT, each answered after it.

The writer's lock is held by the test while the transactions queue (so the order is fixed, not timed);
once it is released they run one after another and the last commits them all.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher

from sync.clock import uuid7
from sync.db.store import Store
from sync.engine.ops import Create, PushBatch, PushResult, make_hlc
from sync.errors import Forbidden
from sync.push import apply_push
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import probe_catalog


def queued_behind_the_writer(store: Store, jobs: list[Callable[[], Any]], grouped: int | None = None) -> list[Any]:
    """Run ``jobs`` in threads queued for the writer's lock before it is released; their results or errors.

    ``grouped``: how many of them are grouped transactions (all, unless given), the ones waited for.
    """
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        try:
            results[n] = jobs[n]()
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=[n]) for n in range(len(jobs))]
    with store.lock:
        for thread in threads:
            thread.start()
        while store.queued < (len(jobs) if grouped is None else grouped):  # every job waits for the lock the test holds
            time.sleep(0.001)
    for thread in threads:
        thread.join()
    return results


def write(store: Store, n: int, *, fail: bool = False) -> str:
    """A grouped transaction writing row ``n`` (then failing, if ``fail``); once answered, a reader must see it."""
    with store.grouped() as conn:
        conn.execute("INSERT INTO scratch (n) VALUES (?)", [n])
        if fail:
            raise ValueError(f"transaction {n} fails after writing")
    seen = store.db.execute("SELECT count(*) FROM scratch WHERE n = ?", [n]).fetchone()[0]
    return "committed" if seen == 1 else "answered before its commit"


@pytest.fixture
def scratch(store: Store) -> Store:
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
    return store


def test_transactions_queued_for_the_writer_commit_once_and_each_returns_after_the_commit(scratch: Store) -> None:
    before = scratch.commits
    results = queued_behind_the_writer(scratch, [lambda n=n: write(scratch, n) for n in range(8)])
    assert results == ["committed"] * 8
    assert scratch.commits == before + 1
    assert scratch.db.execute("SELECT count(*) FROM scratch").fetchone()[0] == 8


def test_a_transaction_alone_commits_at_once(scratch: Store) -> None:
    before = scratch.commits
    assert [write(scratch, n) for n in range(3)] == ["committed"] * 3
    assert scratch.commits == before + 3


def test_a_failing_transaction_in_a_group_rolls_back_alone(scratch: Store) -> None:
    before = scratch.commits
    jobs = [lambda n=n: write(scratch, n, fail=n in (0, 4, 7)) for n in range(8)]
    results = queued_behind_the_writer(scratch, jobs)
    for n, result in enumerate(results):
        if n in (0, 4, 7):
            assert isinstance(result, ValueError)
        else:
            assert result == "committed"
    assert scratch.commits == before + 1
    rows = [r[0] for r in scratch.db.execute("SELECT n FROM scratch ORDER BY n")]
    assert rows == [1, 2, 3, 5, 6]


def test_a_plain_transaction_commits_a_group_left_open_first(scratch: Store) -> None:
    def plain() -> str:
        with scratch.transaction() as conn:
            conn.execute("INSERT INTO scratch (n) VALUES (100)")
        return "committed"

    before = scratch.commits
    results = queued_behind_the_writer(scratch, [lambda: write(scratch, 1), plain, lambda: write(scratch, 2)], 2)
    assert results == ["committed"] * 3
    assert scratch.commits - before in (2, 3)  # the plain one alone; the grouped ones with each other or not
    assert [r[0] for r in scratch.db.execute("SELECT n FROM scratch ORDER BY n")] == [1, 2, 100]


def test_pushes_queued_together_are_each_applied_once_and_a_refused_one_changes_nothing(
    store: Store, hasher: PasswordHasher
) -> None:
    office: Office = new_office(store, hasher)
    catalog, inspector = probe_catalog(), office.users["inspector"]
    millis = 1_780_000_000_000

    def push(client_id: str, n: int, user: str = "inspector") -> PushResult:
        op = Create(
            op_id=uuid7(millis),
            client_seq=1,
            inspection_id=uuid7(millis),
            hlc=make_hlc(millis, n),
            checklist_id="sync_probe",
            version=1,
            site_id=office.sites["n1"],
        )
        return apply_push(store, catalog, office.users[user], "phone", PushBatch(client_id, [op]), now_ms=millis + 1000)

    taken = str(uuid.uuid4())
    push(taken, 0)  # this client id is the inspector's from now on
    clients = [str(uuid.uuid4()) for _ in range(6)]
    jobs: list[Callable[[], Any]] = [lambda c=c, n=n: push(c, n + 1) for n, c in enumerate(clients)]
    jobs.insert(3, lambda: push(taken, 99, "supervisor"))
    before = store.commits
    results = queued_behind_the_writer(store, jobs)
    assert isinstance(results.pop(3), Forbidden)
    assert [[r.outcome for r in result.results] for result in results] == [["applied"]] * 6
    assert store.commits == before + 1
    db = store.db
    assert db.execute("SELECT count(*) FROM op_log").fetchone()[0] == 7
    assert db.execute("SELECT count(*) FROM inspection").fetchone()[0] == 7
    assert db.execute("SELECT user_id FROM client WHERE client_id = ?", [taken]).fetchone()[0] == inspector.id
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # replayed, each push is answered from the op log and changes nothing
    seqs = sorted(r.results[0].seq for r in results)
    assert seqs == sorted(set(seqs))
