"""The tables of inspections' stored facts, as migration ``m007_inspection_facts`` creates them.

Written by ``sync.engine.facts`` when an inspection changes and read by the reports, the queue
and the plans' coverage: ``inspection_fact`` (one row per inspection: status, China day, month and
quarter of ``created_at``, score in integer tenths, verdict, failed critical items and answers)
and ``inspection_failure`` (per inspection and failed item: clause, severity, how many answers).
Applied databases record the migration by name: change the schema with a new migration, never here.
"""

from sync.db.dialect import WEEK_OF_DAY

FACT_TABLES = """
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
);
CREATE INDEX inspection_fact_period
    ON inspection_fact(site_id, china_day, status, score_tenths, verdict, failed_answers);
CREATE INDEX inspection_fact_plan ON inspection_fact(site_id, checklist_id, china_day);
CREATE TABLE inspection_failure (
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    severity TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, item_path)
)
"""

# m010: the inspection's ``created_at`` beside its China day, so the first done inspection of a plan's
# period is read from one covering index, never from the inspection rows (documents and all).
FACT_TIMES = """
ALTER TABLE inspection_fact ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
UPDATE inspection_fact
    SET created_at = (SELECT i.created_at FROM inspection i WHERE i.id = inspection_fact.inspection_id);
CREATE INDEX inspection_fact_first
    ON inspection_fact(site_id, checklist_id, china_day, status, created_at, inspection_id)
"""

# m095: per site, checklist and China month, the first done inspection in coverage's order (China
# day, start time, id), kept by ``sync.engine.done_months``; ``DONE_MONTH_COMPUTED`` is every row from
# the facts (the migration's fill, the rollups' rebuild, the tests).
DONE_MONTH_COLUMNS = ("site_id", "checklist_id", "china_month", "china_day", "created_at", "inspection_id")
DONE_MONTH_COMPUTED = (
    f"SELECT {', '.join(DONE_MONTH_COLUMNS)} FROM (SELECT {', '.join(DONE_MONTH_COLUMNS)}, row_number() OVER"
    " (PARTITION BY site_id, checklist_id, china_month ORDER BY china_day, created_at, inspection_id) AS n"
    " FROM inspection_fact WHERE status IN ('submitted', 'returned', 'approved')) ranked WHERE n = 1"
)

# m101: the same per ISO week (``china_week``: its Monday), kept by ``sync.engine.done_months`` too;
# ``DONE_WEEK_COMPUTED`` is every row from the facts.
DONE_WEEK_COLUMNS = ("site_id", "checklist_id", "china_week", "china_day", "created_at", "inspection_id")
DONE_WEEK_COMPUTED = (
    f"SELECT {', '.join(DONE_WEEK_COLUMNS)} FROM (SELECT site_id, checklist_id, {WEEK_OF_DAY} AS china_week,"
    " china_day, created_at, inspection_id, row_number() OVER (PARTITION BY site_id, checklist_id,"
    f" {WEEK_OF_DAY} ORDER BY china_day, created_at, inspection_id) AS n"
    " FROM inspection_fact WHERE status IN ('submitted', 'returned', 'approved')) ranked WHERE n = 1"
)

# m107: the same per China day (the day itself is the period), kept by ``sync.engine.done_months`` too;
# ``DONE_DAY_COMPUTED`` is every row from the facts.
DONE_DAY_COLUMNS = ("site_id", "checklist_id", "china_day", "created_at", "inspection_id")
DONE_DAY_COMPUTED = (
    f"SELECT {', '.join(DONE_DAY_COLUMNS)} FROM (SELECT {', '.join(DONE_DAY_COLUMNS)}, row_number() OVER"
    " (PARTITION BY site_id, checklist_id, china_day ORDER BY created_at, inspection_id) AS n"
    " FROM inspection_fact WHERE status IN ('submitted', 'returned', 'approved')) ranked WHERE n = 1"
)
