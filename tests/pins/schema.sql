-- index audit_event_action
CREATE INDEX audit_event_action ON audit_event(org_id, action, seq);
-- index audit_event_actor
CREATE INDEX audit_event_actor ON audit_event(org_id, actor_id, seq);
-- index audit_event_at
CREATE INDEX audit_event_at ON audit_event(at);
-- index audit_event_object
CREATE INDEX audit_event_object ON audit_event(org_id, object_type, object_id, seq);
-- index audit_event_org
CREATE INDEX audit_event_org ON audit_event(org_id, seq);
-- index blob_created
CREATE INDEX blob_created ON blob(created_at);
-- index conflict_inspection
CREATE INDEX conflict_inspection ON conflict(inspection_id, status);
-- index conflict_opened
CREATE INDEX conflict_opened ON conflict(org_id, status, opened_seq, id);
-- index conflict_org_opened
CREATE INDEX conflict_org_opened ON conflict(org_id, opened_seq, id)
        ;
-- index corrective_action_due
CREATE INDEX corrective_action_due ON corrective_action(status, deadline);
-- index corrective_action_open_cover
CREATE INDEX corrective_action_open_cover
            ON corrective_action(status, site_id, deadline, finding_id, inspection_id)
            WHERE status IN ('open', 'fixed_reported');
-- index device_live
CREATE INDEX device_live ON device(user_id, created_at) WHERE revoked_at IS NULL;
-- index device_user
CREATE INDEX device_user ON device(user_id);
-- index done_day_first
CREATE INDEX done_day_first ON done_day(site_id, checklist_id, china_day, inspection_id);
-- index done_month_first
CREATE INDEX done_month_first ON done_month(site_id, checklist_id, china_month, inspection_id);
-- index done_week_first
CREATE INDEX done_week_first ON done_week(site_id, checklist_id, china_week, inspection_id);
-- index event_org_seq
CREATE INDEX event_org_seq ON event(org_id, seq);
-- index evidence_ref_inspection
CREATE INDEX evidence_ref_inspection ON evidence_ref(inspection_id);
-- index finding_event_finding
CREATE INDEX finding_event_finding ON finding_event(finding_id, id);
-- index finding_id_status
CREATE INDEX finding_id_status ON finding(id, status);
-- index finding_org_newest
CREATE INDEX finding_org_newest ON finding(org_id, created_seq DESC, pointer, id);
-- index finding_site_item
CREATE INDEX finding_site_item
            ON finding(site_id, item_path, created_seq, status, inspection_id, created_at, id)
        ;
-- index finding_site_newest
CREATE INDEX finding_site_newest ON finding(site_id, created_seq DESC, pointer, id)
        ;
-- index idx__sqlite_migrations_migration_set_name
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
-- index inspection_created
CREATE INDEX inspection_created ON inspection(created_at, id, site_id, status);
-- index inspection_fact_duplicate
CREATE INDEX inspection_fact_duplicate ON inspection_fact(site_id, china_day, checklist_id, inspection_id) WHERE duplicate = 1;
-- index inspection_fact_first
CREATE INDEX inspection_fact_first
            ON inspection_fact(site_id, checklist_id, china_day, created_at, inspection_id, status);
-- index inspection_fact_period
CREATE INDEX inspection_fact_period
    ON inspection_fact(site_id, china_day, status, score_tenths, verdict, failed_answers);
-- index inspection_id_status
CREATE INDEX inspection_id_status ON inspection(id, status)
        ;
-- index inspection_own
CREATE INDEX inspection_own ON inspection(inspector_id, status) WHERE status IN ('draft', 'returned');
-- index inspection_seq_site
CREATE INDEX inspection_seq_site ON inspection(updated_seq, site_id, status);
-- index inspection_site_checklist
CREATE INDEX inspection_site_checklist ON inspection(site_id, checklist_id, created_at)
        ;
-- index inspection_site_created
CREATE INDEX inspection_site_created ON inspection(site_id, created_at);
-- index inspection_site_seq
CREATE INDEX inspection_site_seq ON inspection(site_id, updated_seq);
-- index inspector_site_site
CREATE INDEX inspector_site_site ON inspector_site(site_id);
-- index login_failure_account
CREATE INDEX login_failure_account ON login_failure(username, client, at);
-- index login_failure_client
CREATE INDEX login_failure_client ON login_failure(client, at)
        ;
-- index op_log_inspection
CREATE INDEX op_log_inspection ON op_log(inspection_id, seq);
-- index photo_custody_capture
CREATE INDEX photo_custody_capture ON photo_custody (org_id, capture_sha256);
-- index plan_site
CREATE INDEX plan_site ON plan(site_id);
-- index recovered_op_epoch
CREATE INDEX recovered_op_epoch ON recovered_op(epoch, inspection_id)
        ;
-- index site_district
CREATE INDEX site_district ON site(district_id);
-- index upload_expires
CREATE INDEX upload_expires ON upload(expires_at)
        ;
-- index upload_user_sha256
CREATE INDEX upload_user_sha256 ON upload(user_id, sha256);
-- index webhook_delivery_webhook
CREATE INDEX webhook_delivery_webhook ON webhook_delivery(webhook_id, id)
        ;
-- table _sqlite_migrations
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
-- table audit_event
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
-- table blob
CREATE TABLE "blob" (
            org_id TEXT NOT NULL REFERENCES organisation(id),
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('photo', 'signature', 'audio')),
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
            uploaded_by TEXT NOT NULL REFERENCES user(id),
            created_at TEXT NOT NULL,
            metadata_json TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256)
        );
-- table blob_holder
CREATE TABLE blob_holder (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES user(id),
            PRIMARY KEY (org_id, sha256, user_id)
        );
-- table checklist_version
CREATE TABLE checklist_version (
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            template_json TEXT NOT NULL,
            published_by TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (checklist_id, version)
        );
-- table client
CREATE TABLE client (
            client_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES user(id),
            device_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
-- table client_epoch
CREATE TABLE client_epoch (
            client_id TEXT NOT NULL,
            epoch TEXT NOT NULL,
            back_at TEXT NOT NULL,
            PRIMARY KEY (client_id, epoch)
        );
-- table conflict
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
-- table corrective_action
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
        , site_id TEXT, item_path TEXT, inspection_id TEXT, inspection_seq INTEGER);
-- table device
CREATE TABLE device (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES user(id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            revoked_at TEXT
        );
-- table district
CREATE TABLE district (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            name TEXT NOT NULL,
            UNIQUE (org_id, name)
        );
-- table done_day
CREATE TABLE done_day (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_day)
        );
-- table done_month
CREATE TABLE done_month (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_month TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_month)
        );
-- table done_week
CREATE TABLE done_week (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_week TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_week)
        );
-- table event
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
-- table evidence_ref
CREATE TABLE evidence_ref (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            inspection_id TEXT NOT NULL REFERENCES inspection(id),
            site_id TEXT NOT NULL,
            path TEXT NOT NULL,
            kind TEXT NOT NULL, added_by TEXT,
            PRIMARY KEY (org_id, sha256, inspection_id, path)
        );
-- table finding
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
-- table finding_event
CREATE TABLE finding_event (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            finding_id TEXT NOT NULL REFERENCES finding(id),
            kind TEXT NOT NULL,
            user_id TEXT,
            seq INTEGER,
            at TEXT NOT NULL,
            detail_json TEXT NOT NULL
        );
-- table finding_photo
CREATE TABLE finding_photo (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            finding_id TEXT NOT NULL REFERENCES finding(id),
            site_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('fix', 'verification')), added_by TEXT,
            PRIMARY KEY (org_id, sha256, finding_id, kind)
        );
-- table inspection
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
-- table inspection_fact
CREATE TABLE inspection_fact (
    inspection_id TEXT PRIMARY KEY REFERENCES inspection(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    checklist_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    inspector_id TEXT NOT NULL,
    status TEXT NOT NULL,
    china_day TEXT NOT NULL,
    china_month TEXT NOT NULL,
    china_quarter TEXT NOT NULL,
    score_tenths INTEGER,
    verdict INTEGER CHECK (verdict IN (0, 1)),
    failed_critical INTEGER NOT NULL DEFAULT 0,
    failed_answers INTEGER NOT NULL DEFAULT 0
, created_at TEXT NOT NULL DEFAULT '', duplicate INTEGER NOT NULL DEFAULT 0);
-- table inspection_failure
CREATE TABLE inspection_failure (
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    severity TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, item_path)
);
-- table inspector_site
CREATE TABLE inspector_site (
            user_id TEXT NOT NULL REFERENCES user(id),
            site_id TEXT NOT NULL REFERENCES site(id),
            PRIMARY KEY (user_id, site_id)
        );
-- table job_lease
CREATE TABLE job_lease (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
-- table login_failure
CREATE TABLE login_failure (
            username TEXT NOT NULL,
            at REAL NOT NULL
        , client TEXT NOT NULL DEFAULT '');
-- table op_log
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
-- table organisation
CREATE TABLE organisation (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        );
-- table photo_custody
CREATE TABLE photo_custody (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            capture_sha256 TEXT NOT NULL,
            captured_at TEXT,
            device TEXT,
            lat REAL,
            lon REAL,
            accuracy_m REAL,
            declared_by TEXT NOT NULL REFERENCES user(id),
            declared_at TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256)
        );
-- table plan
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
-- table recovered_op
CREATE TABLE recovered_op (
            op_id TEXT PRIMARY KEY,
            epoch TEXT NOT NULL,
            client_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            outcome TEXT NOT NULL,
            seq INTEGER,
            at TEXT NOT NULL
        );
-- table restore_log
CREATE TABLE restore_log (
            epoch TEXT PRIMARY KEY,
            previous_epoch TEXT NOT NULL,
            backup_at TEXT NOT NULL,
            restored_seq INTEGER NOT NULL,
            restored_at TEXT NOT NULL
        );
-- table rollup_action
CREATE TABLE rollup_action (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    PRIMARY KEY (site_id, china_month, status, is_repeat, days_to_close)
);
-- table rollup_district_action
CREATE TABLE rollup_district_action (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    PRIMARY KEY (district_id, china_month, status, is_repeat, days_to_close)
);
-- table rollup_district_failure
CREATE TABLE rollup_district_failure (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    count INTEGER NOT NULL,
    latest TEXT NOT NULL,
    PRIMARY KEY (district_id, china_month, checklist_id, item_path, clause)
);
-- table rollup_district_total
CREATE TABLE rollup_district_total (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    inspections INTEGER NOT NULL,
    score_tenths INTEGER NOT NULL,
    scored INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    verdicts INTEGER NOT NULL,
    failed_answers INTEGER NOT NULL,
    PRIMARY KEY (district_id, china_month, status)
);
-- table rollup_failure
CREATE TABLE rollup_failure (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    count INTEGER NOT NULL,
    latest TEXT NOT NULL,
    PRIMARY KEY (site_id, china_month, checklist_id, item_path, clause)
);
-- table rollup_total
CREATE TABLE rollup_total (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    inspections INTEGER NOT NULL,
    score_tenths INTEGER NOT NULL,
    scored INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    verdicts INTEGER NOT NULL,
    failed_answers INTEGER NOT NULL,
    PRIMARY KEY (site_id, china_month, status)
);
-- table server_meta
CREATE TABLE server_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
-- table site
CREATE TABLE site (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisation(id),
            district_id TEXT NOT NULL REFERENCES district(id),
            name TEXT NOT NULL,
            site_type TEXT NOT NULL,
            address TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
-- table site_inspector
CREATE TABLE site_inspector (
            site_id TEXT NOT NULL,
            inspector_id TEXT NOT NULL,
            PRIMARY KEY (site_id, inspector_id)
        );
-- table sqlite_sequence
CREATE TABLE sqlite_sequence(name,seq);
-- table supervisor_district
CREATE TABLE supervisor_district (
            user_id TEXT NOT NULL REFERENCES user(id),
            district_id TEXT NOT NULL REFERENCES district(id),
            PRIMARY KEY (user_id, district_id)
        );
-- table upload
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
        , received INTEGER NOT NULL DEFAULT 0);
-- table user
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
-- table webhook
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
-- table webhook_delivery
CREATE TABLE webhook_delivery (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook_id TEXT NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
            event_seq INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
            status_code INTEGER,
            at TEXT NOT NULL,
            next_at TEXT
        , classification TEXT);
-- trigger audit_event_no_early_delete
CREATE TRIGGER audit_event_no_early_delete BEFORE DELETE ON audit_event
WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-180 days')
BEGIN
    SELECT RAISE(ABORT, 'audit_event rows are kept 180 days at least');
END;
-- trigger audit_event_no_update
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- migration xunjian m001_accounts_and_sites
-- migration xunjian m002_sync
-- migration xunjian m003_evidence
-- migration xunjian m004_findings
-- migration xunjian m005_schedules
-- migration xunjian m006_events
-- migration xunjian m007_inspection_facts
-- migration xunjian m008_open_actions
-- migration xunjian m009_device_window
-- migration xunjian m010_fact_times
-- migration xunjian m011_report_rollups
-- migration xunjian m012_duplicate_flags
-- migration xunjian m013_login_failure_client
-- migration xunjian m014_delivery_classification
-- migration xunjian m015_blob_holders
-- migration xunjian m017_audit_event
-- migration xunjian m020_epoch
-- migration xunjian m021_restores
-- migration xunjian m035_upload_received
-- migration xunjian m050_job_lease
-- migration xunjian m055_photo_custody
-- migration xunjian m060_district_rollups
-- migration xunjian m061_open_action_cover
-- migration xunjian m070_audio_blobs
-- migration xunjian m075_finding_index_unread
-- migration xunjian m080_queue_scan_cover
-- migration xunjian m085_repeat_probe_cover
-- migration xunjian m090_export_order
-- migration xunjian m095_done_months
-- migration xunjian m100_period_first_in_order
-- migration xunjian m101_done_weeks
-- migration xunjian m105_conflicts_in_pages
-- migration xunjian m106_site_inspectors
-- migration xunjian m107_done_days
-- migration xunjian m108_live_devices
-- migration xunjian m109_unread_indexes
