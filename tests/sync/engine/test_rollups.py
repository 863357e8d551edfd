"""The report rollups kept by deltas equal the rollups computed from scratch, and the reports read through them
equal the oracle, while inspections are returned and resubmitted and actions move between reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sync.clock import iso
from sync.db.store import Store, open_store
from sync.engine import rollups
from sync.errors import DeadlineInPast, InvalidActionTransition
from sync.review.actions import (
    ActionRules,
    Assignment,
    Closure,
    FixReport,
    Reopening,
    Verification,
    assign_action,
    close_action,
    reopen_action,
    report_fix,
    verify_action,
)
from sync.review.period_facts import whole_districts
from sync.review.reports import figures
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, PERIODS, TODAY, make, work_item
from tests.sync.review.report_oracle import oracle_figures

PHOTO = "a" * 64
VERBS = ["assign_overdue", "assign_later", "report_fix", "verify", "close", "reopen"]
LATER = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)  # reviews and action changes happen after the work

action_step = st.tuples(st.just("act"), st.integers(0, 40), st.sampled_from(VERBS), st.integers(0, 30))
rework_step = st.tuples(st.just("rework"), st.integers(0, 40), st.sampled_from(["pass", "fail"]), st.integers(0, 30))
work_step = st.tuples(st.just("work"), work_item)
steps = st.lists(st.one_of(work_step, work_step, action_step, rework_step), min_size=1, max_size=16)


@dataclass
class Desk:
    """The office's clock after the field work: each return, resubmission or action change comes ``hours`` after
    the one before, never earlier (an action is not closed before its finding was recorded)."""

    at: datetime = LATER

    def after(self, hours: int) -> datetime:
        self.at += timedelta(hours=hours)
        return self.at


def act(store: Store, office: Office, desk: Desk, k: int, verb: str, hours: int) -> None:
    """One action change on the ``k``-th active finding (in the order recorded), if its state allows it."""
    query = "SELECT id FROM finding WHERE status = 'active' ORDER BY rowid"  # as recorded, not by random id
    found = [r[0] for r in store.db.execute(query)]
    if not found:
        return
    finding_id, admin = found[k % len(found)], office.users["admin"]
    now = iso(desk.after(hours))
    try:
        if verb.startswith("assign"):
            due = TODAY - timedelta(days=3) if verb == "assign_overdue" else TODAY + timedelta(days=3)
            assign_action(store, admin, finding_id, Assignment("张三", due_date=due), ActionRules(), today=due, now=now)
        elif verb == "report_fix":
            report_fix(store, office.users["inspector"], finding_id, FixReport("已整改"), today=TODAY, now=now)
        elif verb == "verify":
            verify_action(store, admin, finding_id, Verification(photos=[PHOTO]), today=TODAY, now=now)
        elif verb == "close":
            close_action(store, admin, finding_id, Closure(), today=TODAY, now=now)
        else:
            reopen_action(store, admin, finding_id, Reopening("未整改到位"), today=TODAY, now=now)
    except (InvalidActionTransition, DeadlineInPast):
        pass  # not allowed in its state: nothing changes


def rework(work: FieldWork, desk: Desk, k: int, licence: str, hours: int) -> None:
    """Return the ``k``-th submitted inspection and resubmit it with another licence answer (findings follow)."""
    query = "SELECT id FROM inspection WHERE status = 'submitted' ORDER BY created_seq"  # as made, whatever the ids
    found = [r[0] for r in work.store.db.execute(query)]
    if not found:
        return
    inspection_id, at = found[k % len(found)], desk.after(hours)
    work.review(inspection_id, "returned", at)
    work.edit(inspection_id, {"licence": licence}, at + timedelta(minutes=5), submit=True)
    desk.at = at + timedelta(minutes=5, seconds=1)  # the resubmission's receive time (FieldWork pushes 1 s later)


def run(work: FieldWork, store: Store, office: Office, desk: Desk, step: tuple[Any, ...]) -> None:
    if step[0] == "work":
        make(work, step[1])  # field work: before LATER
    elif step[0] == "act":
        act(store, office, desk, *step[1:])
    else:
        rework(work, desk, *step[1:])


FIELD = {"site": "n1", "version": 1, "day": date(2026, 4, 1), "time": (2, 0, 0, 0), "stalls": [], "fate": "submitted"}
CLOSED = [("act", 0, "verify", 0), ("act", 0, "close", 0)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
# always tried: an action closed months after its finding, and one closed right after a rework recorded its finding
@example([("work", {**FIELD, "licence": "fail", "frozen_temp": -20, "rework": "pass"}), *CLOSED])
@example(
    [("work", {**FIELD, "licence": "pass", "frozen_temp": -20, "rework": "pass"}), ("rework", 0, "fail", 30), *CLOSED]
)
def test_rollups_kept_by_deltas_equal_rollups_rebuilt_and_reports_equal_the_oracle(step_list: list[Any]) -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        admin = office.users["admin"]
        everywhere, desk = sorted(office.sites.values()), Desk()
        for n, step in enumerate(step_list):
            run(work, store, office, desk, step)
            assert rollups.stored(store.db) == rollups.computed(store.db)
            period = PERIODS[n % len(PERIODS)]
            assert figures(store, CATALOG, admin, everywhere, period, TODAY) == oracle_figures(
                store, CATALOG, admin, everywhere, period, TODAY
            )
        part = sorted(office.sites[name] for name in ("n1", "s1"))  # a district in part: the sites' rollups
        for period in PERIODS:
            assert figures(store, CATALOG, admin, everywhere, period, TODAY) == oracle_figures(
                store, CATALOG, admin, everywhere, period, TODAY
            )
            assert figures(store, CATALOG, admin, part, period, TODAY) == oracle_figures(
                store, CATALOG, admin, part, period, TODAY
            )
    finally:
        store.close()


def test_a_rebuild_from_scratch_gives_the_rows_the_deltas_kept() -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "time": (2, 0, 0, 0), "frozen_temp": -1, "stalls": [], "rework": "pass"}
        fates = (("n1", "fail", "submitted"), ("n1", "fail", "approved"), ("s1", "pass", "returned"))
        for site, licence, fate in fates:
            make(work, {**base, "site": site, "day": date(2026, 4, 1), "licence": licence, "fate": fate})
        held = rollups.stored(store.db)
        assert held["rollup_total"] and held["rollup_failure"] and held["rollup_action"]
        with store.transaction() as conn:
            conn.execute("DELETE FROM rollup_total")
            rollups.rebuild(conn)
        assert rollups.stored(store.db) == held
    finally:
        store.close()


def test_a_report_over_whole_districts_reads_the_districts_rollups_else_the_sites() -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        north, south = office.districts["north"], office.districts["south"]
        n1, n2, s1 = (office.sites[name] for name in ("n1", "n2", "s1"))
        assert whole_districts(store, sorted([n1, n2, s1])) == sorted([north, south])
        assert whole_districts(store, [s1]) == [south]
        assert whole_districts(store, sorted([n1, s1])) is None
        assert whole_districts(store, [n2]) is None
    finally:
        store.close()


def test_the_district_rollups_follow_returns_and_action_changes_on_either_backend(store: Store) -> None:
    """The ``store`` fixture: PostgreSQL under ``XUNJIAN_TEST_BACKEND=postgresql`` (the upserts' plain SQL)."""
    office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
    work = FieldWork(store, CATALOG, office)
    desk, admin = Desk(), office.users["admin"]
    base = {"version": 1, "time": (2, 0, 0, 0), "frozen_temp": -20, "stalls": [], "rework": "pass"}
    for site, day, licence, fate in (
        ("n1", date(2026, 4, 1), "fail", "submitted"),
        ("n2", date(2026, 4, 2), "fail", "submitted"),
        ("n2", date(2026, 4, 30), "fail", "approved"),
        ("s1", date(2026, 6, 30), "fail", "submitted"),
    ):
        make(work, {**base, "site": site, "day": day, "licence": licence, "fate": fate})
    first = "SELECT id FROM finding WHERE status = 'active' ORDER BY created_seq, pointer LIMIT 1"  # no rowid here

    def verify_and_close() -> None:
        finding_id = store.db.execute(first).fetchone()[0]
        verify_action(store, admin, finding_id, Verification(photos=[PHOTO]), today=TODAY, now=iso(desk.after(1)))
        close_action(store, admin, finding_id, Closure(), today=TODAY, now=iso(desk.after(1)))

    steps: list[Callable[[], None]] = [
        lambda: rework(work, desk, 0, "pass", 2),
        verify_and_close,
        lambda: rework(work, desk, 1, "fail", 3),
    ]
    for step in steps:
        step()
        held = rollups.stored(store.db)
        assert held == rollups.computed(store.db)
        assert held["rollup_district_failure"] and held["rollup_district_action"]
    everywhere = sorted(office.sites.values())
    for period in PERIODS:
        assert figures(store, CATALOG, admin, everywhere, period, TODAY) == oracle_figures(
            store, CATALOG, admin, everywhere, period, TODAY
        )
