"""Possible duplicates flagged when pushes write the facts equal those the one-off backfill flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.clock import uuid7
from sync.db.store import open_store
from sync.engine import duplicate_flags
from sync.engine.ops import Create, SetAnswers, Transition
from tests.sync.office import new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG

MORNING = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def test_flags_set_by_pushes_equal_the_backfill_and_follow_a_deletion() -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        phone, tablet = FieldWork(store, CATALOG, office), FieldWork(store, CATALOG, office)
        n1, n2 = office.sites["n1"], office.sites["n2"]
        answers = {"licence": "pass", "frozen_temp": -20}
        a = phone.start(n1, answers, MORNING)
        b = phone.start(n1, answers, MORNING + timedelta(hours=1))  # same device: not a duplicate alone
        c = tablet.start(n1, answers, MORNING + timedelta(hours=2), submit=False)
        phone.start(n2, answers, MORNING)
        tablet.start(n2, answers, MORNING + timedelta(days=1))  # another day
        flagged = "SELECT inspection_id FROM inspection_fact WHERE duplicate = 1 ORDER BY inspection_id"
        assert [r[0] for r in store.db.execute(flagged)] == sorted([a, b, c])
        tablet.delete(c, MORNING + timedelta(hours=3))
        assert [r[0] for r in store.db.execute(flagged)] == []
        d = tablet.start(n1, answers, MORNING + timedelta(hours=4))
        kept = [r[0] for r in store.db.execute(flagged)]
        assert kept == sorted([a, b, d])
        with store.transaction() as conn:
            conn.execute("UPDATE inspection_fact SET duplicate = 0")
            conn.execute("DELETE FROM server_meta WHERE key = ?", [duplicate_flags.FLAGGED_KEY])
        assert duplicate_flags.backfill(store)
        assert [r[0] for r in store.db.execute(flagged)] == kept
        assert not duplicate_flags.backfill(store)  # once
    finally:
        store.close()


# a push: a device's new inspections, each (site, hour 0–47: two China days, submitted?), in one batch; or
# ("delete", k): the k-th draft deleted
make_step = st.tuples(st.sampled_from(["n1", "n2"]), st.integers(0, 47), st.booleans())
push_step = st.one_of(
    st.tuples(st.integers(0, 2), st.lists(make_step, min_size=1, max_size=4)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
)


def push_new(work: FieldWork, sites: dict[str, str], made: list[tuple[str, int, bool]], at: datetime) -> None:
    """Several new inspections from one device in one push (``FieldWork.start`` pushes one at a time)."""
    ops: list[Any] = []
    for site, hour, submit in made:
        inspection_id, millis = uuid7(), int((at + timedelta(hours=hour)).timestamp() * 1000)
        ops.append(work.op(Create, inspection_id, millis, checklist_id="sync_probe", version=1, site_id=sites[site]))
        ops.append(work.op(SetAnswers, inspection_id, millis, answers={"licence": "pass", "frozen_temp": -20}))
        if submit:
            ops.append(work.op(Transition, inspection_id, millis, to="submitted"))
    results = work.push(ops, int((at + timedelta(hours=48)).timestamp() * 1000))
    assert all(r.outcome == "applied" for r in results), results


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(push_step, min_size=1, max_size=10))
def test_flags_kept_push_by_push_equal_the_flags_counted_from_scratch(pushes: list[Any]) -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        devices = [FieldWork(store, CATALOG, office) for _ in range(3)]
        flagged = "SELECT inspection_id FROM inspection_fact WHERE duplicate = 1 ORDER BY inspection_id"
        for device, step in pushes:
            if device == "delete":
                drafts = sorted(r[0] for r in store.db.execute("SELECT id FROM inspection WHERE status = 'draft'"))
                if drafts:
                    devices[0].delete(drafts[step % len(drafts)], MORNING + timedelta(days=3))
            else:
                push_new(devices[device], office.sites, step, MORNING)
            kept = [r[0] for r in store.db.execute(flagged)]
            with store.transaction() as conn:
                conn.execute("UPDATE inspection_fact SET duplicate = 0")
                conn.execute("DELETE FROM server_meta WHERE key = ?", [duplicate_flags.FLAGGED_KEY])
            assert duplicate_flags.backfill(store)
            assert [r[0] for r in store.db.execute(flagged)] == kept
    finally:
        store.close()
