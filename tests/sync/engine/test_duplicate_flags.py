"""Possible duplicates flagged when pushes write the facts equal those the one-off backfill flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from sync.db.store import open_store
from sync.engine import duplicate_flags
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
