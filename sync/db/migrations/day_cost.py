"""m107 (issue 13, coverage of daily plans at 1M): each site's and checklist's first done inspection a day.

A daily plan's periods were probed one by one in ``inspection_fact_first`` (m100): 36,500 probes for
a district's 100 daily plans over a year, each a descent of an index of every inspection, 60 ms in
process at 10k and 103 ms at 1M (where most days hold a done inspection); the coverage with daily
plans grew 2.1–2.3× from 10k to 1M in two runs of ``bench.scale``. ``done_day`` keeps, as
``done_week`` (m101) and ``done_month`` (m095) do, each site's and checklist's first done inspection
of every China day, kept current with the facts (``sync/engine/done_months.py``), so a daily plan's
year is one range of up to 365 rows: 1.0 ms at 10k and 19 ms at 1M for the same 100 plans. Filled
here from the facts.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.fact_tables import DONE_DAY_COLUMNS, DONE_DAY_COMPUTED
from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m107_done_days(db: sqlite_utils.Database) -> None:
    """``done_day`` made and filled from the facts (see the module docstring)."""
    run_timed(
        db,
        "each site's and checklist's first done inspection of every day, from the facts",
        f"""
        CREATE TABLE done_day (
            site_id TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            china_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            PRIMARY KEY (site_id, checklist_id, china_day)
        );
        CREATE INDEX done_day_first ON done_day(site_id, checklist_id, china_day, inspection_id);
        INSERT INTO done_day ({", ".join(DONE_DAY_COLUMNS)}) {DONE_DAY_COMPUTED}
        """,
    )
