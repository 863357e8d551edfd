"""Applying pushes: random op sequences in one batch end as the same ops pushed one per batch (issue 14, item 1);
pushes queued for the writer together are group-committed, each applied once (issue 15, item 10).

Each example starts two fresh stores (same organisation, same users and sites by name) and
pushes the same ops from the same device: all in one batch to the first, one op per batch to the
second, with the same server clock. The ops create inspections and then do anything to them —
answers, group entries, photos, signatures with the right or a wrong content hash, changes after
signing, submits, deletes — so conflicts are opened on inspections created in the same batch.
No push may fail (a failure is a 500 over HTTP), and the results, documents, conflicts,
statuses, findings, evidence references and events must be the same either way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.canonical import content_hash
from sync.clock import uuid7
from sync.db.store import Store, open_store
from sync.engine.ops import (
    AddEntry,
    Attach,
    Create,
    Delete,
    Op,
    OpResult,
    PushBatch,
    PushResult,
    RemoveEntry,
    SetAnswers,
    Sign,
    Transition,
    make_hlc,
)
from sync.errors import Forbidden
from sync.push import apply_push
from tests.sync.db.writer_queue import queued_behind_the_writer
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import probe_catalog

CATALOG = probe_catalog()
HASHER = PasswordHasher(time_cost=1, memory_cost=1024)
MILLIS = 1_780_000_000_000
NOW = MILLIS + 1000
CLIENT = "5f0c4a4e-0000-4000-8000-000000000001"
INSPECTIONS = ["01900000-0000-7000-8000-00000000000a", "01900000-0000-7000-8000-00000000000b"]
ENTRIES = ["0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]
PHOTOS = ["a1" * 32, "b2" * 32]
SIGNATURE_IMAGE = "c3" * 32
SIGNED = ("licence", "frozen_temp")  # what manager_sign covers

answer = st.one_of(
    st.fixed_dictionaries({"licence": st.sampled_from(["pass", "fail", "na", None, "maybe"])}),
    st.fixed_dictionaries({"frozen_temp": st.sampled_from([-25, -18, -10.5, 3, None])}),
    st.fixed_dictionaries({"notes": st.sampled_from(["=HYPERLINK(1)", "冷柜偏高", "ok"])}),
    st.fixed_dictionaries({"issues": st.sampled_from([["dirty"], ["dark", "noisy"], []])}),
    st.fixed_dictionaries({"licence": st.sampled_from(["pass", "fail"]), "frozen_temp": st.sampled_from([-20, 2])}),
)
step = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), st.just(None)),
    st.tuples(st.just("set"), st.integers(0, 1), answer),
    st.tuples(st.just("add_entry"), st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just("set_entry"), st.integers(0, 1), st.tuples(st.integers(0, 1), st.sampled_from(["pass", "fail"]))),
    st.tuples(st.just("remove_entry"), st.integers(0, 1), st.tuples(st.integers(0, 1), st.integers(0, 3))),
    st.tuples(st.just("attach"), st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just("sign"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("submit"), st.integers(0, 1), st.just(None)),
    st.tuples(st.just("delete"), st.integers(0, 1), st.just(None)),
)


@dataclass
class Script:
    """Turns the drawn steps into ops for one office (its site ids), tracking the answers a signature covers."""

    office: Office

    def ops(self, steps: list[tuple[str, int, Any]]) -> list[Op]:
        signed: dict[str, dict[str, Any]] = {i: {} for i in INSPECTIONS}
        made: list[Op] = []
        for n, (kind, which, arg) in enumerate([("create", 0, None), *steps], 1):
            inspection_id = INSPECTIONS[which]
            head: dict[str, Any] = {
                "op_id": f"01900000-0000-7000-8000-{n:012x}",
                "client_seq": n,
                "inspection_id": inspection_id,
                "hlc": make_hlc(MILLIS, n),
            }
            if kind == "set":
                for path in SIGNED:
                    if path in arg:
                        signed[inspection_id][path] = arg[path]
            made.append(self.op(kind, arg, head, {k: v for k, v in signed[inspection_id].items() if v is not None}))
        return made

    def op(self, kind: str, arg: Any, head: dict[str, Any], signed: dict[str, Any]) -> Op:
        if kind == "create":
            return Create(**head, checklist_id="sync_probe", version=1, site_id=self.office.sites["n1"])
        if kind == "set":
            return SetAnswers(**head, answers=arg)
        if kind == "add_entry":
            return AddEntry(**head, group="stalls", entry_id=ENTRIES[arg])
        if kind == "set_entry":
            return SetAnswers(**head, answers={f"stalls/{ENTRIES[arg[0]]}/prices": arg[1]})
        if kind == "remove_entry":
            return RemoveEntry(**head, group="stalls", entry_id=ENTRIES[arg[0]], base_fv=arg[1])
        if kind == "attach":
            return Attach(**head, path="photos", sha256=PHOTOS[arg])
        if kind == "sign":
            template = CATALOG.get("sync_probe", 1)
            assert template is not None
            right = content_hash(template, signed, "manager_sign")
            return Sign(**head, path="manager_sign", value=signature(right if arg else "0" * 64))
        if kind == "submit":
            return Transition(**head, to="submitted")
        return Delete(**head)


def signature(content: str) -> dict[str, Any]:
    return {
        "status": "signed",
        "image_sha256": SIGNATURE_IMAGE,
        "signer_name": "王经理",
        "signer_role": "负责人",
        "signed_at": "2026-11-22T10:00:00+08:00",
        "content_hash": content,
    }


TABLES = {
    "inspection": "SELECT * FROM inspection ORDER BY id",
    "conflict": "SELECT * FROM conflict ORDER BY id",
    "op_log": "SELECT seq, op_id, client_id, client_seq, inspection_id, kind, hlc, outcome, result_json FROM op_log"
    " ORDER BY seq",
    "finding": "SELECT inspection_id, pointer, status, created_seq, updated_seq, value_json FROM finding"
    " ORDER BY inspection_id, pointer",
    "evidence_ref": "SELECT * FROM evidence_ref ORDER BY inspection_id, path, sha256",
    "event": "SELECT seq, kind, inspection_id, site_id, payload_json, created_at FROM event ORDER BY seq",
}


def end_state(store: Store, office: Office) -> dict[str, str]:
    """Every table the push writes, as text, with this office's ids replaced by their names."""
    names = {user.id: f"user:{role}" for role, user in office.users.items()}
    names |= {site_id: f"site:{name}" for name, site_id in office.sites.items()}
    names |= {district_id: f"district:{name}" for name, district_id in office.districts.items()}
    names[office.users["admin"].org_id] = "org"
    for finding_id, inspection_id, pointer in store.db.execute("SELECT id, inspection_id, pointer FROM finding"):
        names[finding_id] = f"finding:{inspection_id}{pointer}"
    state = {}
    for table, query in TABLES.items():
        rows = [list(row) for row in store.db.execute(query)]
        text = json.dumps(rows, ensure_ascii=False, default=lambda v: bytes(v).decode("utf-8", "replace"))
        for held, name in names.items():
            text = text.replace(held, name)
        state[table] = text
    return state


def pushed(steps: list[tuple[str, int, Any]], *, one_batch: bool) -> tuple[list[OpResult], dict[str, str]]:
    store = open_store(None)
    try:
        office = new_office(store, HASHER)
        ops = Script(office).ops(steps)
        inspector = office.users["inspector"]
        batches = [ops] if one_batch else [[op] for op in ops]
        results = []
        for batch in batches:
            results += apply_push(store, CATALOG, inspector, "phone", PushBatch(CLIENT, batch), now_ms=NOW).results
        return results, end_state(store, office)
    finally:
        store.close()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=14))
def test_a_batch_ends_as_the_same_ops_pushed_one_by_one(steps: list[tuple[str, int, Any]]) -> None:
    together, state = pushed(steps, one_batch=True)
    one_by_one, expected = pushed(steps, one_batch=False)
    assert together == one_by_one
    assert state == expected


def test_a_signature_that_does_not_match_opens_a_conflict_on_an_inspection_made_in_the_same_batch() -> None:
    results, state = pushed([("sign", 0, False), ("set", 0, {"licence": "pass"})], one_batch=True)
    assert [r.outcome for r in results] == ["applied", "conflict", "applied"]
    assert "signature_stale" in state["conflict"]


@pytest.mark.sqlite_only(reason="group commit: several pushes share one SQLite COMMIT")
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
