"""m085: ``finding_site_item`` covers the repeat probe; a database made before it keeps its findings and repeats."""

from __future__ import annotations

from typing import Any

import pytest
import sqlite_utils

from sync.db.migrations import migrations
from sync.review.register import FindingFilter, list_findings
from tests.sync.office import Office


def _columns(db: sqlite_utils.Database) -> list[str]:
    return [row[2] for row in db.execute("PRAGMA index_info(finding_site_item)")]


def _inspect(office: Office, days: int) -> None:
    answers: dict[str, Any] = {"licence": "fail", "frozen_temp": -10}
    office.inspect("n1", answers, days=days)


@pytest.mark.sqlite_only(reason="puts the index back as a database made before m085 had it")
def test_a_database_made_before_m085_gets_the_covering_index_and_finds_repeats_as_before(office: Office) -> None:
    _inspect(office, 0)
    _inspect(office, 1)
    with office.store.transaction() as conn:
        conn.execute("DROP INDEX finding_site_item")
        conn.execute("CREATE INDEX finding_site_item ON finding(site_id, item_path, created_seq)")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm085_repeat_probe_cover'")
    db = sqlite_utils.Database(office.store.path)
    assert _columns(db) == ["site_id", "item_path", "created_seq"]
    migrations.apply(db)
    assert _columns(db) == ["site_id", "item_path", "created_seq", "status", "inspection_id", "created_at", "id"]
    db.close()
    _inspect(office, 2)  # the third repeats the second, found through the rebuilt index
    admin = office.users["admin"]
    repeats = {(f.inspection_id, f.item_path) for f in list_findings(office.store, admin, FindingFilter()) if f.repeat}
    inspections = [r[0] for r in office.store.db.execute("SELECT id FROM inspection ORDER BY created_seq")]
    assert repeats == {(inspections[n], item) for n in (1, 2) for item in ("licence", "frozen_temp")}
