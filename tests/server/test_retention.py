"""The audit trail's retention: the app purges rows older than the setting when it starts, and keeps the rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings
from sync.clock import iso
from sync.db.store import Store


def recorded(store: Store, days_ago: int) -> None:
    at = iso(datetime.now(UTC) - timedelta(days=days_ago))
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO audit_event (org_id, at, action, object_type, object_id) VALUES"
            " ('org', ?, 'district.create', 'district', ?)",
            [at, f"{days_ago} days ago"],
        )


def test_start_up_purges_rows_older_than_the_retention_only(settings: Settings) -> None:
    app = create_app(replace(settings, audit_retention_days=365))
    store: Store = app.state.store
    for days_ago in (1000, 366, 364, 200, 0):
        recorded(store, days_ago)
    with TestClient(app):
        kept = [r[0] for r in store.db.execute("SELECT object_id FROM audit_event ORDER BY seq")]
    assert kept == ["364 days ago", "200 days ago", "0 days ago"]
