"""m001–m006: accounts and sites, sync, evidence, findings, schedules, events (the first wave's schema)."""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m001_accounts_and_sites(db: sqlite_utils.Database) -> None:
    """Organisations, districts, sites, users and their assignments, devices, login failures, checklist versions."""
    run_script(
        db,
        """
        CREATE TABLE organisation (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        );
        CREATE TABLE district (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            name TEXT NOT NULL,
            UNIQUE (org_id, name)
        );
        CREATE TABLE site (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            district_id TEXT NOT NULL REFERENCES district(id),
            name TEXT NOT NULL,
            site_type TEXT NOT NULL,
            address TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX site_district ON site(district_id);
        CREATE TABLE user (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'inspector')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE supervisor_district (
            user_id TEXT NOT NULL REFERENCES user(id),
            district_id TEXT NOT NULL REFERENCES district(id),
            PRIMARY KEY (user_id, district_id)
        );
        CREATE TABLE inspector_site (
            user_id TEXT NOT NULL REFERENCES user(id),
            site_id TEXT NOT NULL REFERENCES site(id),
            PRIMARY KEY (user_id, site_id)
        );
        CREATE INDEX inspector_site_site ON inspector_site(site_id);
        CREATE TABLE device (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES user(id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX device_user ON device(user_id);
        CREATE TABLE login_failure (
            username TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX login_failure_username ON login_failure(username, at);
        CREATE TABLE checklist_version (
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            template_json TEXT NOT NULL,
            published_by TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (checklist_id, version)
        );
        """,
    )


@migrations()
def m002_sync(db: sqlite_utils.Database) -> None:
    """Clients, the op log, inspections, conflicts, evidence references and server settings."""
    run_script(
        db,
        """
        CREATE TABLE client (
            client_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES user(id),
            device_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE op_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            op_id TEXT NOT NULL UNIQUE,
            client_id TEXT,
            client_seq INTEGER,
            inspection_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            op_json TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            received_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            result_json TEXT NOT NULL,
            UNIQUE (client_id, client_seq)
        );
        CREATE INDEX op_log_inspection ON op_log(inspection_id, seq);
        CREATE TABLE inspection (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            site_id TEXT NOT NULL REFERENCES site(id),
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            inspector_id TEXT NOT NULL REFERENCES user(id),
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            created_seq INTEGER NOT NULL,
            updated_seq INTEGER NOT NULL,
            open_conflicts INTEGER NOT NULL DEFAULT 0,
            state_json TEXT NOT NULL
        );
        CREATE INDEX inspection_site_seq ON inspection(site_id, updated_seq);
        CREATE INDEX inspection_seq ON inspection(updated_seq);
        CREATE TABLE conflict (
            id TEXT PRIMARY KEY,
            inspection_id TEXT NOT NULL REFERENCES inspection(id),
            org_id TEXT NOT NULL,
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            opened_seq INTEGER NOT NULL,
            opened_at TEXT NOT NULL,
            candidates_json TEXT NOT NULL,
            resolved_seq INTEGER,
            resolved_at TEXT,
            resolved_by TEXT,
            resolution_json TEXT
        );
        CREATE INDEX conflict_inspection ON conflict(inspection_id, status);
        CREATE INDEX conflict_queue ON conflict(org_id, status, site_id);
        CREATE TABLE evidence_ref (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            inspection_id TEXT NOT NULL REFERENCES inspection(id),
            site_id TEXT NOT NULL,
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256, inspection_id, path)
        );
        CREATE INDEX evidence_ref_inspection ON evidence_ref(inspection_id);
        CREATE TABLE server_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    )


@migrations()
def m003_evidence(db: sqlite_utils.Database) -> None:
    """Stored blobs and uploads in progress."""
    run_script(
        db,
        """
        CREATE TABLE blob (
            org_id TEXT NOT NULL REFERENCES organisation(id),
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('photo', 'signature')),
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
            uploaded_by TEXT NOT NULL REFERENCES user(id),
            created_at TEXT NOT NULL,
            metadata_json TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256)
        );
        CREATE INDEX blob_created ON blob(created_at);
        CREATE TABLE upload (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            user_id TEXT NOT NULL REFERENCES user(id),
            sha256 TEXT NOT NULL,
            length INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            kind TEXT NOT NULL,
            filename TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at REAL NOT NULL,
            completed_at TEXT
        );
        CREATE INDEX upload_user_sha256 ON upload(user_id, sha256);
        CREATE INDEX upload_expires ON upload(expires_at)
        """,
    )


@migrations()
def m004_findings(db: sqlite_utils.Database) -> None:
    """Findings, their corrective actions, histories and fix or verification photos."""
    run_script(
        db,
        """
        CREATE TABLE finding (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL,
            site_id TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            inspection_seq INTEGER NOT NULL,
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            pointer TEXT NOT NULL,
            item_path TEXT NOT NULL,
            clause TEXT NOT NULL,
            severity TEXT NOT NULL,
            label_json TEXT NOT NULL,
            value_json TEXT NOT NULL,
            evidence_json TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
            repeat_of TEXT REFERENCES finding(id),
            created_seq INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_seq INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (inspection_id, pointer)
        );
        CREATE INDEX finding_site_item ON finding(site_id, item_path, created_seq);
        CREATE INDEX finding_org_site ON finding(org_id, site_id, created_seq);
        CREATE TABLE corrective_action (
            finding_id TEXT PRIMARY KEY REFERENCES finding(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'fixed_reported', 'verified', 'closed')),
            responsible TEXT,
            deadline TEXT,
            working_days INTEGER,
            assigned_by TEXT,
            assigned_at TEXT,
            fix_json TEXT,
            verification_json TEXT,
            closed_by TEXT,
            closed_at TEXT,
            reopen_count INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX corrective_action_due ON corrective_action(status, deadline);
        CREATE TABLE finding_event (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            finding_id TEXT NOT NULL REFERENCES finding(id),
            kind TEXT NOT NULL,
            user_id TEXT,
            seq INTEGER,
            at TEXT NOT NULL,
            detail_json TEXT NOT NULL
        );
        CREATE INDEX finding_event_finding ON finding_event(finding_id, id);
        CREATE TABLE finding_photo (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            finding_id TEXT NOT NULL REFERENCES finding(id),
            site_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('fix', 'verification')),
            PRIMARY KEY (org_id, sha256, finding_id, kind)
        )
        """,
    )


@migrations()
def m005_schedules(db: sqlite_utils.Database) -> None:
    """Inspection plans per site and checklist."""
    run_script(
        db,
        """
        CREATE TABLE plan (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            site_id TEXT NOT NULL REFERENCES site(id),
            checklist_id TEXT NOT NULL,
            cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
            kind TEXT NOT NULL,
            assignee_id TEXT REFERENCES user(id),
            starts_on TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX plan_site ON plan(site_id);
        CREATE INDEX inspection_site_checklist ON inspection(site_id, checklist_id, created_at)
        """,
    )


@migrations()
def m006_events(db: sqlite_utils.Database) -> None:
    """The change feed, webhooks and their delivery log."""
    run_script(
        db,
        """
        CREATE TABLE event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            org_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            inspection_id TEXT,
            finding_id TEXT,
            site_id TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            dedup_key TEXT UNIQUE
        );
        CREATE INDEX event_org_seq ON event(org_id, seq);
        CREATE TABLE webhook (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            url TEXT NOT NULL,
            kinds_json TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL DEFAULT 0
        );
        CREATE TABLE webhook_delivery (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook_id TEXT NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
            event_seq INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
            status_code INTEGER,
            error TEXT,
            at TEXT NOT NULL,
            next_at TEXT
        );
        CREATE INDEX webhook_delivery_webhook ON webhook_delivery(webhook_id, id)
        """,
    )
