"""m017: the audit trail of administration (issue 14): ``audit_event``, append-only.

Every login, token revocation and change an administrator (or a supervisor planning
inspections) makes is one row, written in the transaction of the change it records (see
:mod:`sync.org.audit`). Triggers refuse every UPDATE, and every DELETE of a row younger
than :data:`MIN_RETENTION_DAYS` (等保 2.0 asks six months at least), so the only delete
path is the retention purge of old rows. On PostgreSQL (issue 16) the same belt is a rule
``ON UPDATE TO audit_event DO INSTEAD NOTHING`` or, better, the app's role granted only
INSERT, SELECT and the purge's DELETE on the table.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.dialect import POSTGRESQL, dialect_of
from sync.db.migrations.registry import migrations, run_script

MIN_RETENTION_DAYS = 180

AUDIT_EVENT = """
CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT,
    at TEXT NOT NULL,
    actor_id TEXT,
    device_id TEXT,
    address TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_event_org ON audit_event(org_id, seq);
CREATE INDEX audit_event_actor ON audit_event(org_id, actor_id, seq);
CREATE INDEX audit_event_action ON audit_event(org_id, action, seq);
CREATE INDEX audit_event_object ON audit_event(org_id, object_type, object_id, seq);
CREATE INDEX audit_event_at ON audit_event(at);
"""

# a trigger's body holds ``;``, so each runs whole (``run_script`` splits on ``;``)
NO_UPDATE = """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END
"""
NO_EARLY_DELETE = f"""
CREATE TRIGGER audit_event_no_early_delete BEFORE DELETE ON audit_event
WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{MIN_RETENTION_DAYS} days')
BEGIN
    SELECT RAISE(ABORT, 'audit_event rows are kept {MIN_RETENTION_DAYS} days at least');
END
"""


# PostgreSQL: one trigger function for both (the times are ISO text in UTC, as on SQLite)
GUARD_POSTGRESQL = f"""
CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $guard$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit_event is append-only';
    END IF;
    IF OLD.at > to_char(now() AT TIME ZONE 'UTC' - interval '{MIN_RETENTION_DAYS} days',
                        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
        RAISE EXCEPTION 'audit_event rows are kept {MIN_RETENTION_DAYS} days at least';
    END IF;
    RETURN OLD;
END
$guard$
"""
TRIGGERS_POSTGRESQL = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW"
    " EXECUTE FUNCTION audit_event_guard()",
    "CREATE TRIGGER audit_event_no_early_delete BEFORE DELETE ON audit_event FOR EACH ROW"
    " EXECUTE FUNCTION audit_event_guard()",
)


@migrations()
def m017_audit_event(db: sqlite_utils.Database) -> None:
    """The audit trail of administration: one append-only row per admin action or login (see the module)."""
    run_script(db, AUDIT_EVENT)
    if dialect_of(db) == POSTGRESQL:
        for statement in (GUARD_POSTGRESQL, *TRIGGERS_POSTGRESQL):
            db.execute(statement)
        return
    db.execute(NO_UPDATE)
    db.execute(NO_EARLY_DELETE)
