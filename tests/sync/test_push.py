"""Applying pushes: pushes queued for the writer together are group-committed, each applied once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from argon2 import PasswordHasher

from sync.clock import uuid7
from sync.db.store import Store
from sync.engine.ops import Create, PushBatch, PushResult, make_hlc
from sync.errors import Forbidden
from sync.push import apply_push
from tests.sync.db.writer_queue import queued_behind_the_writer
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import probe_catalog


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
    jobs: list[Callable[[], Any]] = [partial(push, c, n + 1) for n, c in enumerate(clients)]
    jobs.insert(3, partial(push, taken, 99, "supervisor"))
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
