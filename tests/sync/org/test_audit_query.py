"""Reading the audit trail: admins of the organisation only, filters, keyset pages, aware times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.db.store import Store
from sync.errors import Forbidden, InvalidFilter, InvalidInput
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor
from sync.org.audit_query import AuditEvent, AuditFilter, iter_audit, list_audit

ADMIN = User("a1", "org1", "admin", "管理员", "admin", True)
OTHER_ADMIN = User("a2", "org2", "admin2", "别人", "admin", True)


@pytest.fixture
def filled(store: Store) -> Store:
    with store.transaction() as conn:
        for n in range(7):
            audit.record(conn, Actor("a1", None, "10.0.0.1"), "district.create", "district", f"d{n}", org_id="org1")
        audit.record(conn, Actor("u9"), "plan.create", "plan", "p1", org_id="org1", after={"kind": "other"})
        audit.record(conn, Actor("a2"), "district.create", "district", "elsewhere", org_id="org2")
        audit.record(conn, Actor(address="10.0.0.2"), "login.failure", "user", None, org_id=None)
    return store


def ids(events: list[AuditEvent]) -> list[str | None]:
    return [e.object_id for e in events]


def test_an_admin_reads_their_organisations_rows_newest_first_a_page_at_a_time(filled: Store) -> None:
    seen: list[AuditEvent] = []
    cursor = None
    while True:
        page = list_audit(filled, ADMIN, AuditFilter(action="district.create", cursor=cursor, limit=3))
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert ids(seen) == [f"d{n}" for n in reversed(range(7))]
    assert ids(list_audit(filled, OTHER_ADMIN, AuditFilter()).items) == ["elsewhere"]
    assert ids(list(iter_audit(filled, ADMIN, AuditFilter(actor_id="u9")))) == ["p1"]
    assert ids(list_audit(filled, ADMIN, AuditFilter(object_type="plan", object_id="p1")).items) == ["p1"]


def test_only_admins_read_and_bad_filters_are_refused_before_any_row(filled: Store) -> None:
    for role in ("supervisor", "inspector"):
        with pytest.raises(Forbidden):
            list_audit(filled, User("s", "org1", "s", "s", role, True), AuditFilter())
        with pytest.raises(Forbidden):
            iter_audit(filled, User("s", "org1", "s", "s", role, True), AuditFilter())
    with pytest.raises(InvalidInput, match="UTC offset"):
        list_audit(filled, ADMIN, AuditFilter(since=datetime(2026, 1, 1)))
    with pytest.raises(InvalidFilter):
        list_audit(
            filled, ADMIN, AuditFilter(since=datetime(2026, 2, 1, tzinfo=UTC), until=datetime(2026, 1, 1, tzinfo=UTC))
        )
    with pytest.raises(InvalidInput):
        list_audit(filled, ADMIN, AuditFilter(cursor="WyJ4Il0"))  # ["x"]: not this listing's cursor
