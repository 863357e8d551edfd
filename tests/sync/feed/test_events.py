"""The event feed without HTTP: overdue and closure events of corrective actions, and who may read them."""

from __future__ import annotations

from datetime import date

import pytest

from sync.errors import Forbidden
from sync.feed.events import list_events, overdue_checked, record_overdue
from sync.review.actions import (
    ActionRules,
    Assignment,
    Closure,
    Reopening,
    Verification,
    assign_action,
    close_action,
    reopen_action,
    verify_action,
)
from tests.sync.office import H1, Office, tracing

MONDAY = date(2026, 3, 2)


def feed(office: Office, role: str = "admin", after: int = 0) -> list[tuple[str, str | None]]:
    page = list_events(office.store, office.users[role], after=after)
    return [(e.kind, e.finding_id) for e in page.events]


def test_an_overdue_action_is_announced_once_per_deadline_and_a_closure_once(office: Office) -> None:
    rules = ActionRules(5)
    north = office.inspect("n1", {"licence": "fail"})
    south = office.inspect("s1", {"licence": "fail"})
    licence, far = office.one(north, "/licence"), office.one(south, "/licence")
    supervisor, admin = office.users["supervisor"], office.users["admin"]
    assign_action(office.store, supervisor, licence.id, Assignment("摊主", due_date=MONDAY), rules, today=MONDAY)
    assign_action(office.store, admin, far.id, Assignment("南区", due_date=date(2026, 3, 3)), rules, today=MONDAY)

    assert record_overdue(office.store, MONDAY) == 0
    assert record_overdue(office.store, date(2026, 3, 3)) == 1
    assert record_overdue(office.store, date(2026, 3, 3)) == 0  # idempotent
    assert record_overdue(office.store, date(2026, 3, 9)) == 1  # the other one's turn
    assert record_overdue(office.store, date(2026, 3, 10)) == 0
    assert feed(office) == [("action.overdue", licence.id), ("action.overdue", far.id)]
    assert feed(office, "supervisor") == [("action.overdue", licence.id)]  # north only
    overdue = list_events(office.store, admin).events[0]
    assert overdue.payload["deadline"] == MONDAY.isoformat()
    assert (overdue.site_id, overdue.inspection_id) == (office.sites["n1"], north.id)
    with pytest.raises(Forbidden):
        list_events(office.store, office.users["inspector"])

    # a new deadline may become overdue again; closing is announced in the closure's transaction
    later = date(2026, 3, 20)
    assign_action(office.store, supervisor, licence.id, Assignment("摊主", due_date=later), rules, today=later)
    assert record_overdue(office.store, date(2026, 3, 23)) == 1
    verify_action(office.store, supervisor, licence.id, Verification(note="已整改", photos=[H1]))
    close_action(office.store, supervisor, licence.id, Closure("关闭"))
    assert record_overdue(office.store, date(2026, 3, 30)) == 0  # verified and closed: not overdue
    kinds = feed(office, "supervisor")
    assert kinds == [
        ("action.overdue", licence.id),
        ("action.overdue", licence.id),
        ("action.closed", licence.id),
    ]
    page = list_events(office.store, supervisor, after=list_events(office.store, supervisor).events[1].seq, limit=1)
    assert [e.kind for e in page.events] == ["action.closed"]
    assert page.events[0].payload["note"] == "关闭"
    assert page.has_more is False


def traced(office: Office, look: date) -> tuple[int, list[str]]:
    with tracing(office.store) as statements:
        found = record_overdue(office.store, look)
    return found, statements


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_overdue_looks_read_only_the_deadlines_crossed_since_the_last_look(office: Office) -> None:
    rules, supervisor = ActionRules(5), office.users["supervisor"]
    licence = office.one(office.inspect("n1", {"licence": "fail"}), "/licence")
    assign_action(office.store, supervisor, licence.id, Assignment("摊主", due_date=MONDAY), rules, today=MONDAY)
    assert record_overdue(office.store, MONDAY) == 0
    assert overdue_checked(office.store.db.conn) == MONDAY.isoformat()

    found, statements = traced(office, date(2026, 3, 3))  # the deadline was crossed: found once
    assert found == 1
    announce = next(s for s in statements if s.startswith("INSERT INTO event"))
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + announce)]
    assert any("corrective_action_due (status=? AND deadline>? AND deadline<?)" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan

    found, statements = traced(office, date(2026, 3, 3))  # a day already looked at: one read of the watermark
    assert (found, statements) == (0, ["SELECT value FROM server_meta WHERE key = 'overdue_checked'"])
    assert traced(office, date(2026, 3, 2)) == (0, statements)  # an earlier day too
    assert record_overdue(office.store, date(2026, 3, 4)) == 0  # crossed before the last look: not again
    assert overdue_checked(office.store.db.conn) == "2026-03-04"
    assert [kind for kind, _ in feed(office)] == ["action.overdue"]


def test_an_action_unverified_again_past_its_deadline_is_announced_at_the_next_look(office: Office) -> None:
    rules, supervisor = ActionRules(5), office.users["supervisor"]
    licence = office.one(office.inspect("n1", {"licence": "fail"}), "/licence")
    assign_action(office.store, supervisor, licence.id, Assignment("摊主", due_date=MONDAY), rules, today=MONDAY)
    verify_action(office.store, supervisor, licence.id, Verification(note="已整改", photos=[H1]))
    assert record_overdue(office.store, date(2026, 3, 9)) == 0  # verified when its deadline passed
    reopen_action(office.store, supervisor, licence.id, Reopening("复查不合格"))
    assert overdue_checked(office.store.db.conn) == MONDAY.isoformat()  # the watermark moved back
    assert record_overdue(office.store, date(2026, 3, 9)) == 1
    assert record_overdue(office.store, date(2026, 3, 9)) == 0
    assert feed(office) == [("action.overdue", licence.id)]


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_deep_page_of_events_is_an_index_range_like_the_first(office: Office) -> None:
    office.inspect("n1", {"licence": "fail"})
    with tracing(office.store) as statements:
        list_events(office.store, office.users["supervisor"], after=12345, limit=10)
    reading = next(s for s in statements if "FROM event" in s)
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + reading)]
    assert plan == ["SEARCH event USING INDEX event_org_seq (org_id=? AND seq>?)"], plan
