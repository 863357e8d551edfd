"""The audit trail's writing side: one row in the change's transaction, append-only, never a secret, purged old."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import AlreadyExists, InvalidInput
from sync.org import audit, sites
from sync.org.accounts import create_user
from sync.org.audit import Actor
from tests.pg import REFUSED

ADMIN = Actor("admin-id", "device-id", "203.0.113.7")


def rows(store: Store) -> list[tuple[str, str | None, str | None]]:
    return [tuple(r) for r in store.db.execute("SELECT action, object_id, address FROM audit_event ORDER BY seq")]


def insert(store: Store, at: str, action: str = "district.create") -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO audit_event (org_id, at, action, object_type) VALUES ('org', ?, ?, 'district')", [at, action]
        )


def recorded_then_failed(store: Store, org_id: str) -> None:
    """A change whose audit row is written, then the change fails in the same transaction."""
    with store.transaction() as conn:
        audit.record(conn, ADMIN, "user.create", "user", "u1", org_id=org_id, after={"username": "u1"})
        raise RuntimeError("the change fails after its audit row")


def test_a_change_and_its_audit_row_commit_or_roll_back_together(store: Store, hasher: PasswordHasher) -> None:
    org = sites.create_organisation(store, "所")
    district = sites.create_district(store, org.id, "北区", ADMIN)
    assert rows(store) == [("district.create", district.id, "203.0.113.7")]
    with pytest.raises(AlreadyExists):
        sites.create_district(store, org.id, "北区", ADMIN)
    with pytest.raises(InvalidInput):
        sites.create_site(store, org.id, district_id="nowhere", name="x", site_type="market", address="路", actor=ADMIN)
    with pytest.raises(RuntimeError):
        recorded_then_failed(store, org.id)
    assert rows(store) == [("district.create", district.id, "203.0.113.7")]
    user = create_user(
        store, hasher, org_id=org.id, username="u2", password="Quiet-Kite-88", role="inspector", display_name="u"
    )
    assert rows(store)[-1] == ("user.create", user.id, None)  # the server itself (no actor given)


def test_the_trail_refuses_secrets_and_unknown_actions(store: Store) -> None:
    with store.transaction() as conn:
        for before in ({"password": "x"}, {"user": {"password_hash": "$argon2"}}, {"list": [{"token": "xj_"}]}):
            with pytest.raises(ValueError, match="never holds"):
                audit.record(conn, ADMIN, "user.create", "user", "u", org_id="o", before=before)
        with pytest.raises(ValueError, match="unknown audit action"):
            audit.record(conn, ADMIN, "user.teleport", "user", "u", org_id="o")
    assert rows(store) == []


def test_rows_cannot_be_updated_nor_deleted_while_young(store: Store) -> None:
    with store.transaction() as conn:
        audit.record(conn, ADMIN, "district.create", "district", "d1", org_id="o", after={"name": "北区"})
    for statement in ("UPDATE audit_event SET after_json = '{}'", "DELETE FROM audit_event"):
        with pytest.raises(REFUSED), store.transaction() as conn:
            conn.execute(statement)
    insert(store, "2001-01-01T00:00:00.000Z")
    with pytest.raises(REFUSED, match="append-only"), store.transaction() as conn:
        conn.execute("UPDATE audit_event SET action = 'login.success' WHERE at < '2002'")
    assert len(rows(store)) == 2


def test_purge_removes_only_rows_older_than_the_cutoff(store: Store) -> None:
    insert(store, "2020-01-01T00:00:00.000Z", "site.create")
    insert(store, "2021-06-01T00:00:00.000Z", "webhook.create")
    with store.transaction() as conn:
        audit.record(conn, ADMIN, "district.create", "district", "d1", org_id="o")
    assert audit.purge(store, "2021-01-01T00:00:00.000Z") == 1
    assert [r[0] for r in rows(store)] == ["webhook.create", "district.create"]
    with pytest.raises(REFUSED, match="180 days"):  # a cutoff inside the minimum is refused whole
        audit.purge(store, "2999-01-01T00:00:00.000Z")
    assert [r[0] for r in rows(store)] == ["webhook.create", "district.create"]
