"""m007–m012: stored facts, open actions, the device window, report rollups (issue 13, data at a city's scale)."""

from __future__ import annotations

import sqlite_utils

from sync.db.fact_tables import FACT_TABLES, FACT_TIMES
from sync.db.migrations.registry import migrations, run_script
from sync.db.rollup_tables import ROLLUP_TABLES


@migrations()
def m007_inspection_facts(db: sqlite_utils.Database) -> None:
    """Stored facts of each inspection and its failed items, indexed (see ``sync/db/fact_tables.py``)."""
    run_script(db, FACT_TABLES)


@migrations()
def m008_open_actions(db: sqlite_utils.Database) -> None:
    """Actions carry their finding's site, item, inspection, sequence (never changed); unverified ones indexed."""
    run_script(
        db,
        """
        ALTER TABLE corrective_action ADD COLUMN site_id TEXT;
        ALTER TABLE corrective_action ADD COLUMN item_path TEXT;
        ALTER TABLE corrective_action ADD COLUMN inspection_id TEXT;
        ALTER TABLE corrective_action ADD COLUMN inspection_seq INTEGER;
        UPDATE corrective_action SET
            site_id = (SELECT f.site_id FROM finding f WHERE f.id = corrective_action.finding_id),
            item_path = (SELECT f.item_path FROM finding f WHERE f.id = corrective_action.finding_id),
            inspection_id = (SELECT f.inspection_id FROM finding f WHERE f.id = corrective_action.finding_id),
            inspection_seq = (SELECT f.inspection_seq FROM finding f WHERE f.id = corrective_action.finding_id);
        CREATE INDEX corrective_action_open_item ON corrective_action(site_id, item_path)
            WHERE status IN ('open', 'fixed_reported');
        CREATE INDEX finding_org_newest ON finding(org_id, created_seq DESC, pointer, id);
        CREATE INDEX finding_site_newest ON finding(site_id, created_seq DESC, pointer, id)
        """,
    )


@migrations()
def m009_device_window(db: sqlite_utils.Database) -> None:
    """A device's window: its sites' inspections by creation time, a user's own drafts and returned work."""
    db.execute("CREATE INDEX inspection_site_created ON inspection(site_id, created_at)")
    db.execute("CREATE INDEX inspection_own ON inspection(inspector_id, status) WHERE status IN ('draft', 'returned')")


@migrations()
def m010_fact_times(db: sqlite_utils.Database) -> None:
    """Facts carry their inspection's start time: coverage and due plans read one index (``fact_tables.py``)."""
    run_script(db, FACT_TIMES)


@migrations()
def m011_report_rollups(db: sqlite_utils.Database) -> None:
    """Report sums per site and China month (``sync/db/rollup_tables.py``), filled at start (``engine.rollups``)."""
    run_script(db, ROLLUP_TABLES)


@migrations()
def m012_duplicate_flags(db: sqlite_utils.Database) -> None:
    """Possible duplicates flagged on the facts, read through a partial index (``sync/engine/duplicate_flags.py``)."""
    db.execute("ALTER TABLE inspection_fact ADD COLUMN duplicate INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "CREATE INDEX inspection_fact_duplicate ON inspection_fact(site_id, china_day, checklist_id, inspection_id)"
        " WHERE duplicate = 1"
    )
