"""Stored facts: computed in the push that changes an inspection, kept current through review, backfilled at start."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.catalog import Catalog
from schemas.scoring import answer_outcomes, score_outcomes
from server.settings import Settings
from server.startup import open_runtime
from sync.db.named import named_row, named_rows
from sync.db.store import Store, open_store
from sync.engine import facts, rollups
from sync.engine.checklists import publish_version
from sync.engine.document import answers_of
from sync.engine.facts import BACKFILLED_KEY, backfill, period_keys, store_facts
from sync.engine.rows import load_row, rows_where
from sync.pull import purge_tombstones
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import FieldWork, probe_catalog
from tests.sync.review.random_work import make, work_item
from tests.templates import SYNC_TEMPLATE

CATALOG = probe_catalog()
AT = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)


@pytest.fixture
def work(store: Store, office: Office) -> FieldWork:
    return FieldWork(store, CATALOG, office)


def fact(store: Store, inspection_id: str) -> dict[str, Any]:
    row = named_row(store.db.execute("SELECT * FROM inspection_fact WHERE inspection_id = ?", [inspection_id]))
    assert row is not None
    return row


def failures(store: Store, inspection_id: str) -> dict[str, tuple[str, str, int]]:
    rows = named_rows(
        store.db.execute("SELECT * FROM inspection_failure WHERE inspection_id = ? ORDER BY item_path", [inspection_id])
    )
    return {r["item_path"]: (r["clause"], r["severity"], r["count"]) for r in rows}


@pytest.mark.parametrize(
    ("created_at", "keys"),
    [
        ("2026-03-31T15:59:59.999Z", ("2026-03-31", "2026-03", "2026-Q1")),
        ("2026-03-31T16:00:00.000Z", ("2026-04-01", "2026-04", "2026-Q2")),
        ("2026-06-30T16:00:00.000Z", ("2026-07-01", "2026-07", "2026-Q3")),
        ("2026-12-31T16:00:00.000Z", ("2027-01-01", "2027-01", "2027-Q1")),
        ("2026-12-31T15:59:59.999Z", ("2026-12-31", "2026-12", "2026-Q4")),
        ("2026-05-01T00:00:00+08:00", ("2026-05-01", "2026-05", "2026-Q2")),
    ],
)
def test_period_keys_are_the_china_date_of_the_utc_start(created_at: str, keys: tuple[str, str, str]) -> None:
    assert period_keys(created_at) == keys


def test_a_submission_stores_score_verdict_critical_failures_and_each_group_entry(work: FieldWork) -> None:
    stalls = [
        {"stall_no": "A1", "prices": "fail"},
        {"stall_no": "A2", "prices": "fail"},
        {"stall_no": "A3", "prices": "pass"},
    ]
    at = datetime(2026, 3, 31, 15, 59, 59, 999000, tzinfo=UTC)
    inspection_id = work.start(work.office.sites["n1"], {"licence": "fail", "frozen_temp": -10}, at, stalls=stalls)
    stored = fact(work.store, inspection_id)
    # licence (weight 3) and frozen_temp fail, two stalls' prices fail and one passes: 1 of 7 is 14.3
    assert stored["score_tenths"] == 143
    assert (stored["verdict"], stored["failed_critical"], stored["failed_answers"]) == (0, 1, 4)
    assert (stored["status"], stored["china_day"], stored["china_month"], stored["china_quarter"]) == (
        "submitted",
        "2026-03-31",
        "2026-03",
        "2026-Q1",
    )
    assert failures(work.store, inspection_id) == {
        "frozen_temp": ("超市服务管理规范 6.2.1", "minor", 1),
        "licence": ("市场管理办法 第十条", "critical", 1),
        "stalls/prices": ("市场管理办法 第十二条", "minor", 2),
    }
    later = work.start(work.office.sites["n1"], {"licence": "pass", "frozen_temp": -20}, at + timedelta(milliseconds=1))
    assert (fact(work.store, later)["china_day"], fact(work.store, later)["score_tenths"]) == ("2026-04-01", 1000)
    assert (fact(work.store, later)["verdict"], failures(work.store, later)) == (1, {})


def test_nothing_to_weigh_stores_no_score_and_no_verdict(work: FieldWork) -> None:
    inspection_id = work.start(work.office.sites["n1"], {"licence": "na", "frozen_temp": -20}, AT, submit=False)
    work.edit(inspection_id, {"frozen_temp": None}, AT)
    stored = fact(work.store, inspection_id)
    assert (stored["score_tenths"], stored["verdict"], stored["failed_answers"]) == (None, None, 0)


def test_drafts_returns_resubmissions_and_approvals_keep_the_facts_current(work: FieldWork) -> None:
    inspection_id = work.start(work.office.sites["n1"], {"licence": "pass", "frozen_temp": -20}, AT, submit=False)
    assert (fact(work.store, inspection_id)["status"], fact(work.store, inspection_id)["verdict"]) == ("draft", 1)
    work.edit(inspection_id, {"licence": "fail"}, AT, submit=True)
    assert (fact(work.store, inspection_id)["status"], fact(work.store, inspection_id)["verdict"]) == ("submitted", 0)
    assert "licence" in failures(work.store, inspection_id)
    work.review(inspection_id, "returned", AT + timedelta(hours=1))
    assert fact(work.store, inspection_id)["status"] == "returned"
    work.edit(inspection_id, {"licence": "pass"}, AT + timedelta(hours=2), submit=True)
    stored = fact(work.store, inspection_id)
    assert (stored["status"], stored["verdict"], stored["score_tenths"], stored["failed_critical"]) == (
        "submitted",
        1,
        1000,
        0,
    )
    assert failures(work.store, inspection_id) == {}
    work.review(inspection_id, "approved", AT + timedelta(hours=3))
    assert fact(work.store, inspection_id)["status"] == "approved"
    assert fact(work.store, inspection_id)["china_day"] == "2026-03-31"  # the start's day, whatever came later


def test_a_version_the_catalog_lacks_stores_facts_without_a_score(store: Store, office: Office) -> None:
    partial = probe_catalog()
    del partial.templates[("sync_probe", 2)]
    work = FieldWork(store, CATALOG, office)
    inspection_id = work.start(office.sites["n1"], {"licence": "fail", "frozen_temp": -10}, AT, version=2)
    with store.transaction() as conn:
        row = load_row(conn, inspection_id)
        assert row is not None
        store_facts(conn, partial, [row])
    stored = fact(store, inspection_id)
    assert (stored["score_tenths"], stored["verdict"], stored["failed_answers"], stored["status"]) == (
        None,
        None,
        0,
        "submitted",
    )
    assert failures(store, inspection_id) == {}


def drop_facts(store: Store) -> None:
    """Make the store look as one migrated from before the facts: no facts, no backfill marker."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM inspection_failure")
        conn.execute("DELETE FROM inspection_fact")
        conn.execute("DELETE FROM server_meta WHERE key = ?", [BACKFILLED_KEY])


def snapshot(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    facts = store.db.execute("SELECT * FROM inspection_fact ORDER BY inspection_id").fetchall()
    failed = store.db.execute("SELECT * FROM inspection_failure ORDER BY inspection_id, item_path").fetchall()
    return facts, failed


def test_the_backfill_restores_dropped_facts_once(work: FieldWork, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "_BACKFILL_CHUNK", 2)  # two full chunks and an empty one
    for day in range(3):
        at = AT + timedelta(days=day, hours=14)
        work.start(
            work.office.sites["n2"],
            {"licence": "fail", "frozen_temp": -5},
            at,
            stalls=[{"stall_no": "B", "prices": "fail"}],
        )
    work.start(work.office.sites["s1"], {"licence": "pass", "frozen_temp": -30}, AT, submit=False)
    before = snapshot(work.store)
    assert len(before[0]) == 4
    drop_facts(work.store)
    assert backfill(work.store, CATALOG) == 4
    assert snapshot(work.store) == before
    assert backfill(work.store, CATALOG) == 0  # the marker: nothing read again


def test_the_server_start_backfills_a_store_without_facts(tmp_path: Path, hasher: PasswordHasher) -> None:
    settings = Settings(data_dir=tmp_path / "data", argon2_time_cost=1, argon2_memory_kib=1024)
    store = open_store(settings.data_dir)
    office = new_office(store, hasher)
    publish_version(store, Catalog(), json.dumps(SYNC_TEMPLATE).encode(), office.users["admin"])
    work = FieldWork(store, CATALOG, office)
    ids = [work.start(office.sites["n1"], {"licence": "fail", "frozen_temp": t}, AT) for t in (-5, -25)]
    before = snapshot(store)
    drop_facts(store)
    store.close()
    runtime = open_runtime(replace(settings, demo=False))
    try:
        assert snapshot(runtime.store) == before
        assert sorted(fact(runtime.store, i)["inspection_id"] for i in ids) == sorted(ids)
    finally:
        runtime.close()


def test_a_purged_tombstone_takes_its_facts_with_it(work: FieldWork) -> None:
    gone = work.start(work.office.sites["n1"], {"licence": "fail", "frozen_temp": -5}, AT, submit=False)
    kept = work.start(work.office.sites["n1"], {"licence": "fail", "frozen_temp": -5}, AT)
    work.delete(gone, AT)
    assert fact(work.store, gone)["status"] == "deleted"
    assert purge_tombstones(work.store, "2999-01-01T00:00:00.000Z") == 1
    ids = [r[0] for r in work.store.db.execute("SELECT inspection_id FROM inspection_fact")]
    failed = {r[0] for r in work.store.db.execute("SELECT inspection_id FROM inspection_failure")}
    assert (ids, failed) == ([kept], {kept})


# Facts written by difference (answers scored only when they change; a move writes the status alone) equal the
# facts computed from scratch from every document, after random field work, edits, moves and deletions.

answer = st.sampled_from(["pass", "fail", "na"])
edit_step = st.tuples(
    st.just("edit"), st.integers(0, 40), answer, st.integers(-40, 5), st.sampled_from(["", "备注", "备注二"])
)
move_step = st.tuples(st.just("move"), st.integers(0, 40), st.sampled_from(["returned", "approved", "rejected"]))
delete_step = st.tuples(st.just("delete"), st.integers(0, 40))
work_step = st.tuples(st.just("work"), work_item)
delta_steps = st.lists(st.one_of(work_step, work_step, edit_step, edit_step, move_step, delete_step), max_size=14)


@dataclass
class Desk:
    """The clock of edits and reviews after the field work, a step later each time."""

    at: datetime = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)

    def after(self, hours: int) -> datetime:
        self.at += timedelta(hours=hours)
        return self.at


def oracle(store: Store) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    """Every inspection's facts and failed items from its document, by ``schemas.scoring``'s own definition."""
    facts, failures = {}, {}
    for row in rows_where(store.db, "1 = 1", []):
        template = CATALOG.get(row.checklist_id, row.version)
        assert template is not None
        outcomes = list(answer_outcomes(template, answers_of(row.doc)))
        score = score_outcomes(template, outcomes)
        failed = [a for a in outcomes if a.outcome == "fail"]
        facts[row.id] = (
            row.site_id,
            row.status,
            *period_keys(row.created_at),
            None if score.score is None else round(score.score * 10),
            None if score.passed is None else int(score.passed),
            len(score.failed_critical),
            len(failed),
        )
        for path, count in Counter(a.item_path for a in failed).items():
            item = next(a.item for a in failed if a.item_path == path)
            failures[(row.id, path)] = (item.clause, item.severity, count)
    return facts, failures


def stored(store: Store) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    facts = {
        r[0]: tuple(r[1:])
        for r in store.db.execute(
            "SELECT inspection_id, site_id, status, china_day, china_month, china_quarter, score_tenths, verdict,"
            " failed_critical, failed_answers FROM inspection_fact"
        )
    }
    failures = {
        (r[0], r[1]): tuple(r[2:])
        for r in store.db.execute("SELECT inspection_id, item_path, clause, severity, count FROM inspection_failure")
    }
    return facts, failures


def nth(store: Store, k: int, statuses: tuple[str, ...]) -> str | None:
    marks = ",".join("?" * len(statuses))
    found = [
        r[0]
        for r in store.db.execute(f"SELECT id FROM inspection WHERE status IN ({marks}) ORDER BY created_seq", statuses)
    ]
    return found[k % len(found)] if found else None


def step_on(work: FieldWork, desk: Desk, step: tuple[Any, ...]) -> None:
    """Field work to a random fate; or edit a draft's or returned one's answers, move a submitted one, delete one."""
    if step[0] == "edit":
        _, k, licence, temp, note = step
        target = nth(work.store, k, ("draft", "returned"))
        if target is not None:
            work.edit(target, {"licence": licence, "frozen_temp": temp, "notes": note or None}, desk.after(1))
    elif step[0] == "move":
        target = nth(work.store, step[1], ("submitted",))
        if target is not None:
            work.review(target, step[2], desk.after(1))
    elif step[0] == "delete":
        target = nth(work.store, step[1], ("draft",))
        if target is not None:
            work.delete(target, desk.after(1))
    else:
        make(work, step[1])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(delta_steps)
def test_facts_kept_by_difference_equal_facts_computed_from_every_document(step_list: list[Any]) -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work, desk = FieldWork(store, CATALOG, office), Desk()
        for step in step_list:
            step_on(work, desk, step)
            assert stored(store) == oracle(store)
            assert rollups.stored(store.db) == rollups.computed(store.db)
    finally:
        store.close()
