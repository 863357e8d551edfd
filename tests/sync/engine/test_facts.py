"""Stored facts: computed in the push that changes an inspection, kept current through review, backfilled at start."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from schemas.catalog import Catalog
from server.settings import Settings
from server.startup import open_runtime
from sync.db.named import named_row, named_rows
from sync.db.store import Store, open_store
from sync.engine import facts
from sync.engine.checklists import publish_version
from sync.engine.facts import BACKFILLED_KEY, backfill, period_keys, store_facts
from sync.engine.rows import load_row
from sync.pull import purge_tombstones
from tests.sync.office import Office, new_office
from tests.sync.review.field_work import FieldWork, probe_catalog
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
