"""The report rollups, as migration ``m011_report_rollups`` creates them: a period's sums per site and China month.

Reports cover whole months (a month or a quarter), so they add up these rows instead of every
inspection of the period. Kept current by deltas in the transaction of every change that moves
them (:mod:`sync.engine.rollups`); only the *done* inspections (``submitted``, ``returned``,
``approved``) count, and a row whose count falls to zero is deleted.

* ``rollup_total``: per site, month and status, how many inspections, the sum and count of their
  scores (tenths), passes and verdicts, and failed answers;
* ``rollup_failure``: per site, month, checklist, item and clause, how many failed answers, and the
  greatest id of the inspections failing it (whose version names the item's label);
* ``rollup_action``: per site, month, action status, repeat or not, and days from the finding to
  the closing (``-1`` unless closed with a time), how many actions of active findings.

Applied databases record the migration by name: change the schema with a new migration, never here.
"""

ROLLUP_TABLES = """
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
CREATE TABLE rollup_action (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    PRIMARY KEY (site_id, china_month, status, is_repeat, days_to_close)
)
"""
