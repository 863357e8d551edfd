"""m060–m061 (issue 13, reads at 1M): reports add up per district; the overdue summary reads small indexes only.

Both backfill in one set-based pass each (no row-by-row loop), printing what they do, so the 1M
store (24 GB) is migrated in minutes when a server first opens it.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script, run_timed
from sync.db.rollup_tables import DISTRICT_FROM_SITES, DISTRICT_ROLLUP_TABLES


@migrations()
def m060_district_rollups(db: sqlite_utils.Database) -> None:
    """Report sums per district and China month, filled from the sites' rollups (``sync/db/rollup_tables.py``).

    A database whose site rollups are not built yet gets them, and these, at start
    (``sync.engine.rollups.backfill``): then this pass adds up empty tables.
    """
    run_script(db, DISTRICT_ROLLUP_TABLES)
    run_timed(db, "district rollups from the sites' rollups", DISTRICT_FROM_SITES)


@migrations()
def m061_open_action_cover(db: sqlite_utils.Database) -> None:
    """The overdue summary's joins answered from indexes, never from the findings' or inspections' rows.

    The unverified actions (a few thousand whatever the history) with their site, deadline,
    finding and inspection; each finding's status by id; each inspection's status by id (one pass
    over the inspections' rows to build, then never their documents).
    """
    run_timed(
        db,
        "indexes of unverified actions, findings' and inspections' status",
        """
        CREATE INDEX corrective_action_open_cover
            ON corrective_action(status, site_id, deadline, finding_id, inspection_id)
            WHERE status IN ('open', 'fixed_reported');
        CREATE INDEX finding_id_status ON finding(id, status);
        CREATE INDEX inspection_id_status ON inspection(id, status)
        """,
    )
