"""m095 (issue 13, coverage at 1M): each site's and checklist's first done inspection of every month, kept.

Coverage probed ``inspection_fact_first`` once per plan period: at 1M a leaf of that index per
period, 1,200 pages for a district's twelve months, 16–28 ms against 9–10 at 10k as the OS page
cache held more or less of them. ``done_month`` keeps, per site, checklist and China month, the
first done inspection (by China day, start time, id: the probe's order), kept current with the
facts (``sync/engine/done_months.py``), so a monthly plan's year is one read of one page (of
``done_month_first``, which carries the id beside the key: the rows lie in the order written). Filled
here from the facts (about 15 s at 1M); a database whose facts are built later (at server start)
gets it with the rollups' rebuild.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.fact_tables import DONE_MONTH_COLUMNS, DONE_MONTH_COMPUTED
from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m095_done_months(db: sqlite_utils.Database) -> None:
    """``done_month`` made and filled from the facts (see the module docstring)."""
    run_timed(
        db,
        "each site's and checklist's first done inspection of every month, from the facts",
        f"""
        CREATE TABLE done_month (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_month TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_month)
        );
        CREATE INDEX done_month_first ON done_month(site_id, checklist_id, china_month, inspection_id);
        INSERT INTO done_month ({", ".join(DONE_MONTH_COLUMNS)}) {DONE_MONTH_COMPUTED}
        """,
    )
