"""Drafts carried to a newer checklist version by the ``upgrade`` op (issue 17, item 3).

The shared cases (``tests/fixtures/carry.json``) are the phone's too (``pwa/test/model/carry.test.js``):
what is carried and what is listed, per kind, must be the same on both sides.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest

from schemas.catalog import Catalog, parse_template
from schemas.json_schema import to_json_schema
from sync.db.store import Store
from sync.engine.document import answers_of
from sync.engine.ops import Attach, Create, Op, OpResult, PushBatch, SetAnswers, Transition, Upgrade, make_hlc
from sync.engine.rows import load_row
from sync.org.accounts import User
from sync.push import apply_push
from sync.review.audit import audit_log
from sync.review.conflicts import Resolution, resolve_conflict
from tests.sync.office import Office

FIXTURE = Path(__file__).parents[2] / "fixtures" / "carry.json"
SHARED = json.loads(FIXTURE.read_text(encoding="utf-8"))
MILLIS = 1_780_000_000_000
INSPECTION = "01900000-0000-7000-8000-0000000000c1"


def catalog() -> Catalog:
    made = Catalog()
    for template in SHARED["templates"]:
        made.add(parse_template(json.dumps(template).encode(), "carry.json"))
    return made


class Device:
    """One phone of one user: numbers its ops and pushes them one batch at a time."""

    def __init__(self, store: Store, catalog: Catalog, user: User, client: str) -> None:
        self.store, self.catalog, self.user, self.client = store, catalog, user, client
        self.seq = itertools.count(1)
        self.ops = itertools.count(1)

    def head(self) -> dict[str, Any]:
        n = next(self.seq)
        return {
            "op_id": f"{self.client[:8]}-0000-7000-8000-{next(self.ops):012x}",
            "client_seq": n,
            "inspection_id": INSPECTION,
            "hlc": make_hlc(MILLIS, n),
        }

    def push(self, *ops: Op) -> list[OpResult]:
        batch = PushBatch(self.client, list(ops))
        return apply_push(
            self.store, self.catalog, self.user, "device-" + self.client[:4], batch, now_ms=MILLIS + 1000
        ).results

    def create(self, site: str, version: int = 1) -> OpResult:
        return self.push(Create(**self.head(), checklist_id="carry_probe", version=version, site_id=site))[0]

    def set(self, answers: dict[str, Any], base: dict[str, int] | None = None) -> OpResult:
        return self.push(SetAnswers(**self.head(), answers=answers, base=base or {}))[0]

    def upgrade(self, version: int = 2) -> Upgrade:
        return Upgrade(**self.head(), version=version)


@pytest.fixture
def phone(store: Store, office: Office) -> Device:
    return Device(store, catalog(), office.users["inspector"], "0aaaaaaa-0000-4000-8000-000000000001")


def paths(answers: dict[str, Any]) -> dict[str, Any]:
    """Nested answers (groups as ``{entry: {item: value}}``) as field paths."""
    flat: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, dict) and key == "stalls":
            for entry, children in value.items():
                flat.update({f"{key}/{entry}/{child}": v for child, v in children.items()})
        else:
            flat[key] = value
    return flat


def test_the_shared_schemas_are_those_the_server_publishes() -> None:
    made = [to_json_schema(t) for t in catalog().templates.values()]
    if os.environ.get("XUNJIAN_REPIN"):
        FIXTURE.write_text(json.dumps({**SHARED, "schemas": made}, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert SHARED["schemas"] == made, "re-make them: XUNJIAN_REPIN=1 pytest tests/sync/engine/test_carry.py"


@pytest.mark.parametrize("case", SHARED["cases"], ids=[c["name"] for c in SHARED["cases"]])
def test_a_draft_moves_with_what_fits_and_lists_the_rest(phone: Device, office: Office, case: dict[str, Any]) -> None:
    phone.create(office.sites["n1"])
    assert phone.set(paths(case["answers"])).outcome == "applied"
    result = phone.push(phone.upgrade())[0]
    assert result.outcome == "applied"
    assert {u.path: u.reason for u in result.uncarried} == case["uncarried"]
    given = paths(case["answers"])
    assert all(u.value == given[u.path] and u.version == 1 for u in result.uncarried)
    row = load_row(phone.store.db.conn, INSPECTION)
    assert row is not None and row.version == 2
    assert answers_of(row.doc) == case["carried"]
    assert [(u.path, u.value) for u in row.doc.uncarried] == [(u.path, u.value) for u in result.uncarried]
    (entry,) = [e for e in audit_log(phone.store, office.users["inspector"], INSPECTION) if e.kind == "upgrade"]
    assert {u["path"]: u["reason"] for u in entry.result.get("uncarried", [])} == case["uncarried"]


def test_the_same_move_twice_is_one(phone: Device, office: Office) -> None:
    phone.create(office.sites["n1"])
    phone.set({"temp": -50, "licence": "pass"})
    op = phone.upgrade()
    first = phone.push(op)[0]
    replay = Device(phone.store, phone.catalog, phone.user, phone.client)
    replay.seq = itertools.count(op.client_seq)
    again = replay.push(op)[0]
    assert again == first
    second = phone.push(phone.upgrade())[0]  # another op to the same version: nothing more to do
    assert second.outcome == "applied" and not second.uncarried
    row = load_row(phone.store.db.conn, INSPECTION)
    assert row is not None
    assert [u.path for u in row.doc.uncarried] == ["temp"]
    assert row.doc.earlier_versions == [1]


def test_carried_answers_keep_their_photos_and_evidence(phone: Device, office: Office) -> None:
    phone.create(office.sites["n1"])
    phone.set({"photos": ["a1" * 32, "b2" * 32], "position": {"lat": 39.9, "lon": 116.4}})
    phone.push(phone.upgrade())
    refs = phone.store.db.execute("SELECT sha256, path FROM evidence_ref ORDER BY sha256").fetchall()
    assert refs == [("a1" * 32, "photos"), ("b2" * 32, "photos")]
    row = load_row(phone.store.db.conn, INSPECTION)
    assert row is not None and answers_of(row.doc)["photos"] == ["a1" * 32, "b2" * 32]


def test_the_facts_follow_the_new_version(phone: Device, office: Office) -> None:
    phone.create(office.sites["n1"])
    phone.set({"licence": "fail"})
    phone.push(phone.upgrade())
    fact = phone.store.db.execute("SELECT version, status FROM inspection_fact WHERE inspection_id = ?", [INSPECTION])
    assert fact.fetchone() == (2, "draft")


def test_an_edit_made_on_the_old_version_arriving_after_the_move(phone: Device, office: Office, store: Store) -> None:
    """A second device of the same inspector edits on version 1 offline; its push arrives after the move."""
    phone.create(office.sites["n1"])
    phone.set({"licence": "pass", "temp": -20})
    tablet = Device(store, phone.catalog, phone.user, "0bbbbbbb-0000-4000-8000-000000000002")
    late = SetAnswers(
        **tablet.head(), answers={"grade": "a", "issues": ["noisy"], "position": {"lat": 1.0, "lon": 2.0}, "temp": -30}
    )
    phone.push(phone.upgrade())
    result = tablet.push(late)[0]
    assert result.outcome == "conflict"  # temp: it had not seen the phone's -20, as without a move
    assert [f.path for f in result.fields if f.conflict_id] == ["temp"]
    assert {u.path: u.reason for u in result.uncarried} == {"issues": "invalid", "position": "gone"}
    row = load_row(store.db.conn, INSPECTION)
    assert row is not None
    assert answers_of(row.doc) == {"licence": "pass", "temp": -20, "grade": "a"}
    assert {u.path for u in row.doc.uncarried} == {"issues", "position"}
    nothing_fits = tablet.push(SetAnswers(**tablet.head(), answers={"notes": "旧版备注"}))[0]
    assert [(u.path, u.reason, u.value) for u in nothing_fits.uncarried] == [("notes", "kind", "旧版备注")]
    wrong_anywhere = tablet.push(SetAnswers(**tablet.head(), answers={"temp": 500}))[0]
    assert wrong_anywhere.outcome == "rejected" and wrong_anywhere.problem is not None
    assert wrong_anywhere.problem.type == "invalid-answers"


def test_a_concurrent_edit_to_a_carried_answer_still_conflicts(phone: Device, office: Office, store: Store) -> None:
    phone.create(office.sites["n1"])
    phone.set({"grade": "a"})
    supervisor = Device(store, phone.catalog, office.users["admin"], "0ccccccc-0000-4000-8000-000000000003")
    phone.push(phone.upgrade())
    phone.set({"grade": "b"})
    result = supervisor.set({"grade": "c"})  # had not seen the inspector's writes
    assert result.outcome == "conflict"


@pytest.mark.parametrize(
    ("status", "version", "problem"),
    [("submitted", 2, "invalid-transition"), ("draft", 3, "not-found")],
)
def test_a_move_refused(phone: Device, office: Office, status: str, version: int, problem: str) -> None:
    phone.create(office.sites["n1"])
    phone.set({"licence": "pass"})
    if status == "submitted":
        phone.push(Transition(**phone.head(), to="submitted"))
    result = phone.push(phone.upgrade(version))[0]
    assert result.outcome == "rejected" and result.problem is not None
    assert result.problem.type == problem
    row = load_row(phone.store.db.conn, INSPECTION)
    assert row is not None and row.version == 1 and row.status == status


def test_only_its_inspector_moves_an_inspection(phone: Device, office: Office, store: Store) -> None:
    phone.create(office.sites["n1"])
    other = Device(store, phone.catalog, office.users["supervisor"], "0ddddddd-0000-4000-8000-000000000004")
    result = other.push(other.upgrade())[0]
    assert result.problem is not None and result.problem.type == "forbidden"


def test_a_photo_taken_on_the_old_version_of_an_item_now_gone_is_kept(
    phone: Device, office: Office, store: Store
) -> None:
    third = {**SHARED["templates"][1], "version": 3}
    third["sections"] = [
        {**s, "items": [i for i in s["items"] if i["id"] != "photos"]} for s in SHARED["templates"][1]["sections"]
    ]
    phone.catalog.add(parse_template(json.dumps(third).encode(), "carry.json"))
    phone.create(office.sites["n1"])
    phone.push(Attach(**phone.head(), path="photos", sha256="a1" * 32))
    tablet = Device(store, phone.catalog, phone.user, "0bbbbbbb-0000-4000-8000-000000000002")
    late = Attach(**tablet.head(), path="photos", sha256="b2" * 32)
    moved = phone.push(phone.upgrade(3))[0]  # over version 2, to the latest
    assert [(u.path, u.value, u.reason) for u in moved.uncarried] == [("photos", ["a1" * 32], "gone")]
    result = tablet.push(late)[0]
    assert [(u.path, u.value, u.reason) for u in result.uncarried] == [("photos", ["b2" * 32], "gone")]
    refs = store.db.execute("SELECT sha256 FROM evidence_ref ORDER BY sha256").fetchall()
    assert refs == [("a1" * 32,), ("b2" * 32,)]  # neither photo may be collected


def test_a_returned_inspection_moves_but_not_with_open_conflicts(phone: Device, office: Office, store: Store) -> None:
    phone.create(office.sites["n1"])
    phone.set({"grade": "a"})
    admin = Device(store, phone.catalog, office.users["admin"], "0ccccccc-0000-4000-8000-000000000003")
    assert admin.set({"grade": "c"}).outcome == "conflict"
    refused = phone.push(phone.upgrade())[0]
    assert refused.problem is not None and refused.problem.type == "open-conflicts"
    conflict_id = store.db.execute("SELECT id FROM conflict WHERE status = 'open'").fetchone()[0]
    resolve_conflict(store, phone.catalog, office.users["admin"], conflict_id, Resolution(value="a", note="复核"))
    phone.push(Transition(**phone.head(), to="submitted"))
    admin.push(Transition(**admin.head(), to="returned", reason="按新版重填"))
    moved = phone.push(phone.upgrade())[0]
    assert moved.outcome == "applied"
    row = load_row(store.db.conn, INSPECTION)
    assert row is not None and (row.status, row.version) == ("returned", 2)
