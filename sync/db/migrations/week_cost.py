"""m101 (issue 13, coverage of weekly plans at 1M): each site's and checklist's first done inspection a week.

A weekly plan's periods were probed one by one in ``inspection_fact_first`` (m100): 5,300 probes for
a district's 100 weekly plans over a year, each a descent of an index of every inspection. At 1M,
where every week holds a done inspection, they cost 11 ms in process against 4 at 10k, where nine in
ten weeks are empty, and the coverage grew 2.0–2.2× from 10k to 1M in two runs. ``done_week`` keeps,
as ``done_month`` (m095) does per month, the first done inspection of each site's and checklist's ISO
week (``china_week``: its Monday), kept current with the facts (``sync/engine/done_months.py``), so a
weekly plan's year is one range of 53 rows. Filled here from the facts.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.fact_tables import DONE_WEEK_COLUMNS, DONE_WEEK_COMPUTED
from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m101_done_weeks(db: sqlite_utils.Database) -> None:
    """``done_week`` made and filled from the facts (see the module docstring)."""
    run_timed(
        db,
        "each site's and checklist's first done inspection of every week, from the facts",
        f"""
        CREATE TABLE done_week (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_week TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_week)
        );
        CREATE INDEX done_week_first ON done_week(site_id, checklist_id, china_week, inspection_id);
        INSERT INTO done_week ({", ".join(DONE_WEEK_COLUMNS)}) {DONE_WEEK_COMPUTED}
        """,
    )
